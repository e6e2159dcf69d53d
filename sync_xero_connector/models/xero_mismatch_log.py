# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every record Xero (or the mapping) refused, with all of Xero's messages and what to fix.

One open entry per record, object and direction: a repeat updates it (``occurrences``), the
next success closes it. Ambiguous matches carry their candidates and are resolved by the user.
"""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..xero.validate import safe_text
from .xero_binding import object_selection, open_record_action
from .xero_sync_status_mixin import feedback

MISMATCH_KINDS = [
    ("validation", "Rejected by Xero"),
    ("mapping", "Cannot Be Mapped"),
    ("dependency", "Missing Mapping"),
    ("ambiguous", "Ambiguous Match"),
    ("conflict", "Changed on Both Sides"),
    ("number_conflict", "Number Already in Xero"),
    ("totals", "Totals Differ"),
    ("unsupported", "Not Synced (Unsupported)"),
    ("invalid", "Invalid Data from Xero"),
    ("error", "Error"),
]


class XeroMismatchLog(models.Model):
    _name = "xero.mismatch.log"
    _description = "Xero Mismatch Log"
    _order = "state desc, last_seen desc, id desc"
    _rec_name = "record_name"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    run_id = fields.Many2one("xero.sync.run", ondelete="set null", index=True)
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object", required=True)
    direction = fields.Selection([("import", "Import"), ("export", "Export")], required=True)
    kind = fields.Selection(MISMATCH_KINDS, required=True, default="validation")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, index=True
    )
    record_name = fields.Char(required=True)
    res_model = fields.Char(string="Source Model", index=True)
    res_id = fields.Many2oneReference(string="Source Record ID", model_field="res_model", index=True)
    xero_id = fields.Char(string="Xero ID", index=True)
    messages = fields.Text(help="All of Xero's messages (or the mapping's), one per line.")
    hint = fields.Text(string="How to Fix")
    payload = fields.Text(help="What was sent to Xero (export) or read from it (import).")
    payload_hash = fields.Char()
    candidate_ids = fields.Json(help="Ids of the Odoo records that matched (ambiguous matches).")
    candidate_names = fields.Text(compute="_compute_candidate_names")
    blocking_res_model = fields.Char(string="Blocking Model")
    blocking_res_id = fields.Many2oneReference(
        string="Blocking Record ID",
        model_field="blocking_res_model",
        help="The record this one waits for: a partner not in Xero yet, the document of a "
        "payment, or the mismatch entry of a record that could not be imported.",
    )
    blocking_name = fields.Char(string="Blocked By", compute="_compute_blocking_name")
    clash_field = fields.Char(
        help="The Xero field (Name, Code) whose value a Xero record already has: Xero refused "
        "to create this record, and it can be linked to that one instead."
    )
    occurrences = fields.Integer(default=1)
    first_seen = fields.Datetime(default=fields.Datetime.now, required=True)
    last_seen = fields.Datetime(default=fields.Datetime.now, required=True)
    resolved_at = fields.Datetime()

    @api.depends("candidate_ids", "res_model")
    def _compute_candidate_names(self):
        for log in self:
            ids = log.candidate_ids or []
            if ids and log.res_model:
                records = self.env[log.res_model].browse(ids).exists()
                log.candidate_names = "\n".join("%s (id %s)" % (r.display_name, r.id) for r in records)
            else:
                log.candidate_names = False

    @api.depends("blocking_res_model", "blocking_res_id")
    def _compute_blocking_name(self):
        for log in self:
            record = log._blocking_record()
            log.blocking_name = record.display_name if record else False

    def _blocking_record(self):
        self.ensure_one()
        if not (self.blocking_res_model and self.blocking_res_id) or self.blocking_res_model not in self.env:
            return None
        return self.env[self.blocking_res_model].browse(self.blocking_res_id).exists() or None

    @api.model
    def _open_entry(self, account, object_keys, direction, xero_id=None, res_model=None, res_id=None):
        """The open entry of one record (by Odoo record, else by Xero ID), or an empty set."""
        domain = [
            ("account_id", "=", account.id),
            ("object_key", "in", list(object_keys)),
            ("direction", "=", direction),
            ("state", "=", "open"),
        ]
        if res_id:
            domain += [("res_model", "=", res_model), ("res_id", "=", res_id)]
        else:
            domain.append(("xero_id", "=", xero_id or False))
        return self.sudo().search(domain, limit=1)

    # ------------------------------------------------------------------ writing
    @api.model
    def _key_domain(self, account, object_key, direction, res_model, res_id, xero_id, payload_hash=None):
        domain = [
            ("account_id", "=", account.id),
            ("object_key", "=", object_key),
            ("direction", "=", direction),
            ("state", "=", "open"),
        ]
        if res_id:
            domain += [("res_model", "=", res_model), ("res_id", "=", res_id)]
        else:
            domain += [("xero_id", "=", xero_id or False), ("res_id", "=", False)]
            if not xero_id and payload_hash:
                # Nothing names the record (a Xero element without ID): its content does.
                domain.append(("payload_hash", "=", payload_hash))
        return domain

    @api.model
    def _log(
        self,
        account,
        object_key,
        direction,
        *,
        record_name,
        messages,
        kind="validation",
        res_model=None,
        res_id=None,
        xero_id=None,
        hint=None,
        payload=None,
        payload_hash=None,
        candidate_ids=None,
        run=None,
        blocking=None,
        clash_field=None,
    ):
        """Open (or bump) the entry of one record; returns it. ``blocking``: (model, id) of
        the record this one waits for."""
        if isinstance(messages, str):
            messages = [messages]
        # Whatever Xero sent, the entry must be storable (no NUL, no lone surrogate).
        xero_id = safe_text(xero_id)
        vals = {
            "kind": kind,
            "record_name": safe_text(record_name or self._unnamed(object_key, xero_id)),
            "messages": safe_text("\n".join(str(m) for m in messages if m)),
            "hint": safe_text(hint) or False,
            "payload": safe_text(_as_text(payload)),
            "payload_hash": payload_hash or False,
            "candidate_ids": candidate_ids or False,
            "run_id": run.id if run else False,
            "last_seen": fields.Datetime.now(),
            "xero_id": xero_id or False,
            "blocking_res_model": blocking[0] if blocking else False,
            "blocking_res_id": blocking[1] if blocking else False,
            "clash_field": clash_field or False,
        }
        existing = self.sudo().search(
            self._key_domain(account, object_key, direction, res_model, res_id, xero_id, payload_hash),
            limit=1,
        )
        if existing:
            vals["occurrences"] = existing.occurrences + 1
            existing.write(vals)
            return existing
        vals.update(
            {
                "account_id": account.id,
                "object_key": object_key,
                "direction": direction,
                "res_model": res_model or False,
                "res_id": res_id or False,
            }
        )
        return self.sudo().create(vals)

    @api.model
    def _resolve(self, account, object_key, direction, res_model=None, res_ids=(), xero_ids=()):
        """Close the open entries of records that synced successfully."""
        res_ids = [i for i in res_ids if i]
        xero_ids = [i for i in xero_ids if i]
        if not res_ids and not xero_ids:
            return
        domain = [
            ("account_id", "=", account.id),
            ("object_key", "=", object_key),
            ("direction", "=", direction),
            ("state", "=", "open"),
            # A conflict closes by its resolution (Keep Odoo's / Keep Xero's), not because
            # a later run of the record had nothing to do.
            ("kind", "!=", "conflict"),
        ]
        if res_ids and xero_ids:
            domain += [
                "|",
                "&",
                ("res_model", "=", res_model),
                ("res_id", "in", res_ids),
                ("xero_id", "in", xero_ids),
            ]
        elif res_ids:
            domain += [("res_model", "=", res_model), ("res_id", "in", res_ids)]
        else:
            domain += [("xero_id", "in", xero_ids)]
        self.sudo().search(domain).write({"state": "resolved", "resolved_at": fields.Datetime.now()})

    # ------------------------------------------------------------------ actions
    def action_open_record(self):
        self.ensure_one()
        if not (self.res_model and self.res_id):
            raise UserError(self.env._("This entry is not linked to an Odoo record."))
        return open_record_action(self.res_model, self.res_id)

    def action_open_blocking(self):
        self.ensure_one()
        record = self._blocking_record()
        if not record:
            raise UserError(
                self.env._(
                    "Entry %(name)s names no blocking record (or it was deleted).", name=self.record_name
                )
            )
        return open_record_action(record._name, record.id)

    def action_retry(self):
        """Run the entry's record again (export: send it again; import: read it again) and say
        what happened: resolved, still failing (with Xero's message), or nothing to send."""
        self.account_id._check_xero_user()
        outcomes = [(log, *log._retry()) for log in self.filtered(lambda e: e.state == "open")]
        return self._retry_feedback(outcomes)

    def _retry(self):
        """-> (outcome, message): "resolved", "failing" or "nothing" (nothing was sent or
        read: the entry is closed)."""
        self.ensure_one()
        account = self.account_id
        name = self.record_name
        if self.direction == "export" and self.res_id:
            records = self.env[self.res_model].browse(self.res_id).exists()
            if not records and self.env["xero.binding"]._xero_find(
                account,
                self.object_key,
                res_model=self.res_model,
                res_ids=[self.res_id],
                states=["deleted"],
                limit=1,
            ):
                # Deleted in Odoo, refused by Xero: archive or delete it in Xero again.
                records = self.env[self.res_model].browse(self.res_id)
            if not records:
                self.action_mark_resolved()
                return "nothing", self.env._(
                    "%(name)s no longer exists in Odoo: the entry is closed.", name=name
                )
            run = account._xero_run_object(
                self.object_key, "export", trigger="retry", records=records, force=True
            )
        elif self.direction == "import" and self.xero_id:
            run = account._xero_run_object(
                self.object_key, "import", trigger="retry", xero_ids=[self.xero_id]
            )
        else:
            raise UserError(
                self.env._(
                    "Entry %(name)s cannot be retried: it names no record. Correct the data it "
                    "describes, then click Mark Resolved.",
                    name=name,
                )
            )
        self.invalidate_recordset()
        if self.state == "resolved":
            if self.direction == "export":
                return "resolved", self.env._("%(name)s: Xero accepted it.", name=name)
            return "resolved", self.env._("%(name)s was imported from Xero.", name=name)
        if self.run_id == run:  # this run logged it again
            return "failing", f"{name}: {self.messages}"
        if run.state == "failed":
            return "failing", f"{name}: {run.message}"
        self.action_mark_resolved()
        if self.direction == "export":
            return "nothing", self.env._(
                "Nothing was sent to Xero for %(name)s: it is not to be exported any more (Do "
                "Not Sync, cancelled before it was ever sent, or updates are off). The entry "
                "is closed.",
                name=name,
            )
        return "nothing", self.env._(
            "Xero did not return %(name)s (deleted there, or not a record Odoo imports): "
            "nothing was imported. The entry is closed.",
            name=name,
        )

    def _retry_feedback(self, outcomes):
        if not outcomes:
            return feedback(
                self.env,
                "info",
                self.env._("Nothing to retry"),
                self.env._("These entries are resolved already."),
            )
        if len(outcomes) == 1:
            outcome, message = outcomes[0][1:]
            title = {
                "resolved": self.env._("Resolved"),
                "failing": self.env._("Still failing"),
                "nothing": self.env._("Nothing to send"),
            }[outcome]
            level = {"resolved": "success", "failing": "danger", "nothing": "warning"}[outcome]
            return feedback(self.env, level, title, message)
        count = {
            key: sum(1 for __, outcome, __ in outcomes if outcome == key)
            for key in ("resolved", "failing", "nothing")
        }
        message = self.env._(
            "%(resolved)s resolved, %(failing)s still failing, %(nothing)s with nothing to send (closed).",
            **count,
        )
        failing = [message for __, outcome, message in outcomes if outcome == "failing"]
        if failing:
            message += " " + failing[0]
        return feedback(
            self.env,
            "danger" if failing else "success",
            self.env._("Retried %(count)s entries", count=len(outcomes)),
            message,
        )

    def action_resolve(self):
        """Open the wizard that links an ambiguous record or creates a new one."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.mismatch.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mismatch_id": self.id},
        }

    # ------------------------------------------------ number conflicts (export)
    def _number_conflict_record(self):
        """The Odoo document of an open number conflict (Xero has its number for another
        document), checked for the user's right to run the sync."""
        self.ensure_one()
        self.account_id._check_xero_user()
        if self.kind != "number_conflict" or self.state != "open":
            raise UserError(
                self.env._(
                    "Entry %(name)s is not an open number conflict: use Retry or Mark Resolved on it.",
                    name=self.record_name,
                )
            )
        record = (
            self.env[self.res_model].browse(self.res_id).exists() if self.res_model and self.res_id else None
        )
        if not record:
            raise UserError(
                self.env._(
                    "The Odoo document of entry %(name)s no longer exists: click Mark Resolved.",
                    name=self.record_name,
                )
            )
        return record

    def _conflict_xero_number(self):
        payload = json.loads(self.payload or "{}") if (self.payload or "").startswith("{") else {}
        return payload.get("InvoiceNumber") or payload.get("CreditNoteNumber") or False

    def action_conflict_link(self):
        """Number conflict: it is the same document after all. Link the Odoo document to the
        Xero one; the next export sends Odoo's version to it."""
        record = self._number_conflict_record()
        number = self._conflict_xero_number()
        self.env["xero.mismatch.resolve"].new({"mismatch_id": self.id})._link(record, self.xero_id, number)
        self.action_mark_resolved()
        return feedback(
            self.env,
            "success",
            self.env._("Linked"),
            self.env._(
                "%(name)s is linked to the Xero document %(number)s: the next export sends Odoo's "
                "version to it.",
                name=record.display_name,
                number=number or self.xero_id,
            ),
        )

    def action_conflict_skip(self):
        """Number conflict: never send the Odoo document to Xero (Do Not Sync)."""
        record = self._number_conflict_record()
        record.xero_no_sync = True
        self.action_mark_resolved()
        return feedback(
            self.env,
            "success",
            self.env._("Skipped"),
            self.env._(
                "%(name)s is marked Do Not Sync with Xero: it will not be sent. Untick Do Not Sync "
                "on it to send it again.",
                name=record.display_name,
            ),
        )

    def action_conflict_renumber(self):
        """Number conflict: send the Odoo document to Xero under another number."""
        self._number_conflict_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.number.conflict.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mismatch_id": self.id},
        }

    def action_keep_odoo(self):
        """Conflict: send Odoo's record to Xero, over what Xero has."""
        return self._keep_side("odoo")

    def action_keep_xero(self):
        """Conflict: apply Xero's record to Odoo, dropping Odoo's change."""
        return self._keep_side("xero")

    def _keep_side(self, side):
        self.ensure_one()
        account = self.account_id
        account._check_xero_user()
        if self.kind != "conflict" or self.state != "open":
            raise UserError(
                self.env._(
                    "Entry %(name)s is not an open conflict: use Retry or Mark Resolved on it.",
                    name=self.record_name,
                )
            )
        record = (
            self.env[self.res_model].browse(self.res_id).exists() if self.res_model and self.res_id else None
        )
        if not record:
            self.action_mark_resolved()
            return feedback(
                self.env,
                "warning",
                self.env._("Nothing to resolve"),
                self.env._("%(name)s no longer exists in Odoo: the entry is closed.", name=self.record_name),
            )
        account = account.with_context(xero_conflict_take=side)
        if side == "odoo":
            run = account._xero_run_object(
                self.object_key, "export", trigger="retry", records=record, force=True
            )
        else:
            run = account._xero_run_object(
                self.object_key, "import", trigger="retry", xero_ids=[self.xero_id], force=True
            )
        binding = self.env["xero.binding"]._xero_find(
            account, self.object_key, res_model=self.res_model, res_ids=[self.res_id], limit=1
        )
        if run.state == "failed" or binding.state != "synced":
            other = self.sudo().search(
                [
                    ("account_id", "=", account.id),
                    ("object_key", "=", self.object_key),
                    ("res_model", "=", self.res_model),
                    ("res_id", "=", self.res_id),
                    ("state", "=", "open"),
                    ("kind", "!=", "conflict"),
                ],
                limit=1,
            )
            return feedback(
                self.env,
                "danger",
                self.env._("Still in conflict"),
                self.env._(
                    "%(name)s could not be resolved: %(message)s The conflict entry stays open.",
                    name=self.record_name,
                    message=other.messages or run.message or binding.last_error or "",
                ),
            )
        self.sudo().write({"state": "resolved", "resolved_at": fields.Datetime.now()})
        if side == "odoo":
            message = self.env._("%(name)s: Odoo's values were sent to Xero.", name=self.record_name)
        else:
            message = self.env._("%(name)s: Xero's values were applied in Odoo.", name=self.record_name)
        return feedback(self.env, "success", self.env._("Conflict resolved"), message)

    def action_mark_resolved(self):
        """Part of running the sync: a Xero User may close an entry (the rows are written
        by the engine only, hence sudo)."""
        self.account_id._check_xero_user()
        self.sudo().write({"state": "resolved", "resolved_at": fields.Datetime.now()})

    @api.model
    def _unnamed(self, object_key, xero_id):
        """The name of an entry whose record has none: its object and Xero ID, never a bare
        GUID."""
        label = dict(object_selection(self.env)).get(object_key, object_key)
        return self.env._("%(object)s record %(id)s", object=label, id=xero_id or "?")


def _as_text(payload):
    if payload is None or payload is False:
        return False
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, indent=2, sort_keys=True, default=str)
