# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Invoices, bills and credit notes: Xero ``Invoice`` / ``CreditNote`` <-> neutral document.

Neutral document::

    {"xero_id", "type" (ACCREC, ACCPAY, ACCRECCREDIT, ACCPAYCREDIT), "number", "reference",
     "contact_id", "date" (date), "due_date" (date), "status", "currency", "rate",
     "amount_type" (Exclusive, Inclusive, NoTax), "lines": [line...],
     "sub_total", "total_tax", "total", "amount_due", "amount_paid", "amount_credited",
     "remaining_credit", "payments": [{"xero_id", "amount", "date"}],
     "allocations": [{"xero_id", "invoice_id", "amount", "date"}], "updated_at"}

Neutral line::

    {"description", "quantity", "unit_amount", "discount_rate", "item_code", "item_id",
     "account_code", "account_id", "tax_type", "tax_rate" (effective percent, export only),
     "line_amount", "tax_amount", "tracking": [{"category", "option"}], "display" (None,
     "section", "note": description-only lines)}

``rate`` follows Xero's convention, which is also Odoo's ``invoice_currency_rate``: units of the
document currency per one unit of the base currency.

``export_payload`` is the one place where an Odoo document (its neutral snapshot) becomes what is
sent to Xero: the status it goes with (``status_to_send``), the void of a cancelled one, what
Xero's own status and its lock date forbid, the payload (``document_to_xero``) and the rounding
line (``rounding_line``). Each rule takes its inputs as plain values (Xero's last known status,
the organisation's lock date, the object's rounding policy and account): no database, no HTTP.
Texts go through ``_`` (``env._`` in Odoo, so they are translated; plain formatting here).

The rounding line is recognised by what it is, never by its text (``rounding_line_index``): on the
rounding account, no item, no tax (TaxType NONE), one unit, no discount nor tracking, and within
the cent a line that Xero's rounding can differ by. Its Description is for people only.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from ..dates import format_date, parse_date, parse_datetime
from .common import MappingError, check_length, clean, number
from .messages import Text

INVOICE_TYPES = ("ACCREC", "ACCPAY")
CREDIT_TYPES = ("ACCRECCREDIT", "ACCPAYCREDIT")
SALES_TYPES = ("ACCREC", "ACCRECCREDIT")
NUMBER_MAX, REFERENCE_MAX, DESCRIPTION_MAX = 255, 255, 4000
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Statuses an API write may set (PAID is set by Xero when nothing is due).
WRITABLE_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "VOIDED", "DELETED")
# A cancelled document goes to Xero with one of these; Xero keeps no other change to it.
VOID_STATUSES = ("VOIDED", "DELETED")
# Approved in Xero: a draft cannot come back, a cancelled document is voided (not deleted).
APPROVED_STATUSES = ("AUTHORISED", "PAID")
DRAFT_STATUSES = ("DRAFT", "SUBMITTED")
# What the object does when Xero's per-line tax rounding gives another total than Odoo's
# (xero.sync.setting.rounding_policy): a mismatch entry, or a rounding line.
ROUNDING_POLICIES = ("mismatch", "line")


def is_credit(doc_type):
    return doc_type in CREDIT_TYPES


def id_field(doc_type):
    return "CreditNoteID" if is_credit(doc_type) else "InvoiceID"


def number_field(doc_type):
    return "CreditNoteNumber" if is_credit(doc_type) else "InvoiceNumber"


def _dec(value):
    return Decimal(str(value or 0))


def _q(value, digits=2):
    return Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _float(value):
    return None if value is None else float(value)


# ------------------------------------------------------------------ from Xero
def amount_type_from_any(value):
    """LineAmountTypes in any casing (quotes send them upper-case) as invoices spell them."""
    text = (value or "Exclusive").strip().lower()
    return {"inclusive": "Inclusive", "notax": "NoTax"}.get(text, "Exclusive")


def line_from_xero(line):
    tracking = [
        {"category": t.get("Name"), "option": t.get("Option")}
        for t in line.get("Tracking") or []
        if t.get("Name") and t.get("Option")
    ]
    quantity = _float(line.get("Quantity"))
    unit = _float(line.get("UnitAmount"))
    amount = _float(line.get("LineAmount"))
    description_only = (
        not line.get("AccountCode")
        and not line.get("AccountID")
        and not line.get("ItemCode")
        and not (quantity and unit)
        and not amount
    )
    return {
        "description": line.get("Description") or "",
        "quantity": quantity if quantity is not None else 1.0,
        "unit_amount": unit if unit is not None else 0.0,
        "discount_rate": _float(line.get("DiscountRate")) or None,
        "discount_amount": _float(line.get("DiscountAmount")) or None,
        "item_code": line.get("ItemCode") or None,
        "item_id": (line.get("Item") or {}).get("ItemID") or None,
        "account_code": line.get("AccountCode") or None,
        "account_id": line.get("AccountID") or None,
        "tax_type": line.get("TaxType") or None,
        "line_amount": amount,
        "tax_amount": _float(line.get("TaxAmount")),
        "tracking": tracking,
        "display": "note" if description_only else None,
    }


def document_from_xero(record, rounding_code=None):
    """The neutral document of a Xero Invoice or CreditNote. With ``rounding_code`` (the
    object's rounding account, as Xero codes it), ``rounding_line`` is the index in ``lines``
    of the rounding line this connector adds (``rounding_line_index``), else None."""
    doc_type = record.get("Type")
    credit = is_credit(doc_type)
    allocations = [
        {
            "xero_id": a.get("AllocationID"),
            "invoice_id": (a.get("Invoice") or {}).get("InvoiceID"),
            "amount": _float(a.get("Amount")),
            "date": parse_date(a.get("Date")) if a.get("Date") else None,
        }
        for a in record.get("Allocations") or []
        if not a.get("IsDeleted")
    ]
    payments = [
        {
            "xero_id": p.get("PaymentID"),
            "amount": _float(p.get("Amount")),
            "date": parse_date(p.get("Date")) if p.get("Date") else None,
        }
        for p in record.get("Payments") or []
    ]
    lines = [line_from_xero(line) for line in record.get("LineItems") or []]
    return {
        "xero_id": record.get(id_field(doc_type)) or None,
        "type": doc_type,
        "number": record.get(number_field(doc_type)) or None,
        "reference": record.get("Reference") or None,
        "contact_id": (record.get("Contact") or {}).get("ContactID") or None,
        "contact_name": (record.get("Contact") or {}).get("Name") or None,
        "date": parse_date(record.get("Date")) if record.get("Date") else None,
        "due_date": parse_date(record.get("DueDate")) if record.get("DueDate") else None,
        "status": record.get("Status") or "DRAFT",
        "currency": record.get("CurrencyCode") or None,
        "rate": _float(record.get("CurrencyRate")),
        "amount_type": record.get("LineAmountTypes") or "Exclusive",
        "lines": lines,
        "rounding_line": rounding_line_index(lines, rounding_code),
        "sub_total": _float(record.get("SubTotal")),
        "total_tax": _float(record.get("TotalTax")),
        "total": _float(record.get("Total")),
        "amount_due": _float(record.get("RemainingCredit") if credit else record.get("AmountDue")),
        "amount_paid": _float(record.get("AmountPaid")),
        "amount_credited": _float(record.get("AmountCredited")),
        "payments": payments,
        "allocations": allocations,
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


# -------------------------------------------------------------------- to Xero
def amount_type_of(tax_flags):
    """LineAmountTypes from the price-included flags of a document's taxes.

    ``tax_flags``: one set of booleans per line (True: the tax is included in the price).
    A document mixing included and excluded taxes cannot be expressed in Xero: refused.
    """
    flags = set()
    for line_flags in tax_flags:
        flags |= set(line_flags)
    if not flags:
        return "NoTax"
    if flags == {True}:
        return "Inclusive"
    if flags == {False}:
        return "Exclusive"
    raise MappingError(Text("documents.mixed_taxes"), hint=Text("documents.mixed_taxes.hint"))


def line_amount(line):
    """LineAmount as Xero computes it: quantity x unit less the discount, 2 dp half-up."""
    # Computed from the values the payload carries (quantity and unit to 4 dp, rate to 2 dp).
    gross = _q(_dec(line.get("quantity")), 4) * _q(_dec(line.get("unit_amount")), 4)
    if line.get("discount_rate"):
        gross -= gross * _q(_dec(line["discount_rate"])) / HUNDRED
    elif line.get("discount_amount"):
        gross -= _q(_dec(line["discount_amount"]))
    return _q(gross)


def expected_totals(lines, amount_type):
    """(SubTotal, TotalTax, Total) Xero will compute for ``lines``: tax rounded per line.

    Each line needs ``tax_rate`` (effective percent) when it has a tax type.
    """
    kind = (amount_type or "Exclusive").lower()
    sum_lines, sum_tax = Decimal(0), Decimal(0)
    for line in lines:
        if line.get("display"):
            continue
        amount = line_amount(line)
        rate = _dec(line.get("tax_rate")) / HUNDRED
        if kind == "notax" or not rate:
            tax = Decimal(0)
        elif kind == "inclusive":
            tax = _q(amount - amount / (1 + rate))
        else:
            tax = _q(amount * rate)
        sum_lines += amount
        sum_tax += tax
    sub_total = sum_lines - sum_tax if kind == "inclusive" else sum_lines
    return _q(sub_total), _q(sum_tax), _q(sub_total + sum_tax)


def totals_difference(expected, actual):
    """``{field: actual - expected}`` of the totals that differ (Decimals, 2 dp)."""
    out = {}
    for field, want, got in zip(("SubTotal", "TotalTax", "Total"), expected, actual):
        diff = _q(_dec(got) - _dec(want))
        if diff:
            out[field] = diff
    return out


def line_to_xero(line, doc_type, index):
    if line.get("display"):
        text = (line.get("description") or "").strip()
        if not text:
            return None
        check_length(text, DESCRIPTION_MAX, "documents.line_description", index=index)
        return {"Description": text}
    if (line.get("discount_rate") or line.get("discount_amount")) and doc_type not in SALES_TYPES:
        raise MappingError(
            Text("documents.bill_discount", index=index), hint=Text("documents.bill_discount.hint")
        )
    description = (line.get("description") or "").strip()
    check_length(description, DESCRIPTION_MAX, "documents.line_description", index=index)
    out = {
        "Description": description or None,
        "Quantity": number(line.get("quantity"), 4),
        "UnitAmount": number(line.get("unit_amount"), 4),
        "ItemCode": line.get("item_code") or None,
        "AccountCode": line.get("account_code") or None,
        "TaxType": line.get("tax_type") or "NONE",
        "DiscountRate": number(line.get("discount_rate"), 2) if line.get("discount_rate") else None,
        "DiscountAmount": number(line.get("discount_amount"), 2)
        if line.get("discount_amount") and not line.get("discount_rate")
        else None,
        "Tracking": [{"Name": t["category"], "Option": t["option"]} for t in line.get("tracking") or []][:2],
    }
    if not out["Description"] and not out["ItemCode"]:
        out["Description"] = "."
    return clean(out)


def document_to_xero(neutral, xero_id=None, base_currency=None):
    """The Xero payload of a document (Invoices or CreditNotes collection)."""
    doc_type = neutral["type"]
    if doc_type not in INVOICE_TYPES + CREDIT_TYPES:
        raise MappingError(Text("documents.type_unknown", type=doc_type))
    if not neutral.get("contact_id"):
        raise MappingError(
            Text("documents.no_contact"),
            kind="dependency",
            hint=Text("documents.no_contact.hint"),
            missing=("contacts", neutral.get("contact_name")),
        )
    status = neutral.get("status") or "DRAFT"
    if status not in WRITABLE_STATUSES:
        raise MappingError(Text("documents.status_not_writable", status=status))
    number_ = (neutral.get("number") or "").strip()
    check_length(number_, NUMBER_MAX, "documents.number")
    reference = (neutral.get("reference") or "").strip()
    check_length(reference, REFERENCE_MAX, "documents.reference")
    lines = []
    for index, line in enumerate(neutral.get("lines") or [], 1):
        converted = line_to_xero(line, doc_type, index)
        if converted:
            lines.append(converted)
    if not lines:
        raise MappingError(Text("documents.no_lines"), hint=Text("documents.no_lines.hint"))
    payload = {
        id_field(doc_type): xero_id or None,
        "Type": doc_type,
        "Contact": {"ContactID": neutral["contact_id"]},
        number_field(doc_type): number_ or None,
        "Reference": reference or None,
        "Date": format_date(neutral["date"]) if neutral.get("date") else None,
        "DueDate": format_date(neutral["due_date"])
        if neutral.get("due_date") and not is_credit(doc_type)
        else None,
        "Status": status,
        "LineAmountTypes": neutral.get("amount_type") or "Exclusive",
        "CurrencyCode": neutral.get("currency") or None,
        "LineItems": lines,
    }
    currency = neutral.get("currency")
    if currency and base_currency and currency != base_currency:
        rate = neutral.get("rate")
        if not rate or abs(float(rate) - 1.0) < 1e-9:
            raise MappingError(
                Text("documents.no_rate", currency=currency, base_currency=base_currency),
                hint=Text("documents.no_rate.hint", currency=currency),
            )
        payload["CurrencyRate"] = number(rate, 6)
    return clean(payload)


def status_payload(neutral, xero_id, status):
    """The minimal write that changes only a document's status (void or delete)."""
    doc_type = neutral["type"]
    return {id_field(doc_type): xero_id, "Status": status}


# ---------------------------------------------------------------- export rules
def status_to_send(odoo_state, xero_status=None, draft_status="DRAFT"):
    """The Xero status an Odoo document in ``odoo_state`` (draft, posted, cancel) is sent
    with, Xero's copy being last seen ``xero_status`` (None: never sent): a cancelled one is
    VOIDED once Xero approved it (Xero deletes drafts only), else DELETED; a posted one
    AUTHORISED; a draft ``draft_status`` (the object's setting: DRAFT or SUBMITTED)."""
    if odoo_state == "cancel":
        return "VOIDED" if xero_status in APPROVED_STATUSES else "DELETED"
    if odoo_state == "posted":
        return "AUTHORISED"
    return draft_status or "DRAFT"


def tombstone_status(xero_status):
    """The status that retires a Xero document whose Odoo draft was deleted, Xero's copy
    being ``xero_status`` now: VOIDED once approved, DELETED before; None when Xero voided or
    deleted it already (nothing to send)."""
    if xero_status in VOID_STATUSES:
        return None
    return status_to_send("cancel", xero_status)


def void_payload(neutral, xero_id):
    """The write of a cancelled document (``neutral["status"]`` VOIDED or DELETED): its status
    only. Xero already voided or deleted: its own status again (nothing changes there).
    Refused: a document never sent (nothing to do), and one Xero still has payments or
    credit-note allocations on (``neutral["xero_money"]``; Xero would refuse the void)."""
    name = neutral.get("number") or neutral.get("contact_name")
    xero_status = neutral.get("xero_status")
    if not xero_id:
        raise MappingError(Text("documents.void.never_sent"), kind="mapping")
    if xero_status in VOID_STATUSES:
        return status_payload(neutral, xero_id, xero_status)
    if neutral.get("xero_money"):
        raise MappingError(
            Text("documents.void.has_money", name=name),
            hint=Text("documents.void.has_money.hint"),
        )
    return status_payload(neutral, xero_id, neutral["status"])


def check_sendable(neutral):
    """Refuse, before anything is sent, what Xero would not take: the snapshot's own mapping
    errors (``neutral["errors"]``, the first one), a contact not in Xero, a draft of a
    document Xero approved (Xero cannot turn it back), any change to a document Xero voided
    or deleted (``neutral["xero_status"]``: Xero's status at the last exchange)."""
    name = neutral.get("number") or neutral.get("contact_name")
    status = neutral["status"]
    xero_status = neutral.get("xero_status")
    for error in neutral.get("errors") or ():
        raise error
    if not neutral.get("contact_id"):
        raise MappingError(
            Text("documents.contact_missing", partner=neutral.get("contact_name")),
            hint=Text("documents.contact_missing.hint"),
            kind="dependency",
            missing=("contacts", neutral.get("contact_name")),
            blocking=neutral.get("contact_blocking"),
        )
    if xero_status in APPROVED_STATUSES and status in DRAFT_STATUSES:
        raise MappingError(
            Text("documents.approved_to_draft", name=name),
            hint=Text("documents.approved_to_draft.hint"),
        )
    if xero_status in VOID_STATUSES:
        raise MappingError(
            Text("documents.voided_in_xero", name=name, status=xero_status.lower()),
            hint=Text("documents.voided_in_xero.hint"),
        )


def lock_date_applies(neutral):
    """Whether Xero's lock date matters to the export of ``neutral``: it is to be approved
    (AUTHORISED) and has a date. The adapter reads the organisation's lock date for a run
    only when one of its documents needs it."""
    return neutral.get("status") == "AUTHORISED" and bool(neutral.get("date"))


def organisation_lock_date(organisation):
    """The lock date of a Xero Organisation record: the later of PeriodLockDate (no one but
    advisers posts on or before it) and EndOfYearLockDate (no one at all); None without
    either."""
    org = organisation or {}
    dates = [parse_date(org[key]) for key in ("PeriodLockDate", "EndOfYearLockDate") if org.get(key)]
    return max(dates) if dates else None


def check_lock_date(neutral, lock_date):
    """Refuse to approve a document dated on or before Xero's ``lock_date`` (Xero refuses
    to post it; ``organisation_lock_date``). Drafts and cancelled documents are not checked."""
    if not lock_date or not lock_date_applies(neutral) or neutral["date"] > lock_date:
        return
    raise MappingError(
        Text(
            "documents.lock_date",
            name=neutral.get("number") or neutral.get("contact_name"),
            date=neutral["date"],
            lock=lock_date,
        ),
        hint=Text("documents.lock_date.hint"),
    )


def rounding_tolerance(lines):
    """The largest difference a rounding line may carry: a cent per line (Xero rounds tax
    once per line; Odoo each component of a group tax)."""
    return CENT * max(sum(1 for line in lines if not line.get("display")), 1)


def rounding_line(neutral, policy, account_code, label="Rounding"):
    """The line that makes Xero's total Odoo's, and the totals Xero computes without it.

    ``neutral``: the Odoo document (``lines``, ``amount_type``, ``odoo_totals``);
    ``policy``: the object's rounding policy (ROUNDING_POLICIES); ``account_code``: the
    rounding account as Xero codes it (None: not mapped); ``label``: the line's text.
    -> ``(expected, line)``: ``expected`` the (SubTotal, TotalTax, Total) Xero computes for
    the lines (Decimals, ``expected_totals``); ``line`` the LineItem of the difference
    (Odoo's total less Xero's: one unit, no tax, on the rounding account), or None when the
    totals agree, the policy is "mismatch" or the difference is more than a cent a line
    (the comparison after the export logs what differs). MappingError when a line is due and
    ``account_code`` is None.
    """
    lines = [line for line in neutral.get("lines") or [] if not line.get("display")]
    expected = expected_totals(lines, neutral.get("amount_type"))
    diff = _q(_dec((neutral.get("odoo_totals") or [0, 0, 0])[2])) - expected[2]
    if not diff or policy != "line" or abs(diff) > rounding_tolerance(lines):
        return expected, None
    if not account_code:
        raise MappingError(
            Text("documents.rounding_account_missing", diff=diff),
            hint=Text("documents.rounding_account_missing.hint"),
        )
    return expected, {
        "Description": label,
        "Quantity": 1,
        "UnitAmount": float(diff),
        "AccountCode": account_code,
        "TaxType": "NONE",
    }


# Odoo payment states of a move that payments or credit notes reconcile.
SETTLED_PAYMENT_STATES = ("partial", "in_payment", "paid")


def import_transition(status, target, odoo_state, payment_state, new, name=""):
    """What an imported document's Xero ``status`` does to its Odoo move, as
    ``(check_totals, action)``: whether Odoo's totals must equal Xero's, and the move's
    transition, "post", "cancel" or None.

    ``target`` is the Odoo state the account's status mapping gives ``status`` (draft,
    posted, cancel, skip: a document already in Odoo whose status says skip is cancelled);
    ``odoo_state`` and ``payment_state`` are the move's, ``new`` whether the move was just
    created. A document Xero voided that Odoo has payments on is refused (MappingError):
    Odoo's reconciliations are not undone behind the user's back."""
    if target == "skip":
        target = "skip" if new else "cancel"
    check_totals = new or (odoo_state == "draft" and status not in ("VOIDED", "DELETED"))
    if target == "posted" and odoo_state == "draft":
        return check_totals, "post"
    if target == "cancel" and odoo_state != "cancel":
        if odoo_state == "posted" and payment_state in SETTLED_PAYMENT_STATES:
            raise MappingError(
                Text("documents.void_with_payments", name=name),
                hint=Text("documents.void_with_payments.hint"),
            )
        return check_totals, "cancel"
    return check_totals, None


def export_payload(
    neutral,
    xero_id=None,
    *,
    base_currency=None,
    lock_date=None,
    rounding_policy="mismatch",
    rounding_code=None,
    rounding_label="Rounding",
):
    """What is sent to Xero for the Odoo document ``neutral`` (its snapshot): every rule, in
    order. -> ``(payload, facts)``.

    A cancelled document is its void (``void_payload``); any other must be sendable
    (``check_sendable``) and, to be approved, dated after Xero's ``lock_date``
    (``check_lock_date``); then the payload (``document_to_xero``) and its rounding line
    (``rounding_line`` with the object's ``rounding_policy``, its rounding account's Xero
    ``rounding_code`` and the line's ``rounding_label``). ``facts``: ``expected_totals`` (what
    Xero computes for the lines, floats) and ``rounding`` (the rounding line's amount, float,
    or None), which the comparison after the export reads. MappingError when refused.
    """
    if neutral["status"] in VOID_STATUSES:
        return void_payload(neutral, xero_id), {"expected_totals": None, "rounding": None}
    check_sendable(neutral)
    check_lock_date(neutral, lock_date)
    payload = document_to_xero(neutral, xero_id, base_currency)
    expected, line = rounding_line(neutral, rounding_policy, rounding_code, rounding_label)
    if line:
        payload["LineItems"].append(line)
    facts = {
        "expected_totals": [float(x) for x in expected],
        "rounding": line["UnitAmount"] if line else None,
    }
    return payload, facts


# ----------------------------------------------------------- the rounding line
def rounding_line_index(lines, account_code):
    """The index in ``lines`` (neutral lines of a Xero document) of the rounding line this
    connector adds (``rounding_line``), or None: the last line on the rounding account
    ``account_code`` with no item, tax NONE (or none), one unit, no discount, no tracking,
    and an amount within ``rounding_tolerance`` of the other lines. Never by its text,
    which is in whatever language it was sent in. A line on that account with a tax, an
    item or a larger amount is an ordinary line."""
    if not account_code:
        return None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        others = [other for i, other in enumerate(lines) if i != index and not other.get("display")]
        amount = _dec(line.get("unit_amount"))
        if (
            others
            and not line.get("display")
            and line.get("account_code") == account_code
            and not line.get("item_code")
            and not line.get("item_id")
            and (line.get("tax_type") or "NONE") == "NONE"
            and _dec(line.get("quantity")) == 1
            and not line.get("discount_rate")
            and not line.get("discount_amount")
            and not line.get("tracking")
            and amount.is_finite()
            and amount
            and abs(amount) <= rounding_tolerance(others)
        ):
            return index
    return None


def xero_totals(neutral):
    """(SubTotal, TotalTax, Total) of a document from Xero (Decimals, 2 dp) as Odoo computes
    them: the rounding line (``neutral["rounding_line"]``) is Odoo's tax rounding, so its
    amount moves from the subtotal to the tax; the total is Xero's."""
    totals = [_q(_dec(neutral.get(key))) for key in ("sub_total", "total_tax", "total")]
    index = neutral.get("rounding_line")
    if index is not None:
        amount = _q(_dec(neutral["lines"][index].get("unit_amount")))
        totals = [totals[0] - amount, totals[1] + amount, totals[2]]
    return totals


# -------------------------------------------------------------------- identity
# What a document found in Xero by its number must share with the Odoo document to be the same
# one. The date is not compared: posting in Odoo (or correcting a typo) moves it, and the other
# four already tell two documents apart; it is shown in a conflict all the same.
IDENTITY_FIELDS = ("type", "contact_id", "currency", "total")
# Draft numbers the connector owns (sales documents: Xero keeps their numbers unique and would
# otherwise number a draft from its own sequence, which Odoo's later posting collides with).
PLACEHOLDER_PREFIX = "DRAFT-"
_PLACEHOLDER = re.compile(r"DRAFT-(\d+)-(\d+)", re.IGNORECASE)


def placeholder_number(company_id, move_id):
    """The number an Odoo draft is sent with: ``DRAFT-<company id>-<move id>`` (well inside
    Xero's 255 characters)."""
    return f"{PLACEHOLDER_PREFIX}{int(company_id)}-{int(move_id)}"


def placeholder_ids(number):
    """``(company id, move id)`` of a placeholder number, or None for any other number."""
    found = _PLACEHOLDER.fullmatch((number or "").strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def identity_differences(odoo, xero, tolerance=0):
    """Why the Xero document ``xero`` (neutral, from Xero) found by number is not the Odoo
    document ``odoo`` (neutral, from Odoo, ``contact_id`` being the Xero ContactID bound to the
    Odoo partner): ``[(field, odoo value, xero value)]``, empty when they are the same document.

    Same type, same contact, same currency, totals within ``tolerance`` (document currency).
    A missing value on either side is a difference: identity must be proven, not assumed."""
    differences = []
    for field in ("type", "contact_id", "currency"):
        mine, theirs = odoo.get(field), xero.get(field)
        if field == "currency":
            mine, theirs = (mine or "").upper() or None, (theirs or "").upper() or None
        if not mine or not theirs or mine != theirs:
            differences.append((field, mine, theirs))
    mine, theirs = odoo.get("total"), xero.get("total")
    if mine is None or theirs is None or abs(_q(_dec(mine)) - _q(_dec(theirs))) > _q(_dec(tolerance or 0)):
        differences.append(("total", mine, theirs))
    return differences


# ----------------------------------------------------------------- allocations
def allocation_to_xero(invoice_id, amount, day):
    return {"Invoice": {"InvoiceID": invoice_id}, "Amount": number(amount, 2), "Date": format_date(day)}


def allocation_changes(current, wanted):
    """What to send so that Xero's allocations become ``wanted``.

    ``current``: ``{invoice_id: [(allocation_id, amount)]}`` as Xero has them;
    ``wanted``: ``{invoice_id: amount}`` as Odoo reconciles them.
    Returns ``(to_delete [allocation ids], to_add [(invoice_id, amount)])``: an unchanged
    allocation is not sent again; a changed one is deleted and added with the new amount,
    unless it only grew, in which case the difference is added.
    """
    to_delete, to_add = [], []
    for invoice_id in sorted(set(current) | set(wanted)):
        have = current.get(invoice_id) or []
        have_total = sum((_dec(amount) for __, amount in have), Decimal(0))
        want = _q(_dec(wanted.get(invoice_id)))
        if _q(have_total) == want:
            continue
        if want > have_total:
            to_add.append((invoice_id, float(_q(want - have_total))))
        else:
            to_delete.extend(allocation_id for allocation_id, __ in have)
            if want > 0:
                to_add.append((invoice_id, float(want)))
    return to_delete, to_add
