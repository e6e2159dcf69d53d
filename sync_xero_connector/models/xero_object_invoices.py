# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.invoices``: customer invoices (Xero ACCREC) <-> ``out_invoice`` moves."""

from odoo import models


class XeroObjectInvoices(models.AbstractModel):
    _name = "xero.object.invoices"
    _inherit = "xero.object.document"
    _description = "Xero Invoices"
    _xero_key = "invoices"
    _xero_collection = "Invoices"
    _xero_xero_types = ("ACCREC",)
