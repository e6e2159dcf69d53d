# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quotes <-> sale.order (``xero.object.quotes``; the shared part: ``xero_object_order.py``).

Statuses: DRAFT <-> draft, SENT <-> sent, ACCEPTED <-> confirmed, DECLINED <-> cancelled,
INVOICED <-> confirmed and "Invoiced in Xero" ticked (no Odoo invoice is made up for it; an
order Odoo invoiced in full is sent as INVOICED). A cancelled order Xero never saw as sent is
DELETED there.
"""

from odoo import fields, models
from odoo.tools import html2plaintext, plaintext2html

from ..xero.mapping.common import MappingError
from .xero_object_order import order_datetime

QUOTE_STATES = {
    "DRAFT": "draft",
    "SENT": "sent",
    "ACCEPTED": "sale",
    "INVOICED": "sale",
    "DECLINED": "cancel",
    "DELETED": "cancel",
}


class XeroObjectQuotes(models.AbstractModel):
    _name = "xero.object.quotes"
    _inherit = "xero.object.order"
    _description = "Xero Quotes"
    _xero_key = "quotes"
    _xero_collection = "Quotes"
    _xero_model = "sale.order"
    _xero_kind_name = "quote"

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [("state", "!=", "cancel")]

    def _xero_status_for(self, order, xero_status):
        if order.state == "cancel":
            return "DECLINED" if xero_status in ("SENT", "ACCEPTED", "DECLINED") else "DELETED"
        if order.state == "sale":
            return "INVOICED" if order.xero_invoiced or order.invoice_status == "invoiced" else "ACCEPTED"
        return "SENT" if order.state == "sent" else "DRAFT"

    def _xero_header(self, order):
        terms = html2plaintext(order.note).strip() if order.note else ""
        return {
            "number": order.name,
            "reference": order.client_order_ref or None,
            "date": self._xero_order_date(order),
            "due_date": order.validity_date or None,
            "title": order.xero_title or None,
            "summary": order.xero_summary or None,
            "terms": terms or None,
        }

    def _xero_line_account(self, sync, line):
        accounts = line.product_id.product_tmpl_id.get_product_accounts() if line.product_id else {}
        return accounts.get("income") or self.env["account.account"]

    def _xero_header_vals(self, sync, neutral, record):
        vals = {
            "client_order_ref": neutral.get("reference") or False,
            "date_order": order_datetime(neutral.get("date")) or fields.Datetime.now(),
            "validity_date": neutral.get("due_date") or False,
            "xero_title": neutral.get("title") or False,
            "xero_summary": neutral.get("summary") or False,
            "note": plaintext2html(neutral["terms"]) if neutral.get("terms") else False,
        }
        if neutral.get("number"):
            vals["name"] = neutral["number"]  # else Odoo numbers it
        currency = self._xero_currency_of(sync, neutral)
        if currency != sync.company.currency_id:
            vals["pricelist_id"] = self._xero_pricelist(sync, currency).id
        elif record and record.currency_id != currency:
            vals["pricelist_id"] = False
        if record and record.state == "sale":
            vals.pop("date_order")  # the confirmation date: see _xero_set_status
        return vals

    def _xero_pricelist(self, sync, currency):
        """A pricelist in ``currency`` (a sale order's currency is its pricelist's)."""
        Pricelist = self.env["product.pricelist"].with_context(active_test=False)
        pricelist = Pricelist.search(
            [("currency_id", "=", currency.id), ("company_id", "in", (sync.company.id, False))],
            order="company_id, id",
            limit=1,
        )
        if not pricelist:
            pricelist = Pricelist.with_context(xero_inbound=True).create(
                {
                    "name": self.env._("Xero %(currency)s", currency=currency.name),
                    "currency_id": currency.id,
                    "company_id": sync.company.id,
                }
            )
        return pricelist

    def _xero_set_status(self, sync, neutral, order):
        status = neutral["status"]
        target = QUOTE_STATES[status]
        inbound = order.with_context(xero_inbound=True)
        changed = False
        if order.xero_invoiced != (status == "INVOICED"):
            inbound.xero_invoiced = status == "INVOICED"
            changed = True
        if order.state == target:
            return changed
        if order.state == "sale" and target in ("draft", "sent"):
            raise MappingError(
                self.env._(
                    "%(name)s is confirmed in Odoo; Xero has it back as %(status)s.",
                    name=order.display_name,
                    status=status,
                ),
                hint=self.env._(
                    "Cancel the order in Odoo (Cancel button) and set it to "
                    "quotation, or accept the quote again in Xero; then click "
                    "Retry."
                ),
            )
        if target == "cancel":
            inbound.action_cancel()
            return True
        if order.state == "cancel":
            inbound.action_draft()
        if target == "sent" and order.state == "draft":
            inbound.write({"state": "sent"})
        elif target == "draft" and order.state == "sent":
            inbound.action_draft()
        elif target == "sale":
            inbound.action_confirm()
            # Confirming dates the order today; Xero's date stays the order's.
            if neutral.get("date"):
                inbound.date_order = order_datetime(neutral["date"])
        return True
