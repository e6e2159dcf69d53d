"""Every request the client sends in a representative session, validated against the official
Xero OpenAPI specs (../shared/xero/openapi): path, method, query parameters, headers and body.

Skips (via the ``spec_dir`` fixture) where ../shared is absent.
"""

import base64
import json
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import requests
from xero import CREATED


def _load(path):
    """The project's one spec loader (tests/spec_check.py), quirks documented there."""
    import spec_check

    return spec_check.openapi(path)


def _as_xero_request(record):
    """The logged request, re-addressed to Xero's real host (the spec's server)."""
    parts = urlsplit(record["url"])
    path = parts.path
    if path.lower().startswith("/connections"):
        # Xero's docs (and this client) write /connections; the identity spec /Connections.
        path = "/Connections" + path[len("/connections") :]
    url = urlunsplit(("https", "api.xero.com", path, parts.query, ""))
    headers = dict(record["request_headers"])
    headers["Authorization"] = "Bearer redacted-for-the-log"
    body = record.get("request_body")
    if headers.get("Content-Type") == "application/octet-stream":
        # ATTACHMENT_BODY (tests/spec_check.py): the spec's literal reading is base64 text.
        body = base64.b64encode(body.encode("latin-1")).decode()
    return requests.Request(record["method"], url, headers=headers, data=body)


def test_client_requests_conform_to_the_spec(spec_dir, sandbox, harness):
    from openapi_core.contrib.requests import RequestsOpenAPIRequest

    accounting = _load(os.path.join(spec_dir, "xero_accounting.yaml"))
    identity = _load(os.path.join(spec_dir, "xero-identity.yaml"))
    sandbox.load_seed(
        {
            "Accounts": [
                {
                    "AccountID": str(uuid.uuid4()),
                    "Code": "200",
                    "Name": "Sales",
                    "Type": "REVENUE",
                    "Status": "ACTIVE",
                    "TaxType": "OUTPUT",
                },
                {
                    "AccountID": str(uuid.uuid4()),
                    "Code": "090",
                    "Name": "Business Bank",
                    "Type": "BANK",
                    "Status": "ACTIVE",
                    "BankAccountNumber": "12-3456-7890",
                    "CurrencyCode": "USD",
                },
            ],
        }
    )
    client = harness.client

    # Reads with every filter the client knows.
    client.organisation()
    list(
        client.iter_records(
            "Contacts",
            where='ContactStatus=="ACTIVE"',
            order="Name ASC",
            if_modified_since="2020-02-06T12:17:43Z",
        )
    )
    list(client.iter_records("Contacts", ids=[str(uuid.uuid4())]))
    list(client.iter_records("Invoices", statuses=["DRAFT", "AUTHORISED"], page_size=500))
    list(client.iter_records("Items", where="IsSold==true"))
    list(client.iter_records("Accounts", where='Type=="BANK"'))
    list(client.iter_records("TaxRates"))
    list(client.iter_records("Quotes"))

    # Writes of each kind.
    [contact] = client.write(
        "Contacts", [{"Name": "Spec Check Ltd", "EmailAddress": "ap@spec.example"}], method="PUT"
    )
    assert contact.status == CREATED
    client.write("Contacts", [{"ContactID": contact.xero_id, "Name": "Spec Check Limited"}])
    client.write("Accounts", [{"Code": "4100", "Name": "Consulting", "Type": "REVENUE"}], method="PUT")
    client.write(
        "Items",
        [{"Code": "SPEC-1", "Name": "Spec item", "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200"}}],
    )
    [invoice] = client.write(
        "Invoices",
        [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contact.xero_id},
                "Date": "2026-11-02",
                "DueDate": "2026-12-02",
                "Status": "AUTHORISED",
                "LineAmountTypes": "Exclusive",
                "LineItems": [
                    {
                        "Description": "Consulting",
                        "Quantity": 2,
                        "UnitAmount": 100.0,
                        "AccountCode": "200",
                        "TaxType": "OUTPUT",
                    }
                ],
            }
        ],
        method="PUT",
    )
    assert invoice.status == CREATED, invoice.messages
    [payment] = client.write(
        "Payments",
        [
            {
                "Invoice": {"InvoiceID": invoice.xero_id},
                "Account": {"Code": "090"},
                "Date": "2026-11-03",
                "Amount": 50.0,
            }
        ],
        method="PUT",
    )
    assert payment.status == CREATED, payment.messages
    reversed_payment = client.delete_payment(payment.xero_id)
    assert reversed_payment["Status"] == "DELETED"
    [credit] = client.write(
        "CreditNotes",
        [
            {
                "Type": "ACCRECCREDIT",
                "Contact": {"ContactID": contact.xero_id},
                "Date": "2026-11-04",
                "Status": "AUTHORISED",
                "LineAmountTypes": "Exclusive",
                "LineItems": [
                    {
                        "Description": "Refund",
                        "Quantity": 1,
                        "UnitAmount": 20.0,
                        "AccountCode": "200",
                        "TaxType": "OUTPUT",
                    }
                ],
            }
        ],
        method="PUT",
    )
    assert credit.status == CREATED, credit.messages
    client.put(
        f"/CreditNotes/{credit.xero_id}/Allocations",
        {"Allocations": [{"Invoice": {"InvoiceID": invoice.xero_id}, "Amount": 10.0, "Date": "2026-11-05"}]},
    )
    attachment = client.upload_attachment(
        "Invoices", invoice.xero_id, "note.txt", b"hello", include_online=True
    )
    assert attachment["FileName"] == "note.txt"
    assert [a["FileName"] for a in client.list_attachments("Invoices", invoice.xero_id)] == ["note.txt"]

    # Identity: connections (token requests are form posts the spec does not describe).
    oauth = harness.oauth()
    tokens = oauth.client_credentials()
    oauth.connections(tokens.access_token)

    operations = set()
    failures = []
    for record in harness.records:
        if record["url"].split("?")[0].endswith("/connect/token"):
            continue
        api = identity if "/connections" in record["url"].lower() else accounting
        request = RequestsOpenAPIRequest(_as_xero_request(record))
        try:
            api.validate_request(request)
        except Exception as exc:  # collected: the assertion below lists them all
            failures.append(f"{record['method']} {record['url']}: {exc} {exc.__cause__ or ''}")
            continue
        operations.add(f"{record['method']} {urlsplit(record['url']).path}")
    assert failures == [], "\n".join(failures)
    print(f"\n{len(harness.records)} client requests validated, {len(operations)} distinct method+path")
    assert len(operations) >= 18
    # The idempotency header is on every write and never on a read.
    for record in harness.records:
        has_key = "Idempotency-Key" in record["request_headers"]
        is_api_write = record["method"] in ("PUT", "POST") and "/api.xro/" in record["url"]
        assert has_key == is_api_write, record["url"]
    assert json.dumps(harness.records).count("Spec Check") >= 2
