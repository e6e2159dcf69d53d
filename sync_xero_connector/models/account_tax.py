# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.tax``: dirty tracking of taxes (the sync declaration: ``xero_object_taxes.py``)."""

from odoo import models


class AccountTax(models.Model):
    _name = "account.tax"
    _inherit = ["account.tax", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name", "amount", "amount_type", "children_tax_ids", "active")
