"""Manual journals: the pure mapping from Xero (debits and credits tax included, per amount type)."""

from datetime import date
from decimal import Decimal

from xero.mapping.journals import journal_from_xero


def record(amount_type, lines, status="POSTED"):
    return {
        "ManualJournalID": "j1",
        "Narration": " Accrual 1 ",
        "Date": "/Date(1746576000000+0000)/",
        "Status": status,
        "LineAmountTypes": amount_type,
        "JournalLines": lines,
    }


def test_no_tax_journal():
    neutral = journal_from_xero(
        record(
            "NoTax",
            [
                {
                    "LineAmount": 2803.94,
                    "AccountCode": "429",
                    "Description": "Accrued expense",
                    "TaxType": "NONE",
                },
                {"LineAmount": -2803.94, "AccountCode": "800", "Description": "Accrued expense"},
            ],
        )
    )
    assert (neutral["narration"], neutral["date"], neutral["status"], neutral["amount_type"]) == (
        "Accrual 1",
        date(2025, 5, 7),
        "POSTED",
        "NoTax",
    )
    assert (neutral["debit"], neutral["credit"]) == (Decimal("2803.94"), Decimal("2803.94"))
    assert [line["net"] for line in neutral["lines"]] == [2803.94, -2803.94]
    assert neutral["lines"][0]["tax_type"] is None


def test_exclusive_tax_adds_to_the_line_inclusive_is_within():
    exclusive = journal_from_xero(
        record(
            "Exclusive",
            [
                {"LineAmount": 100.0, "TaxAmount": 15.0, "AccountCode": "429", "TaxType": "INPUT2"},
                {"LineAmount": -115.0, "TaxAmount": 0.0, "AccountCode": "800", "TaxType": "NONE"},
            ],
        )
    )
    assert (exclusive["debit"], exclusive["credit"]) == (Decimal("115.00"), Decimal("115.00"))
    assert [line["net"] for line in exclusive["lines"]] == [100.0, -115.0]
    inclusive = journal_from_xero(
        record(
            "INCLUSIVE",
            [
                {"LineAmount": 115.0, "TaxAmount": 15.0, "AccountCode": "429", "TaxType": "INPUT2"},
                {"LineAmount": -115.0, "AccountCode": "800"},
            ],
        )
    )
    assert inclusive["amount_type"] == "Inclusive"
    assert (inclusive["debit"], inclusive["credit"]) == (Decimal("115.00"), Decimal("115.00"))
    assert [line["net"] for line in inclusive["lines"]] == [100.0, -115.0]


def test_entry_payload_refusals_and_spec(check_request):
    import pytest
    from xero.mapping.common import MappingError
    from xero.mapping.journals import journal_to_xero

    neutral = {
        "narration": "Rent accrual",
        "date": date(2026, 6, 1),
        "status": "POSTED",
        "lines": [
            {"description": "Rent", "account_code": "429", "line_amount": 1250.0},
            {"description": "", "account_code": "800", "line_amount": -1250.0},
        ],
    }
    payload = journal_to_xero(neutral)
    assert payload == {
        "Narration": "Rent accrual",
        "Date": "2026-06-01",
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": [
            {"Description": "Rent", "LineAmount": 1250, "AccountCode": "429", "TaxType": "NONE"},
            {"LineAmount": -1250, "AccountCode": "800", "TaxType": "NONE"},
        ],
    }
    check_request("PUT", "/ManualJournals", {"ManualJournals": [payload]})
    with pytest.raises(MappingError, match="narration"):
        journal_to_xero(dict(neutral, narration=" "))
    with pytest.raises(MappingError) as info:
        journal_to_xero(
            dict(neutral, lines=[dict(neutral["lines"][0], account_code=None)] + neutral["lines"][1:])
        )
    assert info.value.kind == "dependency"
    with pytest.raises(MappingError, match="two lines"):
        journal_to_xero(dict(neutral, lines=neutral["lines"][:1]))
