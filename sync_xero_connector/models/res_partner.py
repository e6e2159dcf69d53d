# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``res.partner``: dirty tracking, Xero status and the default Xero currency of contacts
(the sync declaration: ``xero_object_contacts.py``).
"""

from odoo import fields, models

from .xero_dirty_mixin import _export_selected

PARTNER_TRACKED = (
    "name",
    "is_company",
    "active",
    "ref",
    "email",
    "vat",
    "phone",
    "website",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "xero_currency_id",
    "category_id",
    "property_payment_term_id",
    "property_supplier_payment_term_id",
    "parent_id",
    "type",
    "child_ids",
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "xero.dirty.mixin", "xero.sync.status.mixin"]
    _xero_tracked_fields = PARTNER_TRACKED
    _xero_status_keys = ("contacts",)

    xero_currency_id = fields.Many2one(
        "res.currency",
        string="Xero Default Currency",
        help="The contact's default currency in Xero.",
    )

    def _xero_dirty_targets(self):
        # A child contact or address is part of its parent's Xero contact.
        parents = self.mapped("parent_id")
        return {"res.partner": list(set(self.ids) | set(parents.ids))}

    def action_xero_export(self):
        """Server action "Export to Xero": export the selected partners now."""
        return _export_selected(self, "contacts")
