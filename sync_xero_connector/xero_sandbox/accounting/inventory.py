"""Tracked inventory: what approved documents do to their items' QuantityOnHand and TotalCostPool.

Xero moves the quantity of a tracked item (``IsTrackedAsInventory``) only through transactions
(its help "What you need to know about inventory adjustments"; its developer guide "Integrating
with Xero Tracked Inventory"), and only once they are approved (AUTHORISED, then PAID):

- a bill (ACCPAY) adds its quantity, at the line's amount before tax (base currency);
- a supplier credit note (ACCPAYCREDIT) removes its quantity and the line's amount;
- a sales invoice (ACCREC) removes its quantity at the item's average cost (TotalCostPool over
  QuantityOnHand; the last unit takes what is left of the pool);
- a customer credit note (ACCRECCREDIT, goods back) adds its quantity at the average cost.

An "inventory adjustment" is such a document with a zero total: the item's line plus a line
with the opposite amount on an adjustment account. Voiding or deleting an approved document
takes its effect back; editing it replaces the effect. Xero refuses a transaction that would
take an item's quantity or value below zero: the element gets a validation error and nothing of
it is written. (The messages are the sandbox's own; Xero's exact wording is not documented.)

What each document did is kept per tenant (``Tenant.inventory``, part of every undo point), so
that a void gives back exactly what the approval took.
"""

from decimal import Decimal

from .common import Invalid, money, num, q

POSTED = ("AUTHORISED", "PAID")
# Document type -> (sign of the quantity, value: "line" (its amount) or "average" (cost pool)).
EFFECTS = {
    "ACCPAY": (1, "line"),
    "ACCPAYCREDIT": (-1, "line"),
    "ACCREC": (-1, "average"),
    "ACCRECCREDIT": (1, "average"),
}
ID_FIELDS = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID"}


def _d(value):
    return Decimal(str(value or 0))


def wanted(ctx, record):
    """``{ItemID: (quantity, value or None)}`` the document means for its tracked items (None:
    at the item's average cost when applied); empty unless it is approved."""
    if record.get("Status") not in POSTED or record.get("Type") not in EFFECTS:
        return {}
    sign, valued = EFFECTS[record["Type"]]
    rate = _d(record.get("CurrencyRate")) or Decimal(1)
    inclusive = str(record.get("LineAmountTypes") or "").lower() == "inclusive"
    out = {}
    for line in record.get("LineItems") or []:
        item_id = (line.get("Item") or {}).get("ItemID")
        item = ctx.tenant.get("Items", item_id) if item_id else None
        if item is None or not item.get("IsTrackedAsInventory"):
            continue
        quantity, value = out.get(item_id, (Decimal(0), Decimal(0)))
        quantity += sign * _d(line.get("Quantity"))
        if valued == "line":
            amount = _d(line.get("LineAmount")) - (_d(line.get("TaxAmount")) if inclusive else 0)
            value += sign * q(amount / rate)
            out[item_id] = (quantity, value)
        else:
            out[item_id] = (quantity, None)
    return out


def apply(ctx, collection, record):
    """Bring the items of ``record`` to what it now means (after it was stored). Raises
    Invalid when an item would go below zero (the caller's undo point takes it all back)."""
    if ctx.seeding or collection not in ID_FIELDS:
        return  # a seed's items carry their own quantities
    key = (collection, record[ID_FIELDS[collection]])
    done = dict(ctx.tenant.inventory.get(key, {}))
    target = wanted(ctx, record)
    for item_id in sorted(set(done) | set(target)):
        old_qty, old_value = done.get(item_id, (Decimal(0), Decimal(0)))
        new_qty, new_value = target.get(item_id, (Decimal(0), Decimal(0)))
        if new_qty == old_qty and (new_value is None or new_value == old_value):
            continue  # unchanged (an edit of another field): not valued again
        item = ctx.tenant.get("Items", item_id)
        if item is None or not item.get("IsTrackedAsInventory"):
            done.pop(item_id, None)
            continue
        on_hand = _d(item.get("QuantityOnHand")) - old_qty
        pool = _d(item.get("TotalCostPool")) - old_value
        if new_value is None:
            new_value = _at_average(item, on_hand, pool, new_qty)
        quantity, value = on_hand + new_qty, pool + new_value
        label = item.get("Code")
        if quantity < 0:
            raise Invalid(
                f"The quantity on hand of the tracked item '{label}' cannot go below zero: it has "
                f"{num(on_hand, 4):g} and this transaction takes {num(-new_qty, 4):g}."
            )
        if value < 0:
            raise Invalid(
                f"The value of the tracked item '{label}' cannot go below zero: it is worth "
                f"{money(pool):.2f} and this transaction takes {money(-new_value):.2f}."
            )
        updated = dict(item)
        updated["QuantityOnHand"] = num(quantity, 4)
        updated["TotalCostPool"] = money(value)
        # Not stamped: whether Xero moves an item's UpdatedDateUTC when its quantity changes
        # is not documented (README, choices).
        ctx.tenant.put("Items", updated)
        if new_qty or new_value:
            done[item_id] = (new_qty, new_value)
        else:
            done.pop(item_id, None)
    if done:
        ctx.tenant.inventory[key] = done
    else:
        ctx.tenant.inventory.pop(key, None)


def _at_average(item, on_hand, pool, quantity):
    """The value of ``quantity`` units at the item's average cost (the pool left when the
    last units go; the purchase price when none is on hand)."""
    if quantity < 0 and on_hand + quantity == 0:
        return -pool
    if on_hand > 0:
        return q(pool / on_hand * quantity)
    price = _d((item.get("PurchaseDetails") or {}).get("UnitPrice"))
    return q(price * quantity)
