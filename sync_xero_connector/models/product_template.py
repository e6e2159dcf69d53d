# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``product.template``: dirty tracking and Xero status (the sync declaration: ``xero_object_items.py``)."""

from odoo import fields, models

from .xero_dirty_mixin import _export_selected

PRODUCT_TRACKED = (
    "name",
    "default_code",
    "description_sale",
    "description_purchase",
    "list_price",
    "standard_price",
    "sale_ok",
    "purchase_ok",
    "type",
    "is_storable",
    "taxes_id",
    "supplier_taxes_id",
    "property_account_income_id",
    "property_account_expense_id",
    "xero_inventory_account_id",
    "xero_cogs_account_id",
    "active",
)


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "xero.dirty.mixin", "xero.sync.status.mixin"]
    _xero_tracked_fields = PRODUCT_TRACKED
    # Items are variants: a template shows its variants' links.
    _xero_status_keys = ("items",)
    _xero_status_model = "product.product"

    xero_inventory_account_id = fields.Many2one(
        "account.account",
        string="Xero Inventory Asset Account",
        company_dependent=True,
        help="Tracked Xero items only: the inventory asset account in Xero.",
    )
    xero_cogs_account_id = fields.Many2one(
        "account.account",
        string="Xero COGS Account",
        company_dependent=True,
        help="Tracked Xero items only: the cost of goods sold account in Xero.",
    )

    def _xero_dirty_targets(self):
        return {"product.product": self.with_context(active_test=False).product_variant_ids.ids}

    def _xero_status_targets(self):
        return {template.id: template.product_variant_ids.ids for template in self}

    def _xero_status_domain(self, bound_ids):
        return [("product_variant_ids", "in", list(bound_ids))]

    def action_xero_export(self):
        return _export_selected(self.with_context(active_test=False).product_variant_ids, "items")

    def _xero_unlink_targets(self):
        # The variants go with their template (a database cascade, not their unlink).
        return self._xero_dirty_targets()
