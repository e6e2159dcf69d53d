# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``product.product``: dirty tracking and Xero status of variants (sync declaration: ``xero_object_items.py``)."""

from odoo import models

from .product_template import PRODUCT_TRACKED
from .xero_dirty_mixin import _export_selected


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "xero.dirty.mixin", "xero.sync.status.mixin"]
    _xero_tracked_fields = PRODUCT_TRACKED + ("lst_price",)
    _xero_status_keys = ("items",)

    def action_xero_export(self):
        return _export_selected(self, "items")
