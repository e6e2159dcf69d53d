"""Idempotency-Key: replay without a second write; the same key with another request is refused."""

from sandbox_helpers import Client, invoice_body, line


def test_same_key_same_request_replays(api, sb, contact):
    body = {"Invoices": [invoice_body(contact["ContactID"], [line(1, 10)])]}
    before = len(sb.records("Invoices"))
    first = api.put("Invoices", body, headers={"Idempotency-Key": "key-1"})
    second = api.put("Invoices", body, headers={"Idempotency-Key": "key-1"})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(sb.records("Invoices")) == before + 1
    # Without a key, the same body writes again.
    api.put("Invoices", body)
    assert len(sb.records("Invoices")) == before + 2


def test_same_key_different_request_is_refused(api, sb, contact):
    api.put("Contacts", {"Contacts": [{"Name": "Idem One"}]}, headers={"Idempotency-Key": "key-2"})
    other = api.put("Contacts", {"Contacts": [{"Name": "Idem Two"}]}, headers={"Idempotency-Key": "key-2"})
    assert other.status_code == 400
    assert other.json()["Type"] == "IdempotencyKeyReusedException" and "key-2" in other.json()["Message"]
    assert "Idem Two" not in [c["Name"] for c in sb.records("Contacts")]


def test_error_answers_are_replayed_and_keys_expire(api, sb):
    bad = {"Contacts": [{"EmailAddress": "no-name@example.com"}]}
    first = api.put("Contacts", bad, headers={"Idempotency-Key": "key-3"})
    assert first.status_code == 400
    assert api.put("Contacts", bad, headers={"Idempotency-Key": "key-3"}).json() == first.json()
    good = {"Contacts": [{"Name": "After Expiry"}]}
    assert api.put("Contacts", good, headers={"Idempotency-Key": "key-4"}).status_code == 200
    sb.advance_clock(86400 + 1)  # retention window (idempotency_ttl) over: the key is new again
    api = Client(sb)  # the old access token expired meanwhile
    assert (
        api.put("Contacts", good, headers={"Idempotency-Key": "key-4"}).status_code == 400
    )  # duplicate name: it really wrote again
    assert (
        api.put("Contacts", {"Contacts": [{"Name": "x"}]}, headers={"Idempotency-Key": "k" * 129}).status_code
        == 400
    )


def test_keys_are_per_tenant(api, sb):
    other = sb.add_tenant("Idem Other")
    token = sb.issue_token()["access_token"]
    body = {"Contacts": [{"Name": "Same Body"}]}
    assert (
        Client(sb, token=token).put("Contacts", body, headers={"Idempotency-Key": "shared"}).status_code
        == 200
    )
    assert (
        Client(sb, token=token, tenant_id=other)
        .put("Contacts", body, headers={"Idempotency-Key": "shared"})
        .headers.get("Idempotent-Replayed")
        is None
    )
    assert "Same Body" in [c["Name"] for c in sb.records("Contacts", other)]
