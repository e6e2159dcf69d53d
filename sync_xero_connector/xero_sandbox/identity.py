"""OAuth 2.0 the way Xero's identity service does it: codes, rotating refresh tokens, connections.

One sandbox user. A *grant* is one consent (authorize + code exchange, or a client_credentials call): it owns
its connections (one per tenant) and a chain of refresh tokens. Access tokens are JWT-shaped (HS256 over a
sandbox-only key) so clients that decode them (e.g. for ``authentication_event_id``) can.
"""

import base64
import hashlib
import hmac
import json
import secrets
import uuid

CODE_TTL = 300
REFRESH_UNUSED_TTL = 60 * 86400
USER_ID = "5d5f1ed5-4b5d-4b1e-9b61-5d5f1ed5a0b1"
DEFAULT_SCOPE = "openid profile email offline_access accounting.transactions accounting.contacts accounting.settings accounting.attachments"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OAuthError(Exception):
    def __init__(self, error, status=400, description=None):
        super().__init__(error)
        self.error = error
        self.status = status
        self.description = description

    def body(self):
        out = {"error": self.error}
        if self.description:
            out["error_description"] = self.description
        return out


class Identity:
    def __init__(self, clock, client_id, client_secret, token_ttl=1800, refresh_grace=1800):
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.refresh_grace = refresh_grace
        self._key = secrets.token_bytes(32)
        # Callable -> {tenant id: name}: /connections answers with the organisations' names of
        # now, as Xero does after an organisation is renamed (None: the names of grant time).
        self.tenant_names = None
        self.reset()

    def reset(self):
        self.codes = {}  # code -> dict(client_id, redirect_uri, scope, tenants, expires, challenge, method)
        self.grants = {}  # grant id -> dict(auth_event_id, scope, connections{conn id: {...}}, revoked, custom)
        self.access = {}  # access token -> dict(grant, expires)
        self.refresh = {}  # refresh token -> dict(grant, issued, used_at, successor)

    # -- client authentication -------------------------------------------------------------------
    def check_client(self, headers, form, require_secret=True):
        auth = headers.get("Authorization") or ""
        client_id = form.get("client_id")
        secret = form.get("client_secret")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode()
                client_id, _, secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError):
                raise OAuthError("invalid_client", 400) from None
        if client_id != self.client_id:
            raise OAuthError("invalid_client", 400)
        if require_secret and not hmac.compare_digest(str(secret or ""), self.client_secret):
            raise OAuthError("invalid_client", 400)
        return client_id

    # -- authorize -------------------------------------------------------------------------------
    def authorize(self, params, tenant_ids):
        if params.get("client_id") != self.client_id:
            raise OAuthError("unauthorized_client", 400, "Unknown client or client not enabled")
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", 400)
        if not params.get("redirect_uri"):
            raise OAuthError("invalid_request", 400, "redirect_uri is required")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": params["redirect_uri"],
            "scope": params.get("scope") or DEFAULT_SCOPE,
            "tenants": list(tenant_ids),
            "expires": self.clock.time() + CODE_TTL,
            "challenge": params.get("code_challenge"),
            "method": params.get("code_challenge_method", "plain"),
        }
        return code

    # -- token endpoint --------------------------------------------------------------------------
    def token(self, headers, form, tenant_names, custom_tenant):
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = self.codes.pop(form.get("code") or "", None)
            pkce = code is not None and code["challenge"]
            self.check_client(headers, form, require_secret=not pkce)
            if code is None or code["expires"] < self.clock.time():
                raise OAuthError("invalid_grant")
            if form.get("redirect_uri") and form["redirect_uri"] != code["redirect_uri"]:
                raise OAuthError("invalid_grant", description="redirect_uri does not match")
            if pkce:
                verifier = form.get("code_verifier") or ""
                expected = (
                    _b64(hashlib.sha256(verifier.encode()).digest()) if code["method"] == "S256" else verifier
                )
                if not hmac.compare_digest(expected, code["challenge"]):
                    raise OAuthError("invalid_grant", description="code_verifier does not match")
            grant = self._new_grant(code["scope"], code["tenants"], tenant_names, custom=False)
            return self._issue(grant, with_refresh="offline_access" in code["scope"].split())
        if grant_type == "refresh_token":
            self.check_client(headers, form, require_secret=False)
            token = form.get("refresh_token") or ""
            entry = self.refresh.get(token)
            now = self.clock.time()
            if entry is None or self.grants[entry["grant"]]["revoked"]:
                raise OAuthError("invalid_grant")
            if entry["used_at"] is None:
                if now - entry["issued"] > REFRESH_UNUSED_TTL:
                    raise OAuthError("invalid_grant")
                entry["used_at"] = now
                answer = self._issue(self.grants[entry["grant"]], with_refresh=True)
                entry["successor"] = answer["refresh_token"]
                return answer
            if now - entry["used_at"] <= self.refresh_grace:
                # Grace period: the used token still works and hands out the same successor.
                answer = self._issue(self.grants[entry["grant"]], with_refresh=False)
                answer["refresh_token"] = entry["successor"]
                return answer
            raise OAuthError("invalid_grant")
        if grant_type == "client_credentials":
            self.check_client(headers, form)
            scope = form.get("scope") or DEFAULT_SCOPE.replace(" offline_access", "")
            grant = self._new_grant(scope, [custom_tenant], tenant_names, custom=True)
            return self._issue(grant, with_refresh=False)
        raise OAuthError("unsupported_grant_type")

    def issue_for(self, tenant_ids, tenant_names, scope=DEFAULT_SCOPE):
        grant = self._new_grant(scope, tenant_ids, tenant_names, custom=False)
        return self._issue(grant, with_refresh=True)

    def revoke(self, headers, form):
        self.check_client(headers, form, require_secret=False)
        token = form.get("token") or ""
        entry = self.refresh.get(token) or self.access.get(token)
        if entry is not None:
            grant = self.grants[entry["grant"]]
            grant["revoked"] = True
            grant["connections"].clear()

    # -- access checks ---------------------------------------------------------------------------
    def grant_for(self, bearer):
        """(grant, None) for a live token, or (None, reason) with reason 'expired' / 'unknown'."""
        entry = self.access.get(bearer or "")
        if entry is None:
            return None, "unknown"
        grant = self.grants[entry["grant"]]
        if grant["revoked"]:
            return None, "unknown"
        if entry["expires"] <= self.clock.time():
            return None, "expired"
        return grant, None

    def connections(self, grant, auth_event_id=None):
        names = self.tenant_names() if self.tenant_names else {}
        out = [
            dict(c, tenantName=names.get(c["tenantId"], c["tenantName"]))
            for c in grant["connections"].values()
        ]
        if auth_event_id:
            out = [c for c in out if c["authEventId"] == auth_event_id]
        return out

    def disconnect(self, grant, connection_id):
        return grant["connections"].pop(connection_id, None) is not None

    def disconnect_tenant(self, tenant_id):
        """The organisation removed the app: its connections go from every grant."""
        removed = 0
        for grant in self.grants.values():
            for conn_id in [k for k, c in grant["connections"].items() if c["tenantId"] == tenant_id]:
                del grant["connections"][conn_id]
                removed += 1
        return removed

    @staticmethod
    def tenant_allowed(grant, tenant_id):
        return any(c["tenantId"] == tenant_id for c in grant["connections"].values())

    # -- internals -------------------------------------------------------------------------------
    def _new_grant(self, scope, tenant_ids, tenant_names, custom):
        now_text = self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f0")
        auth_event = str(uuid.uuid4())
        connections = {}
        for tenant_id in tenant_ids:
            conn_id = str(uuid.uuid4())
            connections[conn_id] = {
                "id": conn_id,
                "authEventId": auth_event,
                "tenantId": tenant_id,
                "tenantType": "ORGANISATION",
                "tenantName": tenant_names.get(tenant_id, ""),
                "createdDateUtc": now_text,
                "updatedDateUtc": now_text,
            }
        grant = {
            "id": str(uuid.uuid4()),
            "auth_event_id": auth_event,
            "scope": scope,
            "connections": connections,
            "revoked": False,
            "custom": custom,
        }
        self.grants[grant["id"]] = grant
        return grant

    def _jwt(self, claims):
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "sandbox"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key, (f"{header}.{payload}").encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def _issue(self, grant, with_refresh):
        now = self.clock.time()
        claims = {
            "nbf": int(now),
            "exp": int(now + self.token_ttl),
            "iss": "https://identity.xero.com",
            "aud": "https://identity.xero.com/resources",
            "client_id": self.client_id,
            "sub": USER_ID,
            "auth_time": int(now),
            "xero_userid": USER_ID,
            "global_session_id": grant["id"],
            "jti": secrets.token_hex(16),
            "authentication_event_id": grant["auth_event_id"],
            "scope": grant["scope"].split(),
        }
        access = self._jwt(claims)
        self.access[access] = {"grant": grant["id"], "expires": now + self.token_ttl}
        answer = {
            "id_token": self._jwt(
                {
                    "nbf": int(now),
                    "exp": int(now + 300),
                    "iss": "https://identity.xero.com",
                    "aud": self.client_id,
                    "sub": USER_ID,
                    "email": "sandbox@example.com",
                    "given_name": "Sandbox",
                    "family_name": "User",
                }
            ),
            "access_token": access,
            "expires_in": int(self.token_ttl),
            "token_type": "Bearer",
            "scope": grant["scope"],
        }
        if with_refresh:
            refresh = secrets.token_hex(32)
            self.refresh[refresh] = {"grant": grant["id"], "issued": now, "used_at": None, "successor": None}
            answer["refresh_token"] = refresh
        return answer
