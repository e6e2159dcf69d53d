"""Validation of recorded sandbox exchanges against the official Xero OpenAPI specs (openapi-core).

Every exchange of every sandbox of the test session is recorded (also the sandboxes of tests/client): the
sandbox's answers are validated strictly whichever test caused them, and so are the requests of the sandbox's
own tests; a non-conforming request sent by another suite's test is reported as a pytest warning naming that
test (that suite owns its payloads; the client's own conformance test covers what the client sends).

Known spec quirks are handled here, each with its reason, and counted in the report; nothing is skipped
wholesale:

* SPEC_CHECK_OFF: xero_accounting.yaml itself fails openapi-core's spec check (string defaults such as
  ``default: 'false'`` on booleans), so the spec is loaded with the spec check off; messages are still
  validated.
* NO_TENANT_HEADER: the spec makes ``xero-tenant-id`` required on every accounting call; Custom Connection
  tokens (client_credentials) do not need it (API_FACTS section 1, D16). Such requests are validated with
  the header added.
* ATTACHMENT_MIME: attachment downloads are declared ``application/octet-stream``; Xero (and the sandbox)
  answer with the file's own MIME type. Validated as octet-stream.
* ATTACHMENT_BODY: uploads are declared ``type: string, format: byte`` (base64 text) under
  ``application/octet-stream``; Xero takes, and the client sends, the raw bytes. The body is validated in the
  spec's literal reading: base64 of the bytes sent.
* ATTACHMENT_UPLOAD_TYPE: uploads are declared ``application/octet-stream`` only; the client sends the file's
  own MIME type when it knows it (API_FACTS section 7: Xero takes the real type). Validated as octet-stream.
* CONNECTION_DATES: Xero writes ``createdDateUtc`` / ``updatedDateUtc`` without a zone (the identity spec's
  own example: ``2019-12-07T18:46:19.5165400``), which the spec's ``format: date-time`` refuses; the sandbox
  answers like Xero, and the answer is validated with the UTC ``Z`` added.
* WEBHOOK_DATES: same for webhook ``eventDateUtc`` (``2024-06-21T01:15:39.902`` in xero-webhooks.yaml's own
  example and in API_FACTS section 6): validated with ``Z`` added.
* PAYMENTS_WRAPPER: ``POST /Payments`` and ``POST /Payments/{PaymentID}`` are declared as one bare object, while
  the spec's own examples wrap it as ``{"Payments": [...]}`` (API_FACTS section 10); the sandbox takes both.
  A one-element wrapper is validated unwrapped.
* NUMBER_IN_ID_PATH: Xero also finds invoices and credit notes by number in the id slot
  (``/Invoices/INV-0001``); the spec types that slot as a uuid. Such requests are not request-validated;
  their answers are.
* UNDOCUMENTED_STATUS: the accounting spec documents only 200/204/400 bodies (API_FACTS section 4): 401, 403,
  404, 429, 500, 501 and 503 answers, and 400s of operations that declare none, have nothing to validate
  against; they are counted, not validated.
* NOT_IN_SPEC: ``/connect/token``, ``/connect/revocation`` and ``/identity/connect/authorize`` are not paths
  of xero-identity.yaml; token answers are validated against its ``AccessToken`` schema instead.
* INVALID_ON_PURPOSE: requests a test marks with ``X-Test-Invalid-Request`` (read-only totals or missing
  fields sent on purpose, If-Modified-Since forms beyond RFC 3339, paths that are not in the spec, all to test
  the sandbox's answer) are not request-validated; their answers are, where the spec has the operation.
"""

import base64
import functools
import json
import os
import re
from collections import Counter
from urllib.parse import parse_qsl

import yaml

REAL_HOST = "https://api.xero.com"
API_PREFIX = "/api.xro/2.0"


@functools.cache
def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def openapi(path):
    from openapi_core import Config, OpenAPI

    # SPEC_CHECK_OFF; and octet-stream bodies are handed to the schema check as text (see ATTACHMENT_BODY).
    config = Config(
        spec_validator_cls=None, extra_media_type_deserializers={"application/octet-stream": _as_text}
    )
    return OpenAPI.from_dict(load_yaml(path), config=config)


def _as_text(data, **_params):
    return data.decode("latin-1") if isinstance(data, (bytes, bytearray)) else data


@functools.cache
def templates(path, prefix):
    """Path templates of a spec as (regex, template, literal segment count), most literal first."""
    out = []
    for template in load_yaml(path)["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(prefix + template)) + "$"
        literal = sum(1 for part in template.split("/") if part and not part.startswith("{"))
        out.append((re.compile(pattern, re.IGNORECASE), template, literal))
    out.sort(key=lambda item: -item[2])
    return out


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _param_formats(spec_path, template, method):
    """{name: format} of a template's path parameters (format "" when not a uuid)."""
    item = load_yaml(spec_path)["paths"][template]
    params = list(item.get("parameters", [])) + list((item.get(method.lower()) or {}).get("parameters", []))
    components = load_yaml(spec_path).get("components", {}).get("parameters", {})
    out = {}
    for param in params:
        if "$ref" in param:
            param = components.get(param["$ref"].split("/")[-1], {})
        if param.get("in") == "path":
            out[param["name"]] = (param.get("schema") or {}).get("format", "")
    return out


def operation_of(path, spec_path, prefix, method):
    """The spec template a request path belongs to. Where several fit (``/{AttachmentID}`` vs
    ``/{FileName}``, ``/{ContactID}`` vs ``/{ContactNumber}``), the one that has the method and whose uuid
    parameters match the values sent."""
    fits = []
    for pattern, template, literal in templates(spec_path, prefix):
        if not pattern.match(path) or method.lower() not in load_yaml(spec_path)["paths"][template]:
            continue
        formats = _param_formats(spec_path, template, method)
        names = re.findall(r"\{([^}]+)\}", template)
        values = [v for t, v in zip((prefix + template).split("/"), path.split("/")) if t.startswith("{")]
        agree = sum(
            1
            for name, value in zip(names, values)
            if (formats.get(name) == "uuid") == bool(UUID_RE.match(value))
        )
        fits.append((-literal, -agree, template))
    return sorted(fits)[0][2] if fits else None


def documented_statuses(spec_path, template, method):
    operation = load_yaml(spec_path)["paths"][template].get(method.lower()) or {}
    return set(operation.get("responses", {}))


class Report:
    def __init__(self):
        self.validated_ops = set()  # "METHOD /Template" with request and response validated
        self.response_only_ops = set()  # response validated, request invalid on purpose
        self.failures = []
        self.foreign_request_failures = []  # requests other suites' tests sent (reported, see check())
        self.counts = Counter()

    def summary(self):
        return (
            "%d exchanges: %d distinct operations validated (request + response), %d more response-only; %s"
            % (
                self.counts["exchanges"],
                len(self.validated_ops),
                len(self.response_only_ops - self.validated_ops),
                ", ".join("%s=%d" % kv for kv in sorted(self.counts.items()) if kv[0] != "exchanges"),
            )
        )


def _mock(exchange, path, query, headers, body=None, pattern=None):
    from openapi_core.testing import MockRequest

    content_type = (
        headers.get("Content-Type", "application/json").split(";")[0] if body else "application/json"
    )
    view_args = None
    if pattern:
        # With an explicit pattern openapi-core takes the path parameters from view_args.
        view_args = {t[1:-1]: v for t, v in zip(pattern.split("/"), path.split("/")) if t.startswith("{")}
    return MockRequest(
        REAL_HOST,
        exchange["method"].lower(),
        path,
        path_pattern=pattern,
        view_args=view_args,
        args=dict(parse_qsl(query, keep_blank_values=True)),
        headers=headers,
        data=body if body is not None else b"",
        content_type=content_type,
    )


def _describe(exc):
    parts = [str(exc)]
    cause = exc.__cause__
    while cause is not None:
        parts.append(str(cause))
        for inner in getattr(cause, "schema_errors", None) or []:
            parts.append("  - {} at {}".format(inner.message, "/".join(str(p) for p in inner.absolute_path)))
        cause = cause.__cause__
    return " | ".join(parts)[:2000]


def check(exchange, spec_dir, report):
    """Validate one exchange; record the outcome in ``report``."""
    from openapi_core.testing import MockResponse

    report.counts["exchanges"] += 1
    method, path, status = exchange["method"], exchange["path"], exchange["status"]
    if exchange.get("dropped"):
        report.counts["dropped_connection_no_response"] += 1
        return
    if any(k.lower() == "x-sandbox-injected" for k in exchange.get("response_headers") or {}):
        report.counts["hostile_elements_on_purpose"] += 1  # Sandbox.inject_raw: not Xero's shape
        return
    low = path.lower()
    accounting = os.path.join(spec_dir, "xero_accounting.yaml")
    identity = os.path.join(spec_dir, "xero-identity.yaml")
    if low.startswith(API_PREFIX.lower() + "/"):
        spec_path, prefix, spec_url_path = accounting, API_PREFIX, path
    elif low.startswith("/connections"):
        spec_path, prefix, spec_url_path = identity, "", "/Connections" + path[len("/connections") :]
    else:
        _check_identity_answer(exchange, identity, report)
        return
    template = operation_of(spec_url_path, spec_path, prefix, method)
    label = f"{method} {template}"
    if template is None and any(k.lower() == "x-test-invalid-request" for k in exchange["headers"]):
        report.counts["not_in_spec_on_purpose"] += (
            1  # e.g. POST /Organisation (501), unknown collections (404)
        )
        return
    if template is None:
        report.failures.append(f"{method} {path}: no such operation in the spec")
        return
    api = openapi(spec_path)
    headers = {k: v for k, v in exchange["headers"].items()}
    headers["Authorization"] = "Bearer redacted"
    if spec_path == accounting and not any(k.lower() == "xero-tenant-id" for k in headers):
        headers["xero-tenant-id"] = "00000000-0000-0000-0000-000000000000"  # NO_TENANT_HEADER
        report.counts["no_tenant_header"] += 1
    body = exchange["body"] or None
    if body and method == "POST" and template in ("/Payments", "/Payments/{PaymentID}"):
        decoded = json.loads(body)
        if (
            isinstance(decoded, dict)
            and isinstance(decoded.get("Payments"), list)
            and len(decoded["Payments"]) == 1
        ):
            body = json.dumps(decoded["Payments"][0]).encode()  # PAYMENTS_WRAPPER
            report.counts["payments_wrapper"] += 1
    if body is not None and "/attachments/" in low and method in ("PUT", "POST"):
        body = base64.b64encode(body)  # ATTACHMENT_BODY
        report.counts["attachment_body_base64"] += 1
        for name in [k for k in headers if k.lower() == "content-type"]:
            if headers[name].split(";")[0].strip().lower() != "application/octet-stream":
                headers[name] = "application/octet-stream"  # ATTACHMENT_UPLOAD_TYPE
                report.counts["attachment_upload_type"] += 1
    request = _mock(exchange, spec_url_path, exchange["query"], headers, body, pattern=prefix + template)
    on_purpose = any(k.lower() == "x-test-invalid-request" for k in headers)
    relative = spec_url_path[len(prefix) :].split("/")
    id_slot = relative[2] if len(relative) == 3 else None
    if (
        template in ("/Invoices/{InvoiceID}", "/CreditNotes/{CreditNoteID}")
        and id_slot
        and not UUID_RE.match(id_slot)
    ):
        report.counts["number_in_id_path"] += 1  # NUMBER_IN_ID_PATH
        on_purpose = True
    request_ok = True
    if on_purpose:
        report.counts["request_invalid_on_purpose"] += 1
        request_ok = False
    else:
        try:
            api.validate_request(request)
        except Exception as exc:  # collected below
            request_ok = False
            message = "REQUEST {} {}?{}: {}".format(method, path, exchange["query"], _describe(exc))
            origin = exchange.get("origin", "")
            if origin and not origin.startswith("tests/sandbox/"):
                # What another suite's test sent (e.g. the client's): reported as a warning naming the test;
                # the sandbox's answers to it are still validated strictly.
                report.foreign_request_failures.append(f"{message} (from {origin})")
            else:
                report.failures.append(message)
    documented = documented_statuses(spec_path, template, method)
    if str(status) not in documented:
        report.counts["undocumented_status_%d" % status] += 1
        return
    response_headers = dict(exchange["response_headers"])
    content_type = response_headers.get("Content-Type", "application/json").split(";")[0]
    if "/attachments/" in low and method == "GET":
        content_type = "application/octet-stream"  # ATTACHMENT_MIME
        report.counts["attachment_mime"] += 1
    response_body = exchange["response_body"]
    if spec_path == identity and method == "GET" and status == 200:
        connections = json.loads(response_body)
        for connection in connections:
            for field in ("createdDateUtc", "updatedDateUtc"):
                if connection.get(field) and not connection[field].endswith("Z"):
                    connection[field] += "Z"  # CONNECTION_DATES
        response_body = json.dumps(connections).encode()
        report.counts["connection_dates_zoned"] += 1
    response = MockResponse(
        response_body, status_code=status, headers=response_headers, content_type=content_type
    )
    try:
        api.validate_response(request, response)
    except Exception as exc:  # collected below
        report.failures.append("RESPONSE %s %s -> %d: %s" % (method, path, status, _describe(exc)))
        return
    report.counts["responses_validated"] += 1
    if request_ok:
        report.validated_ops.add(label)
    else:
        report.response_only_ops.add(label)


def _check_identity_answer(exchange, identity_path, report):
    from openapi_schema_validator import OAS30Validator

    low = exchange["path"].lower().rstrip("/")
    report.counts["identity_not_in_spec"] += 1  # NOT_IN_SPEC
    if low == "/connect/token" and exchange["status"] == 200:
        schema = dict(load_yaml(identity_path)["components"]["schemas"]["AccessToken"])
        errors = list(OAS30Validator(schema).iter_errors(json.loads(exchange["response_body"])))
        if errors:
            report.failures.append(
                "RESPONSE POST /connect/token: {}".format("; ".join(e.message for e in errors))
            )
        else:
            report.counts["token_answers_validated_by_schema"] += 1


def check_webhook(body, spec_dir):
    """Messages of a webhook payload that break xero-webhooks.yaml's WebhookEvent schema."""
    from jsonschema import Draft202012Validator, FormatChecker

    spec = load_yaml(os.path.join(spec_dir, "xero-webhooks.yaml"))
    payload = json.loads(body)
    for event in payload["events"]:
        if not event["eventDateUtc"].endswith("Z"):
            event["eventDateUtc"] += "Z"  # WEBHOOK_DATES
    messages = []

    def validator(name):
        # The schema is wrapped with the spec's components so that its "#/components/..." refs resolve.
        root = {"$ref": "#/components/schemas/" + name, "components": spec["components"]}
        return Draft202012Validator(root, format_checker=FormatChecker())

    messages += [e.message for e in validator("WebhookEvent").iter_errors(payload)]
    for event in payload["events"]:
        if event["eventCategory"] == "CREDITNOTE":
            messages += [
                e.message
                for e in validator("CreditNoteWebhookEvent").iter_errors(dict(payload, events=[event]))
            ]
    return messages
