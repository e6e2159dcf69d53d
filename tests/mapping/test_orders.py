"""Quotes and purchase orders: pure mappings both ways, the status workflow, spec conformance,
a sandbox round trip."""

from datetime import date

import pytest
from xero.mapping.common import MappingError
from xero.mapping.orders import PURCHASE_ORDER, QUOTE, order_from_xero, order_to_xero, status_path

CONTACT_ID = "6d42d5fd-8d4d-4aa8-a7a5-2b6d3c9f6a11"


def neutral_order(**kwargs):
    values = {
        "number": "S00042",
        "reference": "PO 17",
        "contact_id": CONTACT_ID,
        "contact_name": "Ridgeway",
        "date": date(2026, 3, 2),
        "due_date": date(2026, 4, 1),
        "status": "DRAFT",
        "currency": "NZD",
        "amount_type": "Exclusive",
        "title": "Fit-out",
        "summary": "Stage 1",
        "terms": "30 days",
        "delivery_address": "1 Quay St",
        "attention_to": "Sam",
        "telephone": "09 555",
        "delivery_instructions": "Back door",
        "lines": [
            {
                "description": "Widget",
                "quantity": 2.0,
                "unit_amount": 12.3456,
                "discount_rate": 5.0,
                "item_code": "WIDGET",
                "account_code": "200",
                "tax_type": "OUTPUT2",
            },
            {"description": "Handled with care", "display": "note"},
        ],
    }
    values.update(kwargs)
    return values


def test_quote_payload():
    payload = order_to_xero(QUOTE, neutral_order(), status="SENT")
    assert payload == {
        "QuoteNumber": "S00042",
        "Reference": "PO 17",
        "Contact": {"ContactID": CONTACT_ID},
        "Date": "2026-03-02",
        "ExpiryDate": "2026-04-01",
        "Status": "SENT",
        "LineAmountTypes": "EXCLUSIVE",
        "CurrencyCode": "NZD",
        "Title": "Fit-out",
        "Summary": "Stage 1",
        "Terms": "30 days",
        "LineItems": [
            {
                "Description": "Widget",
                "Quantity": 2,
                "UnitAmount": 12.3456,
                "ItemCode": "WIDGET",
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
                "DiscountRate": 5,
            },
            {"Description": "Handled with care"},
        ],
    }


def test_purchase_order_payload_and_discount_refused():
    neutral = neutral_order(
        lines=[
            {
                "description": "Parts",
                "quantity": 1,
                "unit_amount": 10,
                "account_code": "310",
                "tax_type": "INPUT2",
            }
        ]
    )
    payload = order_to_xero(PURCHASE_ORDER, neutral, xero_id="abc")
    assert payload["PurchaseOrderID"] == "abc"
    assert payload["DeliveryDate"] == "2026-04-01" and "ExpiryDate" not in payload
    assert (
        payload["AttentionTo"],
        payload["Telephone"],
        payload["DeliveryAddress"],
        payload["DeliveryInstructions"],
    ) == ("Sam", "09 555", "1 Quay St", "Back door")
    assert payload["LineAmountTypes"] == "Exclusive" and "Title" not in payload
    with pytest.raises(MappingError, match="discount"):
        order_to_xero(PURCHASE_ORDER, neutral_order())


def test_refusals():
    with pytest.raises(MappingError) as info:
        order_to_xero(QUOTE, neutral_order(contact_id=None))
    assert info.value.kind == "dependency"
    with pytest.raises(MappingError, match="no lines"):
        order_to_xero(QUOTE, neutral_order(lines=[]))
    with pytest.raises(MappingError, match="Title is 101 characters"):
        order_to_xero(QUOTE, neutral_order(title="x" * 101))
    with pytest.raises(MappingError, match="DeliveryInstructions is 501"):
        order_to_xero(
            PURCHASE_ORDER,
            neutral_order(
                delivery_instructions="x" * 501, lines=[{"description": "a", "quantity": 1, "unit_amount": 1}]
            ),
        )


def test_round_trip_from_xero():
    record = {
        "QuoteID": "q1",
        "QuoteNumber": "QU-0001",
        "Contact": {"ContactID": CONTACT_ID, "Name": "R"},
        "Date": "/Date(1772409600000+0000)/",
        "ExpiryDate": "2026-04-01T00:00:00",
        "Status": "ACCEPTED",
        "LineAmountTypes": "INCLUSIVE",
        "Title": " Fit-out ",
        "CurrencyCode": "NZD",
        "LineItems": [
            {
                "Description": "Widget",
                "Quantity": 2.0,
                "UnitAmount": 10.0,
                "TaxType": "OUTPUT2",
                "ItemCode": "WIDGET",
                "Item": {"ItemID": "i1"},
            }
        ],
        "SubTotal": 17.39,
        "TotalTax": 2.61,
        "Total": 20.0,
    }
    neutral = order_from_xero(QUOTE, record)
    assert (neutral["number"], neutral["status"], neutral["amount_type"], neutral["title"]) == (
        "QU-0001",
        "ACCEPTED",
        "Inclusive",
        "Fit-out",
    )
    assert (neutral["date"], neutral["due_date"]) == (date(2026, 3, 2), date(2026, 4, 1))
    assert neutral["lines"][0]["item_id"] == "i1"
    assert order_to_xero(QUOTE, neutral, "q1")["LineAmountTypes"] == "INCLUSIVE"


@pytest.mark.parametrize(
    "kind,current,wanted,path",
    [
        (QUOTE, None, "DRAFT", ["DRAFT"]),
        (QUOTE, None, "ACCEPTED", ["SENT", "ACCEPTED"]),
        (QUOTE, None, "INVOICED", ["SENT", "ACCEPTED", "INVOICED"]),
        (QUOTE, "DRAFT", "DECLINED", ["SENT", "DECLINED"]),
        (QUOTE, "DECLINED", "INVOICED", ["ACCEPTED", "INVOICED"]),
        (QUOTE, "SENT", "SENT", ["SENT"]),
        (PURCHASE_ORDER, None, "BILLED", ["AUTHORISED", "BILLED"]),
        (PURCHASE_ORDER, "SUBMITTED", "AUTHORISED", ["AUTHORISED"]),
        (PURCHASE_ORDER, "BILLED", "AUTHORISED", ["AUTHORISED"]),
    ],
)
def test_status_path(kind, current, wanted, path):
    assert status_path(kind, current, wanted) == path


@pytest.mark.parametrize(
    "kind,current,wanted",
    [
        (QUOTE, "INVOICED", "ACCEPTED"),
        (QUOTE, "DELETED", "DRAFT"),
        (QUOTE, None, "DELETED"),
        (PURCHASE_ORDER, "AUTHORISED", "DRAFT"),
        (PURCHASE_ORDER, "DELETED", "AUTHORISED"),
        (QUOTE, "DRAFT", "PAID"),
    ],
)
def test_status_path_refused(kind, current, wanted):
    with pytest.raises(MappingError):
        status_path(kind, current, wanted)


def test_payloads_conform_to_the_spec(check_request):
    quote = order_to_xero(QUOTE, neutral_order())
    check_request("PUT", "/Quotes", {"Quotes": [quote]})
    po = order_to_xero(
        PURCHASE_ORDER,
        neutral_order(
            lines=[
                {
                    "description": "Parts",
                    "quantity": 1,
                    "unit_amount": 10,
                    "account_code": "310",
                    "tax_type": "INPUT2",
                }
            ]
        ),
    )
    check_request("PUT", "/PurchaseOrders", {"PurchaseOrders": [po]})


def test_sandbox_round_trip_along_the_workflow(books):
    """Every step ``status_path`` gives is one the sandbox (Xero's rules) accepts."""
    client = books.client
    neutral = neutral_order(
        contact_id=books.customer_id,
        number="RT-1",
        currency="NZD",
        summary=None,
        lines=[{"description": "Widget", "quantity": 1, "unit_amount": 10, "tax_type": "OUTPUT2"}],
    )
    path = status_path(QUOTE, None, "INVOICED")
    [result] = client.write("Quotes", [order_to_xero(QUOTE, neutral, status=path[0])], method="POST")
    assert result.status in ("created", "updated") or result.xero_id, result.messages
    quote_id = result.xero_id
    for status in path[1:]:
        [result] = client.write("Quotes", [{"QuoteID": quote_id, "Status": status}], method="POST")
        assert not result.messages, result.messages
    back = order_from_xero(QUOTE, client.get_record("Quotes", quote_id))
    assert (back["status"], back["number"], back["title"]) == ("INVOICED", "RT-1", "Fit-out")
