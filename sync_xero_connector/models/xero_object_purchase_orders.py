# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Purchase orders <-> purchase.order (``xero.object.purchase_orders``; the shared part: ``xero_object_order.py``).

Statuses: DRAFT <-> RFQ, SUBMITTED <-> RFQ sent (or to approve), AUTHORISED <-> confirmed,
BILLED <-> confirmed and "Billed in Xero" ticked (no Odoo bill is made up for it; an order
Odoo billed in full is sent as BILLED), DELETED <-> cancelled.
"""

from odoo import fields, models

from ..xero.mapping.common import MappingError
from .xero_object_order import order_datetime

PO_STATES = {
    "DRAFT": "draft",
    "SUBMITTED": "sent",
    "AUTHORISED": "purchase",
    "BILLED": "purchase",
    "DELETED": "cancel",
}


class XeroObjectPurchaseOrders(models.AbstractModel):
    _name = "xero.object.purchase_orders"
    _inherit = "xero.object.order"
    _description = "Xero Purchase Orders"
    _xero_key = "purchase_orders"
    _xero_collection = "PurchaseOrders"
    _xero_model = "purchase.order"
    _xero_kind_name = "purchase_order"
    _xero_qty_field = "product_qty"

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [("state", "!=", "cancel")]

    def _xero_status_for(self, order, xero_status):
        if order.state == "cancel":
            return "DELETED"
        if order.state == "purchase":
            return "BILLED" if order.xero_billed or order.invoice_status == "invoiced" else "AUTHORISED"
        return "SUBMITTED" if order.state in ("sent", "to approve") else "DRAFT"

    def _xero_header(self, order):
        return {
            "number": order.name,
            "reference": order.partner_ref or None,
            "date": self._xero_order_date(order),
            "due_date": fields.Datetime.to_datetime(order.date_planned).date()
            if order.date_planned
            else None,
            "delivery_address": order.xero_delivery_address or None,
            "attention_to": order.xero_attention_to or None,
            "telephone": order.xero_telephone or None,
            "delivery_instructions": order.xero_delivery_instructions or None,
        }

    def _xero_line_account(self, sync, line):
        """The product's expense account, else the purchase journal's: Xero needs an account
        on the lines of an approved purchase order."""
        accounts = line.product_id.product_tmpl_id.get_product_accounts() if line.product_id else {}
        if accounts.get("expense"):
            return accounts["expense"]
        if "purchase_account" not in sync.cache:
            sync.cache["purchase_account"] = (
                self.env["account.journal"]
                .search([("company_id", "=", sync.company.id), ("type", "=", "purchase")], limit=1)
                .default_account_id
            )
        return sync.cache["purchase_account"]

    def _xero_line_vals(self, sync, neutral, line):
        vals = super()._xero_line_vals(sync, neutral, line)
        if not line.get("display"):
            vals["date_planned"] = (
                order_datetime(neutral.get("due_date") or neutral.get("date")) or fields.Datetime.now()
            )
        return vals

    def _xero_header_vals(self, sync, neutral, record):
        vals = {
            "partner_ref": neutral.get("reference") or False,
            "date_order": order_datetime(neutral.get("date")) or fields.Datetime.now(),
            "currency_id": self._xero_currency_of(sync, neutral).id,
            "xero_delivery_address": neutral.get("delivery_address") or False,
            "xero_attention_to": neutral.get("attention_to") or False,
            "xero_telephone": neutral.get("telephone") or False,
            "xero_delivery_instructions": neutral.get("delivery_instructions") or False,
        }
        if neutral.get("number"):
            vals["name"] = neutral["number"]  # else Odoo numbers it
        if record and record.state == "purchase":
            vals.pop("date_order")
        return vals

    def _xero_set_status(self, sync, neutral, order):
        status = neutral["status"]
        target = PO_STATES[status]
        inbound = order.with_context(xero_inbound=True)
        changed = False
        if order.xero_billed != (status == "BILLED"):
            inbound.xero_billed = status == "BILLED"
            changed = True
        state = "sent" if order.state == "to approve" else order.state
        if state == target:
            return changed
        if state == "purchase" and target in ("draft", "sent"):
            raise MappingError(
                self.env._(
                    "%(name)s is confirmed in Odoo; Xero has it back as %(status)s.",
                    name=order.display_name,
                    status=status,
                ),
                hint=self.env._(
                    "Cancel the order in Odoo and set it back to RFQ, or approve "
                    "it again in Xero; then click Retry."
                ),
            )
        if target == "cancel":
            inbound.button_cancel()
            return True
        if state == "cancel":
            inbound.button_draft()
        if target in ("draft", "sent"):
            inbound.write({"state": target})
        else:
            inbound.button_confirm()
            if neutral.get("date"):
                inbound.date_order = order_datetime(neutral["date"])
        return True
