# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every record Xero (or the mapping) refused, with all of Xero's messages and what to fix.

One open entry per record, object and direction: a repeat updates it (``occurrences``), the
next success closes it. Ambiguous matches carry their candidates and are resolved by the user.
"""
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from .xero_binding import object_selection, open_record_action

MISMATCH_KINDS = [
    ("validation", "Rejected by Xero"),
    ("mapping", "Cannot Be Mapped"),
    ("dependency", "Missing Mapping"),
    ("ambiguous", "Ambiguous Match"),
    ("totals", "Totals Differ"),
    ("unsupported", "Not Synced (Unsupported)"),
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
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object",
                                  required=True)
    direction = fields.Selection([("import", "Import"), ("export", "Export")], required=True)
    kind = fields.Selection(MISMATCH_KINDS, required=True, default="validation")
    state = fields.Selection([("open", "Open"), ("resolved", "Resolved")], default="open",
                             required=True, index=True)
    record_name = fields.Char(required=True)
    res_model = fields.Char(string="Source Model", index=True)
    res_id = fields.Many2oneReference(string="Source Record ID", model_field="res_model",
                                      index=True)
    xero_id = fields.Char(string="Xero ID", index=True)
    messages = fields.Text(help="All of Xero's messages (or the mapping's), one per line.")
    hint = fields.Text(string="How to Fix")
    payload = fields.Text(help="What was sent to Xero (export) or read from it (import).")
    payload_hash = fields.Char()
    candidate_ids = fields.Json(help="Ids of the Odoo records that matched (ambiguous matches).")
    candidate_names = fields.Text(compute="_compute_candidate_names")
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
                log.candidate_names = "\n".join(
                    "%s (id %s)" % (r.display_name, r.id) for r in records
                )
            else:
                log.candidate_names = False

    # ------------------------------------------------------------------ writing
    @api.model
    def _key_domain(self, account, object_key, direction, res_model, res_id, xero_id):
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
        return domain

    @api.model
    def _log(self, account, object_key, direction, *, record_name, messages, kind="validation",
             res_model=None, res_id=None, xero_id=None, hint=None, payload=None,
             payload_hash=None, candidate_ids=None, run=None):
        """Open (or bump) the entry of one record; returns it."""
        if isinstance(messages, str):
            messages = [messages]
        vals = {
            "kind": kind,
            "record_name": record_name or xero_id or "?",
            "messages": "\n".join(str(m) for m in messages if m),
            "hint": hint or False,
            "payload": _as_text(payload),
            "payload_hash": payload_hash or False,
            "candidate_ids": candidate_ids or False,
            "run_id": run.id if run else False,
            "last_seen": fields.Datetime.now(),
            "xero_id": xero_id or False,
        }
        existing = self.sudo().search(
            self._key_domain(account, object_key, direction, res_model, res_id, xero_id), limit=1,
        )
        if existing:
            vals["occurrences"] = existing.occurrences + 1
            existing.write(vals)
            return existing
        vals.update({
            "account_id": account.id,
            "object_key": object_key,
            "direction": direction,
            "res_model": res_model or False,
            "res_id": res_id or False,
        })
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
        ]
        if res_ids and xero_ids:
            domain += ["|", "&", ("res_model", "=", res_model), ("res_id", "in", res_ids),
                       ("xero_id", "in", xero_ids)]
        elif res_ids:
            domain += [("res_model", "=", res_model), ("res_id", "in", res_ids)]
        else:
            domain += [("xero_id", "in", xero_ids)]
        self.sudo().search(domain).write({"state": "resolved",
                                          "resolved_at": fields.Datetime.now()})

    # ------------------------------------------------------------------ actions
    def action_open_record(self):
        self.ensure_one()
        if not (self.res_model and self.res_id):
            raise UserError(self.env._("This entry is not linked to an Odoo record."))
        return open_record_action(self.res_model, self.res_id)

    def action_retry(self):
        """Run the entry's record again (export: send it again; import: read it again)."""
        for log in self.filtered(lambda entry: entry.state == "open"):
            account = log.account_id
            if log.direction == "export" and log.res_id:
                records = self.env[log.res_model].browse(log.res_id).exists()
                if not records:
                    log.write({"state": "resolved", "resolved_at": fields.Datetime.now()})
                    continue
                account._xero_run_object(log.object_key, "export", trigger="retry",
                                         records=records, force=True)
            elif log.direction == "import" and log.xero_id:
                account._xero_run_object(log.object_key, "import", trigger="retry",
                                         xero_ids=[log.xero_id])
            else:
                raise UserError(self.env._(
                    "Entry %(name)s cannot be retried: it names no record.", name=log.record_name,
                ))
        return True

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

    def action_mark_resolved(self):
        self.write({"state": "resolved", "resolved_at": fields.Datetime.now()})


def _as_text(payload):
    if payload is None or payload is False:
        return False
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, indent=2, sort_keys=True, default=str)
