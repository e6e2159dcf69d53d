"""Inventory adjustments: the quantity and unit cost rules, the payload (spec-checked), the token
that finds an adjustment after a crash, and a round trip through the sandbox's tracked items."""

import uuid
from datetime import date

import pytest
from xero.mapping.common import MappingError
from xero.mapping.inventory import (
    CONTACT_NAME,
    adjustment_quantity,
    adjustment_to_xero,
    adjustment_unit_cost,
    check_adjustment,
    pending_quantity,
    token_of,
)


def neutral(quantity, cost=250.0, **extra):
    out = {
        "code": "FRIDGE",
        "description": "Refrigerator",
        "quantity": quantity,
        "unit_cost": cost,
        "inventory_account_code": "630",
        "adjustment_account_code": "310",
        "date": date(2026, 3, 2),
        "token": "0123456789ab",
        "line_description": "Inventory adjustment",
    }
    out.update(extra)
    return out


def test_quantity_is_odoo_less_pending_less_xero():
    assert adjustment_quantity(5, 0) == 5.0
    assert adjustment_quantity(3, 5) == -2.0
    assert adjustment_quantity(3, 3) == 0.0
    assert adjustment_quantity(3.00004, 3) == 0.0  # Xero's four decimals
    # An invoice for 2 posted in Odoo, not in Xero yet, and delivered: left to the invoice.
    assert adjustment_quantity(3, 5, pending=pending_quantity([("out_invoice", 2, 1)])) == 0.0
    # A bill for 4 not in Xero yet and received; a refund Xero holds approved, to be voided.
    pending = pending_quantity([("in_invoice", 4, 1), ("out_refund", 1, -1)])
    assert pending == 3.0
    assert adjustment_quantity(9, 6, pending=pending) == 0.0
    assert pending_quantity([("in_refund", 1.5, 1), ("out_invoice", 1, -1)]) == -0.5


def test_unit_cost_never_takes_more_than_xero_holds():
    assert adjustment_unit_cost(5, 250, 0, 0) == 250.0
    assert adjustment_unit_cost(-2, 250, 5, 1250) == 250.0
    # Xero's average is lower than Odoo's cost: the decrease takes what is there.
    assert adjustment_unit_cost(-2, 250, 2, 300) == 150.0
    assert adjustment_unit_cost(-1, 250, 3, 200) == 200.0
    # Emptying the item takes its whole value.
    assert adjustment_unit_cost(-3, 250, 3, 760) == 253.3333
    assert adjustment_unit_cost(-3, 250.123456, 10, 5000) == 250.1235


def test_refusals():
    with pytest.raises(MappingError) as refused:
        check_adjustment("FRIDGE", -2, "630")
    assert refused.value.kind == "unsupported" and "negative" in refused.value.message
    with pytest.raises(MappingError) as refused:
        check_adjustment("FRIDGE", 2, None)
    assert refused.value.kind == "dependency" and "inventory asset account" in refused.value.message
    check_adjustment("FRIDGE", 0, "630")
    with pytest.raises(ValueError):
        adjustment_to_xero(neutral(0))


def test_increase_is_a_zero_total_bill_and_decrease_a_supplier_credit_note(check_request):
    collection, bill = adjustment_to_xero(neutral(5))
    assert collection == "Invoices"
    assert bill == {
        "Type": "ACCPAY",
        "Contact": {"Name": CONTACT_NAME},
        "Date": "2026-03-02",
        "DueDate": "2026-03-02",
        "InvoiceNumber": "Inventory adjustment FRIDGE [odoo:0123456789ab]",
        "LineAmountTypes": "NoTax",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "ItemCode": "FRIDGE",
                "Description": "Refrigerator",
                "Quantity": 5.0,
                "UnitAmount": 250.0,
                "AccountCode": "630",
            },
            {
                "Description": "Inventory adjustment",
                "Quantity": 5.0,
                "UnitAmount": -250.0,
                "AccountCode": "310",
            },
        ],
    }
    check_request("PUT", "/Invoices", {"Invoices": [bill]})
    collection, note = adjustment_to_xero(neutral(-2.5, cost=12.34567))
    assert collection == "CreditNotes"
    assert (note["Type"], note["CreditNoteNumber"]) == (
        "ACCPAYCREDIT",
        "Inventory adjustment FRIDGE [odoo:0123456789ab]",
    )
    assert "DueDate" not in note and "InvoiceNumber" not in note
    assert [(line["Quantity"], line["UnitAmount"]) for line in note["LineItems"]] == [
        (2.5, 12.3457),
        (2.5, -12.3457),
    ]
    check_request("PUT", "/CreditNotes", {"CreditNotes": [note]})
    assert token_of(bill) == token_of(note) == "0123456789ab"
    assert token_of({"InvoiceNumber": "INV-0001"}) is None
    assert token_of({"CreditNoteNumber": "[odoo:XYZ]"}) is None
    assert token_of("not a record") is None


CHART = {
    "Accounts": [
        {"AccountID": str(uuid.uuid4()), "Code": code, "Name": name, "Type": kind, "Status": "ACTIVE"}
        for code, name, kind in (
            ("200", "Sales", "REVENUE"),
            ("310", "Cost of Goods Sold", "DIRECTCOSTS"),
            ("630", "Inventory", "INVENTORY"),
        )
    ]
}


def test_adjustments_bring_the_sandbox_item_to_the_quantity(sandbox, harness):
    sandbox.load_seed(CHART)
    client = harness.client
    [made] = client.write(
        "Items",
        [
            {
                "Code": "FRIDGE",
                "Name": "Refrigerator",
                "InventoryAssetAccountCode": "630",
                "PurchaseDetails": {"COGSAccountCode": "310"},
            }
        ],
        method="PUT",
    )
    assert made.ok, made.messages

    def on_hand():
        item = client.get_record("Items", made.xero_id)
        return item["QuantityOnHand"], item["TotalCostPool"]

    for odoo_qty in (5, 3, 3, 0, 1):
        xero_qty, value = on_hand()
        quantity = adjustment_quantity(odoo_qty, xero_qty)
        if quantity:
            cost = adjustment_unit_cost(quantity, 250, xero_qty, value)
            collection, element = adjustment_to_xero(neutral(quantity, cost=cost))
            [result] = client.write(collection, [element], method="PUT")
            assert result.ok, result.messages
            assert token_of(result.record) == "0123456789ab"
        assert on_hand() == (float(odoo_qty), odoo_qty * 250.0)
