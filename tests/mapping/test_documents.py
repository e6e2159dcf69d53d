"""Invoices, bills and credit notes (xero/mapping/documents.py): exact neutral dicts and payloads for
the four document types, every refusal, spec conformance, totals predicted to the cent against the
sandbox's own computation, round trips through the sandbox, and credit-note allocations."""

import copy
import re
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from xero.mapping.common import MappingError
from xero.mapping.documents import (
    allocation_changes,
    allocation_to_xero,
    amount_type_of,
    document_from_xero,
    document_to_xero,
    expected_totals,
    line_amount,
    status_payload,
    totals_difference,
)

UTC = timezone.utc  # noqa: UP017 (datetime.UTC is Python 3.11+; the addon supports 3.10)
D = Decimal

CONTACT_ID = "430fa14a-f945-44d3-9f97-5df5e28441b8"
INVOICE_ID = "ed255415-e141-4150-aab7-89c3bbbb851c"
INVOICE_2_ID = "c45720a1-ade3-4a38-a064-d15489be6841"
CREDIT_ID = "f9256f04-5a99-4680-acb9-6b4639cc439a"
ACCOUNT_OF = {"ACCREC": "200", "ACCRECCREDIT": "200", "ACCPAY": "400", "ACCPAYCREDIT": "400"}


def line(description="Widget", quantity=1, unit_amount=10, account_code="200", tax_type="OUTPUT2", **extra):
    out = {
        "description": description,
        "quantity": quantity,
        "unit_amount": unit_amount,
        "discount_rate": None,
        "item_code": None,
        "account_code": account_code,
        "tax_type": tax_type,
        "tracking": [],
        "display": None,
    }
    out.update(extra)
    return out


def note(text, display="note", **extra):
    return dict({"description": text, "display": display}, **extra)


def doc(doc_type="ACCREC", **overrides):
    """A neutral document (an AUTHORISED NZD one by default) with ``overrides`` applied."""
    out = {
        "xero_id": None,
        "type": doc_type,
        "number": "DOC-1",
        "reference": None,
        "contact_id": CONTACT_ID,
        "contact_name": "Ridgeway Bakery Ltd",
        "date": date(2026, 1, 15),
        "due_date": date(2026, 2, 14),
        "status": "AUTHORISED",
        "currency": "NZD",
        "rate": 1.0,
        "amount_type": "Exclusive",
        "lines": [line(account_code=ACCOUNT_OF.get(doc_type, "200"))],
    }
    out.update(copy.deepcopy(overrides))
    return out


# ------------------------------------------------------------------------------- from Xero
# PAYLOADS.md section 2, response of PUT /Invoices (TRIMMED: Contact cut down), verbatim otherwise.
INV_0007 = {
    "Type": "ACCREC",
    "InvoiceID": INVOICE_ID,
    "InvoiceNumber": "INV-0007",
    "Reference": "Website Design",
    "Prepayments": [],
    "Overpayments": [],
    "AmountDue": 40.00,
    "AmountPaid": 0.00,
    "SentToContact": False,
    "CurrencyRate": 1.000000,
    "HasErrors": False,
    "IsDiscounted": False,
    "Contact": {"ContactID": CONTACT_ID, "Name": "Liam Gallagher"},
    "DateString": "2019-03-11T00:00:00",
    "Date": "/Date(1552262400000+0000)/",
    "DueDateString": "2018-12-10T00:00:00",
    "DueDate": "/Date(1544400000000+0000)/",
    "Status": "AUTHORISED",
    "LineAmountTypes": "Exclusive",
    "LineItems": [
        {
            "Description": "Acme Tires",
            "UnitAmount": 20.00,
            "TaxType": "NONE",
            "TaxAmount": 0.00,
            "LineAmount": 40.00,
            "AccountCode": "200",
            "Tracking": [],
            "Quantity": 2.0000,
            "LineItemID": "5f7a612b-fdcc-4d33-90fa-a9f6bc6db32f",
            "ValidationErrors": [],
        }
    ],
    "SubTotal": 40.00,
    "TotalTax": 0.00,
    "Total": 40.00,
    "UpdatedDateUTC": "/Date(1552327126117+0000)/",
    "UpdatedDateUTCString": "2019-03-11T17:58:46Z",
    "CurrencyCode": "NZD",
    "StatusAttributeString": "OK",
}
# PAYLOADS.md section 3, response of PUT /CreditNotes (ASSEMBLED from the spec example).
SUPPLIER_CREDIT = {
    "CreditNoteID": CREDIT_ID,
    "CreditNoteNumber": "",
    "Payments": [],
    "ID": CREDIT_ID,
    "CurrencyRate": 1.000000,
    "Type": "ACCPAYCREDIT",
    "Reference": "",
    "RemainingCredit": 46.00,
    "Allocations": [],
    "Contact": {"ContactID": CONTACT_ID, "Name": "Liam Gallagher"},
    "DateString": "2019-01-05T00:00:00",
    "Date": "/Date(1546646400000+0000)/",
    "Status": "DRAFT",
    "LineAmountTypes": "Exclusive",
    "LineItems": [
        {
            "Description": "Foobar",
            "UnitAmount": 20.00,
            "TaxType": "INPUT2",
            "TaxAmount": 6.00,
            "LineAmount": 40.00,
            "AccountCode": "400",
            "Tracking": [],
            "Quantity": 2.0000,
            "ValidationErrors": [],
        }
    ],
    "SubTotal": 40.00,
    "TotalTax": 6.00,
    "Total": 46.00,
    "UpdatedDateUTC": "/Date(1551812702650+0000)/",
    "UpdatedDateUTCString": "2019-03-05T19:05:02Z",
    "CurrencyCode": "NZD",
    "StatusAttributeString": "OK",
}
EMPTY_LINE = {
    "description": "",
    "quantity": 1.0,
    "unit_amount": 0.0,
    "discount_rate": None,
    "discount_amount": None,
    "item_code": None,
    "item_id": None,
    "account_code": None,
    "account_id": None,
    "tax_type": None,
    "line_amount": None,
    "tax_amount": None,
    "tracking": [],
    "display": None,
}


def xline(**values):
    """The neutral line line_from_xero makes, with ``values`` in place of the empty ones."""
    return dict(EMPTY_LINE, **values)


def test_document_from_xero_sales_invoice():
    assert document_from_xero(INV_0007) == {
        "xero_id": INVOICE_ID,
        "type": "ACCREC",
        "number": "INV-0007",
        "reference": "Website Design",
        "contact_id": CONTACT_ID,
        "contact_name": "Liam Gallagher",
        "date": date(2019, 3, 11),
        "due_date": date(2018, 12, 10),
        "status": "AUTHORISED",
        "currency": "NZD",
        "rate": 1.0,
        "amount_type": "Exclusive",
        "lines": [
            xline(
                description="Acme Tires",
                quantity=2.0,
                unit_amount=20.0,
                account_code="200",
                tax_type="NONE",
                line_amount=40.0,
                tax_amount=0.0,
            )
        ],
        "rounding_line": None,
        "sub_total": 40.0,
        "total_tax": 0.0,
        "total": 40.0,
        "amount_due": 40.0,
        "amount_paid": 0.0,
        "amount_credited": None,
        "payments": [],
        "allocations": [],
        "updated_at": datetime(2019, 3, 11, 17, 58, 46, 117000, tzinfo=UTC),
    }


def test_document_from_xero_supplier_credit_note_uses_remaining_credit_as_amount_due():
    assert document_from_xero(SUPPLIER_CREDIT) == {
        "xero_id": CREDIT_ID,
        "type": "ACCPAYCREDIT",
        "number": None,
        "reference": None,
        "contact_id": CONTACT_ID,
        "contact_name": "Liam Gallagher",
        "date": date(2019, 1, 5),
        "due_date": None,
        "status": "DRAFT",
        "currency": "NZD",
        "rate": 1.0,
        "amount_type": "Exclusive",
        "lines": [
            xline(
                description="Foobar",
                quantity=2.0,
                unit_amount=20.0,
                account_code="400",
                tax_type="INPUT2",
                line_amount=40.0,
                tax_amount=6.0,
            )
        ],
        "rounding_line": None,
        "sub_total": 40.0,
        "total_tax": 6.0,
        "total": 46.0,
        "amount_due": 46.0,
        "amount_paid": None,
        "amount_credited": None,
        "payments": [],
        "allocations": [],
        "updated_at": datetime(2019, 3, 5, 19, 5, 2, 650000, tzinfo=UTC),
    }


def test_document_from_xero_payments_allocations_and_rich_lines():
    record = {
        "Type": "ACCRECCREDIT",
        "CreditNoteID": CREDIT_ID,
        "CreditNoteNumber": "CN-0042",
        "Contact": {"ContactID": CONTACT_ID, "Name": "Ridgeway"},
        "Date": "2026-01-15T00:00:00",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Inclusive",
        "CurrencyCode": "USD",
        "CurrencyRate": 0.612346,
        "LineItems": [
            {
                "Description": "Cake",
                "Quantity": 3.0,
                "UnitAmount": 12.3456,
                "DiscountRate": 10.0,
                "ItemCode": "CAKE",
                "Item": {"ItemID": "11111111-2222-3333-4444-555555555555", "Code": "CAKE"},
                "AccountCode": "200",
                "AccountID": "66666666-7777-8888-9999-000000000000",
                "TaxType": "OUTPUT2",
                "LineAmount": 33.33,
                "TaxAmount": 4.35,
                "Tracking": [
                    {"Name": "Region", "Option": "North", "TrackingCategoryID": "x"},
                    {"Name": "Channel", "Option": ""},
                ],
            },
            {
                "Description": "Returned goods",
                "Quantity": 1.0,
                "UnitAmount": 5.0,
                "DiscountAmount": 1.5,
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
                "LineAmount": 3.5,
                "TaxAmount": 0.46,
            },
        ],
        "SubTotal": 32.02,
        "TotalTax": 4.81,
        "Total": 36.83,
        "RemainingCredit": 13.83,
        "AmountDue": 99.0,
        "Payments": [{"PaymentID": "p-1", "Amount": 3.0, "Date": "/Date(1768867200000+0000)/"}],
        "Allocations": [
            {
                "AllocationID": "a-1",
                "Amount": 20.0,
                "Date": "/Date(1768780800000+0000)/",
                "Invoice": {"InvoiceID": INVOICE_ID},
            },
            {
                "AllocationID": "a-0",
                "Amount": 5.0,
                "Date": "/Date(1768694400000+0000)/",
                "Invoice": {"InvoiceID": INVOICE_2_ID},
                "IsDeleted": True,
            },
        ],
        "UpdatedDateUTC": "2026-01-20T10:00:00",
    }
    neutral = document_from_xero(record)
    assert neutral["lines"] == [
        xline(
            description="Cake",
            quantity=3.0,
            unit_amount=12.3456,
            discount_rate=10.0,
            item_code="CAKE",
            item_id="11111111-2222-3333-4444-555555555555",
            account_code="200",
            account_id="66666666-7777-8888-9999-000000000000",
            tax_type="OUTPUT2",
            line_amount=33.33,
            tax_amount=4.35,
            tracking=[{"category": "Region", "option": "North"}],
        ),
        xline(
            description="Returned goods",
            quantity=1.0,
            unit_amount=5.0,
            discount_amount=1.5,
            account_code="200",
            tax_type="OUTPUT2",
            line_amount=3.5,
            tax_amount=0.46,
        ),
    ]
    assert (neutral["type"], neutral["number"], neutral["xero_id"]) == ("ACCRECCREDIT", "CN-0042", CREDIT_ID)
    assert (neutral["currency"], neutral["rate"], neutral["amount_type"]) == ("USD", 0.612346, "Inclusive")
    assert neutral["date"] == date(2026, 1, 15) and neutral["due_date"] is None
    # A credit note's outstanding amount is its RemainingCredit, never an AmountDue.
    assert neutral["amount_due"] == 13.83
    assert neutral["payments"] == [{"xero_id": "p-1", "amount": 3.0, "date": date(2026, 1, 20)}]
    # Deleted allocations are history, not allocations.
    assert neutral["allocations"] == [
        {"xero_id": "a-1", "invoice_id": INVOICE_ID, "amount": 20.0, "date": date(2026, 1, 19)}
    ]
    assert neutral["updated_at"] == datetime(2026, 1, 20, 10, 0, tzinfo=UTC)


def test_document_from_xero_bare_record_defaults():
    assert document_from_xero({}) == {
        "xero_id": None,
        "type": None,
        "number": None,
        "reference": None,
        "contact_id": None,
        "contact_name": None,
        "date": None,
        "due_date": None,
        "status": "DRAFT",
        "currency": None,
        "rate": None,
        "amount_type": "Exclusive",
        "lines": [],
        "rounding_line": None,
        "sub_total": None,
        "total_tax": None,
        "total": None,
        "amount_due": None,
        "amount_paid": None,
        "amount_credited": None,
        "payments": [],
        "allocations": [],
        "updated_at": None,
    }


@pytest.mark.parametrize(
    "xero_line, display",
    [
        ({"Description": "Delivery by courier"}, "note"),
        (
            {"Description": "Note", "Quantity": 0.0, "UnitAmount": 0.0, "TaxType": "NONE", "LineAmount": 0.0},
            "note",
        ),
        (
            {
                "Description": "Free sample",
                "Quantity": 1.0,
                "UnitAmount": 0.0,
                "AccountCode": "200",
                "LineAmount": 0.0,
            },
            None,
        ),
        ({"Description": "Free sample", "Quantity": 1.0, "UnitAmount": 0.0, "AccountID": "a-1"}, None),
        ({"ItemCode": "WIDGET", "Quantity": 0.0}, None),
        ({"Description": "Draft line without account", "Quantity": 2.0, "UnitAmount": 5.0}, None),
        ({"Description": "Amount only", "LineAmount": 12.0}, None),
    ],
    ids=["text-only", "zeroed", "zero-price-with-account", "account-id", "item", "priced", "amount"],
)
def test_description_only_lines_are_recognised(xero_line, display):
    record = {"Type": "ACCREC", "LineItems": [xero_line]}
    assert document_from_xero(record)["lines"][0]["display"] == display


# --------------------------------------------------------------------------------- to Xero
TRACKING_3 = [
    {"category": "Region", "option": "North"},
    {"category": "Channel", "option": "Online"},
    {"category": "Project", "option": "X"},
]


def test_sales_invoice_payload():
    neutral = doc(
        "ACCREC",
        number="  INV-1001 ",
        reference=" PO 77 ",
        lines=[
            line(" Widget, blue ", 2.5, 12.34567, discount_rate=12.345, tracking=TRACKING_3),
            note("  Terms: 30 days  ", quantity=1, unit_amount=5, account_code="200", tax_type="OUTPUT2"),
            note("Services", display="section"),
            line("Freight", 1, 10, tax_type=None),
            line("", 1.23456, 12.5, item_code="WIDGET"),
            line(None, 3, 0.5, tax_type="ZERORATED"),
        ],
    )
    assert document_to_xero(neutral, base_currency="NZD") == {
        "Type": "ACCREC",
        "Contact": {"ContactID": CONTACT_ID},
        "InvoiceNumber": "INV-1001",
        "Reference": "PO 77",
        "Date": "2026-01-15",
        "DueDate": "2026-02-14",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "CurrencyCode": "NZD",
        "LineItems": [
            {
                "Description": "Widget, blue",
                "Quantity": 2.5,
                "UnitAmount": 12.3457,
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
                "DiscountRate": 12.35,
                "Tracking": [{"Name": "Region", "Option": "North"}, {"Name": "Channel", "Option": "Online"}],
            },
            {"Description": "Terms: 30 days"},
            {"Description": "Services"},
            {
                "Description": "Freight",
                "Quantity": 1,
                "UnitAmount": 10,
                "AccountCode": "200",
                "TaxType": "NONE",
            },
            {
                "Quantity": 1.2346,
                "UnitAmount": 12.5,
                "ItemCode": "WIDGET",
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            },
            {
                "Description": ".",
                "Quantity": 3,
                "UnitAmount": 0.5,
                "AccountCode": "200",
                "TaxType": "ZERORATED",
            },
        ],
    }


def test_bill_payload():
    neutral = doc(
        "ACCPAY",
        number="SUP-1001",
        reference="Order 12",
        status="DRAFT",
        amount_type="Inclusive",
        lines=[
            line("Flour 25kg", 4, 31.12345, account_code="400", tax_type="INPUT2"),
            line("Pallet hire", 0.5, 20, account_code="400", tax_type="INPUT2"),
        ],
    )
    assert document_to_xero(neutral, xero_id=INVOICE_ID, base_currency="NZD") == {
        "InvoiceID": INVOICE_ID,
        "Type": "ACCPAY",
        "Contact": {"ContactID": CONTACT_ID},
        "InvoiceNumber": "SUP-1001",
        "Reference": "Order 12",
        "Date": "2026-01-15",
        "DueDate": "2026-02-14",
        "Status": "DRAFT",
        "LineAmountTypes": "Inclusive",
        "CurrencyCode": "NZD",
        "LineItems": [
            {
                "Description": "Flour 25kg",
                "Quantity": 4,
                "UnitAmount": 31.1235,
                "AccountCode": "400",
                "TaxType": "INPUT2",
            },
            {
                "Description": "Pallet hire",
                "Quantity": 0.5,
                "UnitAmount": 20,
                "AccountCode": "400",
                "TaxType": "INPUT2",
            },
        ],
    }


def test_sales_credit_note_payload_has_no_due_date():
    neutral = doc(
        "ACCRECCREDIT",
        number="CN-0042",
        reference="Damaged",
        amount_type="Inclusive",
        due_date=date(2026, 3, 1),
        lines=[line("Refund, damaged", 2, 11.5), note("Sorry!")],
    )
    assert document_to_xero(neutral, xero_id=CREDIT_ID, base_currency="NZD") == {
        "CreditNoteID": CREDIT_ID,
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": CONTACT_ID},
        "CreditNoteNumber": "CN-0042",
        "Reference": "Damaged",
        "Date": "2026-01-15",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Inclusive",
        "CurrencyCode": "NZD",
        "LineItems": [
            {
                "Description": "Refund, damaged",
                "Quantity": 2,
                "UnitAmount": 11.5,
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
            },
            {"Description": "Sorry!"},
        ],
    }


def test_supplier_credit_note_payload_defaults():
    neutral = doc(
        "ACCPAYCREDIT",
        number=None,
        status=None,
        amount_type=None,
        currency=None,
        rate=None,
        lines=[line("Short delivery", 1, 99.99995, account_code="400", tax_type=None)],
    )
    assert document_to_xero(neutral) == {
        "Type": "ACCPAYCREDIT",
        "Contact": {"ContactID": CONTACT_ID},
        "Date": "2026-01-15",
        "Status": "DRAFT",
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": "Short delivery",
                "Quantity": 1,
                "UnitAmount": 100,
                "AccountCode": "400",
                "TaxType": "NONE",
            }
        ],
    }


@pytest.mark.parametrize(
    "doc_type, key",
    [
        ("ACCREC", "InvoiceNumber"),
        ("ACCPAY", "InvoiceNumber"),
        ("ACCRECCREDIT", "CreditNoteNumber"),
        ("ACCPAYCREDIT", "CreditNoteNumber"),
    ],
)
def test_number_and_id_fields_by_type(doc_type, key):
    payload = document_to_xero(doc(doc_type, number="N-1"), xero_id="id-1")
    other = {"InvoiceNumber": "CreditNoteNumber", "CreditNoteNumber": "InvoiceNumber"}[key]
    id_key = key.replace("Number", "ID")
    assert payload[key] == "N-1" and other not in payload
    assert payload[id_key] == "id-1" and other.replace("Number", "ID") not in payload
    assert ("DueDate" in payload) is (key == "InvoiceNumber")


def test_status_payload():
    assert status_payload(doc("ACCREC"), INVOICE_ID, "VOIDED") == {
        "InvoiceID": INVOICE_ID,
        "Status": "VOIDED",
    }
    assert status_payload(doc("ACCPAY"), INVOICE_ID, "DELETED") == {
        "InvoiceID": INVOICE_ID,
        "Status": "DELETED",
    }
    assert status_payload(doc("ACCPAYCREDIT"), CREDIT_ID, "VOIDED") == {
        "CreditNoteID": CREDIT_ID,
        "Status": "VOIDED",
    }


# ------------------------------------------------------------------------------- currencies
@pytest.mark.parametrize("rate, sent", [(0.61234567, 0.612346), (1.5, 1.5), (150, 150), (1.0000001, 1)])
def test_foreign_document_carries_its_rate(rate, sent):
    payload = document_to_xero(doc(currency="USD", rate=rate), base_currency="NZD")
    assert payload["CurrencyCode"] == "USD" and payload["CurrencyRate"] == sent


@pytest.mark.parametrize("rate", [None, 0, 0.0, 1, 1.0, 1.0000000001])
def test_foreign_document_without_a_real_rate_is_refused(rate):
    # Never CurrencyRate 1 on a foreign document: that is Odoo's "no rate", not a rate.
    with pytest.raises(MappingError, match="is in USD but has no exchange rate to NZD") as info:
        document_to_xero(doc(currency="USD", rate=rate), base_currency="NZD")
    assert info.value.kind == "mapping"
    assert "Add a USD rate for the document date" in info.value.hint and "Retry" in info.value.hint


@pytest.mark.parametrize("rate", [None, 1.0, 0.5])
def test_base_currency_document_never_carries_a_rate(rate):
    payload = document_to_xero(doc(currency="NZD", rate=rate), base_currency="NZD")
    assert payload["CurrencyCode"] == "NZD" and "CurrencyRate" not in payload


# --------------------------------------------------------------------------------- refusals
def test_discount_on_a_bill_is_refused():
    for doc_type in ("ACCPAY", "ACCPAYCREDIT"):
        for discount in ({"discount_rate": 5}, {"discount_amount": 2.5}):
            neutral = doc(
                doc_type, lines=[note("Heading"), line("Flour", 2, 10, account_code="400", **discount)]
            )
            with pytest.raises(
                MappingError,
                match=r"^Line 2 has a discount; Xero accepts line discounts on "
                r"sales documents only",
            ) as info:
                document_to_xero(neutral)
            assert info.value.kind == "mapping"
            assert info.value.hint.startswith("Remove the discount and lower the unit price by it")


def test_discount_on_a_sales_invoice_is_sent():
    payload = document_to_xero(doc("ACCREC", lines=[line("Cake", 3, 9.99, discount_rate=10)]))
    assert payload["LineItems"] == [
        {
            "Description": "Cake",
            "Quantity": 3,
            "UnitAmount": 9.99,
            "AccountCode": "200",
            "TaxType": "OUTPUT2",
            "DiscountRate": 10,
        }
    ]


def test_no_contact_is_a_dependency():
    with pytest.raises(MappingError, match="^The document has no Xero contact.$") as info:
        document_to_xero(doc(contact_id=None))
    assert info.value.kind == "dependency"
    assert info.value.missing == ("contacts", "Ridgeway Bakery Ltd")
    assert info.value.hint == "Export the partner to Xero first, then click Retry."


@pytest.mark.parametrize(
    "lines", [[], None, [note("   "), note("", display="section")]], ids=["empty", "none", "blank-notes-only"]
)
def test_no_lines_is_refused(lines):
    with pytest.raises(MappingError, match="^The document has no lines; Xero needs at least one.$") as info:
        document_to_xero(doc(lines=lines))
    assert info.value.kind == "mapping" and info.value.hint == "Add a line, then click Retry."


def test_blank_notes_are_dropped_not_sent():
    payload = document_to_xero(doc(lines=[note("  "), line("Cake", 1, 5)]))
    assert payload["LineItems"] == [
        {"Description": "Cake", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200", "TaxType": "OUTPUT2"}
    ]


@pytest.mark.parametrize(
    "overrides, message, hint",
    [
        (
            {"number": "N" * 256},
            "Number is 256 characters long; Xero accepts at most 255.",
            "Shorten the number to 255 characters or fewer.",
        ),
        (
            {"reference": "R" * 256},
            "Reference is 256 characters long; Xero accepts at most 255.",
            "Shorten the reference to 255 characters or fewer.",
        ),
        (
            {"lines": [line("Cake"), line("d" * 4001)]},
            "Description of line 2 is 4001 characters long; Xero accepts at most 4000.",
            "Shorten the description of line 2 to 4000 characters or fewer.",
        ),
        (
            {"lines": [note("n" * 4001)]},
            "Description of line 1 is 4001 characters long; Xero accepts at most 4000.",
            "Shorten the description of line 1 to 4000 characters or fewer.",
        ),
        ({"type": "ACCRECX"}, "Unknown document type 'ACCRECX'.", None),
        ({"status": "PAID"}, "Xero does not accept the status PAID from the API.", None),
    ],
    ids=["number", "reference", "line-description", "note", "type", "status"],
)
def test_refusals(overrides, message, hint):
    with pytest.raises(MappingError, match="^" + re.escape(message) + "$") as info:
        document_to_xero(doc(**overrides))
    assert info.value.hint == hint and info.value.kind == "mapping"


def test_exact_limits_are_accepted():
    payload = document_to_xero(
        doc(number="N" * 255, reference="R" * 255, lines=[line("d" * 4000), note("n" * 4000)])
    )
    assert payload["InvoiceNumber"] == "N" * 255 and payload["Reference"] == "R" * 255
    assert [li["Description"] for li in payload["LineItems"]] == ["d" * 4000, "n" * 4000]


@pytest.mark.parametrize(
    "tax_flags, amount_type",
    [
        ([], "NoTax"),
        ([set(), set()], "NoTax"),
        ([{False}, set(), {False}], "Exclusive"),
        ([{True}, set(), [True]], "Inclusive"),
    ],
)
def test_amount_type_of(tax_flags, amount_type):
    assert amount_type_of(tax_flags) == amount_type


@pytest.mark.parametrize(
    "tax_flags",
    [[{True}, {False}], [{True, False}], [set(), [False], (True,)]],
    ids=["across-lines", "on-one-line", "lists-and-tuples"],
)
def test_amount_type_of_refuses_mixed_taxes(tax_flags):
    with pytest.raises(
        MappingError, match="mixes taxes included in the price and taxes excluded from it"
    ) as info:
        amount_type_of(tax_flags)
    assert info.value.kind == "mapping" and "included/excluded twin" in info.value.hint


# ----------------------------------------------------------------------------------- totals
@pytest.mark.parametrize(
    "values, amount",
    [
        ({"quantity": 3, "unit_amount": 9.99, "discount_rate": 10}, "26.97"),
        ({"quantity": 2.5, "unit_amount": 4.4444}, "11.11"),
        ({"quantity": 1, "unit_amount": 0.005}, "0.01"),  # half-up, not banker's rounding
        ({"quantity": 1, "unit_amount": 0.015}, "0.02"),
        ({"quantity": 3, "unit_amount": 0.335}, "1.01"),  # 1.005: a binary float would give 1.00
        ({"quantity": 0.333, "unit_amount": 77.7777}, "25.90"),
        ({"quantity": None, "unit_amount": 10}, "0.00"),
        ({"quantity": -1, "unit_amount": 19.99}, "-19.99"),
        ({"quantity": 4, "unit_amount": 25, "discount_rate": 100}, "0.00"),
    ],
)
def test_line_amount(values, amount):
    assert line_amount(values) == D(amount)


def test_expected_totals_round_tax_per_line():
    cents = [line(unit_amount=0.05, tax_rate=15)] * 3
    # Per line: 3 x round(0.0075) = 0.03; rounding the sum (0.0225) would give 0.02.
    assert expected_totals(cents, "Exclusive") == (D("0.15"), D("0.03"), D("0.18"))
    dimes = [line(unit_amount=0.10, tax_rate=15)] * 3
    # Per line: 3 x round(0.0130) = 0.03; on the sum (0.0391) it would be 0.04.
    assert expected_totals(dimes, "Inclusive") == (D("0.27"), D("0.03"), D("0.30"))


def test_expected_totals_basics():
    lines = [
        line(quantity=2, unit_amount=20, tax_rate=15),
        line(quantity=1, unit_amount=10, tax_rate=7.1),
        note("Heading", quantity=100, unit_amount=100, tax_rate=15),
        line(quantity=1, unit_amount=5),
    ]
    assert expected_totals(lines, "Exclusive") == (D("55.00"), D("6.71"), D("61.71"))
    assert expected_totals(lines, None) == (D("55.00"), D("6.71"), D("61.71"))
    assert expected_totals(lines, "NoTax") == (D("55.00"), D("0.00"), D("55.00"))
    # Inclusive: 40 - 40/1.15 = 5.217..., 10 - 10/1.071 = 0.6629...
    assert expected_totals(lines, "Inclusive") == (D("49.12"), D("5.88"), D("55.00"))
    assert expected_totals([], "Exclusive") == (D("0.00"), D("0.00"), D("0.00"))


def test_totals_difference():
    expected = (D("10.00"), D("1.50"), D("11.50"))
    assert totals_difference(expected, (10.0, 1.5, 11.5)) == {}
    assert totals_difference(expected, (D("10"), D("1.5"), D("11.5"))) == {}
    assert totals_difference(expected, (10.0, 1.51, 11.51)) == {"TotalTax": D("0.01"), "Total": D("0.01")}
    assert totals_difference(expected, (9.99, 1.5, 11.49)) == {"SubTotal": D("-0.01"), "Total": D("-0.01")}
    assert totals_difference((D("0.30"), D(0), D("0.30")), (0.1 + 0.2, None, 0.30000000000000004)) == {}
    assert totals_difference((D("0.30"), D(0), D("0.30")), (0.3, None, None)) == {"Total": D("-0.30")}


# ------------------------------------------------------------------------------ allocations
def test_allocation_to_xero():
    assert allocation_to_xero(INVOICE_ID, 12.5, date(2026, 1, 20)) == {
        "Invoice": {"InvoiceID": INVOICE_ID},
        "Amount": 12.5,
        "Date": "2026-01-20",
    }
    assert allocation_to_xero(INVOICE_ID, 12.345, datetime(2026, 1, 20, 23, 0))["Amount"] == 12.35
    assert allocation_to_xero(INVOICE_ID, 40.0, "2026-01-20")["Amount"] == 40


@pytest.mark.parametrize(
    "current, wanted, changes",
    [
        ({INVOICE_ID: [("a-1", 10.0)]}, {INVOICE_ID: 10.0}, ([], [])),
        ({INVOICE_ID: [("a-1", 0.1), ("a-2", 0.2)]}, {INVOICE_ID: 0.30000000000000004}, ([], [])),
        ({}, {INVOICE_ID: 25.5}, ([], [(INVOICE_ID, 25.5)])),
        ({INVOICE_ID: [("a-1", 10.0)]}, {INVOICE_ID: 15.25}, ([], [(INVOICE_ID, 5.25)])),
        (
            {INVOICE_ID: [("a-1", 10.0), ("a-2", 5.0)]},
            {INVOICE_ID: 12.0},
            (["a-1", "a-2"], [(INVOICE_ID, 12.0)]),
        ),
        ({INVOICE_ID: [("a-1", 10.0)]}, {}, (["a-1"], [])),
        ({INVOICE_ID: [("a-1", 10.0)]}, {INVOICE_ID: 0}, (["a-1"], [])),
        ({INVOICE_ID: []}, {INVOICE_ID: 0.0}, ([], [])),
        (
            {INVOICE_2_ID: [("b-1", 3.0)], INVOICE_ID: [("a-1", 7.0)]},
            {INVOICE_ID: 7.0, INVOICE_2_ID: 1.0},
            (["b-1"], [(INVOICE_2_ID, 1.0)]),
        ),
        (
            {INVOICE_2_ID: [("b-1", 3.0)]},
            {INVOICE_ID: 4.0, INVOICE_2_ID: 5.0},
            ([], [(INVOICE_2_ID, 2.0), (INVOICE_ID, 4.0)]),
        ),
    ],
    ids=[
        "unchanged",
        "unchanged-float-noise",
        "new",
        "grown",
        "shrunk",
        "removed",
        "zeroed",
        "nothing",
        "one-of-two-shrunk",
        "grown-and-new",
    ],
)
def test_allocation_changes(current, wanted, changes):
    assert allocation_changes(current, wanted) == changes


# ------------------------------------------------------------------------------------- spec
def test_payloads_conform_to_the_spec(check_request):
    rich = doc(
        "ACCREC",
        reference="PO 77",
        lines=[
            line("Widget", 2.5, 12.34567, discount_rate=10, tracking=TRACKING_3[:2]),
            note("A note"),
            line("", 1, 12.5, item_code="WIDGET"),
            line(None, 1, 1, tax_type=None),
        ],
    )
    bill = doc(
        "ACCPAY", number="SUP-1", amount_type="Inclusive", lines=[line("Flour", 4, 31.1235, "400", "INPUT2")]
    )
    foreign = doc("ACCREC", currency="USD", rate=0.612346)
    check_request(
        "POST",
        "/Invoices",
        {
            "Invoices": [
                document_to_xero(rich, base_currency="NZD"),
                document_to_xero(bill, xero_id=INVOICE_ID),
                document_to_xero(foreign, base_currency="NZD"),
            ]
        },
    )
    check_request("PUT", "/Invoices", {"Invoices": [document_to_xero(bill)]})
    check_request(
        "POST", f"/Invoices/{INVOICE_ID}", {"Invoices": [status_payload(bill, INVOICE_ID, "VOIDED")]}
    )
    notes = [
        document_to_xero(doc(t, amount_type=a), xero_id=x, base_currency="NZD")
        for t, a, x in (("ACCRECCREDIT", "Inclusive", None), ("ACCPAYCREDIT", "NoTax", CREDIT_ID))
    ]
    check_request("PUT", "/CreditNotes", {"CreditNotes": notes})
    check_request("POST", "/CreditNotes", {"CreditNotes": notes})
    check_request(
        "PUT",
        f"/CreditNotes/{CREDIT_ID}/Allocations",
        {
            "Allocations": [
                allocation_to_xero(INVOICE_ID, 12.345, date(2026, 1, 20)),
                allocation_to_xero(INVOICE_2_ID, 40, date(2026, 1, 21)),
            ]
        },
    )


def test_spec_check_is_not_a_rubber_stamp(check_request):
    bad = document_to_xero(doc())
    bad["LineAmountTypes"] = "Sometimes"
    with pytest.raises(Exception) as info:  # noqa: B017 (openapi-core's error classes vary by version)
        check_request("POST", "/Invoices", {"Invoices": [bad]})
    assert "'Sometimes' is not one of" in f"{info.value} {info.value.__cause__}"


# ---------------------------------------------------------------------------------- sandbox
def post(books, payload):
    collection = "CreditNotes" if payload["Type"].endswith("CREDIT") else "Invoices"
    [result] = books.client.write(collection, [payload], method="PUT")
    assert result.ok, result.messages
    return result.record


def contact_for(books, doc_type):
    return books.customer_id if doc_type.startswith("ACCREC") else books.supplier_id


def rated(books, lines):
    """The lines with ``tax_rate``: the EffectiveRate the sandbox serves for their TaxType."""
    return [
        dict(li, tax_rate=books.tax_rates.get(li.get("tax_type"), 0)) if not li.get("display") else li
        for li in lines
    ]


def totals_of(record):
    return tuple(D(str(record[field])) for field in ("SubTotal", "TotalTax", "Total"))


def L(quantity, unit, tax="OUTPUT2", discount=None, account="200"):  # noqa: N802 (a table helper)
    return line(
        f"{quantity} x {unit}", quantity, unit, account_code=account, tax_type=tax, discount_rate=discount
    )


TOTAL_CASES = {
    "exclusive-per-line": ("ACCREC", "Exclusive", [L(1, 0.05), L(1, 0.05), L(1, 0.05)]),
    "inclusive-per-line": ("ACCREC", "Inclusive", [L(1, 0.10), L(1, 0.10), L(1, 0.10)]),
    "notax": ("ACCREC", "NoTax", [L(2, 20, None), L(1.5, 3.3333, None), L(1, 9.99, "OUTPUT2")]),
    "sales-discounts": (
        "ACCREC",
        "Exclusive",
        [
            L(3, 9.99, discount=10),
            L(7, 13.3333, "OUTPUT3", 12.5),
            L(2.5, 4.4444, "QST", 33.33),
            L(1, 0.05, discount=50),
        ],
    ),
    "several-rates": (
        "ACCREC",
        "Exclusive",
        [
            L(1, 100, "TAX001"),
            L(3, 33.3333, "QST"),
            L(2, 17.8899, "OUTPUT3"),
            L(1.75, 12.3456),
            L(4, 2.5, "ZERORATED"),
            L(1, 9.99, None),
            L(1, -19.99),
        ],
    ),
    "inclusive-mixed": (
        "ACCREC",
        "Inclusive",
        [
            L(1, 115),
            L(2, 5),
            L(3, 19.9999, "OUTPUT3", 5),
            L(0.333, 77.7777, "QST"),
            L(1, 107.1, "TAX001"),
            note("Notes are not counted"),
        ],
    ),
    "bill-4dp": (
        "ACCPAY",
        "Exclusive",
        [
            L(12, 1.2345, "INPUT2", account="400"),
            L(0.5, 99.9999, "INPUT2", account="400"),
            L(3.25, 0.3333, "INPUT2", account="400"),
            L(1, 5, None, account="400"),
        ],
    ),
    "bill-inclusive": (
        "ACCPAY",
        "Inclusive",
        [L(1.5, 33.3333, "INPUT2", account="400"), L(7, 0.0707, "INPUT2", account="400")],
    ),
    "sales-credit": ("ACCRECCREDIT", "Inclusive", [L(2, 11.5), L(1, 3.3333, "QST"), L(3, 0.10)]),
    "purchase-credit": (
        "ACCPAYCREDIT",
        "Exclusive",
        [L(3, 0.05, "INPUT2", account="400"), L(1, 1.0049, "INPUT2", account="400")],
    ),
}


@pytest.mark.parametrize("case", TOTAL_CASES)
def test_expected_totals_equal_what_xero_computes(books, case):
    doc_type, amount_type, lines = TOTAL_CASES[case]
    lines = rated(books, lines)
    neutral = doc(
        doc_type, number=None, amount_type=amount_type, lines=lines, contact_id=contact_for(books, doc_type)
    )
    record = post(books, document_to_xero(neutral, base_currency="NZD"))
    expected = expected_totals(lines, amount_type)
    assert totals_of(record) == expected
    assert totals_difference(expected, totals_of(record)) == {}
    assert [D(str(li["LineAmount"])) for li in record["LineItems"]] == [
        line_amount(li) if not li.get("display") else D(0) for li in lines
    ]


def test_per_line_rounding_cases_really_differ_from_rounding_the_sum(books):
    """The two per-line cases above catch a global-rounding implementation: the sandbox's tax is not the
    rounded tax of the summed lines."""
    for case, rate in (("exclusive-per-line", D("0.15")), ("inclusive-per-line", D("0.15"))):
        doc_type, amount_type, lines = TOTAL_CASES[case]
        record = post(
            books,
            document_to_xero(
                doc(doc_type, number=None, amount_type=amount_type, lines=lines, contact_id=books.customer_id)
            ),
        )
        summed = sum(line_amount(li) for li in lines)
        globally = summed * rate if amount_type == "Exclusive" else summed - summed / (1 + rate)
        assert totals_of(record)[1] == D("0.03")
        assert globally.quantize(D("0.01"), rounding=ROUND_HALF_UP) != totals_of(record)[1]


@pytest.mark.parametrize(
    "values",
    [
        {"quantity": 1000, "unit_amount": 0.123456},  # sent 0.1235: 123.50, predicted 123.46
        {"quantity": 2.00005, "unit_amount": 1000},  # sent 2.0001: 2000.10, predicted 2000.05
        {"quantity": 3, "unit_amount": 100, "discount_rate": 12.345},  # sent 12.35: 262.95, predicted 262.97
    ],
    ids=["unit-6dp", "quantity-5dp", "discount-3dp"],
)
def test_expected_totals_follow_the_rounding_of_the_payload(books, values):
    lines = rated(books, [line("Precise", **values)])
    record = post(books, document_to_xero(doc(number=None, lines=lines, contact_id=books.customer_id)))
    assert expected_totals(lines, "Exclusive") == totals_of(record)


# ------------------------------------------------------------------------------- round trips
def round_trip_cases(books):
    c, s = books.customer_id, books.supplier_id
    return {
        "sales-invoice": doc(
            "ACCREC",
            number="RT-INV-1",
            reference="PO 77",
            contact_id=c,
            lines=[
                line(
                    "Widget, blue",
                    2.5,
                    12.3457,
                    discount_rate=12.5,
                    tracking=[
                        {"category": "Region", "option": "North"},
                        {"category": "Channel", "option": "Online"},
                    ],
                ),
                note("Delivered to the back door"),
                line("Widget from the catalogue", 1.2346, 12.5, item_code="WIDGET"),
                line(None, 3, 0.5, tax_type="ZERORATED"),
                line("Freight", 1, 10, tax_type=None),
                line("Levy", 1, 100, tax_type="TAX001"),
            ],
        ),
        "bill": doc(
            "ACCPAY",
            number="SUP-1001",
            reference="Order 12",
            contact_id=s,
            amount_type="Inclusive",
            lines=[
                line("Flour 25kg", 4, 31.1235, "400", "INPUT2"),
                line(
                    "Pallet hire",
                    0.5,
                    20,
                    "400",
                    "INPUT2",
                    tracking=[{"category": "Region", "option": "South"}],
                ),
            ],
        ),
        "sales-credit-note": doc(
            "ACCRECCREDIT",
            number="RT-CN-1",
            reference="Damaged",
            contact_id=c,
            amount_type="Inclusive",
            due_date=None,
            lines=[line("Refund", 2, 11.5), note("Sorry!"), line("Fee", 1, 3.3333, tax_type="QST")],
        ),
        "supplier-credit-note": doc(
            "ACCPAYCREDIT",
            number="SUP-CN-7",
            contact_id=s,
            amount_type="NoTax",
            due_date=None,
            status="DRAFT",
            lines=[line("Short delivery", 1, 99.9999, "400", None)],
        ),
        "foreign-invoice": doc(
            "ACCREC",
            number="RT-USD-1",
            contact_id=c,
            currency="USD",
            rate=0.612346,
            lines=[line("Export", 3, 19.99, tax_type="ZERORATED")],
        ),
    }


CASE_IDS = ("sales-invoice", "bill", "sales-credit-note", "supplier-credit-note", "foreign-invoice")


@pytest.mark.parametrize("case", CASE_IDS)
def test_round_trip_through_the_sandbox(books, case):
    neutral = round_trip_cases(books)[case]
    payload = document_to_xero(neutral, base_currency="NZD")
    record = post(books, payload)
    back = document_from_xero(record)
    id_key = "CreditNoteID" if neutral["type"].endswith("CREDIT") else "InvoiceID"
    assert back["xero_id"] == record[id_key] and back["type"] == neutral["type"]
    assert document_to_xero(back, base_currency="NZD") == payload
    assert document_to_xero(back, xero_id=back["xero_id"], base_currency="NZD") == dict(
        payload, **{id_key: back["xero_id"]}
    )
    # The amounts read back are Xero's, and they are what expected_totals predicted.
    expected = expected_totals(rated(books, neutral["lines"]), neutral["amount_type"])
    assert (D(str(back["sub_total"])), D(str(back["total_tax"])), D(str(back["total"]))) == expected
    assert D(str(back["amount_due"])) == expected[2]
    assert [D(str(li["line_amount"])) for li in back["lines"] if not li["display"]] == [
        line_amount(li) for li in neutral["lines"] if not li.get("display")
    ]
    assert [li["display"] for li in back["lines"]] == [li.get("display") for li in neutral["lines"]]


def test_round_trip_of_a_record_read_again(books):
    """Same through a fresh GET (what an import sees), not only the write's echo."""
    neutral = round_trip_cases(books)["sales-invoice"]
    payload = document_to_xero(neutral, base_currency="NZD")
    record = post(books, payload)
    [again] = list(books.client.iter_records("Invoices", ids=[record["InvoiceID"]]))
    assert document_to_xero(document_from_xero(again), base_currency="NZD") == payload


DISCOUNT_AMOUNT_INVOICE = {
    "Type": "ACCREC",
    "Date": "2026-01-15",
    "DueDate": "2026-02-14",
    "Status": "AUTHORISED",
    "LineItems": [
        {
            "Description": "Cake",
            "Quantity": 2,
            "UnitAmount": 25,
            "DiscountAmount": 5,
            "AccountCode": "200",
            "TaxType": "OUTPUT2",
        }
    ],
}


def discount_amount_record(books):
    return post(books, dict(DISCOUNT_AMOUNT_INVOICE, Contact={"ContactID": books.customer_id}))


def test_a_discount_amount_is_read_from_xero(books):
    record = discount_amount_record(books)
    assert totals_of(record) == (D("45.00"), D("6.75"), D("51.75"))
    [cake] = document_from_xero(record)["lines"]
    assert (cake["quantity"], cake["unit_amount"], cake["discount_amount"], cake["line_amount"]) == (
        2.0,
        25.0,
        5.0,
        45.0,
    )


def test_round_trip_keeps_a_discount_amount(books):
    record = discount_amount_record(books)
    back = document_from_xero(record)
    back["number"] = None
    try:
        payload = document_to_xero(back, base_currency="NZD")
    except MappingError:
        return  # refusing what it cannot express would do as well
    assert totals_of(post(books, payload)) == totals_of(record)


def test_expected_totals_of_imported_lines_with_a_discount_amount(books):
    record = discount_amount_record(books)
    back = document_from_xero(record)
    assert expected_totals(rated(books, back["lines"]), back["amount_type"]) == totals_of(record)


def test_status_payload_voids_in_the_sandbox(books):
    neutral = doc(number="RT-VOID-1", contact_id=books.customer_id)
    record = post(books, document_to_xero(neutral))
    [result] = books.client.write("Invoices", [status_payload(neutral, record["InvoiceID"], "VOIDED")])
    assert result.ok, result.messages
    voided = document_from_xero(result.record)
    assert (voided["status"], voided["amount_due"], voided["total"]) == ("VOIDED", 0.0, 11.5)
    assert [li["description"] for li in voided["lines"]] == ["Widget"]


# ------------------------------------------------------------------ allocations in the sandbox
def apply_changes(books, note_id, changes, day=date(2026, 1, 20)):
    to_delete, to_add = changes
    for allocation_id in to_delete:
        books.client.delete(f"/CreditNotes/{note_id}/Allocations/{allocation_id}")
    if to_add:
        data = books.client.put(
            f"/CreditNotes/{note_id}/Allocations",
            {"Allocations": [allocation_to_xero(i, a, day) for i, a in to_add]},
        )
        assert [a["Amount"] for a in data["Allocations"]] == [a for __, a in to_add]


def current_allocations(books, note_id):
    note_ = document_from_xero(books.client.get_record("CreditNotes", note_id))
    out = {}
    for allocation in note_["allocations"]:
        out.setdefault(allocation["invoice_id"], []).append((allocation["xero_id"], allocation["amount"]))
    return note_, out


def test_allocation_changes_applied_to_the_sandbox(books):
    c = books.customer_id
    invoice = post(
        books, document_to_xero(doc(number="AL-INV-1", contact_id=c, lines=[line("Cake", 1, 100)]))
    )
    other = post(books, document_to_xero(doc(number="AL-INV-2", contact_id=c, lines=[line("Pie", 1, 20)])))
    credit = post(
        books,
        document_to_xero(doc("ACCRECCREDIT", number="AL-CN-1", contact_id=c, lines=[line("Refund", 1, 40)])),
    )
    inv, oth, cn = invoice["InvoiceID"], other["InvoiceID"], credit["CreditNoteID"]
    assert (invoice["Total"], other["Total"], credit["Total"]) == (115.0, 23.0, 46.0)

    def due():
        return [books.client.get_record("Invoices", i)["AmountDue"] for i in (inv, oth)]

    # (wanted, invoices whose allocations are deleted, allocations added, AmountDue of both, RemainingCredit)
    steps = [
        ({inv: 10.0}, [], [(inv, 10.0)], [105.0, 23.0], 36.0),  # new
        ({inv: 10.0}, [], [], [105.0, 23.0], 36.0),  # unchanged
        ({inv: 25.5, oth: 3.0}, [], [(inv, 15.5), (oth, 3.0)], [89.5, 20.0], 17.5),  # grown, and new
        ({inv: 20.0, oth: 3.0}, [inv], [(inv, 20.0)], [95.0, 20.0], 23.0),  # shrunk
        ({oth: 3.0}, [inv], [], [115.0, 20.0], 43.0),  # removed
    ]
    for wanted, deleted_on, added, amounts_due, remaining in steps:
        __, current = current_allocations(books, cn)
        to_delete, to_add = allocation_changes(current, wanted)
        assert sorted(to_delete) == sorted(a for i in deleted_on for a, __ in current[i])
        assert sorted(to_add) == sorted(added)
        apply_changes(books, cn, (to_delete, to_add))
        note_, current = current_allocations(books, cn)
        assert {i: sum(a for __, a in allocations) for i, allocations in current.items()} == wanted
        assert due() == amounts_due and note_["amount_due"] == remaining
        assert allocation_changes(current, wanted) == ([], [])
