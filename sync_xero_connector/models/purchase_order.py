# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``purchase.order``: dirty tracking and the Xero status of purchase orders.

The sync declaration is ``xero_object_purchase_orders.py``.
"""

from odoo import fields, models

PURCHASE_TRACKED = (
    "partner_id",
    "date_order",
    "date_planned",
    "partner_ref",
    "currency_id",
    "order_line",
    "state",
    "name",
    "xero_delivery_address",
    "xero_attention_to",
    "xero_telephone",
    "xero_delivery_instructions",
)


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "xero.order.mixin"]
    _xero_tracked_fields = PURCHASE_TRACKED
    _xero_status_keys = ("purchase_orders",)
    _xero_deep_link_url = "https://go.xero.com/Accounts/Payable/PurchaseOrders/View/{id}"

    xero_delivery_address = fields.Text(string="Delivery Address in Xero", copy=False)
    xero_attention_to = fields.Char(
        string="Attention", copy=False, help="The person the Xero purchase order is for."
    )
    xero_telephone = fields.Char(string="Telephone in Xero", copy=False)
    xero_delivery_instructions = fields.Text(
        string="Delivery Instructions", copy=False, help="At most 500 characters in Xero."
    )
    xero_billed = fields.Boolean(
        string="Billed in Xero",
        copy=False,
        readonly=True,
        help="Xero has this purchase order as BILLED. Odoo's own bills are not made up for "
        "it: bill the order in Odoo, or sync the Xero bill (Bills object).",
    )
