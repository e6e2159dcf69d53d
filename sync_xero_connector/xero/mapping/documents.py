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


def document_from_xero(record):
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
        "lines": [line_from_xero(line) for line in record.get("LineItems") or []],
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
