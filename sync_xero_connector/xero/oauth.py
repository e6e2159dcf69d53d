# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""OAuth 2.0 with Xero's identity service, through requests-oauthlib: authorization code (with
optional PKCE), refresh with rotation, client credentials (Custom Connections), revocation, and
the tenant list.

requests-oauthlib (and oauthlib under it) builds every OAuth request and checks every token
answer; the HTTP itself goes through the transport (``_OAuth2Session.request``), so token calls
get the same timeouts, retries, typed errors and redacted log records as every other call.

Plain http. oauthlib refuses every URL that is not https unless OAUTHLIB_INSECURE_TRANSPORT is
set in ``os.environ``. That variable belongs to the whole process: set, even for a moment and
under a lock, it lifts the check for every thread and every other user of oauthlib in the
server (a lock only orders our own calls, not theirs). So it is never set. Instead every
endpoint is checked here when the client is built (``check_endpoint``: https, or plain http to
127.0.0.1, ::1 or localhost only), oauthlib is handed the https spelling of a checked loopback
URL, and the session sends the request to the checked URL itself. Nothing global changes, and a
plain-http URL to any other host is refused before oauthlib or the network is reached.
"""

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from oauthlib.common import urldecode
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error, WebApplicationClient
from requests.auth import HTTPBasicAuth
from requests.structures import CaseInsensitiveDict
from requests_oauthlib import OAuth2Session

from . import const, errors
from .dates import parse_datetime
from .redact import redact_text

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
PKCE_METHOD = "S256"
PKCE_VERIFIER_LENGTH = 64  # RFC 7636: 43 to 128 characters


def _utcnow():
    return datetime.now(timezone.utc)


# ---------------------------------------------------------------------------- endpoints
def _shown(url):
    """scheme://host[:port]/path of ``url`` for a message: no user info, query or fragment."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the URL given"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "the URL given"


def check_endpoint(url):
    """``url`` itself when it may receive the client secret and tokens: https to any host, or
    plain http to this machine only (127.0.0.1, ::1, localhost: a local sandbox).

    Raises ``errors.XeroInsecureEndpoint`` for anything else, and for URLs whose host could be
    read differently by a browser and an HTTP library (user info, backslashes, spaces or
    control characters)."""
    text = url if isinstance(url, str) else ""
    try:
        parts = urlsplit(text)
        _port = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        parts = None
    if (
        parts is None
        or not parts.hostname
        or "@" in parts.netloc
        or any(char in text for char in "\\ \t")
        or any(ord(char) < 32 or ord(char) == 127 for char in text)
    ):
        raise errors.XeroInsecureEndpoint(
            f"{_shown(text)} is not a usable Xero URL: write it as https://host/path, without "
            "user name, password, spaces or backslashes.",
            url=_shown(text),
        )
    scheme = parts.scheme.lower()
    if scheme == "https" or (scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return text
    if scheme == "http":
        raise errors.XeroInsecureEndpoint(
            f"Refusing to send the client secret and tokens to {_shown(text)} over plain http: "
            "use an https:// URL. Plain http:// is accepted only for a sandbox on this machine "
            "(127.0.0.1, ::1 or localhost).",
            url=_shown(text),
        )
    raise errors.XeroInsecureEndpoint(
        f"{_shown(text)} is not a usable Xero URL: it must start with https://.",
        url=_shown(text),
    )


def _for_oauthlib(url):
    """The spelling of a checked ``url`` that oauthlib's https-only check accepts: the https
    form of a loopback http URL (see the module docstring); any other URL unchanged."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "http":
        return urlunsplit(parts._replace(scheme="https"))
    return url


# ------------------------------------------------------------------------------- PKCE
def new_code_verifier():
    """A fresh PKCE code verifier (RFC 7636 §4.1, oauthlib's generator: SystemRandom over the
    unreserved characters)."""
    return WebApplicationClient(None).create_code_verifier(PKCE_VERIFIER_LENGTH)


def pkce_challenge(code_verifier):
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2, method S256)."""
    return WebApplicationClient(None).create_code_challenge(code_verifier, PKCE_METHOD)


# ------------------------------------------------------------------------ data classes
@dataclass(repr=False)
class TokenSet:
    access_token: str
    expires_at: datetime  # aware UTC
    refresh_token: str = None
    scope: str = ""
    token_type: str = "Bearer"

    def __repr__(self):  # never print tokens
        return f"<TokenSet expires_at={self.expires_at:%Y-%m-%d %H:%M:%S}Z scope={self.scope!r}>"

    __str__ = __repr__

    @classmethod
    def from_response(cls, data, now):
        expires_in = int(data.get("expires_in") or 1800)
        scope = data.get("scope") or ""
        if isinstance(scope, (list, tuple)):  # oauthlib's token dict holds a list
            scope = " ".join(scope)
        return cls(
            access_token=data["access_token"],
            expires_at=now + timedelta(seconds=expires_in),
            refresh_token=data.get("refresh_token"),
            scope=scope,
            token_type=data.get("token_type") or "Bearer",
        )


@dataclass
class Connection:
    """One organisation (tenant) the token can reach; ``id`` is the connection id used to
    disconnect, not the tenant id."""

    id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str = "ORGANISATION"
    auth_event_id: str = None
    created: datetime = None
    updated: datetime = None

    @classmethod
    def from_json(cls, data):
        return cls(
            id=data.get("id"),
            tenant_id=data.get("tenantId"),
            tenant_name=data.get("tenantName") or "",
            tenant_type=data.get("tenantType") or "ORGANISATION",
            auth_event_id=data.get("authEventId"),
            created=parse_datetime(data.get("createdDateUtc")),
            updated=parse_datetime(data.get("updatedDateUtc")),
        )


def normalize_scopes(scopes, offline=True):
    """Space-separated scopes, de-duplicated, with offline_access when a refresh token is
    wanted (authorization code flow)."""
    items = []
    for scope in (scopes or "").replace(",", " ").split():
        if scope not in items:
            items.append(scope)
    if offline and const.OFFLINE_ACCESS not in items:
        items.append(const.OFFLINE_ACCESS)
    if not offline and const.OFFLINE_ACCESS in items:
        items.remove(const.OFFLINE_ACCESS)
    return " ".join(items)


# ---------------------------------------------------------- requests-oauthlib session
# True while this module runs an exchange (per thread and task: a ContextVar).
_IN_EXCHANGE = contextvars.ContextVar("sync_xero_connector_oauth_exchange", default=False)
_QUIET_LOGGERS = ("requests_oauthlib.oauth2_session", "oauthlib")


class _QuietDuringExchange(logging.Filter):
    """requests-oauthlib's DEBUG lines print request bodies (codes, verifiers, refresh tokens)
    and token answers unredacted. They are dropped while this module runs an exchange; the
    transport logs the same calls, redacted. Other users of the library keep their lines."""

    xero_oauth_quiet = True

    def filter(self, record):
        return record.levelno > logging.DEBUG or not _IN_EXCHANGE.get()


for _name in _QUIET_LOGGERS:
    _logger = logging.getLogger(_name)
    if not any(getattr(f, "xero_oauth_quiet", False) for f in _logger.filters):
        _logger.addFilter(_QuietDuringExchange())


def _as_requests_response(answer):
    """The transport's XeroResponse as the requests.Response requests-oauthlib parses. It
    carries no request headers or body (requests-oauthlib only prints those)."""
    response = requests.Response()
    response.status_code = answer.status
    response.headers = CaseInsensitiveDict(answer.headers)
    response._content = answer.content
    response.encoding = "utf-8"
    response.url = _shown(answer.url)
    response.request = requests.Request("POST", response.url).prepare()
    return response


class _OAuth2Session(OAuth2Session):
    """requests-oauthlib's session for one exchange with one checked endpoint. Its HTTP goes
    through the transport: the one chokepoint (timeouts of the transport's policy, retries,
    typed errors for error answers, redacted log records)."""

    # What requests-oauthlib passes on that the transport decides itself (its policy's timeouts,
    # certificate checks always on, no proxies of the caller's choosing).
    _TRANSPORT_OWNED = frozenset({"timeout", "verify", "proxies", "cert"})

    def __init__(self, transport, url, **kwargs):
        super().__init__(**kwargs)
        self.transport = transport
        self.endpoint = check_endpoint(url)
        self.oauthlib_url = _for_oauthlib(self.endpoint)
        self.answer = None

    def request(self, method, url, data=None, headers=None, withhold_token=False, auth=None, **kwargs):
        if url != self.oauthlib_url:
            raise errors.XeroError(
                f"The OAuth client tried to reach {_shown(url)} instead of {_shown(self.endpoint)}."
            )
        unexpected = sorted(k for k, v in kwargs.items() if v and k not in self._TRANSPORT_OWNED)
        if unexpected:
            raise TypeError(f"unsupported arguments for an OAuth request: {', '.join(unexpected)}")
        self.answer = self.transport.request(method, self.endpoint, data=data, headers=headers, auth=auth)
        return _as_requests_response(self.answer)


class XeroOAuth:
    def __init__(
        self,
        client_id,
        client_secret,
        *,
        transport,
        redirect_uri=None,
        scopes=const.BROAD_SCOPES,
        login_url=const.LOGIN_URL,
        identity_url=const.IDENTITY_URL,
        api_url=const.API_URL,
        now=_utcnow,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.transport = transport
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        # Every URL that receives the secret, a code or a token: https, or http on loopback.
        self.login_url = check_endpoint(login_url.rstrip("/"))
        self.identity_url = check_endpoint(identity_url.rstrip("/"))
        self.api_url = check_endpoint(api_url.rstrip("/"))
        self.now = now
        if client_secret and client_secret not in transport.secrets:
            transport.secrets = tuple(transport.secrets) + (client_secret,)

    # ---------------------------------------------------------------- helpers
    @property
    def _timeout(self):
        policy = self.transport.policy
        return (policy.connect_timeout, policy.read_timeout)

    def _basic_auth(self):
        """Confidential app: HTTP Basic with the client secret (Xero's web app flow). An app
        without a secret (Auth Code with PKCE) sends its client_id in the body instead."""
        return HTTPBasicAuth(self.client_id, self.client_secret) if self.client_secret else None

    def _session(self, url, client, **kwargs):
        return _OAuth2Session(self.transport, url, client=client, **kwargs)

    @contextmanager
    def _exchange(self):
        """Runs one requests-oauthlib call: its DEBUG lines muted, its own errors (a 2xx answer
        that is not a valid token) turned into XeroAuthError. Xero's error answers are typed
        errors of the transport already and pass through."""
        marker = _IN_EXCHANGE.set(True)
        try:
            yield
        except (OAuth2Error, ValueError, Warning) as exc:
            detail = getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
            detail = redact_text(str(detail), self.transport.secrets)
            raise errors.XeroAuthError(
                f"Xero's identity service sent an answer that is not a valid token ({detail}). "
                "Try again; if it persists, check the Identity URL of the Xero account."
            ) from None
        finally:
            _IN_EXCHANGE.reset(marker)

    def _token_set(self, token, session):
        """TokenSet of a token requests-oauthlib validated. The refresh token is the one Xero
        sent, or None: requests-oauthlib would put the spent one back when Xero sends none."""
        sent = session.answer.data if session.answer is not None else None
        sent = sent if isinstance(sent, dict) else {}
        return TokenSet.from_response(dict(token, refresh_token=sent.get("refresh_token")), self.now())

    # ------------------------------------------------------------------ flows
    def authorization_url(self, state, code_challenge=None, code_verifier=None):
        """Xero's consent page URL for the authorization code flow (RFC 6749 §4.1.1), with
        RFC 7636 PKCE (S256) when ``code_verifier`` (or its ``code_challenge``) is given."""
        if code_verifier and not code_challenge:
            code_challenge = pkce_challenge(code_verifier)
        session = self._session(
            self.login_url + const.AUTHORIZE_PATH,
            WebApplicationClient(self.client_id),
            redirect_uri=self.redirect_uri,
            scope=normalize_scopes(self.scopes),
        )
        extra = (
            {"code_challenge": code_challenge, "code_challenge_method": PKCE_METHOD} if code_challenge else {}
        )
        with self._exchange():
            built, _state = session.authorization_url(session.oauthlib_url, state=state, **extra)
        built_parts, checked = urlsplit(built), urlsplit(session.endpoint)
        if (built_parts.netloc, built_parts.path) != (checked.netloc, checked.path):
            raise errors.XeroError(
                f"The OAuth client built a consent URL outside {_shown(session.endpoint)}."
            )
        return urlunsplit(built_parts._replace(scheme=checked.scheme))

    def exchange_code(self, code, code_verifier=None):
        session = self._session(
            self.identity_url + const.TOKEN_PATH,
            WebApplicationClient(self.client_id),
            redirect_uri=self.redirect_uri,
        )
        kwargs = {"code_verifier": code_verifier} if code_verifier else {}
        if self.client_secret:
            kwargs["auth"] = self._basic_auth()
        else:
            kwargs["include_client_id"] = True
        with self._exchange():
            token = session.fetch_token(session.oauthlib_url, code=code, timeout=self._timeout, **kwargs)
        return self._token_set(token, session)

    def refresh(self, refresh_token):
        """New token pair. The old refresh token is spent: store the new one at once."""
        session = self._session(self.identity_url + const.TOKEN_PATH, WebApplicationClient(self.client_id))
        kwargs = {} if self.client_secret else {"client_id": self.client_id}
        with self._exchange():
            token = session.refresh_token(
                session.oauthlib_url,
                refresh_token=refresh_token,
                auth=self._basic_auth(),
                timeout=self._timeout,
                **kwargs,
            )
        return self._token_set(token, session)

    def client_credentials(self, scopes=None):
        session = self._session(
            self.identity_url + const.TOKEN_PATH, BackendApplicationClient(self.client_id)
        )
        scope = normalize_scopes(scopes or const.CUSTOM_CONNECTION_SCOPES, offline=False)
        kwargs = {"scope": scope} if scope else {}
        if self.client_secret:
            kwargs["auth"] = self._basic_auth()
        else:
            kwargs["include_client_id"] = True
        with self._exchange():
            token = session.fetch_token(session.oauthlib_url, timeout=self._timeout, **kwargs)
        return self._token_set(token, session)

    def revoke(self, refresh_token):
        """Revoke the grant of ``refresh_token`` (RFC 7009; every tenant of that grant)."""
        client = WebApplicationClient(self.client_id)
        session = self._session(self.identity_url + const.REVOCATION_PATH, client)
        kwargs = {} if self.client_secret else {"client_id": self.client_id}
        with self._exchange():
            _url, headers, body = client.prepare_token_revocation_request(
                session.oauthlib_url, refresh_token, token_type_hint="refresh_token", **kwargs
            )
            session.post(
                session.oauthlib_url,
                data=dict(urldecode(body)),
                headers=headers,
                auth=self._basic_auth(),
                withhold_token=True,
                timeout=self._timeout,
            )

    # ----------------------------------------------------- connections (API)
    def connections(self, access_token, auth_event_id=None):
        params = {"authEventId": auth_event_id} if auth_event_id else None
        response = self.transport.request(
            "GET",
            self.api_url + const.CONNECTIONS_PATH,
            access_token=access_token,
            params=params,
        )
        return [Connection.from_json(item) for item in response.data or []]

    def delete_connection(self, access_token, connection_id):
        self.transport.request(
            "DELETE",
            f"{self.api_url}{const.CONNECTIONS_PATH}/{quote(connection_id, safe='')}",
            access_token=access_token,
        )
