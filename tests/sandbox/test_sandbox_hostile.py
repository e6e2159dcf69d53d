"""Hostile Xero for the client's tests: planted elements (Sandbox.inject_raw) listed verbatim, the
``where_refused`` fault, and ``where`` string literals read the way Xero's parser reads them."""

import json

import pytest
from sandbox_helpers import Client


def planted(response, key="Contacts"):
    return [c for c in response.json()[key] if not isinstance(c, dict) or "Planted" in json.dumps(c)]


def test_planted_elements_are_listed_verbatim(sb, api):
    elements = [
        "not an object",
        7,
        None,
        ["a"],
        {"Name": "Planted Nul\x00"},
        {"ContactID": "0bad0bad-0000-4000-8000-000000000001", "Name": "Planted \ud800"},
    ]
    for element in elements:
        sb.inject_raw("Contacts", element)
    response = api.get("Contacts", params={"page": 1, "pageSize": 1000, "includeArchived": "true"})
    assert response.status_code == 200
    assert response.headers["X-Sandbox-Injected"] == "true"
    # Escaped the way a JSON server sends them; json.loads gives back the very same values.
    assert b'"Planted Nul\\u0000"' in response.content and b'"Planted \\ud800"' in response.content
    assert planted(response) == elements
    assert response.json()["pagination"]["itemCount"] == len(sb.records("Contacts")) + len(elements)
    # Never stored: not in the inspection view, not found by ID, gone after a reset.
    assert all(isinstance(c, dict) and "Planted" not in c["Name"] for c in sb.records("Contacts"))
    assert api.get("Contacts/0bad0bad-0000-4000-8000-000000000001").status_code == 404
    sb.reset()
    again = Client(sb).get("Contacts")  # a reset clears the tokens too
    assert planted(again) == [] and "X-Sandbox-Injected" not in again.headers


def test_planted_elements_follow_the_filters_they_can_be_read_by(sb, api):
    old = {
        "ContactID": "0bad0bad-0000-4000-8000-000000000002",
        "Name": "Planted Old",
        "UpdatedDateUTC": "/Date(1000000000000+0000)/",
        "ContactStatus": "ACTIVE",
    }
    unreadable = {
        "ContactID": "0bad0bad-0000-4000-8000-000000000003",
        "Name": "Planted Date",
        "UpdatedDateUTC": "yesterday",
        "ContactStatus": "ACTIVE",
    }
    archived = {
        "ContactID": "0bad0bad-0000-4000-8000-000000000004",
        "Name": "Planted Archived",
        "ContactStatus": "ARCHIVED",
    }
    for element in (old, unreadable, archived, "text"):
        sb.inject_raw("Contacts", element)
    since = {"If-Modified-Since": "2020-01-01T00:00:00Z"}
    assert planted(api.get("Contacts", headers=since)) == [unreadable, "text"]
    assert planted(api.get("Contacts")) == [old, unreadable, "text"]
    assert planted(api.get("Contacts", params={"includeArchived": "true"})) == [
        old,
        unreadable,
        archived,
        "text",
    ]
    where = {"where": 'Name=="Planted Old"'}
    assert planted(api.get("Contacts", params=where)) == [old, "text"]
    by_id = api.get("Contacts", params={"IDs": old["ContactID"]})
    assert planted(by_id) == [old, "text"]
    sb.inject_raw(
        "Invoices", {"InvoiceID": "0bad0bad-0000-4000-8000-000000000005", "Type": "ACCPAY", "Planted": 1}
    )
    sb.inject_raw(
        "Invoices", {"InvoiceID": "0bad0bad-0000-4000-8000-000000000006", "Type": "ACCREC", "Planted": 1}
    )
    sales = api.get("Invoices", params={"where": 'Type=="ACCREC"', "page": 1, "pageSize": 1000})
    assert [i["InvoiceID"][-1] for i in planted(sales, "Invoices")] == ["6"]
    with pytest.raises(ValueError):
        sb.inject_raw("Nonsense", {})


def test_where_string_literals_as_xero_reads_them(sb, api):
    """System.Linq.Dynamic: a doubled quote is one quote, a backslash is an ordinary character."""
    names = ["Backslash Co\\", 'Quote "Co"', 'Both \\"Co', '"', "Trailing \\\\"]
    made = {api.create("Contacts", {"Name": name})["Name"]: name for name in names}
    assert sorted(made) == sorted(names)
    for name in names:
        literal = name.replace('"', '""')
        found = api.get("Contacts", params={"where": f'Name=="{literal}" OR Name=="nobody"'}).json()[
            "Contacts"
        ]
        assert [c["Name"] for c in found] == [name], name
        lower = api.get("Contacts", params={"where": f'Name.ToLower()=="{literal.lower()}"'}).json()[
            "Contacts"
        ]
        assert [c["Name"] for c in lower] == [name], name
    # The backslash-escaped form is a syntax error there (XeroAPI/Xero-Java#347), so it is here.
    for bad in ('Name=="Quote \\"Co\\""', 'Name=="open', 'Name=="a"b"'):
        response = api.get("Contacts", params={"where": bad}, headers={"X-Test-Invalid-Request": "bad where"})
        assert response.status_code == 400, bad
        assert response.json()["Type"] == "QueryParseException"


def test_where_refused_fault(sb, api):
    sb.inject_fault("where_refused", count=2, contains='"refused"')
    other = api.get("Contacts", params={"where": 'Name=="fine"'})
    assert other.status_code == 200  # not matching: not consumed
    for _ in range(2):
        refused = api.get("Contacts", params={"where": 'Name=="fine" OR Name=="refused"'})
        assert refused.status_code == 400
        assert refused.json() == {"ErrorNumber": 16, "Type": "QueryParseException", "Message": "Syntax error"}
    assert api.get("Contacts", params={"where": 'Name=="refused"'}).status_code == 200
    with pytest.raises(ValueError):
        sb.inject_fault("where_refused")


def test_planted_elements_in_an_unpaged_collection(sb):
    sb.inject_raw("Items", {"Code": "PLANTED", "Name": "Planted\x00"})
    items = Client(sb).get("Items").json()["Items"]
    assert items[-1] == {"Code": "PLANTED", "Name": "Planted\x00"}


def test_planted_attachments_are_listed_and_served_as_given(sb, api):
    invoice = api.get("Invoices", params={"page": 1}).json()["Invoices"][0]
    base = "Invoices/{}/Attachments".format(invoice["InvoiceID"])
    assert api.one("Invoices", invoice["InvoiceID"])["HasAttachments"] is False
    name = '../..\\evil\x00\r\nSet-Cookie: x=1 "' + "é" * 300 + ".pdf"
    made = sb.inject_attachment(
        "Invoices", invoice["InvoiceID"], name, b"%PDF-1.4 planted", "text/html\r\nX: y"
    )
    assert api.one("Invoices", invoice["InvoiceID"])["HasAttachments"] is True
    [listed] = api.get(base).json()["Attachments"]
    assert (listed["FileName"], listed["ContentLength"]) == (name, 16)
    response = api.get(f"{base}/{made['AttachmentID']}", headers={"contentType": "application/pdf"})
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 planted"
    # Nothing planted reaches a header as it is.
    assert "Set-Cookie" not in {k.title() for k in response.headers}
    assert response.headers["Content-Type"] == "text/htmlX: y"
    assert "\r" not in response.headers["Content-Disposition"]
    with pytest.raises(ValueError):
        sb.inject_attachment("Invoices", "0bad0bad-0000-4000-8000-000000000001", "a.pdf", b"x")


def test_attachment_downloads_follow_the_spec(sb, api):
    invoice = api.get("Invoices", params={"page": 1}).json()["Invoices"][0]
    base = "Invoices/{}/Attachments".format(invoice["InvoiceID"])
    made = sb.inject_attachment("Invoices", invoice["InvoiceID"], "scan.png", b"\x89PNG planted")
    # The spec's required contentType header: 400 without it.
    missing = {"X-Test-Invalid-Request": "no contentType header on purpose"}
    assert api.get(f"{base}/{made['AttachmentID']}", headers=missing).status_code == 400
    response = api.get(f"{base}/{made['AttachmentID']}", headers={"contentType": "image/png"})
    assert (response.status_code, response.headers["Content-Type"]) == (200, "image/png")
    assert api.get(f"{base}/scan.png", headers={"contentType": "image/png"}).content == b"\x89PNG planted"
    unknown = api.get(f"{base}/0bad0bad-0000-4000-8000-000000000001", headers={"contentType": "image/png"})
    assert unknown.status_code == 404
    no_record = api.get(
        "Invoices/0bad0bad-0000-4000-8000-000000000001/Attachments", headers={"contentType": "image/png"}
    )
    assert no_record.status_code == 404
    stats = sb.stats()["by_operation"]
    assert stats["GET /Invoices/Attachments/{id}"] == 4
    assert stats["GET /Invoices/Attachments"] == 1
