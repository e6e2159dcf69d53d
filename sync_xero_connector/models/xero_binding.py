# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which Odoo record is which Xero record, per Xero account and object.

A partner synced to two organisations has two bindings (two ContactIDs); nothing is shared
between accounts. ``state`` drives export: ``pending`` is set by a write to a synced field
(never by an inbound write), ``synced`` after an exchange, ``error`` after a rejection.
"""
from odoo import api, fields, models

from .xero_account import SYNC_OBJECT_KEYS

def open_record_action(res_model, res_id):
    """The window action opening one record (bindings, run lines, mismatch entries)."""
    return {
        "type": "ir.actions.act_window",
        "res_model": res_model,
        "res_id": res_id,
        "view_mode": "form",
    }


BINDING_STATES = [("synced", "Synced"), ("pending", "To Export"), ("error", "Error")]


def object_selection(env):
    labels = {key: key.replace("_", " ").title() for key in SYNC_OBJECT_KEYS}
    return [(key, labels[key]) for key in SYNC_OBJECT_KEYS]


class XeroBinding(models.Model):
    _name = "xero.binding"
    _description = "Xero Binding"
    _order = "account_id, object_key, id"

    account_id = fields.Many2one(
        "xero.account", required=True, ondelete="cascade", index=True, readonly=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    object_key = fields.Selection(
        lambda self: object_selection(self.env), string="Object", required=True, readonly=True,
    )
    res_model = fields.Char(string="Odoo Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Odoo Record ID", model_field="res_model", required=True, index=True,
        readonly=True,
    )
    record_name = fields.Char(compute="_compute_record_name")
    xero_id = fields.Char(string="Xero ID", index=True, readonly=True)
    xero_number = fields.Char(string="Xero Number / Code", readonly=True)
    xero_updated_at = fields.Datetime(
        string="Xero Updated", readonly=True,
        help="Xero's UpdatedDateUTC of the record as last exchanged.",
    )
    xero_hash = fields.Char(
        readonly=True, help="Hash of the Xero record as last read (for objects without dates).",
    )
    payload_hash = fields.Char(readonly=True, help="Hash of the last payload sent to Xero.")
    state = fields.Selection(BINDING_STATES, default="synced", required=True, index=True)
    last_error = fields.Text(readonly=True)
    last_sync_at = fields.Datetime(readonly=True)
    last_direction = fields.Selection(
        [("import", "Import"), ("export", "Export")], readonly=True,
    )
    is_primary = fields.Boolean(
        default=True, readonly=True,
        help="The binding used when importing the Xero record. Some objects (taxes) allow "
             "other Odoo records to be mapped to the same Xero record for export only.",
    )
    xero_data = fields.Json(readonly=True, help="Object-specific state, e.g. group memberships.")

    _uniq_record = models.UniqueIndex(
        "(account_id, object_key, res_id)",
        "An Odoo record can be bound to only one Xero record per Xero account.",
    )
    _uniq_xero = models.UniqueIndex(
        "(account_id, object_key, xero_id) WHERE is_primary AND xero_id IS NOT NULL",
        "A Xero record can be bound to only one Odoo record per Xero account.",
    )

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for binding in self:
            record = binding._record()
            binding.record_name = record.display_name if record.exists() else False

    @api.depends("object_key", "xero_number", "xero_id", "record_name")
    def _compute_display_name(self):
        for binding in self:
            binding.display_name = "%s ↔ %s" % (
                binding.record_name or "?", binding.xero_number or binding.xero_id or "?",
            )

    def _record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).with_context(active_test=False)

    @api.model
    def _mark_pending(self, model, ids):
        """A synced field of these records changed in Odoo: export them next time."""
        ids = [i for i in ids if i]
        if not ids:
            return
        self.flush_model(["state", "res_model", "res_id"])
        self.env.cr.execute(
            "UPDATE xero_binding SET state = 'pending' "
            "WHERE res_model = %s AND res_id = ANY(%s) AND state = 'synced'",
            [model, list(ids)],
        )
        self.invalidate_model(["state"])

    def action_open_record(self):
        self.ensure_one()
        return open_record_action(self.res_model, self.res_id)
