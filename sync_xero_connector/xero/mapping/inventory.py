# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Inventory adjustments: how much a tracked item's quantity on hand must change in Xero, and
the document that changes it. Pure functions, no database.

Xero changes a tracked item's ``QuantityOnHand`` only through approved documents: bills and
supplier credit notes at their amounts, sales invoices and customer credit notes at the item's
average cost. Its developer guide ("Integrating with Xero Tracked Inventory") adjusts the
quantity with a zero-total purchase document: an increase is a bill (ACCPAY) with the item's
line (quantity and unit cost, on its inventory asset account) and a second line of the opposite
amount on the inventory adjustment account; a decrease is the same as a supplier credit note
(ACCPAYCREDIT). Both go AUTHORISED, without tax, to the contact "Inventory Adjustments" (Xero
creates it by name).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from .common import MappingError, clean
from .messages import Text

CONTACT_NAME = "Inventory Adjustments"
# Quantities go with Xero's four decimals; unit costs too (the client asks unitdp=4).
QUANTITY_DIGITS = 4
COST_DIGITS = 4
# Sign of a document line's quantity in Xero's QuantityOnHand, per Odoo move type (once
# approved in Xero): invoices and supplier credit notes take stock out, bills and customer
# credit notes put it in.
DOCUMENT_SIGNS = {"out_invoice": -1, "in_refund": -1, "in_invoice": 1, "out_refund": 1}
# Where an adjustment's token goes: the number of the bill or credit note (both free text for
# purchase documents; a credit note has no Url in the spec).
NUMBER_FIELDS = {"Invoices": "InvoiceNumber", "CreditNotes": "CreditNoteNumber"}
TOKEN = re.compile(r"\[odoo:([0-9a-f]{12})\]")


def _d(value):
    return Decimal(str(value or 0))


def _round(value, digits):
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def pending_quantity(lines):
    """What documents Odoo will still send (or void) do to Xero's quantity: ``lines`` are
    ``(move type, quantity, sign)`` with sign 1 for a document that will reach Xero approved and
    -1 for one Xero holds approved that will be voided."""
    total = Decimal(0)
    for move_type, quantity, sign in lines:
        total += DOCUMENT_SIGNS[move_type] * sign * _d(quantity)
    return float(_round(total, QUANTITY_DIGITS))


def adjustment_quantity(odoo_qty, xero_qty, pending=0.0):
    """The change that makes Xero's quantity Odoo's once the ``pending`` documents are in Xero:
    Odoo's on-hand quantity less what they will do, less what Xero holds. 0.0 when nothing is to
    change (at Xero's four decimals)."""
    target = _d(odoo_qty) - _d(pending)
    return float(_round(target - _d(xero_qty), QUANTITY_DIGITS))


def adjustment_unit_cost(quantity, cost, xero_qty, xero_value):
    """The unit cost an adjustment of ``quantity`` goes at: the product's cost, except that a
    decrease never takes more than the item is worth in Xero (Xero refuses a value below zero),
    and one that empties the item takes its whole value."""
    cost = _round(_d(cost), COST_DIGITS)
    quantity, xero_qty, xero_value = _d(quantity), _d(xero_qty), _d(xero_value)
    if quantity >= 0:
        return float(cost)
    taken = -quantity
    if xero_qty + quantity <= 0 or cost * taken > xero_value:
        return float(_round(max(xero_value, Decimal(0)) / taken, COST_DIGITS))
    return float(cost)


def check_adjustment(code, odoo_qty, inventory_account):
    """MappingError when an adjustment of the item cannot be sent."""
    if _d(odoo_qty) < 0:
        raise MappingError(
            Text("inventory.negative", code=code, quantity=f"{float(odoo_qty):g}"),
            hint=Text("inventory.negative.hint"),
            kind="unsupported",
        )
    if not inventory_account:
        raise MappingError(
            Text("inventory.no_asset_account", code=code),
            hint=Text("inventory.no_asset_account.hint"),
            kind="dependency",
            missing=("items", code),
        )


def adjustment_number(code, token):
    """The document's number: what it is, and the token that finds it after a crash."""
    return f"Inventory adjustment {code} [odoo:{token}]"


def token_of(xero_document):
    """The token of an adjustment this connector sent (None for any other document)."""
    for field in NUMBER_FIELDS.values():
        value = xero_document.get(field) if isinstance(xero_document, dict) else None
        if isinstance(value, str):
            found = TOKEN.search(value)
            if found:
                return found.group(1)
    return None


def adjustment_to_xero(neutral):
    """(collection, element) of one adjustment. ``neutral``: ``{"code", "description",
    "quantity" (signed), "unit_cost", "inventory_account_code", "adjustment_account_code",
    "date" (date), "token", "line_description"}``."""
    quantity = _round(_d(neutral["quantity"]), QUANTITY_DIGITS)
    if quantity == 0:
        raise ValueError("an adjustment changes the quantity")
    collection = "Invoices" if quantity > 0 else "CreditNotes"
    taken = abs(quantity)
    unit = _round(_d(neutral["unit_cost"]), COST_DIGITS)
    day = neutral["date"].isoformat()
    element = {
        "Type": "ACCPAY" if collection == "Invoices" else "ACCPAYCREDIT",
        "Contact": {"Name": CONTACT_NAME},
        "Date": day,
        "DueDate": day if collection == "Invoices" else None,
        NUMBER_FIELDS[collection]: adjustment_number(neutral["code"], neutral["token"]),
        "LineAmountTypes": "NoTax",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "ItemCode": neutral["code"],
                "Description": neutral.get("description") or neutral["code"],
                "Quantity": float(taken),
                "UnitAmount": float(unit),
                "AccountCode": neutral["inventory_account_code"],
            },
            {
                "Description": neutral.get("line_description") or "Inventory adjustment",
                "Quantity": float(taken),
                "UnitAmount": float(-unit),
                "AccountCode": neutral["adjustment_account_code"],
            },
        ],
    }
    return collection, clean(element)
