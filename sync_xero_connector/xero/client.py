# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Accounting API client for one organisation (tenant): paging reads and batch writes."""

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from . import const, errors
from .dates import format_if_modified_since, parse_datetime
from .objects import RESPONSE_KEY, Collection, collection

GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

CREATED = "created"
UPDATED = "updated"
REJECTED = "rejected"
# The options of a tracking category, written under /TrackingCategories/{id}/Options.
_OPTIONS = Collection("Options", "TrackingOptionID")
# The allocations of a credit note, written under /CreditNotes/{id}/Allocations.
_ALLOCATIONS = Collection("Allocations", "AllocationID")


@dataclass
class ElementResult:
    """Outcome of one element of a batch write, in the order the elements were given."""

    index: int
    status: str  # CREATED, UPDATED or REJECTED
    payload: dict
    record: dict = None  # what Xero returned for it
    xero_id: str = None
    messages: list = field(default_factory=list)  # every ValidationErrors message
    warnings: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status != REJECTED


def idempotency_key(tenant_id, method, path, body, hint=None):
    """Deterministic Idempotency-Key for one logical write: the same write (same tenant,
    endpoint, body and hint) always gets the same key, so a retry can never write twice."""
    digest = hashlib.sha256()
    for part in (tenant_id or "", method.upper(), path):
        digest.update(part.encode())
        digest.update(b"\n")
    if isinstance(body, bytes):
        digest.update(body)
    else:
        digest.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    if hint:
        digest.update(b"\n" + str(hint).encode())
    return "sxc-" + digest.hexdigest()


def where_equals(field_name, value):
    """A Xero `where` clause: Field=="text", Field==true, Field==12.

    Xero parses `where` as System.Linq.Dynamic does (its error messages are that parser's:
    "No property or field 'X' exists in type 'Contact'", "Character literal must contain
    exactly one character"): a string literal runs to the next double quote, a doubled quote
    stands for one, and a backslash is an ordinary character. ``\\"`` is a syntax error there
    (XeroAPI/Xero-Java#347), so quotes are doubled and nothing else is escaped (doubling is
    that parser's rule, inferred from its messages; not verified against a live organisation).
    """
    if isinstance(value, bool):
        return f"{field_name}=={'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"{field_name}=={value}"
    escaped = str(value).replace('"', '""')
    return f'{field_name}=="{escaped}"'


class XeroClient:
    """Calls the Accounting API of one tenant through a Transport.

    ``token_provider(force=False)`` returns a valid access token; with ``force=True`` it must
    refresh even if the current token looks valid (called once after a 401).
    """

    def __init__(self, transport, tenant_id, token_provider, api_url=const.API_URL, unitdp=4):
        self.transport = transport
        self.tenant_id = tenant_id
        self.token_provider = token_provider
        self.base = api_url.rstrip("/") + const.ACCOUNTING_PATH
        self.unitdp = unitdp
        # A preview's client: any call but a read is refused before it leaves.
        self.read_only = False
        # Xero's clock at its last list answer (aware UTC; None before any): import cursors
        # never move past it.
        self.server_time = None
        # Xero's count of what the last paged read yields (its ``pagination.itemCount``).
        self.item_count = None
        # Set while resending what Xero refused (a Retry): Xero replays the answer of a known
        # Idempotency-Key, refusals too, so the resent write needs keys of its own.
        self.idempotency_salt = None
        # Calls other than reads sent through this client (a run tells whether it wrote).
        self.writes = 0

    # --------------------------------------------------------------- plumbing
    def call(
        self,
        method,
        path,
        *,
        params=None,
        json_body=None,
        content=None,
        headers=None,
        idempotency_key_=None,
        accept=None,
    ):
        """One API call; refreshes the token once on a 401. ``accept``: the Accept header
        (JSON unless given)."""
        if self.read_only and method.upper() != "GET":
            raise errors.XeroError(f"A preview sends nothing to Xero: {method.upper()} {path} was not sent.")
        if method.upper() != "GET":
            self.writes += 1
        token = self.token_provider()
        for attempt in (1, 2):
            try:
                return self.transport.request(
                    method,
                    self.base + path,
                    tenant_id=self.tenant_id,
                    access_token=token,
                    params=params,
                    json_body=json_body,
                    content=content,
                    headers=headers,
                    idempotency_key=idempotency_key_,
                    **({"accept": accept} if accept else {}),
                )
            except errors.XeroInvalidGrant:
                raise
            except errors.XeroAuthError:
                if attempt == 2:
                    raise
                token = self.token_provider(force=True)
        raise AssertionError("unreachable")

    def write_call(self, method, path, body, *, params=None, hint=None):
        """A PUT/POST with a deterministic Idempotency-Key."""
        if self.idempotency_salt:
            hint = f"{self.idempotency_salt}:{hint or ''}"
        key = idempotency_key(self.tenant_id, method, path + _query_text(params), body, hint)
        return self.call(method, path, params=params, json_body=body, idempotency_key_=key)

    # ------------------------------------------------------------------ reads
    def iter_pages(
        self,
        name,
        *,
        where=None,
        order=None,
        if_modified_since=None,
        ids=None,
        numbers=None,
        statuses=None,
        page_size=const.MAX_PAGE_SIZE,
        params=None,
    ):
        """Yield the records of a collection page by page (lists of dicts).

        Paged collections are read with ``page``/``pageSize`` until a short page or the last
        page announced by ``pagination``; others in one call. ``ids`` (or ``numbers``, for a
        collection with a numbers filter; none may contain a comma) longer than the URL
        allows are split over several reads.
        """
        spec = collection(name)
        base_params = dict(params or {})
        if where:
            base_params["where"] = where
        if order:
            base_params["order"] = order
        if statuses:
            base_params["Statuses"] = ",".join(statuses)
        if spec.unitdp and self.unitdp:
            base_params["unitdp"] = self.unitdp
        headers = {}
        if if_modified_since and spec.modified_since:
            headers["If-Modified-Since"] = format_if_modified_since(if_modified_since)
        filter_name, values, per_read, budget = None, None, None, None
        if ids:
            values = list(ids)
            if spec.ids_filter:
                # 50 GUIDs a read: known to pass (API_FACTS §5), whatever their length.
                filter_name, per_read, budget = "IDs", const.MAX_IDS_PER_REQUEST, None
            else:
                # No IDs parameter (CreditNotes): the same reads, as a where on the ID (GUIDs
                # only), ANDed with the caller's where, within the URL budget.
                if not all(GUID.fullmatch(str(i)) for i in values):
                    raise ValueError(f"Xero can only filter {name} by GUIDs")
                values = [f'{spec.id_field}==Guid("{i}")' for i in values]
                filter_name, per_read = "where", const.MAX_IDS_PER_REQUEST
                budget = const.MAX_FILTER_CHARS - len(quote(base_params.get("where") or "", safe=""))
        elif numbers:
            if not spec.numbers_filter:
                raise ValueError(f"Xero cannot filter {name} by numbers")
            values = list(numbers)
            if any("," in value for value in values):
                raise ValueError("A number with a comma cannot go in a numbers filter")
            filter_name, per_read = spec.numbers_filter, const.MAX_NUMBERS_PER_REQUEST
            budget = const.MAX_FILTER_CHARS
        joiner = " OR " if filter_name == "where" else ","
        id_chunks = list(url_chunks(values, joiner, per_read, budget)) if values else [None]
        key = RESPONSE_KEY.get(name, name)
        for chunk in id_chunks:
            query = dict(base_params)
            if chunk and filter_name == "where":
                known = base_params.get("where")
                by_id = joiner.join(chunk)
                query["where"] = f"({known}) AND ({by_id})" if known else by_id
            elif chunk:
                query[filter_name] = joiner.join(chunk)
            if not spec.paged:
                data = self._read(f"/{name}", query, headers)
                records = data.get(key) or []
                if records:
                    yield records
                continue
            size = min(page_size, const.MAX_PAGE_SIZE) if spec.page_size else spec.default_page_size
            page = 1
            while True:
                query["page"] = page
                if spec.page_size:
                    query["pageSize"] = size
                data = self._read(f"/{name}", query, headers)
                records = data.get(key) or []
                if records:
                    yield records
                pagination = data.get("pagination") or {}
                count = pagination.get("itemCount")
                if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                    self.item_count = count  # what the whole read will yield (progress)
                page_count = pagination.get("pageCount")
                if len(records) < size or (page_count is not None and page >= page_count):
                    break
                page += 1

    def check_day_budget(self, calls):
        """XeroDayLimitError when Xero's day has fewer than ``calls`` calls left."""
        self.transport.check_day_budget(self.tenant_id, calls)

    def changes_since(self, name, *, if_modified_since=None, params=None):
        """``(count, newest)`` in one read: how many records of a paged collection changed
        since ``if_modified_since`` (all records when None), by Xero's ``pagination``
        count, and the most recently changed one (None when there is none). ``(None, None)``
        when the answer carries no count."""
        spec = collection(name)
        if not (spec.paged and spec.page_size):
            raise ValueError(f"Xero gives no count of {name}")
        query = dict(params or {})
        query.update({"page": 1, "pageSize": 1, "order": "UpdatedDateUTC DESC"})
        headers = {}
        if if_modified_since and spec.modified_since:
            headers["If-Modified-Since"] = format_if_modified_since(if_modified_since)
        data = self._read(f"/{name}", query, headers)
        count = (data.get("pagination") or {}).get("itemCount")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return None, None
        records = data.get(RESPONSE_KEY.get(name, name)) or []
        newest = records[0] if records and isinstance(records[0], dict) else None
        if count and newest is None:
            return None, None
        return count, newest

    def _read(self, path, query, headers):
        response = self.call("GET", path, params=query, headers=headers)
        data = response.data
        data = data if isinstance(data, dict) else {}
        self.server_time = _server_time(data, response.headers) or self.server_time
        return data

    def iter_records(self, name, **kwargs):
        for page in self.iter_pages(name, **kwargs):
            yield from page

    def get_record(self, name, key):
        """One record by its Xero ID (or number where Xero allows it); None when not found."""
        try:
            data = self.call("GET", f"/{name}/{quote(str(key), safe='')}").data or {}
        except errors.XeroNotFound:
            return None
        records = data.get(RESPONSE_KEY.get(name, name)) or []
        return records[0] if records else None

    def organisation(self):
        data = self.call("GET", "/Organisation").data or {}
        return (data.get("Organisations") or [{}])[0]

    # ----------------------------------------------------------------- writes
    def write(self, name, elements, *, method="POST", hint=None, chunk_size=const.MAX_BATCH):  # pylint: disable=method-required-super
        """Create (PUT) or create-or-update (POST) ``elements``; one ElementResult each.

        Elements go in chunks of at most ``chunk_size`` (and under Xero's 3.5 MB body limit),
        with ``summarizeErrors=false`` so that one bad element never blocks the others.
        ``hint`` is mixed into the idempotency key (e.g. the Odoo records and their versions).
        """
        spec = collection(name)
        elements = list(elements)
        if not spec.batch_write:
            return [self._write_single(spec, i, el, method, hint) for i, el in enumerate(elements)]
        results = []
        for start, chunk in _chunks(elements, min(chunk_size, const.MAX_BATCH), name):
            results.extend(self._write_chunk(spec, start, chunk, method, hint))
        return results

    def _write_chunk(self, spec, start, chunk, method, hint):
        params = {}
        if spec.summarize_errors:
            params["summarizeErrors"] = "false"
        if spec.unitdp and self.unitdp:
            params["unitdp"] = self.unitdp
        try:
            response = self.write_call(method, f"/{spec.name}", {spec.name: chunk}, params=params, hint=hint)
        except errors.XeroValidationError as exc:
            return _rejected_batch(spec, start, chunk, exc)
        returned = (response.data or {}).get(spec.name) or []
        results = []
        for offset, payload in enumerate(chunk):
            record = returned[offset] if offset < len(returned) else None
            results.append(_element_result(spec, start + offset, payload, record))
        return results

    def _write_single(self, spec, index, element, method, hint):
        xero_id = element.get(spec.id_field)
        if method == "POST" and xero_id:
            path, body = f"/{spec.name}/{quote(str(xero_id), safe='')}", {spec.name: [element]}
        else:
            path, body, method = f"/{spec.name}", element, "PUT"
        try:
            response = self.write_call(method, path, body, hint=hint)
        except errors.XeroValidationError as exc:
            return ElementResult(index, REJECTED, element, messages=exc.messages or [exc.message])
        record = ((response.data or {}).get(spec.name) or [None])[0]
        return _element_result(spec, index, element, record)

    def write_tracking_options(self, category_id, creates=(), updates=(), hint=None):
        """Options of one tracking category: ``creates`` (payloads) in one PUT
        ``/TrackingCategories/{id}/Options`` (one by one when Xero refuses that request as a
        whole, so that one bad name does not block the others), ``updates`` (``(option id,
        payload)``) one POST ``/Options/{option id}`` each. -> (ElementResults of the
        creates, ElementResults of the updates), in order."""
        spec = _OPTIONS
        base = f"/TrackingCategories/{quote(str(category_id), safe='')}/Options"
        created = []
        creates = list(creates)
        if creates:
            try:
                response = self.write_call("PUT", base, {"Options": creates}, hint=hint)
                returned = (response.data or {}).get("Options") or []
                created = [
                    _element_result(spec, i, payload, returned[i] if i < len(returned) else None)
                    for i, payload in enumerate(creates)
                ]
            except errors.XeroValidationError as exc:
                if len(creates) == 1:
                    created = [ElementResult(0, REJECTED, creates[0], messages=exc.messages or [exc.message])]
                else:
                    created = [
                        replace(self.write_tracking_options(category_id, [payload], hint=hint)[0][0], index=i)
                        for i, payload in enumerate(creates)
                    ]
        updated = []
        for index, (option_id, payload) in enumerate(updates):
            path = f"{base}/{quote(str(option_id), safe='')}"
            try:
                response = self.write_call("POST", path, payload, hint=hint)
            except errors.XeroValidationError as exc:
                updated.append(
                    ElementResult(index, REJECTED, payload, messages=exc.messages or [exc.message])
                )
                continue
            record = ((response.data or {}).get("Options") or [None])[0]
            updated.append(_element_result(spec, index, dict(payload, TrackingOptionID=option_id), record))
        return created, updated

    def post(self, path, body, *, params=None, hint=None):
        """Create-or-update outside the batch helpers (e.g. POST /Payments/{id} to reverse)."""
        return self.write_call("POST", path, body, params=params, hint=hint).data

    def put(self, path, body, *, params=None, hint=None):
        return self.write_call("PUT", path, body, params=params, hint=hint).data

    def delete_payment(self, payment_id, hint=None):
        """Reverse a payment: POST /Payments/{id} with the spec's PaymentDelete body (the
        spec's example wraps it in Payments[], its schema and Xero's SDKs do not)."""
        data = self.post(f"/Payments/{quote(str(payment_id), safe='')}", {"Status": "DELETED"}, hint=hint)
        return ((data or {}).get("Payments") or [None])[0]

    def delete(self, path):
        response = self.call("DELETE", path)
        return response.data

    # ------------------------------------------------- endpoints of one record
    def allocate_credit_note(self, note_id, allocations, hint=None):
        """Allocate credit note ``note_id`` to invoices: one PUT
        ``/CreditNotes/{id}/Allocations`` of ``allocations`` (``{"Invoice": {"InvoiceID"},
        "Amount", "Date"}`` each), with ``summarizeErrors=false`` -> one ElementResult per
        allocation, in order: Xero refuses one (more than the invoice still owes, or than the
        note has left) in its element, or the whole request with a 400; either way its
        messages are on the REJECTED results."""
        allocations = list(allocations)
        try:
            response = self.write_call(
                "PUT",
                f"/CreditNotes/{_id(note_id)}/Allocations",
                {"Allocations": allocations},
                params={"summarizeErrors": "false"},
                hint=hint,
            )
        except errors.XeroValidationError as exc:
            return _rejected_batch(_ALLOCATIONS, 0, allocations, exc)
        returned = (response.data or {}).get("Allocations") or []
        return [
            _element_result(_ALLOCATIONS, i, payload, returned[i] if i < len(returned) else None)
            for i, payload in enumerate(allocations)
        ]

    def delete_allocation(self, note_id, allocation_id):
        """Remove one allocation of a credit note (DELETE
        ``/CreditNotes/{id}/Allocations/{allocation id}``): what it allocated is due again."""
        return self.delete(f"/CreditNotes/{_id(note_id)}/Allocations/{_id(allocation_id)}")

    def add_contacts_to_group(self, group_id, contact_ids, hint=None):
        """Put contacts into a contact group: one PUT ``/ContactGroups/{id}/Contacts`` ->
        the Contacts Xero returned. A contact already in the group stays in it once."""
        data = self.put(
            f"/ContactGroups/{_id(group_id)}/Contacts",
            {"Contacts": [{"ContactID": contact_id} for contact_id in contact_ids]},
            hint=hint,
        )
        return (data or {}).get("Contacts") or []

    def remove_contact_from_group(self, group_id, contact_id):
        """Take one contact out of a contact group (DELETE
        ``/ContactGroups/{id}/Contacts/{contact id}``); the contact itself stays."""
        return self.delete(f"/ContactGroups/{_id(group_id)}/Contacts/{_id(contact_id)}")

    def delete_item(self, item_id):
        """Delete an item (DELETE ``/Items/{id}``): Xero has no archived items; documents that
        used it keep their lines. XeroNotFound when Xero has no such item (deleted already)."""
        return self.delete(f"/Items/{_id(item_id)}")

    # ------------------------------------------------------------ attachments
    def upload_attachment(
        self, name, object_id, filename, content, mime=None, include_online=False, replace=False, hint=None
    ):
        """Upload ``content`` (raw bytes) as ``filename`` on record ``object_id`` of collection
        ``name``; -> Xero's Attachment (AttachmentID, FileName, MimeType, ContentLength...).

        PUT creates; ``replace=True`` POSTs, which replaces the attachment of that file name.
        The body goes as the file's own ``mime`` type (octet-stream when unknown; the spec
        declares octet-stream only, Xero also tells the type by the file name).
        ``include_online`` (Invoices and CreditNotes only) shows it on the online document.
        The Idempotency-Key is the file's path and bytes (and ``hint``, e.g. the upload's
        version): the same upload retried is never stored twice.
        """
        path = f"/{name}/{quote(str(object_id), safe='')}/Attachments/{quote(filename, safe='')}"
        params = {"IncludeOnline": "true"} if include_online else None
        method = "POST" if replace else "PUT"
        if self.idempotency_salt:
            hint = f"{self.idempotency_salt}:{hint or ''}"
        key = idempotency_key(self.tenant_id, method, path + _query_text(params), content, hint)
        response = self.call(
            method,
            path,
            params=params,
            content=content,
            headers={"Content-Type": mime or "application/octet-stream"},
            idempotency_key_=key,
        )
        return ((response.data or {}).get("Attachments") or [None])[0]

    def list_attachments(self, name, object_id):
        """The attachments of record ``object_id`` of collection ``name`` (GET
        ``/{name}/{id}/Attachments``): Xero's Attachment elements (AttachmentID, FileName, Url,
        MimeType, ContentLength, IncludeOnline), as Xero sent them."""
        data = self.call("GET", f"/{name}/{_id(object_id)}/Attachments").data
        found = (data or {}).get("Attachments") if isinstance(data, dict) else None
        return found if isinstance(found, list) else []

    def download_attachment(self, name, object_id, attachment_id, mime=None):
        """The bytes of one attachment of record ``object_id`` of collection ``name`` (GET
        ``/{name}/{id}/Attachments/{AttachmentID}``). The spec requires the file's MIME type in
        the ``contentType`` header (octet-stream when unknown); Xero answers with the raw file.
        XeroNotFound when Xero has no such attachment (any more)."""
        response = self.call(
            "GET",
            f"/{name}/{_id(object_id)}/Attachments/{_id(attachment_id)}",
            headers={"contentType": mime or "application/octet-stream"},
            accept="application/octet-stream",
        )
        return response.content or b""


def url_chunks(values, joiner, max_count, budget=const.MAX_FILTER_CHARS):
    """``values`` in consecutive lists of at most ``max_count`` whose ``joiner``-joined,
    URL-encoded text stays within ``budget`` characters (a single longer value goes alone)."""
    chunk, size = [], 0
    for value in values:
        length = len(quote(str(value), safe="")) + (len(quote(joiner, safe="")) if chunk else 0)
        if chunk and (len(chunk) >= max_count or (budget and size + length > budget)):
            yield chunk
            chunk, size = [], 0
            length = len(quote(str(value), safe=""))
        chunk.append(value)
        size += length
    if chunk:
        yield chunk


def _server_time(data, headers):
    """Xero's clock from an answer: the body's DateTimeUTC, else the HTTP Date header."""
    try:
        moment = parse_datetime(data.get("DateTimeUTC"))
    except ValueError:
        moment = None
    if moment is None:
        try:
            moment = parsedate_to_datetime((headers or {}).get("Date") or "")
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc) if moment else None


def _id(value):
    """An ID (or code) as one path segment, quoted: nothing in it can reach another endpoint
    (an empty value, "." and ".." would: HTTP clients resolve them as part of the path)."""
    text = "" if value is None else str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"Not a Xero ID: {value!r}")
    return quote(text, safe="")


def _query_text(params):
    return "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items())) if params else ""


def _chunks(elements, size, name):
    """(start index, chunk) pairs of at most ``size`` elements and MAX_BODY_BYTES each."""
    start = 0
    while start < len(elements):
        chunk = elements[start : start + size]
        while len(chunk) > 1 and len(json.dumps({name: chunk})) > const.MAX_BODY_BYTES:
            chunk = chunk[: len(chunk) // 2]
        yield start, chunk
        start += len(chunk)


def _messages(record, key):
    return [m["Message"] for m in (record or {}).get(key) or [] if m.get("Message")]


def _element_result(spec, index, payload, record):
    if record is None:
        return ElementResult(index, REJECTED, payload, messages=["Xero returned no result for this element."])
    messages = _messages(record, "ValidationErrors")
    warnings = _messages(record, "Warnings")
    xero_id = record.get(spec.id_field)
    failed = (
        record.get("HasErrors")
        or record.get("HasValidationErrors")
        or record.get("StatusAttributeString") == "ERROR"
        or messages
        or xero_id == const.ZERO_ID
    )
    if failed:
        return ElementResult(
            index,
            REJECTED,
            payload,
            record=record,
            messages=messages or ["Xero rejected this element without a message."],
            warnings=warnings,
        )
    status = UPDATED if payload.get(spec.id_field) else CREATED
    return ElementResult(index, status, payload, record=record, xero_id=xero_id, warnings=warnings)


def _rejected_batch(spec, start, chunk, exc):
    """A 400 for the whole request: nothing of it was written. Per-element messages where
    Xero echoed the elements in order, else the batch's messages on every element."""
    elements = exc.elements or []
    results = []
    for offset, payload in enumerate(chunk):
        own = _messages(elements[offset], "ValidationErrors") if len(elements) == len(chunk) else []
        messages = own or exc.messages or [exc.message]
        if len(elements) == len(chunk) and not own:
            messages = [
                "Not written: Xero rejected the batch because of another element; it will be sent again."
            ]
        results.append(ElementResult(start + offset, REJECTED, payload, messages=messages))
    return results
