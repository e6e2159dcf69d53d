"""Framework-free unit tests of the client's pure parts: dates, redaction, webhook signatures,
idempotency keys, back-off policy, chunking, error mapping."""

import json
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from xero import client as xclient
from xero import const, dates, errors, redact, webhooks
from xero.oauth import TokenSet, normalize_scopes
from xero.transport import RetryPolicy, XeroResponse, error_for


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "value, expected",
    [
        ("/Date(1563753600000+0000)/", date(2019, 7, 22)),
        ("/Date(1563753600000)/", date(2019, 7, 22)),
        # 2014-12-30 11:00 UTC is already 31 December at +13:00 (NZ daylight time).
        ("/Date(1419937200000+1300)/", date(2014, 12, 31)),
        ("/Date(1419937200000-0500)/", date(2014, 12, 30)),
        ("2019-03-11T00:00:00", date(2019, 3, 11)),
        ("2019-03-11", date(2019, 3, 11)),
        ("2019-03-11T17:58:46Z", date(2019, 3, 11)),
        ("/Date(-86400000+0000)/", date(1969, 12, 31)),
    ],
)
def test_parse_date(value, expected):
    assert dates.parse_date(value) == expected


def test_parse_datetime_keeps_offset_and_converts_to_utc():
    moment = dates.parse_datetime("/Date(1419937200000+1300)/")
    assert moment.utcoffset() == timedelta(hours=13)
    assert moment.hour == 0 and moment.day == 31
    assert dates.to_utc("/Date(1419937200000+1300)/") == datetime(2014, 12, 30, 11, 0)
    assert dates.to_utc("2019-03-11T17:58:46Z") == datetime(2019, 3, 11, 17, 58, 46)
    # Naive ISO strings are taken as UTC.
    assert dates.parse_datetime("2019-03-11T17:58:46").tzinfo == timezone.utc


@pytest.mark.parametrize("empty", [None, "", False])
def test_parse_empty(empty):
    assert dates.parse_datetime(empty) is None
    assert dates.parse_date(empty) is None


@pytest.mark.parametrize("bad", ["/Date(abc)/", "yesterday-ish", 12.5])
def test_parse_rejects_garbage_with_value_in_message(bad):
    with pytest.raises(ValueError, match="Not a Xero date"):
        dates.parse_datetime(bad)


def test_formats():
    assert dates.format_date(date(2024, 2, 29)) == "2024-02-29"
    assert dates.format_date("/Date(1563753600000+0000)/") == "2019-07-22"
    assert dates.format_if_modified_since(datetime(2020, 2, 6, 12, 17, 43, 202000)) == (
        "2020-02-06T12:17:43Z"
    )
    # An offset moment is converted to UTC.
    assert dates.format_if_modified_since("2020-02-06T12:17:43.202-08:00") == ("2020-02-06T20:17:43Z")
    assert dates.to_ms_json(datetime(2019, 7, 22, tzinfo=timezone.utc)) == ("/Date(1563753600000+0000)/")
    assert dates.parse_date(dates.to_ms_json(date(2031, 1, 5))) == date(2031, 1, 5)


# ------------------------------------------------------------------------- redaction
def test_redact_headers_masks_credentials_only():
    headers = {"Authorization": "Bearer abc.def", "xero-tenant-id": "t-1", "Cookie": "s=1"}
    assert redact.redact_headers(headers) == {
        "Authorization": "***",
        "xero-tenant-id": "t-1",
        "Cookie": "***",
    }


def test_redact_json_form_url_and_literal_secrets():
    body = json.dumps(
        {
            "access_token": "AT-123456",
            "refresh_token": "RT-654321",
            "expires_in": 1800,
            "nested": [{"id_token": "ID-999999"}],
        }
    )
    out = redact.redact_text(body)
    assert "AT-123456" not in out and "RT-654321" not in out and "ID-999999" not in out
    assert json.loads(out)["expires_in"] == 1800
    form = "grant_type=refresh_token&refresh_token=RT-654321&client_secret=S3cr3t!"
    out = redact.redact_text(form)
    assert "RT-654321" not in out and "S3cr3t" not in out and "grant_type=refresh_token" in out
    url = "http://x/callback?code=CODE-1234&state=abc"
    assert redact.redact_url(url) == "http://x/callback?code=%2A%2A%2A&state=abc"
    text = "failed for client secret hunter2hunter2 with Bearer eyJhbGciOi.x.y"
    out = redact.redact_text(text, secrets=("hunter2hunter2",))
    assert "hunter2hunter2" not in out and "eyJhbGciOi" not in out


def test_token_set_repr_never_shows_tokens():
    tokens = TokenSet("ACCESS-SECRET", datetime(2030, 1, 1, tzinfo=timezone.utc), "REFRESH-SECRET")
    assert "ACCESS-SECRET" not in repr(tokens) and "REFRESH-SECRET" not in str(tokens)


def test_normalize_scopes():
    assert normalize_scopes("accounting.contacts openid accounting.contacts") == (
        "accounting.contacts openid offline_access"
    )
    assert "offline_access" not in normalize_scopes(const.BROAD_SCOPES, offline=False)
    assert normalize_scopes("a,b") == "a b offline_access"


# -------------------------------------------------------------------------- webhooks
BODY = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}'
KEY = "a-webhook-key-123"
# Computed independently: printf BODY | openssl dgst -sha256 -hmac KEY -binary | base64
SIGNATURE = "Y/qc3sbXMMyCiNeAONhq1MWMthnUccJjfdEB+uA3NAY="


def test_webhook_signature_vector():
    assert webhooks.signature(KEY, BODY) == SIGNATURE
    assert webhooks.verify_signature(KEY, BODY, SIGNATURE)


@pytest.mark.parametrize(
    "key, body, sig",
    [
        ("other-key", BODY, SIGNATURE),
        (KEY, BODY + b" ", SIGNATURE),
        (KEY, BODY, SIGNATURE[:-2] + "A="),
        (None, BODY, SIGNATURE),  # no key configured: fail closed
        (KEY, BODY, None),
        (KEY, BODY, ""),
    ],
)
def test_webhook_signature_refusals(key, body, sig):
    assert not webhooks.verify_signature(key, body, sig)


def test_webhook_payload_parsing():
    raw = json.dumps(
        {
            "events": [
                {
                    "resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/717f2bfc",
                    "resourceId": "717f2bfc",
                    "eventDateUtc": "2024-06-21T01:15:39.902",
                    "eventType": "UPDATE",
                    "eventCategory": "CONTACT",
                    "tenantId": "t1",
                    "tenantType": "ORGANISATION",
                }
            ],
            "firstEventSequence": 5,
            "lastEventSequence": 5,
            "entropy": "x",
        }
    ).encode()
    events, first, last = webhooks.parse_payload(raw)
    assert (first, last) == (5, 5)
    assert events[0].event_category == "CONTACT" and events[0].resource_id == "717f2bfc"


# ---------------------------------------------------------------- idempotency, policy
def test_idempotency_key_is_deterministic_and_sensitive():
    body = {"Contacts": [{"Name": "A", "EmailAddress": "a@x.io"}]}
    same_body_other_order = {"Contacts": [{"EmailAddress": "a@x.io", "Name": "A"}]}
    key = xclient.idempotency_key("t1", "put", "/Contacts", body)
    assert key == xclient.idempotency_key("t1", "PUT", "/Contacts", same_body_other_order)
    assert len(key) <= const.MAX_IDEMPOTENCY_KEY
    others = {
        xclient.idempotency_key("t2", "PUT", "/Contacts", body),
        xclient.idempotency_key("t1", "POST", "/Contacts", body),
        xclient.idempotency_key("t1", "PUT", "/Items", body),
        xclient.idempotency_key("t1", "PUT", "/Contacts", {"Contacts": [{"Name": "B"}]}),
        xclient.idempotency_key("t1", "PUT", "/Contacts", body, hint="res.partner:7@v2"),
    }
    assert key not in others and len(others) == 5


def test_backoff_is_capped_exponential_with_bounded_jitter():
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=8.0, jitter=0.25)
    rng = random.Random(7)
    delays = [policy.backoff(n, rng) for n in range(1, 8)]
    bases = [1, 2, 4, 8, 8, 8, 8]
    for delay, base in zip(delays, bases):
        assert base * 0.75 <= delay <= base * 1.25
    assert RetryPolicy(jitter=0).backoff(3) == 4.0


def test_chunks_respect_count_and_body_size(monkeypatch):
    elements = [{"Name": f"C{i}"} for i in range(120)]
    assert [len(c) for _, c in xclient._chunks(elements, 50, "Contacts")] == [50, 50, 20]
    monkeypatch.setattr(const, "MAX_BODY_BYTES", 400)
    big = [{"Name": "x" * 60} for _ in range(10)]
    chunks = list(xclient._chunks(big, 50, "Contacts"))
    assert sum(len(c) for _, c in chunks) == 10
    assert all(len(json.dumps({"Contacts": c})) <= 400 for _, c in chunks)
    assert [start for start, _ in chunks] == sorted(start for start, _ in chunks)


def test_where_equals_quotes():
    assert xclient.where_equals("Status", "DRAFT") == 'Status=="DRAFT"'
    assert xclient.where_equals("IsSold", True) == "IsSold==true"
    # Xero's parser (System.Linq.Dynamic): a doubled quote is one quote, a backslash is text.
    assert xclient.where_equals("Name", 'A "B"') == 'Name=="A ""B"""'
    assert xclient.where_equals("Name", "Backslash Co\\") == 'Name=="Backslash Co\\"'
    assert xclient.where_equals("Name", '\\"') == 'Name=="\\"""'


# ------------------------------------------------------------------------ error maps
def _response(status, body, url="https://api.xero.com/api.xro/2.0/Contacts"):
    content = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return XeroResponse(status=status, headers={}, content=content, duration_ms=1, url=url)


def test_error_mapping():
    validation = _response(
        400,
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": [
                {
                    "ValidationErrors": [
                        {"Message": "Email address must be valid."},
                        {"Message": "Name is required."},
                    ]
                },
                {"ValidationErrors": [{"Message": "Name is required."}]},
            ],
        },
    )
    exc = error_for(validation)
    assert isinstance(exc, errors.XeroValidationError)
    assert exc.messages == ["Email address must be valid.", "Name is required."]
    assert "Email address must be valid." in str(exc)
    assert isinstance(error_for(_response(400, {"error": "invalid_grant"})), errors.XeroInvalidGrant)
    assert isinstance(error_for(_response(400, {"error": "invalid_client"})), errors.XeroAuthError)
    assert not isinstance(error_for(_response(400, {"error": "invalid_client"})), errors.XeroInvalidGrant)
    assert isinstance(error_for(_response(401, {"Title": "Unauthorized"})), errors.XeroAuthError)
    assert isinstance(error_for(_response(403, {})), errors.XeroForbidden)
    assert isinstance(error_for(_response(404, b"")), errors.XeroNotFound)
    assert isinstance(error_for(_response(503, b"Organisation offline")), errors.XeroServerError)
    # A secret echoed by a server never reaches the exception text.
    leaky = error_for(_response(500, {"Message": "bad secret topsecret99"}), ("topsecret99",))
    assert "topsecret99" not in str(leaky)


def test_element_results():
    spec = xclient.collection("Contacts")
    ok = xclient._element_result(spec, 0, {"Name": "A"}, {"ContactID": "id-1", "StatusAttributeString": "OK"})
    assert (ok.status, ok.xero_id, ok.messages) == (xclient.CREATED, "id-1", [])
    upd = xclient._element_result(spec, 1, {"ContactID": "id-2"}, {"ContactID": "id-2"})
    assert upd.status == xclient.UPDATED
    bad = xclient._element_result(
        spec,
        2,
        {"Name": "B"},
        {
            "ContactID": const.ZERO_ID,
            "HasValidationErrors": True,
            "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": "one"}, {"Message": "two"}],
        },
    )
    assert bad.status == xclient.REJECTED and bad.messages == ["one", "two"] and not bad.ok
    missing = xclient._element_result(spec, 3, {"Name": "C"}, None)
    assert missing.status == xclient.REJECTED


def test_idempotency_salt_gives_a_resent_write_a_key_of_its_own():
    """Xero replays the answer of a known Idempotency-Key (refusals too): a Retry of what it
    refused is salted; without a salt, the same write keeps its key."""
    from xero.client import XeroClient

    sent = []

    class Recorder:
        def request(self, method, url, **kwargs):
            sent.append(kwargs["idempotency_key"])
            raise RuntimeError("stop")

    client = XeroClient(Recorder(), "tenant", lambda force=False: "token")
    for salt in (None, None, "retry-7", "retry-8"):
        client.idempotency_salt = salt
        try:
            client.write_call("PUT", "/Invoices", {"Invoices": [{"Total": 1}]})
        except RuntimeError:
            pass
    assert sent[0] == sent[1]
    assert len({sent[1], sent[2], sent[3]}) == 3
