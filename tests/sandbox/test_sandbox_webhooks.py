"""Webhooks: signed batches for contacts, invoices and credit notes; intent-to-receive validation."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sandbox_helpers import Client, invoice_body, line

KEY = "webhook-signing-key-for-tests"


class Receiver:
    """A webhook endpoint that behaves as Xero requires: 200 empty body if the signature is right, else 401."""

    def __init__(self, key=KEY):
        self.key = key
        self.received = []  # (signature ok, payload)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = base64.b64encode(
                    hmac.new(receiver.key.encode(), body, hashlib.sha256).digest()
                ).decode()
                ok = hmac.compare_digest(expected, self.headers.get("x-xero-signature", ""))
                receiver.received.append((ok, json.loads(body)))
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/webhooks" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [event for ok, payload in self.received if ok for event in payload["events"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def test_writes_are_delivered_as_signed_batches(make_sandbox, receiver):
    sandbox = make_sandbox(
        seed={"Accounts": [{"Code": "200", "Name": "Sales", "Type": "REVENUE"}]},
        webhook_url=receiver.url,
        webhook_key=KEY,
    )
    api = Client(sandbox)
    contact = api.create("Contacts", {"Name": "Hooked Ltd"})
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10, tax="NONE")]))
    api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Reference": "changed"}]})
    note = api.create(
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-01-01",
            "LineItems": [line(1, 5, tax="NONE")],
        },
    )
    api.create("Items", {"Code": "NO-HOOK"})  # items have no webhooks
    api.put("Contacts", {"Contacts": [{"Name": "Hooked Ltd"}]})  # a failed write sends nothing
    assert sandbox.flush_webhooks()
    assert all(ok for ok, _ in receiver.received)
    events = receiver.events()
    summary = [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in events]
    assert summary == [
        ("CONTACT", "CREATE", contact["ContactID"]),
        ("INVOICE", "CREATE", invoice["InvoiceID"]),
        ("INVOICE", "UPDATE", invoice["InvoiceID"]),
        ("CREDITNOTE", "CREATE", note["CreditNoteID"]),
    ]
    for event in events:
        assert event["tenantId"] == sandbox.tenant_id and event["tenantType"] == "ORGANISATION"
        assert event["resourceUrl"].endswith("/" + event["resourceId"])
        assert len(event["eventDateUtc"]) == 23  # 2024-06-21T01:15:39.902
    assert events[-1]["data"] == {"Type": "ACCRECCREDIT", "Status": "DRAFT"}
    payloads = [payload for _, payload in receiver.received]
    assert payloads[0]["firstEventSequence"] == 1 and payloads[-1]["lastEventSequence"] == 4
    assert all(set(p) == {"events", "firstEventSequence", "lastEventSequence", "entropy"} for p in payloads)


def test_failed_delivery_is_retried(make_sandbox, receiver):
    receiver.key = "some-other-key"  # every delivery now fails the signature check: 401
    sandbox = make_sandbox(webhook_url=receiver.url, webhook_key=KEY)
    Client(sandbox).create("Contacts", {"Name": "Retry Ltd"})
    assert sandbox.flush_webhooks(timeout=10)
    assert [d["status"] for d in sandbox.webhook_deliveries] == [401, 401, 401, 401]


def test_intent_to_receive(make_sandbox, receiver):
    sandbox = make_sandbox(webhook_url=receiver.url, webhook_key=KEY)
    results = sandbox.trigger_intent_to_receive()
    assert results == [(True, 200), (False, 401), (True, 200), (False, 401)]
    assert all(
        payload["events"] == [] and payload["firstEventSequence"] == 0 for _, payload in receiver.received
    )
    import requests

    over_http = requests.post(sandbox.url + "/_sandbox/intent-to-receive", timeout=30).json()
    assert over_http["results"][0] == {"signed_correctly": True, "status": 200}


def test_no_webhooks_without_configuration(sb, api):
    api.create("Contacts", {"Name": "Silent Ltd"})
    assert sb.webhook_deliveries == []
    import requests

    assert requests.post(sb.url + "/_sandbox/intent-to-receive", timeout=10).status_code == 400
