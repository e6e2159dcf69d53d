"""The HTTP front: one threaded server for login, identity, api and the /_sandbox/ control endpoints."""

import json
import socket
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .accounting import api
from .accounting.common import ApiError, bad_request
from .accounting.context import Ctx
from .identity import OAuthError

API_PREFIX = "/api.xro/2.0/"
WRITE_METHODS = ("PUT", "POST")


def stats_key(method, path):
    """ "METHOD /Collection[/Sub]" as /_sandbox/stats counts requests (an attachment's content:
    "GET /Collection/Attachments/{id}", apart from the list)."""
    low = path.lower()
    if low.startswith(API_PREFIX):
        parts = [p for p in path[len(API_PREFIX) :].split("/") if p]
        if not parts:
            return f"{method} /"
        name = api.canonical(parts[0]) or parts[0]
        key = f"{method} /{name}"
        if len(parts) >= 3:
            sub = parts[2]
            sub = {
                "attachments": "Attachments",
                "allocations": "Allocations",
                "contacts": "Contacts",
                "options": "Options",
                "history": "History",
            }.get(sub.lower(), sub)
            key += "/" + sub
            if method == "GET" and len(parts) >= 4 and sub == "Attachments":
                key += "/{id}"  # one file's content, told apart from the list
        elif len(parts) == 2 and parts[1].lower() == "actions":
            key += "/Actions"
        return key
    if low.startswith("/connections"):
        return f"{method} /connections"
    return "{} {}".format(method, path.rstrip("/") or "/")


def problem(status, title, detail):
    return {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }


class Headers(dict):
    """Request headers, looked up case-insensitively (HTTP header names are not case-sensitive)."""

    def __init__(self, items):
        super().__init__(items)
        self._lower = {k.lower(): v for k, v in self.items()}

    def get(self, name, default=None):
        return self._lower.get(name.lower(), default)

    def __contains__(self, name):
        return name.lower() in self._lower


class Answer:
    def __init__(self, status, body=None, headers=None, drop=False):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.drop = drop

    def encoded(self):
        body = self.body
        headers = dict(self.headers)
        if body is None:
            data = b""
        elif isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        elif isinstance(body, str):
            data = body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        return data, headers


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "XeroSandbox/1.0"
    sandbox = None  # set on the subclass made per server

    def log_message(self, format, *args):
        pass

    def _serve(self):
        started = time.time()
        parsed = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parsed.path) if "%2F" not in parsed.path.upper() else parsed.path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = Headers(self.headers.items())
        sandbox = self.sandbox
        if path.startswith("/_sandbox/"):
            answer = sandbox.control(self.command, path, raw)
        else:
            try:
                answer = sandbox.dispatch(self.command, path, parsed.query, headers, raw)
            except Exception as exc:  # a sandbox bug must surface as a visible 500, never a hang
                answer = Answer(500, problem(500, "An error occurred", f"Sandbox internal error: {exc!r}"))
                sandbox.errors.append(exc)
            sandbox.record(self.command, path, parsed.query, headers, raw, answer, time.time() - started)
        data, out_headers = answer.encoded()
        if answer.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(answer.status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(sandbox, port):
    handler = type("SandboxHandler", (Handler,), {"sandbox": sandbox})
    return Server(("127.0.0.1", port), handler)


# -- the request pipeline (called by Sandbox.dispatch) ------------------------------------------------
def form_of(raw):
    return {
        k: v[0]
        for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()
    }


def params_of(query):
    return {k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}


def identity_request(sandbox, method, path, query, headers, raw):
    low = path.lower().rstrip("/")
    ident = sandbox.identity
    try:
        if low == "/identity/connect/authorize" and method == "GET":
            params = params_of(query)
            try:
                code = ident.authorize(params, list(sandbox.tenants_in_order()))
            except OAuthError as exc:
                return Answer(400, exc.body())
            back = {"code": code, "scope": params.get("scope", "")}
            if params.get("state") is not None:
                back["state"] = params["state"]
            target = params["redirect_uri"]
            target += ("&" if "?" in target else "?") + urllib.parse.urlencode(back)
            return Answer(302, None, {"Location": target})
        if low == "/connect/token" and method == "POST":
            answer = ident.token(
                headers, form_of(raw), sandbox.tenant_names(), sandbox.custom_connection_tenant
            )
            return Answer(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})
        if low == "/connect/revocation" and method == "POST":
            ident.revoke(headers, form_of(raw))
            return Answer(200, None)
    except OAuthError as exc:
        return Answer(exc.status, exc.body())
    return None


def bearer_of(headers):
    auth = headers.get("Authorization") or ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def unauthorized(reason, sandbox):
    if reason == "expired":
        detail = "TokenExpired: token expired at {}".format(sandbox.clock.now().strftime("%m/%d/%Y %H:%M:%S"))
        www = 'Bearer error="invalid_token", error_description="The token expired"'
    else:
        detail = "AuthenticationUnsuccessful"
        www = 'Bearer error="invalid_token"'
    return Answer(401, problem(401, "Unauthorized", detail), {"WWW-Authenticate": www})


def connections_request(sandbox, grant, method, path, query):
    parts = [p for p in path.split("/") if p]
    if method == "GET" and len(parts) == 1:
        return Answer(200, sandbox.identity.connections(grant, params_of(query).get("authEventId")))
    if method == "DELETE" and len(parts) == 2:
        if sandbox.identity.disconnect(grant, parts[1].lower()):
            return Answer(204, None)
        return Answer(404, problem(404, "Not Found", "Connection not found"))
    return Answer(404, "The resource you're looking for cannot be found")


def api_request(sandbox, grant, method, path, query, headers, raw, latency=0.0):
    """Tenant check, limits, idempotency, then the accounting handler."""
    tenant_id = (headers.get("xero-tenant-id") or "").strip().lower()
    if not tenant_id and grant["custom"]:
        tenant_id = next(iter(grant["connections"].values()))["tenantId"] if grant["connections"] else ""
    tenant = sandbox.store.get(tenant_id) if tenant_id else None
    if tenant is None or not sandbox.identity.tenant_allowed(grant, tenant_id):
        return Answer(
            403,
            problem(403, "Forbidden", "AuthenticationUnsuccessful"),
            sandbox.limits.headers(tenant_id or None),
        )
    limit_problem, retry, limit_headers = sandbox.limits.acquire(tenant_id)
    if limit_problem:
        out = dict(limit_headers)
        out["X-Rate-Limit-Problem"] = limit_problem
        if retry is not None:
            out["Retry-After"] = str(retry)
        return Answer(
            429, problem(429, "Too Many Requests", f"You have exceeded the {limit_problem} rate limit"), out
        )
    try:
        if latency:
            # Inside the in-flight count, so latency faults exercise the concurrency limit; on the sandbox
            # clock, so a client with a fake clock that advances the sandbox's ends it early.
            sandbox.clock.sleep(latency)
        answer = _api_locked(sandbox, tenant, method, path, query, headers, raw)
    finally:
        sandbox.limits.release(tenant_id)
    answer.headers.update(sandbox.limits.headers(tenant_id))
    return answer


def _api_locked(sandbox, tenant, method, path, query, headers, raw):
    key = headers.get("Idempotency-Key")
    with sandbox.store.lock:
        fingerprint = None
        if key and method in WRITE_METHODS:
            if len(key) > 128:
                return _error_answer(bad_request("Idempotency-Key must be 128 characters or fewer"))
            fingerprint = sandbox.idempotency.fingerprint(method, path, query, raw)
            found = sandbox.idempotency.lookup(tenant.tenant_id, key, fingerprint)
            if found and found[0] == "conflict":
                return _error_answer(
                    bad_request(
                        f"The Idempotency-Key '{key}' has already been used with a different request. Use a new key for a "
                        "new request.",
                        error_type="IdempotencyKeyReusedException",
                    )
                )
            if found:
                status, body, extra = found[1]
                replay = Answer(status, body, dict(extra))
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
        now = sandbox.clock.now()
        ctx = Ctx(tenant, now, params_of(query), headers, sandbox.url)
        parts = [p for p in path[len(API_PREFIX) :].split("/") if p]
        try:
            status, body, extra = api.handle(ctx, method, parts, raw, headers)
            answer = Answer(status, body, extra)
        except ApiError as exc:
            answer = _error_answer(exc)
            ctx.events.clear()
        if fingerprint is not None:
            sandbox.idempotency.store(
                tenant.tenant_id, key, fingerprint, (answer.status, answer.body, dict(answer.headers))
            )
        if ctx.events:
            sandbox.webhooks.emit(tenant.tenant_id, sandbox.url, ctx.events, now)
        return answer


def _error_answer(exc):
    return Answer(exc.status, exc.body, exc.headers)
