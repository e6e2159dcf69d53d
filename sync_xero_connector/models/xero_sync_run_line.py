# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.sync.run.line``: one record a run created, updated, skipped or failed."""

from odoo import fields, models

from .xero_binding import open_record_action
from .xero_sync_run import RESULTS


class XeroSyncRunLine(models.Model):
    _name = "xero.sync.run.line"
    _description = "Xero Sync Run Record"
    _order = "id"

    run_id = fields.Many2one("xero.sync.run", required=True, ondelete="cascade", index=True)
    result = fields.Selection(RESULTS, required=True)
    res_model = fields.Char(string="Odoo Model")
    res_id = fields.Many2oneReference(string="Odoo Record ID", model_field="res_model")
    record_name = fields.Char()
    xero_id = fields.Char(string="Xero ID")
    note = fields.Char()

    def action_open_record(self):
        self.ensure_one()
        return open_record_action(self.res_model, self.res_id)
