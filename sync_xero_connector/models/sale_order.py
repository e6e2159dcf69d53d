# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``sale.order``: dirty tracking and the Xero status of sale orders (Xero quotes).

The sync declaration is ``xero_object_quotes.py``.
"""

from odoo import fields, models

SALE_TRACKED = (
    "partner_id",
    "date_order",
    "validity_date",
    "client_order_ref",
    "currency_id",
    "pricelist_id",
    "order_line",
    "state",
    "note",
    "name",
    "xero_title",
    "xero_summary",
)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "xero.order.mixin"]
    _xero_tracked_fields = SALE_TRACKED
    _xero_status_keys = ("quotes",)
    _xero_deep_link_url = "https://go.xero.com/app/quotes/edit/{id}"

    xero_title = fields.Char(
        string="Title in Xero", copy=False, help="The Xero quote's title (at most 100 characters)."
    )
    xero_summary = fields.Text(
        string="Summary in Xero", copy=False, help="The Xero quote's summary (at most 3000 characters)."
    )
    xero_invoiced = fields.Boolean(
        string="Invoiced in Xero",
        copy=False,
        readonly=True,
        help="Xero has this quote as INVOICED. Odoo's own invoices are not made up for it: "
        "invoice the order in Odoo, or sync the Xero invoice (Invoices object).",
    )
