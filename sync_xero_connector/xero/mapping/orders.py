# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quotes and purchase orders: Xero ``Quote`` / ``PurchaseOrder`` <-> neutral order.

Neutral order::

    {"xero_id", "kind" ("quote", "purchase_order"), "number", "reference", "contact_id",
     "contact_name", "date" (date), "due_date" (date: ExpiryDate / DeliveryDate), "status",
     "currency", "rate", "amount_type" (Exclusive, Inclusive, NoTax), "lines": [line...],
     "sub_total", "total_tax", "total", "updated_at",
     quotes: "title", "summary", "terms";
     purchase orders: "delivery_address", "attention_to", "telephone",
     "delivery_instructions"}

Lines are the documents' neutral lines (``documents.line_from_xero``). Statuses move only
along Xero's workflow (``TRANSITIONS``): ``status_path`` says which statuses to send, in
order, to bring a Xero order from where it is to where Odoo has it.
"""

from ..dates import format_date, parse_date, parse_datetime
from . import documents
from .common import MappingError, check_length, clean, number
from .messages import Text


class Kind:
    def __init__(
        self,
        name,
        label,
        collection,
        id_field,
        number_field,
        due_field,
        doc_type,
        statuses,
        create_statuses,
        transitions,
        text_fields,
        quote_enum,
    ):
        self.name = name
        self.label = label
        self.collection = collection
        self.id_field = id_field
        self.number_field = number_field
        self.due_field = due_field
        self.doc_type = doc_type  # the documents' type whose line rules apply (discounts)
        self.statuses = statuses
        self.create_statuses = create_statuses
        self.transitions = transitions
        self.text_fields = text_fields  # (neutral key, Xero field, max length)
        self.quote_enum = quote_enum  # LineAmountTypes in upper case (Quotes)


# Xero's quote workflow (the web app's: a quote is sent before it is accepted or declined,
# invoiced once accepted; INVOICED and DELETED are final). Same status: an edit.
QUOTE = Kind(
    "quote",
    "Quote",
    "Quotes",
    "QuoteID",
    "QuoteNumber",
    "ExpiryDate",
    "ACCREC",
    ("DRAFT", "SENT", "DECLINED", "ACCEPTED", "INVOICED", "DELETED"),
    ("DRAFT", "SENT"),
    {
        "DRAFT": ("SENT", "DELETED"),
        "SENT": ("DRAFT", "ACCEPTED", "DECLINED", "DELETED"),
        "ACCEPTED": ("SENT", "DECLINED", "INVOICED", "DELETED"),
        "DECLINED": ("SENT", "ACCEPTED", "DELETED"),
        "INVOICED": (),
        "DELETED": (),
    },
    (
        ("title", "Title", 100),
        ("summary", "Summary", 3000),
        ("terms", "Terms", 4000),
        ("reference", "Reference", 4000),
    ),
    True,
)
# Purchase orders: approved (AUTHORISED) ones are billed, or un-marked as billed; they never
# go back to draft. DELETED is final.
PURCHASE_ORDER = Kind(
    "purchase_order",
    "Purchase order",
    "PurchaseOrders",
    "PurchaseOrderID",
    "PurchaseOrderNumber",
    "DeliveryDate",
    "ACCPAY",
    ("DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"),
    ("DRAFT", "SUBMITTED", "AUTHORISED"),
    {
        "DRAFT": ("SUBMITTED", "AUTHORISED", "DELETED"),
        "SUBMITTED": ("DRAFT", "AUTHORISED", "DELETED"),
        "AUTHORISED": ("BILLED", "DELETED"),
        "BILLED": ("AUTHORISED", "DELETED"),
        "DELETED": (),
    },
    (
        ("reference", "Reference", 255),
        ("delivery_address", "DeliveryAddress", 500),
        ("attention_to", "AttentionTo", 255),
        ("telephone", "Telephone", 50),
        ("delivery_instructions", "DeliveryInstructions", 500),
    ),
    False,
)
KINDS = {k.name: k for k in (QUOTE, PURCHASE_ORDER)}
# The kinds as messages name them (xero/mapping/messages.py).
_KIND_LABELS = {"quote": "orders.kind.quote", "purchase_order": "orders.kind.purchase_order"}


def _float(value):
    return None if value is None else float(value)


def order_from_xero(kind, record):
    neutral = {
        "xero_id": record.get(kind.id_field) or None,
        "kind": kind.name,
        "number": record.get(kind.number_field) or None,
        "contact_id": (record.get("Contact") or {}).get("ContactID") or None,
        "contact_name": (record.get("Contact") or {}).get("Name") or None,
        "date": parse_date(record.get("Date")) if record.get("Date") else None,
        "due_date": parse_date(record.get(kind.due_field)) if record.get(kind.due_field) else None,
        "status": record.get("Status") or "DRAFT",
        "currency": record.get("CurrencyCode") or None,
        "rate": _float(record.get("CurrencyRate")),
        "amount_type": documents.amount_type_from_any(record.get("LineAmountTypes")),
        "lines": [documents.line_from_xero(line) for line in record.get("LineItems") or []],
        "sub_total": _float(record.get("SubTotal")),
        "total_tax": _float(record.get("TotalTax")),
        "total": _float(record.get("Total")),
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }
    for key, field, __ in kind.text_fields:
        neutral[key] = (record.get(field) or "").strip() or None
    return neutral


# The part of an order that, when Xero changes it, rewrites the Odoo order's content (a
# status change alone does not).
CONTENT_KEYS = (
    "number",
    "reference",
    "contact_id",
    "date",
    "due_date",
    "currency",
    "amount_type",
    "lines",
    "title",
    "summary",
    "terms",
    "delivery_address",
    "attention_to",
    "telephone",
    "delivery_instructions",
)


def content_of(neutral):
    return {key: neutral.get(key) for key in CONTENT_KEYS}


def status_path(kind, current, wanted):
    """The statuses to send, in order, to move a Xero order from ``current`` (None: not in
    Xero yet) to ``wanted`` along Xero's workflow; [] when it is there already. MappingError
    when Xero cannot get there (e.g. an invoiced quote)."""
    label = Text(_KIND_LABELS[kind.name])
    if wanted not in kind.statuses:
        raise MappingError(Text("orders.status_unknown", status=wanted, kind=label))
    if current == wanted:
        return [wanted]  # an edit in the same status
    if current is None and wanted == "DELETED":
        raise MappingError(Text("orders.deleted_never_sent", kind=label))
    start = (
        [(s, [s]) for s in kind.create_statuses]
        if current is None
        else [(s, [s]) for s in kind.transitions.get(current, ())]
    )
    seen = {s for s, __ in start}
    queue = list(start)
    while queue:
        status, path = queue.pop(0)
        if status == wanted:
            return path
        for nxt in kind.transitions.get(status, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, path + [nxt]))
    raise MappingError(
        Text("orders.cannot_move", kind=label, current=current, wanted=wanted)
        if current
        else Text("orders.cannot_move_new", kind=label, wanted=wanted),
        hint=Text("orders.cannot_move.hint"),
    )


def order_to_xero(kind, neutral, xero_id=None, status=None):
    """The Xero payload of an order in ``status`` (default: the neutral's)."""
    if not neutral.get("contact_id"):
        raise MappingError(
            Text("orders.no_contact"),
            kind="dependency",
            hint=Text("documents.no_contact.hint"),
            missing=("contacts", neutral.get("contact_name")),
        )
    number_ = (neutral.get("number") or "").strip()
    check_length(number_, 255, "documents.number")
    lines = []
    for index, line in enumerate(neutral.get("lines") or [], 1):
        converted = documents.line_to_xero(line, kind.doc_type, index)
        if converted:
            lines.append(converted)
    if not lines:
        raise MappingError(Text("orders.no_lines"), hint=Text("documents.no_lines.hint"))
    amount_type = neutral.get("amount_type") or "Exclusive"
    payload = {
        kind.id_field: xero_id or None,
        kind.number_field: number_ or None,
        "Contact": {"ContactID": neutral["contact_id"]},
        "Date": format_date(neutral["date"]) if neutral.get("date") else None,
        kind.due_field: format_date(neutral["due_date"]) if neutral.get("due_date") else None,
        "Status": status or neutral.get("status") or "DRAFT",
        "LineAmountTypes": amount_type.upper() if kind.quote_enum else amount_type,
        "CurrencyCode": neutral.get("currency") or None,
        "LineItems": lines,
    }
    for key, field, limit in kind.text_fields:
        text = (neutral.get(key) or "").strip()
        # ``field`` is Xero's own field name (Title, DeliveryInstructions...): not translated.
        check_length(text, limit, "orders.field", field=field, field_lower=field.lower())
        payload[field] = text or None
    if neutral.get("rate") and neutral.get("currency") and neutral.get("foreign"):
        payload["CurrencyRate"] = number(neutral["rate"], 6)
    return clean(payload)


def status_payload(kind, xero_id, status):
    return {kind.id_field: xero_id, "Status": status}
