# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sync entry points of a Xero account: settings per object, runs, buttons, previews.

``_xero_run_object`` is the one place a run starts (buttons, wizards, crons, the CLI and
retries all go through it); the entry point decides whether it commits per batch.

What "all" means: Import All, Export All, ``odoo-bin xero import/export all``, ``sync`` and the
crons run the *enabled* objects whose direction includes the step (``_xero_keys_for``). An
object named explicitly (its own button, ``odoo-bin xero import contacts``) runs either way.
The organisation's setup (chart of accounts, bank accounts, taxes, currencies) is never
exported unless the account's ``export_chart`` says so, not even as what a document needs.
"""

import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..xero import XeroDayLimitError, XeroError
from .xero_account import OBJECT_MODULES, SYNC_OBJECT_KEYS
from .xero_binding import object_selection
from .xero_object import Sync, naive_utc
from .xero_sync_object import SETUP_KEYS

_logger = logging.getLogger(__name__)

RESULT_KEYS = ("created", "updated", "skipped", "failed")
# Session-level advisory lock namespace: one run per (account, object) at a time.
RUN_LOCK_NAMESPACE = 74_820
# Records named per object and outcome in a preview.
PREVIEW_NAMES = 5
# When Xero stops on its day limit without saying until when.
DAY_LIMIT_FALLBACK = timedelta(hours=1)


class XeroAccount(models.Model):
    _inherit = "xero.account"

    sync_object_ids = fields.One2many("xero.sync.object", "account_id", string="Objects")
    run_ids = fields.One2many("xero.sync.run", "account_id")
    run_count = fields.Integer(compute="_compute_sync_counts")
    mismatch_count = fields.Integer(compute="_compute_sync_counts")
    binding_count = fields.Integer(compute="_compute_sync_counts")
    export_chart = fields.Boolean(
        string="Export Chart of Accounts and Taxes",
        help="Off (the default): Odoo's accounts, bank accounts, taxes and currencies are never "
        "sent to Xero: not by Export All, not by their own Export button, not as what an "
        "exported document needs. Documents then use what the organisation already has "
        "(import its chart of accounts and taxes: Odoo's accounts are linked by code; map "
        "other taxes in Configuration > Tax Mapping).\n"
        "On: they are exported like the other objects, creating Odoo's chart in Xero.",
    )
    attachments_include_online = fields.Boolean(
        string="Show Attachments on Online Invoices",
        help="Attachments object: the files of customer invoices and customer credit notes are "
        "uploaded with Xero's IncludeOnline, so that the customer sees them with the "
        "online invoice. Applies to the files uploaded from then on. Off (the default): "
        "they are only visible inside Xero.",
    )
    day_limit_until = fields.Datetime(
        compute="_compute_day_limit_until",
        help="Xero's daily API limit for this organisation is used up: no call is made before this time.",
    )
    sync_defaults_applied = fields.Boolean(
        string="Recommended Objects Applied",
        readonly=True,
        copy=False,
        help="Set at the first connection (or by Enable Recommended Objects): the recommended "
        "objects are not enabled again by a later connection.",
    )

    def _compute_sync_counts(self):
        for account in self:
            account.run_count = self.env["xero.sync.run"].search_count([("account_id", "=", account.id)])
            account.mismatch_count = self.env["xero.mismatch.log"].search_count(
                [("account_id", "=", account.id), ("state", "=", "open")]
            )
            account.binding_count = self.env["xero.binding"].search_count([("account_id", "=", account.id)])

    def _compute_day_limit_until(self):
        for account in self:
            account.day_limit_until = account._xero_resume_at() if account.id else False

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._xero_ensure_sync_objects()
        return accounts

    def write(self, vals):
        res = super().write(vals)
        if "export_chart" in vals:
            self.sudo().sync_object_ids._update_crons()
        return res

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
                Settings.create(
                    [
                        {
                            "account_id": account.id,
                            "object_key": key,
                            "sequence": SYNC_OBJECT_KEYS.index(key) + 1,
                            "direction": "both"
                            if (
                                self.env[objects[key]]._xero_can_import
                                and self.env[objects[key]]._xero_can_export
                            )
                            else ("import" if self.env[objects[key]]._xero_can_import else "export"),
                        }
                        for key in missing
                    ]
                )
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

    # ------------------------------------------------------- recommended set
    def _xero_on_connected(self):
        """The account was just connected: on its first connection, enable the recommended
        objects (unless its objects were set up or run already)."""
        for account in self:
            stored = account.sudo()
            if stored.sync_defaults_applied:
                continue
            stored.sync_defaults_applied = True
            if stored.sync_object_ids.filtered("enabled") or stored.run_ids:
                continue
            account._xero_enable_recommended()

    def _xero_enable_recommended(self):
        """Enable every importable object for import (Xero to Odoo: nothing is written to
        Xero) and say so in the chatter; objects already enabled keep their settings.
        Returns the settings rows that were enabled."""
        self.ensure_one()
        self.sudo().sync_defaults_applied = True
        rows = self.sudo().sync_object_ids.filtered(lambda s: s.can_import and not s.enabled)
        if not rows:
            return rows
        rows.write({"enabled": True, "direction": "import"})
        labels = dict(object_selection(self.env))
        names = ", ".join(labels[key] for key in SYNC_OBJECT_KEYS if key in rows.mapped("object_key"))
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Enabled for import from Xero (nothing is written to Xero): %(names)s.", names=names
                ),
                self.env._("Import All and the scheduled imports now read them into Odoo."),
                self.env._(
                    "To send Odoo records to Xero too, set Direction to Both (or Export) on their "
                    "line in the Synchronisation tab: Export All shows what it would send and asks "
                    "before sending. The chart of accounts, bank accounts, taxes and currencies are "
                    "only exported once Export Chart of Accounts and Taxes is ticked."
                ),
            )
        )
        return rows

    def action_enable_recommended(self):
        self.ensure_one()
        self._check_xero_manager()
        rows = self._xero_enable_recommended()
        if not rows:
            return self._xero_notify(
                self.env._("Nothing to enable"),
                self.env._(
                    "Every object that can be imported is enabled already: see the Synchronisation tab."
                ),
                "info",
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------- what may run
    def _xero_keys_for(self, step, held=False):
        """Keys of the enabled objects whose direction includes ``step`` (import or export),
        in dependency order. Organisation setup objects are left out of exports while
        ``export_chart`` is off; ``held=True`` returns those left out instead."""
        self.ensure_one()
        implemented = self._xero_sync_objects()
        enabled = {
            s.object_key
            for s in self.sudo().sync_object_ids
            if s.enabled and s._does(step) and step in implemented.get(s.object_key, {})
        }
        keep_out = set(SETUP_KEYS) if step == "export" and not self.sudo().export_chart else set()
        wanted = enabled & keep_out if held else enabled - keep_out
        return [key for key in SYNC_OBJECT_KEYS if key in wanted]

    def _xero_may_export(self, key):
        """Whether ``key`` may be exported as what another record needs (a document's
        partner, account or tax): its direction includes export, and for the organisation's
        setup only while ``export_chart`` is ticked."""
        self.ensure_one()
        if key in SETUP_KEYS and not self.sudo().export_chart:
            return False
        return self._xero_settings(key)._does("export")

    def _xero_missing_hint(self, key):
        """How to fix a document whose account or tax is not in Xero while the organisation's
        setup is not exported; None while it is (the dependency was exported, or refused)."""
        self.ensure_one()
        if self.sudo().export_chart:
            return None
        if key == "taxes":
            return self.env._(
                "Map the tax to a Xero tax rate in Xero > Configuration > Tax Mapping (import "
                "the Taxes object first), or tick Export Chart of Accounts and Taxes on the "
                "Xero account %(account)s to create it in Xero; then click Retry.",
                account=self.name,
            )
        return self.env._(
            "Import the Accounts object from Xero (Odoo accounts with the same code are linked) "
            "or use an account Xero has on the line, or tick Export Chart of Accounts and Taxes "
            "on the Xero account %(account)s to create it in Xero; then click Retry.",
            account=self.name,
        )

    def _xero_check_setup_export(self, keys):
        """Refuse to export the organisation's setup while ``export_chart`` is off."""
        self.ensure_one()
        refused = [key for key in keys if key in SETUP_KEYS]
        if refused and not self.sudo().export_chart:
            labels = dict(object_selection(self.env))
            raise UserError(
                self.env._(
                    "%(objects)s are not exported to Xero: the Xero account %(account)s keeps "
                    "Odoo's chart of accounts, bank accounts, taxes and currencies out of the "
                    "organisation. To create them in Xero, tick Export Chart of Accounts and Taxes "
                    "in the account's Synchronisation tab, then export again.",
                    objects=", ".join(labels[key] for key in refused),
                    account=self.name,
                )
            )

    def _xero_check_company(self, records):
        """Refuse records of another company (a user with both ticked in the company
        switcher, a wizard given an id): they are never sent to or linked with this
        company's organisation."""
        self.ensure_one()
        # Deleted ones (a tombstone's Retry) are checked by their link, of this account.
        foreign = records.exists().filtered(
            lambda r: "company_id" in r._fields and r.company_id and r.company_id != self.company_id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "%(names)s belong to %(company)s, not to %(current)s, the company of the "
                    "Xero account %(account)s: nothing was sent or linked. Switch to %(company)s "
                    "in the company switcher (top right) to sync them with its own Xero account.",
                    names=", ".join(foreign[:5].mapped("display_name")),
                    company=foreign[0].company_id.name,
                    current=self.company_id.name,
                    account=self.name,
                )
            )

    def _xero_plan(self, direction, keys=None):
        """``[(step, key)]`` a run of ``direction`` (import, export, or sync: import then
        export) goes through. ``keys`` None means "all": the enabled objects per step."""
        self.ensure_one()
        steps = ("import", "export") if direction == "sync" else (direction,)
        implemented = self._xero_sync_objects()
        plan = []
        for step in steps:
            if keys is None:
                step_keys = self._xero_keys_for(step)
            else:
                step_keys = [k for k in SYNC_OBJECT_KEYS if k in keys and step in implemented.get(k, {})]
                if step == "export":
                    self._xero_check_setup_export(step_keys)
            plan.extend((step, key) for key in step_keys)
        if keys is None and not plan:
            raise UserError(self._xero_nothing_enabled_message(direction))
        return plan

    def _xero_nothing_enabled_message(self, direction):
        if direction == "import":
            return self.env._(
                "No Xero object is enabled for import on %(account)s, so Import All has nothing "
                "to run. Click Enable Recommended Objects on the account (every object, imported "
                "from Xero; nothing is written to Xero), or tick Enabled on the objects to "
                "import in its Synchronisation tab.",
                account=self.name,
            )
        if direction == "export":
            held = self._xero_keys_for("export", held=True)
            return self.env._(
                "No Xero object is enabled for export on %(account)s, so Export All has nothing "
                "to send. In the account's Synchronisation tab, tick Enabled and set Direction "
                "to Export or Both on the objects Xero should receive.%(held)s",
                account=self.name,
                held=(
                    " "
                    + self.env._(
                        "The chart of accounts, bank accounts, taxes and currencies are only sent "
                        "once Export Chart of Accounts and Taxes is ticked."
                    )
                )
                if held
                else "",
            )
        return self.env._(
            "No Xero object is enabled on %(account)s, so there is nothing to synchronise. "
            "Click Enable Recommended Objects on the account, or tick Enabled on the objects "
            "in its Synchronisation tab.",
            account=self.name,
        )

    # ------------------------------------------------------------------ runs
    def _xero_run_object(
        self,
        key,
        direction,
        trigger="manual",
        records=None,
        xero_ids=None,
        force=False,
        full=False,
        since=None,
        commit=None,
    ):
        """Run one object in one direction; returns the ``xero.sync.run``.

        ``commit(processed)`` is called after each batch by entry points that own their
        transaction (crons, the CLI); buttons and wizards pass none. With the context key
        ``xero_dry_run`` (``_xero_preview``) nothing is written to Xero: the client refuses
        writes and exports count what they would send; the caller rolls Odoo back.

        Once Xero's day limit is reached, no call is made until the time Xero gave (the run
        records it in ``resume_at``); a dependency run raises it, so that the run needing it
        stops too.
        """
        self.ensure_one()
        account = self.with_company(self.company_id)
        obj = self.env["xero.object"]._xero_object(key).with_company(self.company_id)
        can = obj._xero_can_import if direction == "import" else obj._xero_can_export
        if not can:
            raise UserError(
                self.env._("Xero %(direction)s of %(key)s is not supported.", direction=direction, key=key)
            )
        if direction == "export":
            self._xero_check_setup_export([key])
            if records is not None:
                self._xero_check_company(records)
        dry_run = bool(self.env.context.get("xero_dry_run"))
        if dry_run:
            commit = None
        settings = account._xero_settings(key)
        client = account._xero_client()
        client.read_only = dry_run
        Run = self.env["xero.sync.run"].sudo()
        run = Run.create(
            {
                "account_id": self.id,
                "object_key": key,
                "direction": direction,
                "trigger": trigger,
            }
        )
        sync = Sync(self.env, account, settings, run, client, commit=commit, force=force)
        sync.dry_run = dry_run
        client.transport.log_hook = sync.recorder.log_hook(client.transport.log_hook)
        started = time.monotonic()
        if not self._xero_try_lock(settings):
            run.write(
                {
                    "state": "failed",
                    "ended_at": fields.Datetime.now(),
                    "message": self.env._(
                        "Another run of this object is in progress: wait for it to end "
                        "(Xero > Sync Runs), then run it again."
                    ),
                }
            )
            return run
        state, message, day_limit = "done", False, None
        resume_at = self._xero_resume_at()
        try:
            if resume_at:
                raise XeroDayLimitError(
                    self.env._(
                        "Xero's daily API limit for this organisation is used up until %(when)s "
                        "UTC: nothing was asked of Xero. Run it again after that time (scheduled "
                        "runs wait for it).",
                        when=fields.Datetime.to_string(resume_at),
                    ),
                    resume_at=resume_at,
                )
            if direction == "import":
                obj._xero_import(sync, full=full, xero_ids=xero_ids, since=since)
            else:
                obj._xero_export(sync, records=records)
        except XeroError as exc:
            state, message = "failed", str(exc)
            _logger.warning("Xero %s of %s failed for account %s: %s", direction, key, self.id, exc)
            if isinstance(exc, XeroDayLimitError):
                day_limit = exc
            if self._xero_connection_lost(exc):
                message = self._not_connected_message()  # said once, by its own activity
            # A day limit is news once (not again for each run it holds back).
            elif (day_limit and not resume_at) or trigger in ("cron", "webhook"):
                self._xero_alert(run, message)
        except UserError as exc:
            state, message = "failed", exc.args[0] if exc.args else str(exc)
        finally:
            self._xero_unlock(settings)
        sync.recorder.flush()
        if state == "done" and sync.recorder.counts["failed"]:
            state = "partial"
        resume = self._xero_resume_of(day_limit) if day_limit else False
        if day_limit and not (day_limit.resume_at or day_limit.retry_after) and not resume_at:
            message = self.env._(
                "%(message)s Xero counts its day over 24 hours: calls resume about %(when)s "
                "UTC (24 hours after the oldest call of the last day); scheduled runs wait "
                "for it, or run it again then.",
                message=message,
                when=fields.Datetime.to_string(resume),
            )
        run.write(
            {
                "state": state,
                "message": message,
                "ended_at": fields.Datetime.now(),
                "duration": time.monotonic() - started,
                "resume_at": resume,
            }
        )
        settings.write({f"last_{direction}_run_id": run.id})
        if trigger in ("cron", "webhook") and state != "failed":
            self._xero_alert_mismatches(run)
        if commit:
            commit(0)
        if day_limit and trigger == "dependency":
            raise day_limit
        return run

    def _xero_resume_of(self, exc):
        """When calls may resume after ``exc`` (naive UTC, as Odoo stores datetimes)."""
        if exc.resume_at:
            return naive_utc(exc.resume_at)
        if exc.retry_after:
            return fields.Datetime.now() + timedelta(seconds=exc.retry_after)
        # Stopped before Xero said when (its last answer left no call): Xero's rolling day
        # frees its first call 24 hours after the oldest call of the last 24 hours.
        now = fields.Datetime.now()
        oldest = (
            self.env["xero.api.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("status", ">", 0),
                    ("create_date", ">", now - timedelta(days=1)),
                ],
                order="create_date",
                limit=1,
            )
        )
        if oldest:
            return max(oldest.create_date + timedelta(days=1), now + timedelta(minutes=1))
        return now + DAY_LIMIT_FALLBACK

    def _xero_resume_at(self):
        """Until when Xero's day limit stops this account's calls (False: it does not)."""
        self.ensure_one()
        run = (
            self.env["xero.sync.run"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("resume_at", ">", fields.Datetime.now()),
                ],
                order="resume_at desc",
                limit=1,
            )
        )
        return run.resume_at

    def _xero_try_lock(self, settings):
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])
        return self.env.cr.fetchone()[0]

    def _xero_unlock(self, settings):
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])

    def _xero_alert(self, run, message):
        """Something needs a human: a message on the account and an activity for its owner."""
        self.ensure_one()
        body = self.env._(
            "Xero %(direction)s of %(object)s failed: %(message)s",
            direction=run.direction,
            object=run.object_key,
            message=message,
        )
        # The caller may be a Xero User, who runs syncs but cannot write the account.
        self.sudo()._xero_activity("failed_run", self.env._("Xero sync failed"), body)

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
        """Object keys named by ``objects``, checked and in dependency order; ``["all"]``
        lists every implemented one (what "all" may cover; which of them run is the
        account's choice: ``_xero_plan`` with ``keys=None``)."""
        implemented = self._xero_sync_objects()
        wanted = list(objects or ["all"])
        if "all" in wanted:
            keys = [
                k
                for k in SYNC_OBJECT_KEYS
                if direction in implemented.get(k, {}) or (direction == "sync" and implemented.get(k))
            ]
            if not keys:
                raise UserError(
                    self.env._(
                        "No Xero object supports %(direction)s yet.",
                        direction=direction,
                    )
                )
            return keys
        unknown = [k for k in wanted if k not in SYNC_OBJECT_KEYS]
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown Xero object(s): %(unknown)s. Known objects: %(known)s.",
                    unknown=", ".join(unknown),
                    known=", ".join(SYNC_OBJECT_KEYS),
                )
            )
        missing = [
            k
            for k in wanted
            if not implemented.get(k) or (direction != "sync" and direction not in implemented[k])
        ]
        absent = [k for k in missing if k in OBJECT_MODULES and not implemented.get(k)]
        if absent:
            raise UserError(
                self.env._(
                    "The %(object)s object needs the module %(module)s, which is not installed: "
                    "install it (Apps), then run again.",
                    object=absent[0],
                    module=OBJECT_MODULES[absent[0]],
                )
            )
        if missing:
            raise UserError(
                self.env._(
                    "Xero %(direction)s of %(objects)s is not supported yet.",
                    direction=direction,
                    objects=", ".join(missing),
                )
            )
        return [k for k in SYNC_OBJECT_KEYS if k in wanted]

    def _xero_run_plan(self, plan, trigger, commit=None):
        """Run ``plan`` (``_xero_plan``) in order; stops at once on Xero's day limit.
        Returns the runs, in order."""
        self.ensure_one()
        runs = self.env["xero.sync.run"]
        for step, key in plan:
            run = self._xero_run_object(key, step, trigger=trigger, commit=commit)
            runs |= run
            if run.resume_at or self.state != "connected":
                break  # nothing else may call Xero before then (or at all)
        return runs

    def _xero_run(self, direction, keys=None, trigger="cli", commit=None):
        """Run ``direction`` (import, export or sync: import then export) of ``keys`` in
        dependency order (None: the enabled objects); returns ``{key: counts}`` plus
        ``errors``: failed runs' messages."""
        self.ensure_one()
        runs = self._xero_run_plan(self._xero_plan(direction, keys), trigger, commit=commit)
        return self._xero_results(runs)

    def _xero_results(self, runs):
        """-> (counts per object, errors): one error per failure message, naming every
        object it stopped (a currency mismatch stops all documents: said once)."""
        results, failures = {}, {}
        for run in runs:
            counts = results.setdefault(run.object_key, dict.fromkeys(RESULT_KEYS, 0))
            for name, value in run._counts().items():
                counts[name] += value
            if run.state == "failed":
                keys = failures.setdefault((run.direction, run.message), [])
                if run.object_key not in keys:
                    keys.append(run.object_key)
        errors = [
            f"{', '.join(keys)} {direction}: {message}" for (direction, message), keys in failures.items()
        ]
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

    # --------------------------------------------------------------- preview
    def _xero_preview(self, direction, keys=None):
        """What a run of ``direction`` would do, without doing it: the same runs with the
        context key ``xero_dry_run`` (read calls only; exports count what they would send,
        pre-matching included), inside a savepoint rolled back at the end, so nothing is
        kept in Odoo either. Returns one dict per (step, object) of the plan:
        ``{step, key, label, created, updated, skipped, failed, names: {outcome: [...]},
        problems: [...], message, held}``."""
        self.ensure_one()
        plan = self._xero_plan(direction, keys)
        Run = self.env["xero.sync.run"].sudo()
        self.env.flush_all()
        before = Run.search([], order="id desc", limit=1).id or 0
        with self.env.cr.savepoint() as savepoint:
            self.with_context(xero_dry_run=True)._xero_run_plan(plan, "manual")
            self.env.flush_all()
            runs = Run.search([("account_id", "=", self.id), ("id", ">", before)], order="id")
            rows = self._xero_preview_rows(plan, runs)
            savepoint.close(rollback=True)
        if keys is None and direction in ("export", "sync"):
            labels = dict(object_selection(self.env))
            rows.extend(
                {
                    "step": "export",
                    "key": key,
                    "label": labels[key],
                    "held": True,
                    "created": 0,
                    "updated": 0,
                    "skipped": 0,
                    "failed": 0,
                    "names": {},
                    "problems": [],
                    "message": self.env._("Not exported: Export Chart of Accounts and Taxes is off."),
                }
                for key in self._xero_keys_for("export", held=True)
            )
        return rows

    def _xero_preview_rows(self, plan, runs):
        labels = dict(object_selection(self.env))
        rows, by_key = [], {}
        for step, key in plan:
            by_key[(step, key)] = row = {
                "step": step,
                "key": key,
                "label": labels[key],
                "held": False,
                "created": 0,
                "updated": 0,
                "skipped": 0,
                "failed": 0,
                "names": {"created": [], "updated": [], "failed": []},
                "problems": [],
                "message": False,
            }
            rows.append(row)
        for run in runs:
            row = by_key.get((run.direction, run.object_key))
            if row is None:  # a dependency of another object, outside the plan
                by_key[(run.direction, run.object_key)] = row = {
                    "step": run.direction,
                    "key": run.object_key,
                    "label": labels[run.object_key],
                    "held": False,
                    "created": 0,
                    "updated": 0,
                    "skipped": 0,
                    "failed": 0,
                    "names": {"created": [], "updated": [], "failed": []},
                    "problems": [],
                    "message": False,
                }
                rows.append(row)
            for name, value in run._counts().items():
                row[name] += value
            for line in run.line_ids:
                names = row["names"].get(line.result)
                if names is not None and len(names) < PREVIEW_NAMES and line.record_name not in names:
                    names.append(line.record_name)
                if line.result == "failed" and line.note and len(row["problems"]) < 3:
                    problem = f"{line.record_name}: {line.note}"
                    if problem not in row["problems"]:
                        row["problems"].append(problem)
            if run.state == "failed" and run.message:
                row["message"] = run.message
        return rows

    def _xero_preview_action(self, direction, keys=None):
        """The preview wizard of a run (Export All, an object's Export button)."""
        self.ensure_one()
        wizard = self.env["xero.sync.preview"]._xero_create_for(self, direction, keys)
        return {
            "type": "ir.actions.act_window",
            "name": wizard.display_name,
            "res_model": "xero.sync.preview",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    # --------------------------------------------------------------- buttons
    def _xero_button_run(self, direction, keys=None):
        """Run from a button: ``keys`` None means the enabled objects."""
        self.ensure_one()
        runs = self._xero_run_plan(self._xero_plan(direction, keys), "manual")
        return self._xero_runs_notification(runs)

    def _xero_runs_notification(self, runs):
        """A toast naming each object with its counts, failed runs' messages once each, and
        a button to these runs (and the dependency runs they started)."""
        runs = runs.sudo()
        if not runs:
            return self._xero_notify(self.env._("Xero"), self.env._("Nothing was run."), "info")
        account = runs[:1].account_id
        labels = dict(object_selection(self.env))
        totals, order, failed = {}, [], []
        for run in runs:
            slot = (run.object_key, run.direction)
            if slot not in totals:
                totals[slot] = dict.fromkeys(RESULT_KEYS, 0)
                order.append(slot)
            for name, value in run._counts().items():
                totals[slot][name] += value
            if run.state == "failed":
                failed.append(run)
        words = {
            "created": self.env._("created"),
            "updated": self.env._("updated"),
            "skipped": self.env._("unchanged"),
            "failed": self.env._("failed"),
        }
        both = len({run.direction for run in runs}) > 1
        lines = []
        for key, direction in order:
            counts = totals[(key, direction)]
            text = ", ".join(
                f"{counts[name]} {words[name]}" for name in RESULT_KEYS if counts[name]
            ) or self.env._("nothing to do")
            label = labels.get(key, key)
            if both:
                label = f"{label} ({direction})"
            lines.append(f"{label}: {text}")
        seen = set()
        for run in failed:
            if run.message and run.message not in seen:
                seen.add(run.message)
                lines.append(
                    self.env._(
                        "%(object)s failed: %(message)s",
                        object=labels.get(run.object_key, run.object_key),
                        message=run.message,
                    )
                )
        organisation = account.tenant_name or account.name
        directions = set(runs.mapped("direction"))
        if directions == {"import"}:
            title = self.env._("Import from %(org)s", org=organisation)
        elif directions == {"export"}:
            title = self.env._("Export to %(org)s", org=organisation)
        else:
            title = self.env._("Sync with %(org)s", org=organisation)
        record_failures = any(counts["failed"] for counts in totals.values())
        # These runs and the dependency runs they started (created after them).
        related = (
            self.env["xero.sync.run"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("id", ">=", min(runs.ids)),
                    ("trigger", "in", list(set(runs.mapped("trigger")) | {"dependency"})),
                ]
            )
            | runs
        )
        runs_action = self.env["ir.actions.act_window"]._for_xml_id(
            "sync_xero_connector.xero_sync_run_action"
        )
        runs_action.update(
            {
                "domain": [("id", "in", related.ids)],
                "context": {},
                "name": title,
                "target": "current",
            }
        )
        if len(related) == 1:
            runs_action.update({"res_id": related.id, "view_mode": "form", "views": [(False, "form")]})
        return {
            "type": "ir.actions.client",
            "tag": "xero_run_notification",
            "params": {
                "type": "danger" if failed else ("warning" if record_failures else "success"),
                "title": title,
                "message": " · ".join(lines),
                "lines": lines,
                "sticky": bool(failed or record_failures),
                "button": self.env._("View the runs") if len(related) > 1 else self.env._("View the run"),
                "runs_action": runs_action,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _xero_notify(self, title, message, kind="info"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_import_all(self):
        self.ensure_one()
        self._check_xero_user()
        return self._xero_button_run("import")

    def action_export_all(self):
        """Export All: first a preview of what would be sent; its Confirm runs it."""
        self.ensure_one()
        self._check_xero_user()
        return self._xero_preview_action("export")

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
