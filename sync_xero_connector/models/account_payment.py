# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.payment``: dirty tracking and Xero status (the sync declaration: ``xero_object_payments.py``)."""

from odoo import models

from .xero_dirty_mixin import _export_selected


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "xero.dirty.mixin", "xero.sync.status.mixin"]
    _xero_tracked_fields = ("state", "amount", "date", "journal_id", "memo", "invoice_ids")
    _xero_status_keys = ("payments",)

    def action_xero_export(self):
        return _export_selected(self, "payments")
