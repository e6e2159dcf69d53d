# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sync entry points of a Xero account: settings per object, runs, buttons.

``_xero_run_object`` is the one place a run starts (buttons, wizards, crons, the CLI and
retries all go through it); the entry point decides whether it commits per batch.
"""
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..xero import XeroDayLimitError, XeroError
from .xero_account import SYNC_OBJECT_KEYS
from .xero_object import Sync

_logger = logging.getLogger(__name__)

RESULT_KEYS = ("created", "updated", "skipped", "failed")
# Session-level advisory lock namespace: one run per (account, object) at a time.
RUN_LOCK_NAMESPACE = 74_820


class XeroAccount(models.Model):
    _inherit = "xero.account"

    sync_object_ids = fields.One2many("xero.sync.object", "account_id", string="Objects")
    run_ids = fields.One2many("xero.sync.run", "account_id")
    run_count = fields.Integer(compute="_compute_sync_counts")
    mismatch_count = fields.Integer(compute="_compute_sync_counts")
    binding_count = fields.Integer(compute="_compute_sync_counts")

    def _compute_sync_counts(self):
        for account in self:
            account.run_count = self.env["xero.sync.run"].search_count(
                [("account_id", "=", account.id)])
            account.mismatch_count = self.env["xero.mismatch.log"].search_count(
                [("account_id", "=", account.id), ("state", "=", "open")])
            account.binding_count = self.env["xero.binding"].search_count(
                [("account_id", "=", account.id)])

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._xero_ensure_sync_objects()
        return accounts

    @api.model
    def _xero_ensure_all_sync_objects(self):
        """Install / upgrade: every account gets the settings of every implemented object."""
        self.with_context(active_test=False).search([])._xero_ensure_sync_objects()

    def _xero_ensure_sync_objects(self):
        """One settings row per implemented object (new objects appear on upgrade)."""
        objects = self.env["xero.object"]._xero_objects()
        Settings = self.env["xero.sync.object"].sudo()
        for account in self:
            have = set(account.sudo().sync_object_ids.mapped("object_key"))
            missing = [key for key in SYNC_OBJECT_KEYS if key in objects and key not in have]
            if missing:
                Settings.create([{
                    "account_id": account.id,
                    "object_key": key,
                    "sequence": SYNC_OBJECT_KEYS.index(key) + 1,
                    "direction": "both" if (self.env[objects[key]]._xero_can_import
                                            and self.env[objects[key]]._xero_can_export)
                    else ("import" if self.env[objects[key]]._xero_can_import else "export"),
                } for key in missing])
        self.env["xero.document.state.map"].sudo()._xero_ensure_defaults(self)

    def _xero_settings(self, key):
        self.ensure_one()
        settings = self.sudo().sync_object_ids.filtered(lambda s: s.object_key == key)
        if not settings:
            self._xero_ensure_sync_objects()
            settings = self.sudo().sync_object_ids.filtered(lambda s: s.object_key == key)
        if not settings:
            raise UserError(self.env._("Xero object %(key)s is not implemented.", key=key))
        return settings[:1]

    # ------------------------------------------------------------------ runs
    def _xero_run_object(self, key, direction, trigger="manual", records=None, xero_ids=None,
                         force=False, full=False, since=None, commit=None):
        """Run one object in one direction; returns the ``xero.sync.run``.

        ``commit(processed)`` is called after each batch by entry points that own their
        transaction (crons, the CLI); buttons and wizards pass none.
        """
        self.ensure_one()
        account = self.with_company(self.company_id)
        obj = self.env["xero.object"]._xero_object(key).with_company(self.company_id)
        can = obj._xero_can_import if direction == "import" else obj._xero_can_export
        if not can:
            raise UserError(self.env._("Xero %(direction)s of %(key)s is not supported.",
                                       direction=direction, key=key))
        settings = account._xero_settings(key)
        client = account._xero_client()
        Run = self.env["xero.sync.run"].sudo()
        run = Run.create({
            "account_id": self.id, "object_key": key, "direction": direction,
            "trigger": trigger,
        })
        sync = Sync(self.env, account, settings, run, client, commit=commit, force=force)
        client.transport.log_hook = sync.recorder.log_hook(client.transport.log_hook)
        started = time.monotonic()
        if not self._xero_try_lock(settings):
            run.write({"state": "failed", "ended_at": fields.Datetime.now(),
                       "message": self.env._("Another run of this object is in progress.")})
            return run
        state, message = "done", False
        try:
            if direction == "import":
                obj._xero_import(sync, full=full, xero_ids=xero_ids, since=since)
            else:
                obj._xero_export(sync, records=records)
        except XeroError as exc:
            state, message = "failed", str(exc)
            _logger.warning("Xero %s of %s failed for account %s: %s", direction, key,
                            self.id, exc)
            if isinstance(exc, XeroDayLimitError) or trigger == "cron":
                self._xero_alert(run, message)
        except UserError as exc:
            state, message = "failed", exc.args[0] if exc.args else str(exc)
        finally:
            self._xero_unlock(settings)
        sync.recorder.flush()
        if state == "done" and sync.recorder.counts["failed"]:
            state = "partial"
        run.write({
            "state": state,
            "message": message,
            "ended_at": fields.Datetime.now(),
            "duration": time.monotonic() - started,
        })
        settings.write({f"last_{direction}_run_id": run.id})
        if commit:
            commit(0)
        return run

    def _xero_try_lock(self, settings):
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)",
                            [RUN_LOCK_NAMESPACE, settings.id])
        return self.env.cr.fetchone()[0]

    def _xero_unlock(self, settings):
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])

    def _xero_alert(self, run, message):
        """Something needs a human: a message on the account and an activity for its owner."""
        self.ensure_one()
        body = self.env._("Xero %(direction)s of %(object)s failed: %(message)s",
                          direction=run.direction, object=run.object_key, message=message)
        self.message_post(body=body)
        if self.user_id:
            self.activity_schedule("mail.mail_activity_data_warning", user_id=self.user_id.id,
                                   summary=self.env._("Xero sync failed"), note=body)

    @api.model
    def _xero_sync_objects(self):
        """``{key: {"import": fn, "export": fn}}`` of the implemented objects."""
        found = {}
        for key, name in self.env["xero.object"]._xero_objects().items():
            model = self.env[name]
            found[key] = {}
            if model._xero_can_import:
                found[key]["import"] = True
            if model._xero_can_export:
                found[key]["export"] = True
        return found

    @api.model
    def _xero_resolve_objects(self, objects, direction):
        """Object keys to run, in dependency order: ``["all"]`` means every implemented one."""
        implemented = self._xero_sync_objects()
        wanted = list(objects or ["all"])
        if "all" in wanted:
            keys = [
                k for k in SYNC_OBJECT_KEYS
                if direction in implemented.get(k, {})
                or (direction == "sync" and implemented.get(k))
            ]
            if not keys:
                raise UserError(self.env._(
                    "No Xero object supports %(direction)s yet.", direction=direction,
                ))
            return keys
        unknown = [k for k in wanted if k not in SYNC_OBJECT_KEYS]
        if unknown:
            raise UserError(self.env._(
                "Unknown Xero object(s): %(unknown)s. Known objects: %(known)s.",
                unknown=", ".join(unknown), known=", ".join(SYNC_OBJECT_KEYS),
            ))
        missing = [
            k for k in wanted
            if not implemented.get(k)
            or (direction != "sync" and direction not in implemented[k])
        ]
        if missing:
            raise UserError(self.env._(
                "Xero %(direction)s of %(objects)s is not supported yet.",
                direction=direction, objects=", ".join(missing),
            ))
        return [k for k in SYNC_OBJECT_KEYS if k in wanted]

    def _xero_run(self, direction, keys, trigger="cli", commit=None):
        """Run ``direction`` (import, export or sync: import then export) of ``keys`` in
        dependency order; returns ``{key: counts}`` plus ``errors``: failed runs' messages."""
        self.ensure_one()
        implemented = self._xero_sync_objects()
        steps = ("import", "export") if direction == "sync" else (direction,)
        results, errors = {}, []
        for step in steps:
            for key in keys:
                if step not in implemented.get(key, {}):
                    continue
                run = self._xero_run_object(key, step, trigger=trigger, commit=commit)
                counts = results.setdefault(key, dict.fromkeys(RESULT_KEYS, 0))
                for name, value in run._counts().items():
                    counts[name] += value
                if run.state == "failed":
                    errors.append(f"{key} {step}: {run.message}")
        return results, errors

    def _xero_last_runs(self):
        """Last run end per object and direction, e.g. ``{"contacts import": datetime}``."""
        self.ensure_one()
        out = {}
        for settings in self.sudo().sync_object_ids:
            for direction in ("import", "export"):
                run = settings[f"last_{direction}_run_id"]
                if run:
                    out[f"{settings.object_key} {direction}"] = run.ended_at or run.started_at
        return out

    # --------------------------------------------------------------- buttons
    def _xero_button_run(self, direction, keys, **kwargs):
        self.ensure_one()
        runs = self.env["xero.sync.run"]
        for key in keys:
            runs |= self._xero_run_object(key, direction, trigger="manual", **kwargs)
        return self._xero_runs_notification(runs)

    def _xero_runs_notification(self, runs):
        totals = dict.fromkeys(RESULT_KEYS, 0)
        for run in runs:
            for name, value in run._counts().items():
                totals[name] += value
        failed = runs.filtered(lambda r: r.state == "failed")
        message = self.env._(
            "%(created)s created, %(updated)s updated, %(skipped)s skipped, %(failed)s failed.",
            **totals,
        )
        if failed:
            message += " " + " ".join(failed.mapped(lambda r: r.message or ""))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "danger" if failed else ("warning" if totals["failed"] else "success"),
                "title": self.env._("Xero"),
                "message": message,
                "sticky": bool(failed or totals["failed"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _xero_keys_for(self, direction):
        implemented = self._xero_sync_objects()
        return [k for k in SYNC_OBJECT_KEYS if direction in implemented.get(k, {})]

    def action_import_all(self):
        self._check_xero_manager()
        return self._xero_button_run("import", self._xero_keys_for("import"))

    def action_export_all(self):
        self._check_xero_manager()
        return self._xero_button_run("export", self._xero_keys_for("export"))

    def action_view_runs(self):
        return self._xero_related_action("sync_xero_connector.xero_sync_run_action")

    def action_view_mismatches(self):
        return self._xero_related_action("sync_xero_connector.xero_mismatch_log_action")

    def action_view_bindings(self):
        return self._xero_related_action("sync_xero_connector.xero_binding_action")

    def _xero_related_action(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("account_id", "=", self.id)]
        return action
