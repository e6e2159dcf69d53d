"""Xero sandbox: a stateful, local Xero API server built to the official OpenAPI spec.

Framework-free (never imports odoo) and independent of the client in ``xero/``. Usage::

    with Sandbox(seed="path/to/seed") as sb:
        token = sb.issue_token()
        requests.get(sb.url + "/api.xro/2.0/Invoices", headers={
            "Authorization": "Bearer " + token["access_token"], "xero-tenant-id": sb.tenant_id})

``reset()`` keeps the registered tenants (and the sandbox's URL) but brings each back to its seed, and clears
stats, faults, tokens/grants, rate-limit windows, idempotency keys and the clock offset. Tokens are cleared
because a reset stands for "a fresh organisation": tests call ``issue_token()`` again afterwards.
"""

import copy
import os
import threading

from . import faults as faults_mod
from .accounting import seeding
from .clock import Clock
from .faults import Faults
from .idempotency import Idempotency
from .identity import Identity
from .limits import Limits
from .server import (
    API_PREFIX,
    Answer,
    api_request,
    bearer_of,
    connections_request,
    identity_request,
    make_server,
    problem,
    stats_key,
    unauthorized,
)
from .store import Store, Tenant
from .webhooks import Webhooks

__all__ = ["DEMO_SEED_DIR", "GLOBAL_OBSERVERS", "Sandbox"]

# Callables(exchange) told about every exchange of every Sandbox of this process (the test suite's
# conformance recorder registers here, so that it also sees the sandboxes other tests start).
GLOBAL_OBSERVERS = []

DEMO_SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed", "demo")
# The name of a tenant that neither its creator nor a seed's Organisation names.
DEFAULT_TENANT_NAME = "Demo Company (Sandbox)"


class Sandbox:
    def __init__(
        self,
        port=0,
        seed=None,
        client_id="sandbox-client",
        client_secret="sandbox-secret",
        minute_limit=60,
        day_limit=5000,
        concurrency_limit=5,
        app_minute_limit=10000,
        token_ttl=1800,
        refresh_grace=1800,
        idempotency_ttl=86400,
        webhook_url=None,
        webhook_key=None,
        tenant_name=None,
    ):
        self.port = port
        self.clock = Clock()
        self.store = Store()
        self.identity = Identity(self.clock, client_id, client_secret, token_ttl, refresh_grace)
        self.identity.tenant_names = self.tenant_names  # /connections: the current names
        self.limits = Limits(self.clock, minute_limit, day_limit, concurrency_limit, app_minute_limit)
        self.faults = Faults()
        self.idempotency = Idempotency(self.clock, idempotency_ttl)
        self.webhooks = Webhooks(webhook_url, webhook_key)
        self.errors = []  # unexpected exceptions inside the sandbox (tests assert it stays empty)
        self.observers = []  # callables(exchange dict), e.g. the conformance recorder
        self._stats_lock = threading.Lock()
        self._stats = {"total": 0, "by_operation": {}, "by_status": {}}
        self._seeds = {}  # tenant id -> list of seeds loaded (replayed by reset)
        self._order = []
        self._server = None
        self._thread = None
        self.url = None
        # Tenants named by their creator; the others take the name of their seed's Organisation,
        # as Xero's /connections names a tenant after its organisation.
        self._named = set()
        default = Tenant(tenant_name or DEFAULT_TENANT_NAME)
        if tenant_name:
            self._named.add(default.tenant_id)
        self.tenant_id = default.tenant_id
        self._register(default)
        self.custom_connection_tenant = self.tenant_id
        if seed is not None:
            self.load_seed(seed)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self):
        if self._server is None:
            self._server = make_server(self, self.port)
            self.port = self._server.server_address[1]
            self.url = "http://127.0.0.1:%d" % self.port
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="xero-sandbox",
                daemon=True,
            )
            self._thread.start()
            self.webhooks.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self.webhooks.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- tenants and seeds -----------------------------------------------------------------------
    def _register(self, tenant):
        self.store.add(tenant)
        self._order.append(tenant.tenant_id)
        self._seeds[tenant.tenant_id] = []
        seeding.load(tenant, {}, self.clock.now())

    def _follow_organisation(self, tenant):
        """A tenant is named after its organisation; an explicit name names the organisation."""
        org = tenant.organisation or {}
        if tenant.tenant_id in self._named:
            if org.get("Name") != tenant.name:
                tenant.organisation = dict(org, Name=tenant.name)
        elif org.get("Name"):
            tenant.name = org["Name"]

    def add_tenant(self, name=None, seed=None):
        """A new tenant, named ``name``, else after its seed's Organisation Name."""
        tenant = Tenant(name or "Sandbox Organisation")
        with self.store.lock:
            if name:
                self._named.add(tenant.tenant_id)
            self._register(tenant)
        if seed is not None:
            self.load_seed(seed, tenant.tenant_id)
        return tenant.tenant_id

    def tenants_in_order(self):
        return list(self._order)

    def tenant_names(self):
        return {tid: self.store.get(tid).name for tid in self._order}

    def load_seed(self, path_or_dict, tenant_id=None):
        data = (
            seeding.read_seed_dir(path_or_dict)
            if isinstance(path_or_dict, (str, os.PathLike))
            else path_or_dict
        )
        tenant_id = tenant_id or self.tenant_id
        tenant = self.store.get(tenant_id)
        with self.store.lock:
            seeding.load(tenant, copy.deepcopy(data), self.clock.now())
            self._seeds[tenant_id].append(data)
            self._follow_organisation(tenant)

    def update_organisation(self, tenant_id=None, **fields):
        """Change Organisation fields (e.g. PeriodLockDate="2024-06-30") of a tenant."""
        from . import msdate

        tenant = self.store.get(tenant_id or self.tenant_id)
        with self.store.lock:
            org = dict(tenant.organisation)
            for key, value in fields.items():
                if value is None:
                    org.pop(key, None)
                    continue
                if key in ("PeriodLockDate", "EndOfYearLockDate"):
                    value = msdate.ms_json(msdate.parse_date(value))
                org[key] = value
            tenant.organisation = org
            if org.get("Name"):
                tenant.name = org["Name"]  # renamed in Xero: /connections follows

    # -- inspection ------------------------------------------------------------------------------
    def records(self, collection, tenant_id=None):
        from .accounting import api
        from .accounting.context import Ctx

        tenant = self.store.get(tenant_id or self.tenant_id)
        with self.store.lock:
            if collection in ("Organisation", "Organisations"):
                return [copy.deepcopy(tenant.organisation)]
            kind = api.KINDS[collection]
            ctx = Ctx(tenant, self.clock.now(), {"includeArchived": "true"})
            return copy.deepcopy([kind.render(ctx, r) for r in tenant.all(collection)])

    def attachments(self, collection=None, record_id=None, tenant_id=None):
        """Stored attachments, each with ``Collection``, ``RecordID`` and ``Content`` (the bytes
        received), optionally of one collection and record."""
        tenant = self.store.get(tenant_id or self.tenant_id)
        out = []
        with self.store.lock:
            for (name, rid), stored in sorted(tenant.attachments.items()):
                if (collection and name != collection) or (record_id and rid != record_id):
                    continue
                for attachment in stored:
                    item = {k: v for k, v in attachment.items() if not k.startswith("_")}
                    item.update(Collection=name, RecordID=rid, Content=attachment["_content"])
                    out.append(copy.deepcopy(item))
        return out

    def stats(self):
        with self._stats_lock:
            return copy.deepcopy(self._stats)

    def issue_token(self, tenant_ids=None):
        with self.store.lock:
            return self.identity.issue_for(list(tenant_ids or self._order), self.tenant_names())

    # -- test controls ---------------------------------------------------------------------------
    def reset(self):
        with self.store.lock:
            self.clock.reset()
            for tenant_id in self._order:
                tenant = self.store.get(tenant_id)
                tenant.clear()
                seeding.load(tenant, {}, self.clock.now())
                for data in self._seeds[tenant_id]:
                    seeding.load(tenant, copy.deepcopy(data), self.clock.now())
                self._follow_organisation(tenant)
            self.identity.reset()
            self.limits.reset()
            self.faults.reset()
            self.idempotency.reset()
            with self._stats_lock:
                self._stats = {"total": 0, "by_operation": {}, "by_status": {}}

    def inject_raw(self, collection, element, tenant_id=None):
        """Plant ``element`` in ``collection`` exactly as given: no validation, no rendering.
        List reads return it verbatim (after the stored records; JSON-escaped as Xero would
        send it, e.g. ``\\u0000``), also when it is not an object or holds NUL or lone
        surrogates; the filters keep it unless they can read it and it does not match. It is
        never found by ID nor written to, and ``reset()`` removes it. For hostile-input tests."""
        from .accounting import api

        if collection not in api.KINDS:
            raise ValueError(f"unknown collection {collection!r}")
        tenant = self.store.get(tenant_id or self.tenant_id)
        with self.store.lock:
            tenant.raw.setdefault(collection, []).append(copy.deepcopy(element))

    def inject_attachment(
        self, collection, record_id, file_name, content, mime=None, attachment_id=None, tenant_id=None
    ):
        """Attach ``content`` to record ``record_id`` of ``collection`` exactly as given: no check of
        the name (path separators, NUL, control characters, any length), type, size or count, as a
        hostile or changed Xero could list it (``mime``: the MimeType it claims; ``attachment_id``:
        its AttachmentID, e.g. one another record has). The record's HasAttachments turns true, as
        after an upload; ``reset()`` removes it. Returns the Attachment element the list shows."""
        from .accounting import attachments
        from .accounting.context import Ctx

        tenant = self.store.get(tenant_id or self.tenant_id)
        with self.store.lock:
            field = attachments.OBJECTS[collection]
            record = tenant.get(collection, record_id)
            if record is None or record.get(field) != record_id:
                raise ValueError(f"no {collection} record {record_id!r}")
            ctx = Ctx(tenant, self.clock.now(), base_url=self.url or "")
            made = attachments.plant(ctx, collection, record, file_name, content, mime, attachment_id)
            return copy.deepcopy(made)

    def advance_clock(self, seconds):
        self.clock.advance(seconds)

    def inject_fault(self, kind, count=1, **params):
        self.faults.add(kind, count, **params)

    def trigger_intent_to_receive(self):
        return self.webhooks.intent_to_receive()

    def configure_webhooks(self, url, key):
        """Point the app's webhook at ``url``, signed with ``key`` (developer portal > Webhooks)."""
        self.webhooks.url, self.webhooks.key = url, key

    def disconnect_tenant(self, tenant_id=None):
        """A user removes the app from the organisation in Xero (Settings > Connected apps):
        its connections go from every grant; the tokens stay valid for the other tenants (an
        empty ``/connections`` then), API calls for this tenant answer 403. Returns how many
        connections were removed."""
        with self.store.lock:
            return self.identity.disconnect_tenant((tenant_id or self.tenant_id).lower())

    def flush_webhooks(self, timeout=10):
        return self.webhooks.flush(timeout)

    @property
    def webhook_deliveries(self):
        return list(self.webhooks.deliveries)

    # -- request pipeline ------------------------------------------------------------------------
    def dispatch(self, method, path, query, headers, raw):
        fault = self.faults.take(method, path, query)
        latency = 0.0
        drop = False
        if fault is not None:
            kind, params = fault["kind"], fault["params"]
            if kind == "http_500":
                return Answer(
                    500,
                    problem(500, "An error occurred", "An unexpected error has occurred (injected fault)"),
                )
            if kind == "http_503":
                return Answer(
                    503,
                    "The service is currently unavailable (injected fault)",
                    {"Retry-After": str(params.get("retry_after", 1))},
                )
            if kind == "rate_limit":
                which = params.get("problem", "minute")
                headers_out = dict(self.limits.headers(None))
                headers_out["X-Rate-Limit-Problem"] = which
                if which != "concurrent":
                    headers_out["Retry-After"] = str(params.get("retry_after", 60))
                return Answer(
                    429,
                    problem(429, "Too Many Requests", f"You have exceeded the {which} rate limit"),
                    headers_out,
                )
            if kind == "where_refused":
                return Answer(
                    400, {"ErrorNumber": 16, "Type": "QueryParseException", "Message": "Syntax error"}
                )
            if kind == "latency":
                latency = float(params.get("seconds", 1.0))
            if kind == "drop_after_commit":
                drop = True
        answer = self._route(method, path, query, headers, raw, latency)
        answer.drop = drop
        return answer

    def _route(self, method, path, query, headers, raw, latency):
        low = path.lower()
        if not low.startswith(API_PREFIX) and not low.startswith("/connections"):
            if latency:
                self.clock.sleep(latency)
            answer = identity_request(self, method, path, query, headers, raw)
            return answer or Answer(404, "The resource you're looking for cannot be found")
        grant, reason = self.identity.grant_for(bearer_of(headers))
        if grant is None:
            answer = unauthorized(reason, self)
            answer.headers.update(self.limits.headers(None))
            return answer
        if low.startswith("/connections"):
            if latency:
                self.clock.sleep(latency)
            return connections_request(self, grant, method, path, query)
        return api_request(self, grant, method, path, query, headers, raw, latency)

    def record(self, method, path, query, headers, raw, answer, seconds):
        key = stats_key(method, path)
        with self._stats_lock:
            self._stats["total"] += 1
            self._stats["by_operation"][key] = self._stats["by_operation"].get(key, 0) + 1
            code = str(answer.status)
            self._stats["by_status"][code] = self._stats["by_status"].get(code, 0) + 1
        observers = list(self.observers) + [o for o in GLOBAL_OBSERVERS if o not in self.observers]
        if observers:
            data, out_headers = answer.encoded()
            exchange = {
                "method": method,
                "path": path,
                "query": query,
                "headers": dict(headers),
                "body": raw,
                "status": answer.status,
                "response_headers": out_headers,
                "response_body": data,
                "dropped": answer.drop,
                "seconds": seconds,
            }
            for observer in observers:
                observer(exchange)

    def control(self, method, path, raw):
        import json

        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return Answer(400, {"error": "body must be JSON"})
        name = path[len("/_sandbox/") :].strip("/")
        try:
            if name == "stats" and method == "GET":
                return Answer(200, self.stats())
            if name == "faults" and method == "POST":
                params = dict(body)
                kind = params.pop("kind")
                count = params.pop("count", 1)
                self.inject_fault(kind, count, **params)
                return Answer(200, {"pending": len(self.faults.pending)})
            if name == "faults" and method == "GET":
                return Answer(200, {"pending": self.faults.pending})
            if name == "reset" and method == "POST":
                self.reset()
                return Answer(200, {"reset": True})
            if name == "clock" and method == "POST":
                self.advance_clock(float(body.get("advance", 0)))
                return Answer(200, {"now": self.clock.now().isoformat()})
            if name == "tenants" and method == "POST":
                tenant_id = self.add_tenant(body.get("name"), body.get("seed"))
                return Answer(200, {"tenantId": tenant_id})
            if name == "tenants" and method == "GET":
                return Answer(200, [{"tenantId": t, "tenantName": n} for t, n in self.tenant_names().items()])
            if name == "token" and method == "POST":
                return Answer(200, self.issue_token(body.get("tenant_ids")))
            if name == "disconnect" and method == "POST":
                return Answer(200, {"removed": self.disconnect_tenant(body.get("tenant_id"))})
            if name == "intent-to-receive" and method == "POST":
                results = self.trigger_intent_to_receive()
                return Answer(200, {"results": [{"signed_correctly": c, "status": s} for c, s in results]})
        except (KeyError, ValueError, TypeError, RuntimeError) as exc:
            return Answer(400, {"error": str(exc)})
        return Answer(404, {"error": f"unknown control endpoint {method} {path}"})


_ = faults_mod  # the fault kinds are documented in faults.KINDS
