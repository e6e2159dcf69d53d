"""The OAuth 2.0 client (xero/oauth.py, requests-oauthlib under it) against the real local
sandbox over real HTTP: plain http only to loopback hosts, PKCE, refresh rotation, client
credentials, revocation; every token call through the transport (retries, redacted records),
and nothing of oauthlib's process-wide switches touched."""

import base64
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from oauthlib.oauth2 import InsecureTransportError, WebApplicationClient
from oauthlib.oauth2.rfc6749.utils import is_secure_transport
from xero import errors
from xero.oauth import LOOPBACK_HOSTS, check_endpoint, new_code_verifier, pkce_challenge

# RFC 7636, Appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _authorize(oauth, state="st-1", **kwargs):
    """Follow the sandbox's consent page (it consents at once): the authorization code."""
    url = oauth.authorization_url(state, **kwargs)
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def _token_records(harness):
    return [
        r for r in harness.records if urlsplit(r["url"]).path in ("/connect/token", "/connect/revocation")
    ]


def _form(record):
    return dict(parse_qsl(record["request_body"], keep_blank_values=True))


# ---------------------------------------------------------------------- plain http
@pytest.mark.parametrize(
    "url",
    [
        "https://identity.xero.com",
        "https://identity.xero.com/connect/token",
        "http://127.0.0.1:8069",
        "http://127.0.0.1",
        "http://localhost:1/x",
        "HTTP://LOCALHOST:1",
        "http://[::1]:8069/identity",
    ],
)
def test_https_and_loopback_http_are_accepted(url):
    assert check_endpoint(url) == url


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://identity.xero.com", "plain http"),
        ("http://10.0.0.5:8069", "plain http"),
        ("http://127.0.0.2", "plain http"),  # only the three loopback names of the brief
        ("http://localhost.example.com", "plain http"),
        ("http://127.0.0.1.nip.io", "plain http"),
        ("http://[::2]", "plain http"),
        ("http://user:pw@127.0.0.1", "user name"),
        ("http://evil.example\\@127.0.0.1/", "user name"),
        ("https://evil.example\\@identity.xero.com/", "user name"),
        ("http://127.0.0.1 .evil.example", "user name"),
        ("http://127.0.0.1:notaport", "user name"),
        ("ftp://127.0.0.1", "https://"),
        ("javascript:alert(1)", "user name"),
        ("", "user name"),
        (None, "user name"),
    ],
)
def test_other_urls_are_refused_with_a_clear_message(url, reason):
    with pytest.raises(errors.XeroInsecureEndpoint) as info:
        check_endpoint(url)
    assert reason in str(info.value)
    assert "pw" not in str(info.value) and "pw" not in (info.value.url or "")


@pytest.mark.parametrize("name", ["login_url", "identity_url", "api_url"])
def test_client_refuses_a_non_loopback_http_endpoint_before_any_call(harness, name):
    with pytest.raises(errors.XeroInsecureEndpoint, match="over plain http") as info:
        harness.oauth(**{name: "http://identity.example.com"})
    assert "127.0.0.1, ::1 or localhost" in str(info.value)
    assert info.value.url == "http://identity.example.com"
    assert harness.records == []


def test_loopback_http_flows_leave_oauthlib_switches_alone(sandbox, harness):
    """The code flow runs over plain http on 127.0.0.1 and on localhost; oauthlib's own check
    stays on for every other caller: OAUTHLIB_INSECURE_TRANSPORT is never set."""
    assert LOOPBACK_HOSTS == {"127.0.0.1", "::1", "localhost"}
    seen = []

    def watch(record):
        seen.append(os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"))
        # Meanwhile, in the same process, oauthlib still refuses plain http for anyone else.
        seen.append(is_secure_transport("http://127.0.0.1/"))
        harness.records.append(record)

    harness.transport.log_hook = watch
    for host in ("127.0.0.1", "localhost"):
        url = sandbox.url.replace("127.0.0.1", host)
        oauth = harness.oauth(login_url=url, identity_url=url, api_url=url)
        tokens = oauth.exchange_code(_authorize(oauth))
        assert oauth.refresh(tokens.refresh_token).access_token
        assert urlsplit(oauth.authorization_url("s")).netloc == urlsplit(url).netloc
    assert seen and set(seen) == {None, False}
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    with pytest.raises(InsecureTransportError):
        WebApplicationClient("x").prepare_request_uri("http://127.0.0.1/authorize")
    assert [urlsplit(r["url"]).scheme for r in _token_records(harness)] == ["http"] * 4


# ------------------------------------------------------------------------------ PKCE
def test_pkce_challenge_is_rfc_7636_s256():
    assert pkce_challenge(RFC_VERIFIER) == RFC_CHALLENGE
    verifiers = {new_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    for verifier in verifiers:
        assert len(verifier) == 64 and set(verifier) <= UNRESERVED


def test_authorization_url_with_pkce(harness):
    oauth = harness.oauth(client_secret=None, scopes="accounting.contacts openid")
    url = oauth.authorization_url("st-9", code_verifier=RFC_VERIFIER)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "http",
        urlsplit(harness.sandbox.url).netloc,
        "/identity/connect/authorize",
    )
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["sandbox-client"],
        "redirect_uri": ["http://127.0.0.1:9/callback"],
        "scope": ["accounting.contacts openid offline_access"],
        "state": ["st-9"],
        "code_challenge": [RFC_CHALLENGE],
        "code_challenge_method": ["S256"],
    }
    # The challenge may be given as such too; without either, no PKCE parameter at all.
    assert url == oauth.authorization_url("st-9", code_challenge=RFC_CHALLENGE)
    assert "code_challenge" not in oauth.authorization_url("st-9")


def test_pkce_code_flow_without_client_secret(sandbox, harness):
    oauth = harness.oauth(client_secret=None)
    verifier = new_code_verifier()
    code = _authorize(oauth, code_verifier=verifier)
    tokens = oauth.exchange_code(code, code_verifier=verifier)
    assert tokens.access_token and tokens.refresh_token
    [connection] = oauth.connections(tokens.access_token)
    assert connection.tenant_id == sandbox.tenant_id
    [record] = _token_records(harness)
    assert _form(record) == {
        "grant_type": "authorization_code",
        "client_id": "sandbox-client",
        "code_verifier": "***",
        "code": "***",
        "redirect_uri": "http://127.0.0.1:9/callback",
    }
    rotated = oauth.refresh(tokens.refresh_token)
    assert _form(_token_records(harness)[-1]) == {
        "grant_type": "refresh_token",
        "client_id": "sandbox-client",
        "refresh_token": "***",
    }
    assert rotated.refresh_token not in (None, tokens.refresh_token)


def test_pkce_wrong_verifier_is_invalid_grant(harness):
    oauth = harness.oauth(client_secret=None)
    code = _authorize(oauth, code_verifier=new_code_verifier())
    with pytest.raises(errors.XeroInvalidGrant, match="Reconnect"):
        oauth.exchange_code(code, code_verifier=new_code_verifier())


# -------------------------------------------------------------------- refresh rotation
def test_refresh_rotates_and_the_spent_token_dies_after_the_grace(sandbox, harness):
    oauth = harness.oauth()
    first = oauth.exchange_code(_authorize(oauth))
    second = oauth.refresh(first.refresh_token)
    third = oauth.refresh(second.refresh_token)
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3
    assert len({first.access_token, second.access_token, third.access_token}) == 3
    assert second.expires_at >= first.expires_at
    assert "offline_access" in second.scope.split()
    # Confidential app: no secret or client_id in the body (HTTP Basic: see the wire test).
    records = _token_records(harness)
    assert [_form(r)["grant_type"] for r in records] == [
        "authorization_code",
        "refresh_token",
        "refresh_token",
    ]
    assert _form(records[1]) == {"grant_type": "refresh_token", "refresh_token": "***"}
    # Within the grace period the spent token hands out the same successor; after it, nothing.
    assert oauth.refresh(first.refresh_token).refresh_token == second.refresh_token
    sandbox.advance_clock(31 * 60)
    with pytest.raises(errors.XeroInvalidGrant):
        oauth.refresh(first.refresh_token)
    assert oauth.refresh(third.refresh_token).access_token


def test_token_call_goes_through_the_transport_retries(sandbox, harness):
    oauth = harness.oauth()
    tokens = oauth.exchange_code(_authorize(oauth))
    sandbox.inject_fault("http_503", count=1, path="/connect/token")
    assert oauth.refresh(tokens.refresh_token).access_token
    assert [(r["status"], r["attempt"]) for r in _token_records(harness)[-2:]] == [(503, 1), (200, 2)]
    assert harness.time.sleeps  # the transport's back-off


# ---------------------------------------------------------------- client credentials
def test_client_credentials(sandbox, harness):
    oauth = harness.oauth()
    tokens = oauth.client_credentials("accounting.contacts offline_access accounting.settings")
    assert tokens.refresh_token is None
    assert tokens.scope == "accounting.contacts accounting.settings"
    [connection] = oauth.connections(tokens.access_token)
    assert connection.tenant_id == sandbox.tenant_id
    [record] = _token_records(harness)
    assert _form(record) == {
        "grant_type": "client_credentials",
        "scope": "accounting.contacts accounting.settings",
    }


def test_client_credentials_need_the_secret(harness):
    with pytest.raises(errors.XeroAuthError, match="client id"):
        harness.oauth(client_secret=None).client_credentials()


# ------------------------------------------------------------------------ revocation
def test_revocation(sandbox, harness):
    oauth = harness.oauth()
    tokens = oauth.exchange_code(_authorize(oauth))
    oauth.revoke(tokens.refresh_token)
    record = _token_records(harness)[-1]
    assert (record["method"], urlsplit(record["url"]).path, record["status"]) == (
        "POST",
        "/connect/revocation",
        200,
    )
    assert _form(record) == {"token": "***", "token_type_hint": "refresh_token"}
    with pytest.raises(errors.XeroInvalidGrant):
        oauth.refresh(tokens.refresh_token)
    with pytest.raises(errors.XeroAuthError):  # the grant's access token died with it
        oauth.connections(tokens.access_token)


def test_revocation_by_a_public_client(harness):
    oauth = harness.oauth(client_secret=None)
    verifier = new_code_verifier()
    tokens = oauth.exchange_code(_authorize(oauth, code_verifier=verifier), code_verifier=verifier)
    oauth.revoke(tokens.refresh_token)
    record = _token_records(harness)[-1]
    assert _form(record) == {
        "token": "***",
        "token_type_hint": "refresh_token",
        "client_id": "sandbox-client",
    }
    with pytest.raises(errors.XeroInvalidGrant):
        oauth.refresh(tokens.refresh_token)


# ------------------------------------------------------ answers that are not a token
class _Identity(BaseHTTPRequestHandler):
    """A stand-in identity server on 127.0.0.1 answering every POST with ``answer``."""

    answer = {}
    seen = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        type(self).seen.append((dict(self.headers), self.rfile.read(length).decode()))
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def identity():
    _Identity.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Identity)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Identity
    server.shutdown()
    server.server_close()


def test_a_2xx_answer_without_token_is_an_auth_error(harness, identity):
    url, handler = identity
    handler.answer = {"hello": "RT-not-a-token-123"}
    oauth = harness.oauth(identity_url=url)
    with pytest.raises(errors.XeroAuthError, match="not a valid token") as info:
        oauth.refresh("RT-old-123456")
    assert "RT-not-a-token-123" not in str(info.value)
    assert len(handler.seen) == 1


def test_refresh_answer_without_refresh_token_keeps_none(harness, identity):
    """requests-oauthlib puts the spent refresh token back when the answer has none; the
    client reports None (nothing new to store) instead."""
    url, handler = identity
    handler.answer = {"access_token": "AT-new-123456", "token_type": "Bearer", "expires_in": 600}
    oauth = harness.oauth(identity_url=url)
    tokens = oauth.refresh("RT-old-123456")
    assert (tokens.access_token, tokens.refresh_token) == ("AT-new-123456", None)
    assert (tokens.expires_at - oauth.now()).total_seconds() == pytest.approx(600, abs=5)


def test_client_authentication_on_the_wire(harness, identity):
    """Confidential app: HTTP Basic with the secret (Xero's web app flow); app without a
    secret: client_id in the body and no Authorization header (Xero's PKCE flow)."""
    url, handler = identity
    handler.answer = {"access_token": "AT-new-123456", "token_type": "Bearer", "refresh_token": "RT-2-123456"}
    basic = "Basic " + base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    confidential = harness.oauth(identity_url=url)
    public = harness.oauth(identity_url=url, client_secret=None)
    confidential.exchange_code("CODE-1")
    public.exchange_code("CODE-2", code_verifier=RFC_VERIFIER)
    confidential.refresh("RT-1-123456")
    public.refresh("RT-1-123456")
    confidential.revoke("RT-1-123456")
    public.revoke("RT-1-123456")
    confidential.client_credentials()
    wire = [(headers.get("Authorization"), dict(parse_qsl(body))) for headers, body in handler.seen]
    redirect = "http://127.0.0.1:9/callback"
    assert wire == [
        (basic, {"grant_type": "authorization_code", "code": "CODE-1", "redirect_uri": redirect}),
        (
            None,
            {
                "grant_type": "authorization_code",
                "client_id": "sandbox-client",
                "code_verifier": RFC_VERIFIER,
                "code": "CODE-2",
                "redirect_uri": redirect,
            },
        ),
        (basic, {"grant_type": "refresh_token", "refresh_token": "RT-1-123456"}),
        (
            None,
            {"grant_type": "refresh_token", "client_id": "sandbox-client", "refresh_token": "RT-1-123456"},
        ),
        (basic, {"token": "RT-1-123456", "token_type_hint": "refresh_token"}),
        (None, {"token": "RT-1-123456", "token_type_hint": "refresh_token", "client_id": "sandbox-client"}),
        (
            basic,
            {
                "grant_type": "client_credentials",
                "scope": "accounting.transactions accounting.contacts accounting.settings accounting.attachments",
            },
        ),
    ]
    # The log records show the same calls with every secret masked.
    logged = json.dumps(harness.records)
    for secret in (
        "CODE-1",
        "CODE-2",
        RFC_VERIFIER,
        "RT-1-123456",
        "AT-new-123456",
        "RT-2-123456",
        "sandbox-secret",
    ):
        assert secret not in logged
    assert all(r["request_headers"].get("Authorization") in (None, "***") for r in harness.records)


# ----------------------------------------------------------------------------- logs
def test_library_debug_lines_are_muted_only_during_an_exchange(harness, caplog):
    caplog.set_level(logging.DEBUG)
    oauth = harness.oauth()
    tokens = oauth.exchange_code(_authorize(oauth))
    oauth.refresh(tokens.refresh_token)
    oauth.revoke(tokens.refresh_token)
    library = [r for r in caplog.records if r.name.startswith(("requests_oauthlib", "oauthlib"))]
    assert library == []
    for secret in (tokens.access_token, tokens.refresh_token, "sandbox-secret"):
        assert secret not in caplog.text and secret not in json.dumps(harness.records)
    # Outside an exchange the library's own debug lines reach the log as before.
    logging.getLogger("requests_oauthlib.oauth2_session").debug("someone else's line")
    assert "someone else's line" in caplog.text
