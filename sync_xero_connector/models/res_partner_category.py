# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``res.partner.category``: dirty tracking of partner tags (sync declaration: ``xero_object_contact_groups.py``)."""

from odoo import models


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _inherit = ["res.partner.category", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name", "active")
