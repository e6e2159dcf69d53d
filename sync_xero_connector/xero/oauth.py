# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""OAuth 2.0 with Xero's identity service: authorization code (with optional PKCE), refresh
with rotation, client credentials (Custom Connections), revocation, and the tenant list."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

from requests.auth import HTTPBasicAuth

from . import const
from .dates import parse_datetime


def _utcnow():
    return datetime.now(timezone.utc)


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
        return cls(
            access_token=data["access_token"],
            expires_at=now + timedelta(seconds=expires_in),
            refresh_token=data.get("refresh_token"),
            scope=data.get("scope") or "",
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
        self.login_url = login_url.rstrip("/")
        self.identity_url = identity_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.now = now
        if client_secret and client_secret not in transport.secrets:
            transport.secrets = tuple(transport.secrets) + (client_secret,)

    def authorization_url(self, state, code_challenge=None):
        """Xero's consent page URL for the authorization code flow (RFC 6749 §4.1.1, with
        RFC 7636 PKCE when ``code_challenge`` is given)."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": normalize_scopes(self.scopes),
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{self.login_url}{const.AUTHORIZE_PATH}?{urlencode(query)}"

    def _token(self, form):
        response = self.transport.request(
            "POST",
            self.identity_url + const.TOKEN_PATH,
            data=form,
            auth=HTTPBasicAuth(self.client_id, self.client_secret or ""),
        )
        return TokenSet.from_response(response.data or {}, self.now())

    def exchange_code(self, code, code_verifier=None):
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._token(form)

    def refresh(self, refresh_token):
        """New token pair. The old refresh token is spent: store the new one at once."""
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def client_credentials(self, scopes=None):
        form = {"grant_type": "client_credentials"}
        scope = normalize_scopes(scopes or const.CUSTOM_CONNECTION_SCOPES, offline=False)
        if scope:
            form["scope"] = scope
        return self._token(form)

    def revoke(self, refresh_token):
        self.transport.request(
            "POST",
            self.identity_url + const.REVOCATION_PATH,
            data={"token": refresh_token},
            auth=HTTPBasicAuth(self.client_id, self.client_secret or ""),
        )

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
