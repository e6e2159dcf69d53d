# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.bills``: bills (Xero ACCPAY) <-> ``in_invoice`` moves."""

from odoo import models


class XeroObjectBills(models.AbstractModel):
    _name = "xero.object.bills"
    _inherit = "xero.object.document"
    _description = "Xero Bills"
    _xero_key = "bills"
    _xero_collection = "Invoices"
    _xero_xero_types = ("ACCPAY",)
    _xero_unique_key = None
