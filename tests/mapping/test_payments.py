"""Payments (xero/mapping/payments.py): exact neutral dicts and payloads, which payments are synced,
every refusal, spec conformance, and payments (and cash refunds) written to the sandbox."""

import copy
import re
from datetime import date, datetime, timezone

import pytest
from xero.mapping.common import MappingError
from xero.mapping.documents import document_from_xero, document_to_xero
from xero.mapping.payments import (
    DOCUMENT_PAYMENT_TYPES,
    OTHER_PAYMENT_TYPES,
    is_document_payment,
    payment_from_xero,
    payment_to_xero,
)

UTC = timezone.utc  # noqa: UP017 (datetime.UTC is Python 3.11+; the addon supports 3.10)

PAYMENT_ID = "61ed71fc-01bf-4eb8-8419-8a18789ff45f"
INVOICE_ID = "c7c37b83-ac95-45ea-88ba-8ad83a5f22fe"
CREDIT_ID = "dba68ebc-c05a-4e2d-b97d-964349e5b8d6"
ACCOUNT_ID = "5690f1e8-1d02-4893-90c2-ee1a69eff942"

# PAYLOADS.md section 4, response of PUT /Payments (ASSEMBLED from the spec example; the invoice's
# line items and contact details are left out here, they play no part).
PAYMENT_ON_INVOICE = {
    "PaymentID": PAYMENT_ID,
    "Date": "/Date(1552348800000+0000)/",
    "BankAmount": 1.00,
    "Amount": 1.00,
    "CurrencyRate": 1.000000,
    "PaymentType": "ACCRECPAYMENT",
    "Status": "AUTHORISED",
    "UpdatedDateUTC": "/Date(1552432238623+0000)/",
    "UpdatedDateUTCString": "2019-03-12T23:10:38Z",
    "HasAccount": True,
    "IsReconciled": False,
    "Account": {"AccountID": ACCOUNT_ID, "Code": "970", "Name": "Owner A Funds Introduced"},
    "Invoice": {
        "Type": "ACCREC",
        "InvoiceID": INVOICE_ID,
        "InvoiceNumber": "INV-0004",
        "Reference": "",
        "AmountDue": 229.00,
        "AmountPaid": 1.00,
        "CurrencyRate": 1.000000,
        "Status": "AUTHORISED",
        "Contact": {"ContactID": "a3675fc4-f8dd-4f03-ba5b-f1870566bcd7", "Name": "Barney Rubble-83203"},
        "LineAmountTypes": "Exclusive",
        "SubTotal": 200.00,
        "TotalTax": 30.00,
        "Total": 230.00,
        "CurrencyCode": "NZD",
    },
    "HasValidationErrors": False,
}
# PAYLOADS.md section 4, response of POST /Payments/{PaymentID} (VERBATIM from the spec, line items left
# out): a cash refund of a supplier credit note, which Xero reports under "Invoice", not "CreditNote"
# (also seen by users of the Ruby SDK: XeroAPI/xero-ruby#48).
REFUND_AS_XERO_SENDS_IT = {
    "PaymentID": "c94c996b-1ab3-4ff3-ad19-1cdc77f30817",
    "Date": "/Date(1567382400000+0000)/",
    "BankAmount": 2.00,
    "Amount": 2.00,
    "Reference": "foobar",
    "CurrencyRate": 1.000000,
    "PaymentType": "APCREDITPAYMENT",
    "Status": "DELETED",
    "UpdatedDateUTC": "/Date(1583945852373+0000)/",
    "UpdatedDateUTCString": "2020-03-11T16:57:32Z",
    "HasAccount": True,
    "IsReconciled": False,
    "Account": {
        "AccountID": "57f261f0-e32d-4a7f-be82-22cd992c6367",
        "Code": "033",
        "Name": "Checking account",
    },
    "Invoice": {
        "Type": "ACCPAYCREDIT",
        "InvoiceID": CREDIT_ID,
        "InvoiceNumber": "",
        "Reference": "",
        "AmountDue": 22.00,
        "AmountPaid": 0.00,
        "CurrencyRate": 1.000000,
        "Status": "AUTHORISED",
        "Contact": {"ContactID": "216830cb-9a68-487e-928b-c1a7ccc4fc81", "Name": "FooBar73005"},
        "Total": 22.00,
        "CurrencyCode": "AUD",
    },
    "HasValidationErrors": False,
}


def neutral_payment(**overrides):
    out = {
        "xero_id": None,
        "payment_type": None,
        "document_kind": "invoice",
        "document_id": INVOICE_ID,
        "document_number": "INV-0042",
        "document_type": "ACCREC",
        "account_code": "090",
        "account_id": None,
        "date": date(2026, 1, 20),
        "amount": 50.5,
        "bank_amount": None,
        "rate": None,
        "reference": " Cheque 12 ",
        "status": "AUTHORISED",
        "currency": "NZD",
        "updated_at": None,
        "journal": "Bank NZD",
    }
    out.update(copy.deepcopy(overrides))
    return out


# ------------------------------------------------------------------------------- from Xero
def test_payment_from_xero_on_an_invoice():
    assert payment_from_xero(PAYMENT_ON_INVOICE) == {
        "xero_id": PAYMENT_ID,
        "payment_type": "ACCRECPAYMENT",
        "document_kind": "invoice",
        "document_id": INVOICE_ID,
        "document_number": "INV-0004",
        "document_type": "ACCREC",
        "currency": "NZD",
        "account_code": "970",
        "account_id": ACCOUNT_ID,
        "date": date(2019, 3, 12),
        "amount": 1.0,
        "bank_amount": 1.0,
        "rate": 1.0,
        "reference": None,
        "status": "AUTHORISED",
        "updated_at": datetime(2019, 3, 12, 23, 10, 38, 623000, tzinfo=UTC),
    }


def test_payment_from_xero_on_a_credit_note():
    record = {
        "PaymentID": PAYMENT_ID,
        "PaymentType": "ARCREDITPAYMENT",
        "Date": "2026-01-20T00:00:00",
        "Amount": 12.5,
        "BankAmount": 20.41,
        "CurrencyRate": 0.612346,
        "Reference": "Refund",
        "Account": {"AccountID": ACCOUNT_ID},
        "CreditNote": {
            "CreditNoteID": CREDIT_ID,
            "CreditNoteNumber": "CN-0042",
            "Type": "ACCRECCREDIT",
            "CurrencyCode": "USD",
        },
    }
    assert payment_from_xero(record) == {
        "xero_id": PAYMENT_ID,
        "payment_type": "ARCREDITPAYMENT",
        "document_kind": "credit_note",
        "document_id": CREDIT_ID,
        "document_number": "CN-0042",
        "document_type": "ACCRECCREDIT",
        "currency": "USD",
        "account_code": None,
        "account_id": ACCOUNT_ID,
        "date": date(2026, 1, 20),
        "amount": 12.5,
        "bank_amount": 20.41,
        "rate": 0.612346,
        "reference": "Refund",
        "status": "AUTHORISED",
        "updated_at": None,
    }


def test_payment_from_xero_without_a_document():
    prepayment = {
        "PaymentID": PAYMENT_ID,
        "PaymentType": "ARPREPAYMENTPAYMENT",
        "Amount": 5,
        "Prepayment": {"PrepaymentID": "p-1"},
        "Invoice": {},
    }
    neutral = payment_from_xero(prepayment)
    assert (
        neutral["document_kind"],
        neutral["document_id"],
        neutral["document_number"],
        neutral["document_type"],
        neutral["currency"],
    ) == (None, None, None, None, None)
    assert is_document_payment(neutral) is False
    assert payment_from_xero({}) == {
        "xero_id": None,
        "payment_type": None,
        "document_kind": None,
        "document_id": None,
        "document_number": None,
        "document_type": None,
        "currency": None,
        "account_code": None,
        "account_id": None,
        "date": None,
        "amount": None,
        "bank_amount": None,
        "rate": None,
        "reference": None,
        "status": "AUTHORISED",
        "updated_at": None,
    }


def test_refund_reported_under_invoice_keeps_everything_else():
    neutral = payment_from_xero(REFUND_AS_XERO_SENDS_IT)
    assert (neutral["payment_type"], neutral["status"], neutral["reference"], neutral["currency"]) == (
        "APCREDITPAYMENT",
        "DELETED",
        "foobar",
        "AUD",
    )
    assert (neutral["document_type"], neutral["amount"], neutral["date"]) == (
        "ACCPAYCREDIT",
        2.0,
        date(2019, 9, 2),
    )
    assert is_document_payment(neutral) is True


def test_refund_reported_under_invoice_is_a_credit_note_payment():
    neutral = payment_from_xero(REFUND_AS_XERO_SENDS_IT)
    assert (neutral["document_kind"], neutral["document_id"]) == ("credit_note", CREDIT_ID)


@pytest.mark.parametrize(
    "payment_type, synced",
    [(t, True) for t in DOCUMENT_PAYMENT_TYPES] + [(t, False) for t in OTHER_PAYMENT_TYPES],
)
def test_is_document_payment_by_type(payment_type, synced):
    for kind in ("invoice", "credit_note", None):
        assert is_document_payment({"payment_type": payment_type, "document_kind": kind}) is synced


def test_payment_type_lists_are_the_specs():
    assert set(DOCUMENT_PAYMENT_TYPES) == {
        "ACCRECPAYMENT",
        "ACCPAYPAYMENT",
        "ARCREDITPAYMENT",
        "APCREDITPAYMENT",
    }
    assert set(OTHER_PAYMENT_TYPES) == {
        "AROVERPAYMENTPAYMENT",
        "ARPREPAYMENTPAYMENT",
        "APPREPAYMENTPAYMENT",
        "APOVERPAYMENTPAYMENT",
    }


def test_payment_types_in_the_spec_are_all_classified(spec_dir):
    import os

    import spec_check

    spec = spec_check.load_yaml(os.path.join(spec_dir, "xero_accounting.yaml"))
    enum = spec["components"]["schemas"]["Payment"]["properties"]["PaymentType"]["enum"]
    assert sorted(enum) == sorted(DOCUMENT_PAYMENT_TYPES + OTHER_PAYMENT_TYPES)


@pytest.mark.parametrize(
    "neutral, synced",
    [
        ({"payment_type": None, "document_kind": "invoice"}, True),
        ({"payment_type": None, "document_kind": "credit_note"}, True),
        ({"payment_type": None, "document_kind": None}, False),
        ({}, False),
        ({"payment_type": "SOMETHINGNEW", "document_kind": "invoice"}, False),
    ],
)
def test_is_document_payment_without_a_known_type(neutral, synced):
    assert is_document_payment(neutral) is synced


# --------------------------------------------------------------------------------- to Xero
def test_payment_to_xero_on_an_invoice():
    assert payment_to_xero(neutral_payment(), amount_due=115) == {
        "Invoice": {"InvoiceID": INVOICE_ID},
        "Account": {"Code": "090"},
        "Date": "2026-01-20",
        "Amount": 50.5,
        "Reference": "Cheque 12",
    }


def test_payment_to_xero_refund_of_a_credit_note_by_account_id():
    neutral = neutral_payment(
        document_kind="credit_note",
        document_id=CREDIT_ID,
        account_code=None,
        account_id=ACCOUNT_ID,
        amount=40.0,
        reference=None,
        date=datetime(2026, 1, 21, 9),
    )
    assert payment_to_xero(neutral) == {
        "CreditNote": {"CreditNoteID": CREDIT_ID},
        "Account": {"AccountID": ACCOUNT_ID},
        "Date": "2026-01-21",
        "Amount": 40,
    }


def test_payment_to_xero_prefers_the_account_code():
    assert payment_to_xero(neutral_payment(account_id=ACCOUNT_ID))["Account"] == {"Code": "090"}


@pytest.mark.parametrize(
    "overrides, rate",
    [
        ({"rate": 0.61234567, "foreign": True}, 0.612346),
        ({"rate": 1.5, "foreign": True}, 1.5),
        ({"rate": 0.61234567}, None),
        ({"rate": 0.61234567, "foreign": False}, None),
        ({"rate": None, "foreign": True}, None),
    ],
)
def test_payment_to_xero_rate_only_for_foreign_documents(overrides, rate):
    payload = payment_to_xero(neutral_payment(**overrides))
    assert payload.get("CurrencyRate") == rate


@pytest.mark.parametrize("amount, amount_due", [(50.5, 50.5), (0.3, 0.1 + 0.2), (50.5, None), (0.01, 1000)])
def test_payment_up_to_the_amount_due_is_accepted(amount, amount_due):
    assert payment_to_xero(neutral_payment(amount=amount), amount_due=amount_due)["Amount"] == amount


@pytest.mark.parametrize("number, on", [("INV-0042", "INV-0042"), (None, "the document")])
def test_payment_larger_than_the_amount_due_is_refused(number, on):
    with pytest.raises(
        MappingError,
        match="^"
        + re.escape(f"The payment of 100.01 is larger than the 100.00 still due on {on} in Xero.")
        + "$",
    ) as info:
        payment_to_xero(neutral_payment(amount=100.01, document_number=number), amount_due=100)
    assert info.value.kind == "mapping"
    assert info.value.hint.startswith("Check the payments already recorded in Xero for this document")


def test_payment_when_nothing_is_due_is_refused():
    with pytest.raises(MappingError, match=r"The payment of 0\.01 is larger than the 0\.00 still due"):
        payment_to_xero(neutral_payment(amount=0.01), amount_due=0.0)


@pytest.mark.parametrize("amount", [0, 0.0, None, -5, 0.004])
def test_zero_or_negative_payment_is_refused(amount):
    with pytest.raises(MappingError, match="^The payment amount must be greater than zero.$") as info:
        payment_to_xero(neutral_payment(amount=amount), amount_due=100)
    assert info.value.kind == "mapping"


def test_payment_without_a_bank_account_is_a_dependency():
    with pytest.raises(
        MappingError, match="^The payment's journal is not mapped to a Xero bank account.$"
    ) as info:
        payment_to_xero(neutral_payment(account_code=None, account_id=None))
    assert info.value.kind == "dependency" and info.value.missing == ("bank_accounts", "Bank NZD")
    assert info.value.hint.startswith("Map the journal to a Xero bank account")


def test_payment_without_a_document_is_a_dependency():
    with pytest.raises(
        MappingError, match="^The payment is not reconciled with a document synced to Xero.$"
    ) as info:
        payment_to_xero(neutral_payment(document_id=None))
    assert info.value.kind == "dependency" and info.value.missing == ("invoices", "INV-0042")
    assert info.value.hint.startswith("Reconcile the payment with an invoice, bill or credit note")


def test_payment_reference_too_long_is_refused():
    assert payment_to_xero(neutral_payment(reference="R" * 255))["Reference"] == "R" * 255
    with pytest.raises(
        MappingError, match=r"^Payment reference is 256 characters long; Xero accepts at most 255\.$"
    ):
        payment_to_xero(neutral_payment(reference="R" * 256))


# ------------------------------------------------------------------------------------- spec
def test_payloads_conform_to_the_spec(check_request):
    payloads = [
        payment_to_xero(neutral_payment()),
        payment_to_xero(
            neutral_payment(
                document_kind="credit_note",
                document_id=CREDIT_ID,
                account_code=None,
                account_id=ACCOUNT_ID,
                reference=None,
            )
        ),
        payment_to_xero(neutral_payment(rate=0.612346, foreign=True)),
    ]
    check_request("PUT", "/Payments", {"Payments": payloads})
    check_request("POST", "/Payments", payloads[0])


# ---------------------------------------------------------------------------------- sandbox
def make_document(books, doc_type, number, lines, **extra):
    """An AUTHORISED document in the sandbox, made with document_to_xero; its neutral form."""
    neutral = {
        "type": doc_type,
        "number": number,
        "contact_id": books.customer_id if doc_type.startswith("ACCREC") else books.supplier_id,
        "date": date(2026, 1, 15),
        "due_date": date(2026, 2, 14),
        "status": "AUTHORISED",
        "currency": "NZD",
        "amount_type": "Exclusive",
        "lines": lines,
    }
    neutral.update(extra)
    collection = "CreditNotes" if doc_type.endswith("CREDIT") else "Invoices"
    [result] = books.client.write(collection, [document_to_xero(neutral, base_currency="NZD")], method="PUT")
    assert result.ok, result.messages
    return document_from_xero(result.record)


def reread(books, document):
    collection = "CreditNotes" if document["type"].endswith("CREDIT") else "Invoices"
    return document_from_xero(books.client.get_record(collection, document["xero_id"]))


def pay(books, neutral, amount_due):
    [result] = books.client.write("Payments", [payment_to_xero(neutral, amount_due=amount_due)], method="PUT")
    assert result.ok, result.messages
    return result


def cake(account="200", tax="OUTPUT2"):
    return {
        "description": "Cake",
        "quantity": 1,
        "unit_amount": 100,
        "account_code": account,
        "tax_type": tax,
    }


@pytest.mark.parametrize(
    "doc_type, payment_type, kind",
    [
        ("ACCREC", "ACCRECPAYMENT", "invoice"),
        ("ACCPAY", "ACCPAYPAYMENT", "invoice"),
        ("ACCRECCREDIT", "ARCREDITPAYMENT", "credit_note"),  # cash refund to a customer
        ("ACCPAYCREDIT", "APCREDITPAYMENT", "credit_note"),  # cash refund from a supplier
    ],
)
def test_payment_through_the_sandbox(books, doc_type, payment_type, kind):
    account = "200" if doc_type.startswith("ACCREC") else "400"
    document = make_document(books, doc_type, f"PAY-{doc_type}", [cake(account)])
    assert (document["total"], document["amount_due"]) == (115.0, 115.0)
    neutral = neutral_payment(
        document_kind=kind,
        document_id=document["xero_id"],
        document_number=document["number"],
        document_type=doc_type,
        amount=40.25,
    )
    result = pay(books, neutral, document["amount_due"])
    sandbox_account = result.record["Account"]["AccountID"]

    back = payment_from_xero(result.record)
    assert back == {
        "xero_id": result.xero_id,
        "payment_type": payment_type,
        "document_kind": kind,
        "document_id": document["xero_id"],
        "document_number": f"PAY-{doc_type}",
        "document_type": doc_type,
        "currency": "NZD",
        "account_code": "090",
        "account_id": sandbox_account,
        "date": date(2026, 1, 20),
        "amount": 40.25,
        "bank_amount": 40.25,
        "rate": 1.0,
        "reference": "Cheque 12",
        "status": "AUTHORISED",
        "updated_at": back["updated_at"],
    }
    assert back["updated_at"].tzinfo is not None
    assert is_document_payment(back) is True
    assert payment_from_xero(books.client.get_record("Payments", result.xero_id)) == back

    # What is due on the document dropped by the payment, and the document lists it.
    after = reread(books, document)
    assert after["amount_due"] == 74.75
    assert [(p["xero_id"], p["amount"], p["date"]) for p in after["payments"]] == [
        (result.xero_id, 40.25, date(2026, 1, 20))
    ]
    if kind == "invoice":
        assert after["amount_paid"] == 40.25

    # A payment over what is now due is refused before anything is sent; exactly what is due settles it.
    sent = books.sandbox.stats()["total"]
    with pytest.raises(MappingError, match="The payment of 74.76 is larger than the 74.75 still due"):
        payment_to_xero(dict(neutral, amount=74.76), amount_due=after["amount_due"])
    assert books.sandbox.stats()["total"] == sent
    pay(books, dict(neutral, amount=74.75, reference=None), after["amount_due"])
    settled = reread(books, document)
    assert (settled["amount_due"], settled["status"]) == (0.0, "PAID")


def test_foreign_payment_carries_its_rate(books):
    document = make_document(
        books, "ACCREC", "PAY-USD-1", [cake(tax="ZERORATED")], currency="USD", rate=0.612346
    )
    assert (document["currency"], document["rate"], document["amount_due"]) == ("USD", 0.612346, 100.0)
    neutral = neutral_payment(
        document_id=document["xero_id"], document_number="PAY-USD-1", amount=30, rate=0.6, foreign=True
    )
    payload = payment_to_xero(neutral, amount_due=document["amount_due"])
    assert payload["CurrencyRate"] == 0.6 and payload["Amount"] == 30
    [result] = books.client.write("Payments", [payload], method="PUT")
    assert result.ok, result.messages
    back = payment_from_xero(result.record)
    # Amount in the document's currency; the NZD bank account received 30 / 0.6 NZD.
    assert (back["currency"], back["amount"], back["rate"], back["bank_amount"]) == ("USD", 30.0, 0.6, 50.0)
    assert reread(books, document)["amount_due"] == 70.0
