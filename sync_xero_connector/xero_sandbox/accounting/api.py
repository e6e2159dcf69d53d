"""Routing of ``/api.xro/2.0/...`` to the collections, and the batch-write protocol."""

import json

from . import attachments, payments
from .common import (
    ZERO_ID,
    ApiError,
    Invalid,
    bad_request,
    envelope,
    not_found,
    validation_failure,
)
from .contacts import CONTACT_GROUPS, CONTACTS
from .documents import CREDIT_NOTES, INVOICES, PURCHASE_ORDERS, QUOTES
from .journals import MANUAL_JOURNALS
from .payments import PAYMENTS
from .query import modified_since
from .settings import ACCOUNTS, CURRENCIES, ITEMS, TAX_RATES, TRACKING_CATEGORIES

KINDS = {
    kind.name: kind
    for kind in (
        CONTACTS,
        CONTACT_GROUPS,
        ACCOUNTS,
        TAX_RATES,
        CURRENCIES,
        ITEMS,
        TRACKING_CATEGORIES,
        INVOICES,
        CREDIT_NOTES,
        PAYMENTS,
        MANUAL_JOURNALS,
        QUOTES,
        PURCHASE_ORDERS,
    )
}
INJECTED_HEADER = "X-Sandbox-Injected"
_CANONICAL = {name.lower(): name for name in list(KINDS) + ["Organisation"]}


def canonical(segment):
    return _CANONICAL.get(segment.lower())


def _json_body(raw):
    if not raw:
        raise bad_request("The request body is empty")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(
            "The request body is not valid JSON", error_type="PostDataInvalidException", number=17
        ) from None


def _elements(body, key):
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return body[key]
    if isinstance(body, dict):
        return [body]
    raise bad_request("The request body must be a JSON object")


def _error_element(kind, element, messages):
    out = dict(element) if isinstance(element, dict) else {}
    if kind is not None and kind.id_field and not out.get(kind.id_field) and kind.id_field.endswith("ID"):
        out[kind.id_field] = ZERO_ID
    out["ValidationErrors"] = [{"Message": m} for m in messages]
    out["StatusAttributeString"] = "ERROR"
    if kind is not None and kind.name in ("Contacts", "Payments"):
        out["HasValidationErrors"] = True
    else:
        out["HasErrors"] = True
    return out


def write_batch(ctx, key, elements, apply_one, kind=None):
    """Run ``apply_one(element)`` for each element with Xero's summarizeErrors semantics.

    Default (summarised): any bad element -> 400 with the failing ``Elements``, nothing written.
    ``summarizeErrors=false``: 200, each element OK or ERROR; good elements are written.
    """
    summarize = str(ctx.param("summarizeErrors", "true")).lower() != "false"
    tenant = ctx.tenant
    batch_snap = tenant.snapshot()
    results, errors = [], []
    for element in elements:
        snap = None if summarize else tenant.snapshot()
        mark = len(ctx.events)
        try:
            if not isinstance(element, dict):
                raise Invalid("Each element must be a JSON object")
            out = dict(apply_one(element))
            out["StatusAttributeString"] = "OK"
            results.append(out)
        except Invalid as exc:
            if snap is not None:
                tenant.restore(snap)
            del ctx.events[mark:]
            failed = _error_element(kind, element, exc.messages)
            errors.append(failed)
            results.append(failed)
    if errors and summarize:
        tenant.restore(batch_snap)
        ctx.events.clear()
        raise validation_failure(errors)
    return 200, envelope(ctx.now, key, results)


def _write_kind(ctx, kind, method, raw, path_id=None):
    if method == "PUT" and not kind.creatable:
        raise not_found()
    elements = _elements(_json_body(raw), kind.name)

    def apply_one(element):
        existing = kind.match(ctx, element, method, path_id)
        record = kind.build(ctx, element, existing)
        ctx.tenant.put(kind.name, record)
        kind.after_put(ctx, record, existing)
        return kind.render(ctx, record)

    return write_batch(ctx, kind.name, elements, apply_one, kind)


def _find(ctx, kind, key):
    record = kind.find(ctx, key)
    if record is None:
        raise not_found()
    return record


def handle(ctx, method, parts, raw, headers):
    """(status, body, extra headers) for one accounting request. Raises ApiError for other answers."""
    if not parts:
        raise not_found()
    name = canonical(parts[0])
    if name is None:
        raise not_found()
    if name == "Organisation":
        if method != "GET":
            raise ApiError(
                501,
                {
                    "ErrorNumber": 501,
                    "Type": "NotImplementedException",
                    "Message": "The method is not implemented",
                },
            )
        if len(parts) == 2 and parts[1].lower() == "actions":
            return (
                200,
                envelope(
                    ctx.now,
                    "Actions",
                    [
                        {"Name": n, "Status": "ALLOWED"}
                        for n in (
                            "UseMulticurrency",
                            "CreateDraftInvoice",
                            "CreateApprovedInvoice",
                            "CreateDraftBill",
                            "CreateApprovedBill",
                            "CreateInvoicePayment",
                            "AttachFilesIntoInvoice",
                            "CreateDraftQuote",
                            "CreateSentQuote",
                            "CreateDraftPurchaseOrder",
                            "CreateApprovedPurchaseOrder",
                        )
                    ],
                ),
                {},
            )
        if len(parts) != 1:
            raise not_found()
        return 200, envelope(ctx.now, "Organisations", [ctx.tenant.organisation]), {}
    kind = KINDS[name]
    rest = parts[1:]
    if not rest:
        if method == "GET":
            ims = modified_since(headers.get("If-Modified-Since")) if kind.ims else None
            items, block = kind.list(ctx, ims)
            extra = {"pagination": block} if block is not None else None
            # Marks answers carrying planted elements (the spec conformance check skips them).
            headers_out = {INJECTED_HEADER: "true"} if ctx.injected else {}
            return 200, envelope(ctx.now, name, items, extra), headers_out
        if method in ("PUT", "POST"):
            status, body = _write_kind(ctx, kind, method, raw)
            return status, body, {}
        raise ApiError(405, {"ErrorNumber": 405, "Type": "MethodNotAllowed", "Message": "Method not allowed"})
    key = rest[0]
    if len(rest) == 1:
        if method == "GET":
            record = _find(ctx, kind, key)
            return 200, envelope(ctx.now, name, [kind.render(ctx, record)]), {}
        if method == "POST":
            if kind is not PAYMENTS:
                _find(ctx, kind, key)
            status, body = _write_kind(ctx, kind, "POST", raw, path_id=key)
            return status, body, {}
        if method == "DELETE" and kind in (ITEMS, ACCOUNTS, TRACKING_CATEGORIES):
            return _delete(ctx, kind, key)
        raise not_found()
    sub = rest[1].lower()
    if sub == "attachments" and name in attachments.OBJECTS:
        return _attachments(ctx, kind, method, key, rest[2:], raw, headers)
    if kind is CREDIT_NOTES and sub == "allocations":
        return _allocations(ctx, method, key, rest[2:], raw)
    if kind is CONTACT_GROUPS and sub == "contacts":
        return _group_members(ctx, method, key, rest[2:], raw)
    if kind is TRACKING_CATEGORIES and sub == "options":
        return _options(ctx, method, key, rest[2:], raw)
    raise not_found()


def _delete(ctx, kind, key):
    record = _find(ctx, kind, key)
    if kind is ITEMS:
        # Xero refuses to delete items used on transactions; the sandbox allows it (documented deviation).
        ctx.tenant.remove("Items", record["ItemID"])
        return 204, None, {}
    updated = dict(record)
    updated["Status"] = "DELETED"
    ctx.tenant.put(kind.name, updated)
    return 200, envelope(ctx.now, kind.name, [kind.render(ctx, updated)]), {}


def _attachments(ctx, kind, method, key, rest, raw, headers):
    record = _find(ctx, kind, key)
    if not rest:
        if method != "GET":
            raise not_found()
        return 200, envelope(ctx.now, "Attachments", attachments.listing(ctx, kind.name, record)), {}
    target = rest[0]
    if method == "GET":
        attachment = attachments.download(ctx, kind.name, record, target)
        if not headers.get("contentType"):
            # The spec declares the header required on every attachment download.
            raise bad_request("The contentType header (the MIME type of the file) is required")
        return (
            200,
            attachment["_content"],
            {
                "Content-Type": attachments.header_safe(attachment["MimeType"]) or "application/octet-stream",
                "Content-Disposition": attachments.disposition(attachment["FileName"]),
            },
        )
    if method in ("PUT", "POST"):
        made = attachments.upload(
            ctx, kind.name, record, target, raw or b"", headers.get("Content-Type"), method
        )
        return 200, envelope(ctx.now, "Attachments", [made]), {}
    raise not_found()


def _allocations(ctx, method, key, rest, raw):
    note = _find(ctx, CREDIT_NOTES, key)
    if not rest and method == "PUT":
        elements = _elements(_json_body(raw), "Allocations")

        def apply_one(element):
            current = ctx.tenant.get("CreditNotes", note["CreditNoteID"])
            return payments.allocate(ctx, current, element)

        status, body = write_batch(ctx, "Allocations", elements, apply_one)
        return status, body, {}
    if len(rest) == 1 and method == "DELETE":
        result = payments.delete_allocation(ctx, note, rest[0])
        if result is None:
            raise not_found()
        return 200, result, {}
    raise not_found()


def _group_members(ctx, method, key, rest, raw):
    group = _find(ctx, CONTACT_GROUPS, key)
    if not rest and method == "PUT":
        body = _json_body(raw)
        contacts = _elements(body, "Contacts")
        try:
            added = CONTACT_GROUPS.add_members(ctx, group, contacts)
        except Invalid as exc:
            raise validation_failure(
                [_error_element(CONTACTS, c, exc.messages) for c in contacts[:1]]
            ) from None
        return 200, envelope(ctx.now, "Contacts", added), {}
    if method == "DELETE":
        if not CONTACT_GROUPS.remove_members(ctx, group, rest[0] if rest else None):
            raise not_found()
        return 204, None, {}
    raise not_found()


def _options(ctx, method, key, rest, raw):
    category = _find(ctx, TRACKING_CATEGORIES, key)
    if not rest and method == "PUT":
        elements = _elements(_json_body(raw), "Options")

        def apply_one(element):
            current = ctx.tenant.get("TrackingCategories", category["TrackingCategoryID"])
            record, option = TRACKING_CATEGORIES.option(ctx, current, element)
            ctx.tenant.put("TrackingCategories", record)
            return option

        status, body = write_batch(ctx, "Options", elements, apply_one)
        return status, body, {}
    if len(rest) == 1 and method in ("POST", "DELETE"):
        element = {"Status": "DELETED"} if method == "DELETE" else _elements(_json_body(raw), "Options")[0]
        try:
            record, option = TRACKING_CATEGORIES.option(ctx, category, element, rest[0])
        except Invalid as exc:
            raise validation_failure([_error_element(None, element, exc.messages)]) from None
        ctx.tenant.put("TrackingCategories", record)
        return 200, envelope(ctx.now, "Options", [option]), {}
    raise not_found()
