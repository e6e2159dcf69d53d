# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.move.line``: a line written on its own (Journal Items, code, RPC; the invoice form
writes through its move) marks its move for export.
"""

from odoo import models


class AccountMoveLine(models.Model):
    """A line written on its own (Journal Items, code, RPC; the invoice form writes through
    its document) changes what Xero should have of the document."""

    _name = "account.move.line"
    _inherit = ["account.move.line", "xero.dirty.mixin"]
    _xero_tracked_fields = (
        "name",
        "quantity",
        "price_unit",
        "discount",
        "tax_ids",
        "account_id",
        "product_id",
        "analytic_distribution",
    )

    def _xero_dirty_targets(self):
        return {"account.move": self.move_id.ids}

    def _xero_unlink_targets(self):
        return {}  # lines have no binding of their own
