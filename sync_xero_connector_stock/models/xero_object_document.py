# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Invoices, bills and credit notes leave the inventory adjustments alone: the zero-total bills
and supplier credit notes the inventory object sends are not Odoo documents, and are never
imported as vendor bills or refunds."""

from odoo import models


class XeroObjectDocument(models.AbstractModel):
    _inherit = "xero.object.document"

    def _xero_wants(self, sync, xero_record):
        if not super()._xero_wants(sync, xero_record):
            return False
        return not self.env["xero.object.inventory"]._xero_is_adjustment(sync, xero_record)
