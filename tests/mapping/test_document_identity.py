"""A Xero document found by number is the Odoo document only when type, contact, currency and
total agree (xero/mapping/documents.py identity_differences); draft placeholder numbers."""

import pytest
from xero.mapping.documents import (
    document_from_xero,
    identity_differences,
    placeholder_ids,
    placeholder_number,
)

CONTACT = "430fa14a-f945-44d3-9f97-5df5e28441b8"
OTHER = "9b3a0f7e-2c1d-4e5f-8a6b-7c8d9e0f1a2b"


def odoo(**extra):
    out = {"type": "ACCREC", "contact_id": CONTACT, "currency": "USD", "total": 2072.30}
    out.update(extra)
    return out


def xero(**extra):
    record = {
        "Type": "ACCREC",
        "InvoiceNumber": "INV-0160",
        "Contact": {"ContactID": CONTACT},
        "CurrencyCode": "USD",
        "Total": 2072.30,
        "Date": "2026-03-10",
    }
    record.update(extra)
    return document_from_xero(record)


def test_same_document():
    assert identity_differences(odoo(), xero()) == []


def test_date_does_not_decide():
    assert identity_differences(odoo(date="2026-01-01"), xero(Date="2026-04-30")) == []


def test_currency_case_does_not_decide():
    assert identity_differences(odoo(currency="usd"), xero()) == []


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"Contact": {"ContactID": OTHER}}, "contact_id"),
        ({"Total": 893.55}, "total"),
        ({"Total": 2072.31}, "total"),
        ({"CurrencyCode": "EUR"}, "currency"),
        ({"Type": "ACCRECCREDIT"}, "type"),
    ],
)
def test_each_difference_refuses(changes, field):
    assert [d[0] for d in identity_differences(odoo(), xero(**changes))] == [field]


def test_both_sides_reported():
    assert identity_differences(odoo(), xero(Total=893.55, Contact={"ContactID": OTHER})) == [
        ("contact_id", CONTACT, OTHER),
        ("total", 2072.30, 893.55),
    ]


def test_missing_values_are_not_proof():
    assert [d[0] for d in identity_differences(odoo(contact_id=None), xero())] == ["contact_id"]
    assert [d[0] for d in identity_differences(odoo(), xero(CurrencyCode=None))] == ["currency"]
    assert [d[0] for d in identity_differences(odoo(total=None), xero())] == ["total"]


def test_tolerance():
    assert identity_differences(odoo(), xero(Total=2072.25), tolerance=0.05) == []
    assert [d[0] for d in identity_differences(odoo(), xero(Total=2072.24), tolerance=0.05)] == ["total"]
    assert [d[0] for d in identity_differences(odoo(), xero(Total=2072.29))] == ["total"]


def test_placeholder_numbers():
    number = placeholder_number(1, 4821)
    assert number == "DRAFT-1-4821"
    assert len(placeholder_number(10**9, 10**12)) < 255
    assert placeholder_ids(number) == (1, 4821)
    assert placeholder_ids(" draft-3-7 ") == (3, 7)
    for other in (None, "", "INV-0001", "DRAFT-1", "DRAFT-1-2-3", "XDRAFT-1-2", "DRAFT-a-1"):
        assert placeholder_ids(other) is None
