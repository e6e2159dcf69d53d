# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.partial.reconcile``: a reconciliation made or undone changes the allocations of credit notes."""

from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A reconciliation made or undone changes the allocations of credit notes."""

    _inherit = "account.partial.reconcile"

    def _xero_touch(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id.filtered(
            lambda m: m.move_type in ("out_refund", "in_refund")
        )
        if moves:
            self.env["xero.binding"].sudo()._mark_pending("account.move", moves.ids)

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        if not self.env.context.get("xero_inbound"):
            partials._xero_touch()
        return partials

    def unlink(self):
        if not self.env.context.get("xero_inbound"):
            self._xero_touch()
        return super().unlink()
