"""The import validator (xero/validate.py): which Xero elements Odoo refuses, and why; the
storable text of what it refuses; and the server clock the client keeps for cursors."""

import json
from datetime import datetime, timezone

import pytest
from xero import XeroClient, validate
from xero.client import _server_time
from xero.objects import collection

CONTACTS = collection("Contacts")
GOOD = {
    "ContactID": "a1b2c3d4-0000-4000-8000-000000000001",
    "Name": "Good Ltd",
    "UpdatedDateUTC": "/Date(1760000000000+0000)/",
    "Addresses": [{"AddressType": "POBOX", "AddressLine1": "Line\tone\r\nTwo"}],
    "Phones": [],
    "PaymentTerms": None,
    "ContactGroups": [{"Name": "VIP"}],
}


def with_(**fields):
    out = json.loads(json.dumps(GOOD))
    out.update(fields)
    return out


def test_a_good_contact_has_no_problem():
    assert validate.problems(GOOD, CONTACTS) == []
    # A surrogate pair sent as JSON escapes is one character once decoded: fine.
    assert validate.problems(json.loads('{"ContactID": "x", "Name": "Smile \\ud83d\\ude00"}'), CONTACTS) == []


@pytest.mark.parametrize(
    "element, expected",
    [
        ("text", "the element is text, not an object"),
        (None, "the element is null, not an object"),
        ([GOOD], "the element is a list, not an object"),
        (42, "the element is a number, not an object"),
    ],
)
def test_non_objects(element, expected):
    assert validate.problems(element, CONTACTS) == [expected]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"ContactID": None}, "ContactID is missing"),
        ({"ContactID": "  "}, "ContactID is missing"),
        ({"ContactID": 12}, "ContactID is a number, not text"),
        ({"Name": ""}, "Name is empty"),
        ({"Name": " \t"}, "Name is empty"),
        ({"Name": None}, "Name is empty"),
        ({"Name": ["A"]}, "Name is a list, not text"),
        ({"ContactNumber": 7}, "ContactNumber is a number, not text"),
        ({"Name": "Nul\x00Byte"}, "Name contains U+0000 (NUL) at position 4"),
        ({"Name": "Lone \ud800"}, "Name contains U+D800 (a lone surrogate, not valid Unicode) at position 6"),
        ({"Name": "\udfff"}, "Name contains U+DFFF (a lone surrogate, not valid Unicode) at position 1"),
        ({"Name": "Bell\x07"}, "Name contains U+0007 (a control character) at position 5"),
        ({"Name": "odd\uffff"}, "Name contains U+FFFF (not a character) at position 4"),
        ({"Addresses": [{"City": "Nul\x00"}]}, "Addresses[0].City contains U+0000 (NUL) at position 4"),
        ({"UpdatedDateUTC": "yesterday"}, "UpdatedDateUTC is not a date ('yesterday')"),
        ({"UpdatedDateUTC": 1760000000000}, "UpdatedDateUTC is a number, not a date"),
        (
            {"UpdatedDateUTC": "/Date(99999999999999999+0000)/"},
            "UpdatedDateUTC is not a date ('/Date(99999999999999999+0000)/')",
        ),
        ({"UpdatedDateUTC": "/Date(-1000+0000)/"}, "UpdatedDateUTC is out of range ('/Date(-1000+0000)/')"),
        ({"Addresses": "Main Street"}, "Addresses is text, not a list"),
        ({"Phones": [{"PhoneNumber": "1"}, "555"]}, "Phones[1] is text, not an object"),
        ({"PaymentTerms": []}, "PaymentTerms is a list, not an object"),
        (
            {"ContactPersons": [{"FirstName": "A", "Date": "soon"}]},
            "ContactPersons[0].Date is not a date ('soon')",
        ),
    ],
)
def test_each_problem_is_named(fields, expected):
    assert validate.problems(with_(**fields), CONTACTS) == [expected]


def test_all_problems_are_listed_and_keys_are_checked():
    element = with_(ContactID=None, Name="", UpdatedDateUTC="never")
    element["bad\x00key"] = 1
    assert validate.problems(element, CONTACTS) == [
        "ContactID is missing",
        "Name is empty",
        "UpdatedDateUTC is not a date ('never')",
        "the element has a field named 'bad\\u0000key'",
    ]


def test_far_future_dates_are_valid():
    """A record dated in the future imports (the engine caps the cursor instead)."""
    assert validate.problems(with_(UpdatedDateUTC="9999-12-31T00:00:00"), CONTACTS) == []
    assert validate.problems(with_(UpdatedDateUTC="/Date(253402214400000+0000)/"), CONTACTS) == []
    # ...but not one that cannot even be written in UTC.
    assert validate.problems(with_(UpdatedDateUTC="9999-12-31T23:00:00-05:00"), CONTACTS) == [
        "UpdatedDateUTC is not a date ('9999-12-31T23:00:00-05:00')"
    ]


def test_required_fields_per_collection():
    items = collection("Items")
    assert validate.problems({"ItemID": "i", "Name": "No code"}, items) == ["Code is empty"]
    assert validate.problems({"ItemID": "i", "Code": "C-1"}, items) == []  # Name is optional
    invoices = collection("Invoices")
    assert validate.problems({"InvoiceID": "v", "Contact": "Acme", "Type": "ACCREC"}, invoices) == [
        "Contact is text, not an object"
    ]
    assert validate.problems({"InvoiceID": "v"}, invoices) == ["Type is empty"]
    assert validate.problems({"InvoiceID": "v", "Type": "ACCREC", "InvoiceNumber": 5}, invoices) == [
        "InvoiceNumber is a number, not text"
    ]
    payments = collection("Payments")
    assert validate.problems({"Amount": 1}, payments) == ["PaymentID is missing"]
    assert validate.problems({"PaymentID": "p", "Invoice": {"InvoiceID": "v"}}, payments) == []
    assert validate.problems({"Code": "NZD"}, collection("Currencies")) == []


def test_safe_text_and_labels_are_storable():
    text = "a\x00b\ud800c\x07d\te\nf"
    safe = validate.safe_text(text)
    assert safe == "a\\u0000b\\ud800c\\u0007d\te\nf"
    safe.encode("utf-8")  # no lone surrogate left
    assert validate.is_clean(safe) and not validate.is_clean(text)
    assert validate.safe_text(None) is None
    assert validate.label(with_(Name="Nul\x00"), CONTACTS) == "Nul\\u0000"
    assert validate.label(with_(Name=""), CONTACTS) == GOOD["ContactID"]
    assert validate.label({"Name": ""}, CONTACTS) == "Contacts element without ContactID"
    assert validate.label("x\ud800", CONTACTS) == "Contacts element: 'x\\ud800'"
    for value in ("not an object", {"Name": "Nul\x00 \ud800 é\uffff"}, [None, 7], None):
        text = validate.safe_json(value)
        text.encode("utf-8")
        assert "\x00" not in text and json.loads(text) == value
    assert "é" in validate.safe_json({"Name": "é"})  # readable, only the refused are escaped


def test_server_time_from_the_answer():
    body = {"DateTimeUTC": "/Date(1760000000000)/"}
    assert _server_time(body, {}) == datetime(2025, 10, 9, 8, 53, 20, tzinfo=timezone.utc)
    assert _server_time({}, {"Date": "Thu, 09 Oct 2025 08:53:20 GMT"}) == datetime(
        2025, 10, 9, 8, 53, 20, tzinfo=timezone.utc
    )
    assert _server_time({"DateTimeUTC": "nonsense"}, {"Date": "also nonsense"}) is None


def test_client_keeps_the_server_time_of_its_reads(make_sandbox):
    from xero import Transport

    sandbox = make_sandbox(minute_limit=10000)
    sandbox.advance_clock(3600)  # Xero's clock an hour ahead of ours
    token = sandbox.issue_token()["access_token"]
    client = XeroClient(Transport(), sandbox.tenant_id, lambda force=False: token, api_url=sandbox.url)
    assert client.server_time is None
    list(client.iter_pages("Contacts"))
    assert abs((client.server_time - datetime.now(timezone.utc)).total_seconds() - 3600) < 60
