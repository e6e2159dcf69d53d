# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Payments: Xero ``Payment`` <-> neutral payment.

Neutral payment::

    {"xero_id", "payment_type", "document_kind" ("invoice" or "credit_note"), "document_id",
     "document_number", "document_type" (ACCREC...), "account_code", "account_id", "date",
     "amount" (document currency), "bank_amount", "rate", "reference", "status",
     "currency", "updated_at"}
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from ..dates import format_date, parse_date, parse_datetime
from .common import MappingError, check_length, clean, number
from .messages import Text

# The in-flight token the engine adds to a new payment's Reference (models/xero_object.py).
INFLIGHT_MARK = re.compile(r"\s*\[odoo:[0-9a-f]{12}\]")


def _reference(value):
    """Xero's Reference without the in-flight token (not Odoo's memo)."""
    if isinstance(value, str):
        value = INFLIGHT_MARK.sub("", value)
    return value or None


# Payments on invoices, bills and credit notes (cash refunds): synced.
DOCUMENT_PAYMENT_TYPES = ("ACCRECPAYMENT", "ACCPAYPAYMENT", "ARCREDITPAYMENT", "APCREDITPAYMENT")
# Payments of prepayments and overpayments: recognised, logged, never taken for the above.
OTHER_PAYMENT_TYPES = (
    "AROVERPAYMENTPAYMENT",
    "ARPREPAYMENTPAYMENT",
    "APPREPAYMENTPAYMENT",
    "APOVERPAYMENTPAYMENT",
)
REFERENCE_MAX = 255


def _float(value):
    return None if value is None else float(value)


def payment_from_xero(record):
    invoice = record.get("Invoice") or {}
    note = record.get("CreditNote") or {}
    if invoice.get("InvoiceID") and invoice.get("Type") in ("ACCRECCREDIT", "ACCPAYCREDIT"):
        # Xero may report a credit note's cash refund under "Invoice" (spec example).
        kind, document = "credit_note", invoice
        document_id, number_ = invoice.get("InvoiceID"), invoice.get("InvoiceNumber")
    elif invoice.get("InvoiceID"):
        kind, document = "invoice", invoice
        document_id, number_ = invoice.get("InvoiceID"), invoice.get("InvoiceNumber")
    elif note.get("CreditNoteID"):
        kind, document = "credit_note", note
        document_id, number_ = note.get("CreditNoteID"), note.get("CreditNoteNumber")
    else:
        kind, document, document_id, number_ = None, {}, None, None
    account = record.get("Account") or {}
    return {
        "xero_id": record.get("PaymentID") or None,
        "payment_type": record.get("PaymentType") or None,
        "document_kind": kind,
        "document_id": document_id,
        "document_number": number_ or None,
        "document_type": document.get("Type") or None,
        "currency": document.get("CurrencyCode") or None,
        "account_code": account.get("Code") or None,
        "account_id": account.get("AccountID") or None,
        "date": parse_date(record.get("Date")) if record.get("Date") else None,
        "amount": _float(record.get("Amount")),
        "bank_amount": _float(record.get("BankAmount")),
        "rate": _float(record.get("CurrencyRate")),
        "reference": _reference(record.get("Reference")),
        "status": record.get("Status") or "AUTHORISED",
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


def is_document_payment(neutral):
    return neutral.get("payment_type") in DOCUMENT_PAYMENT_TYPES or (
        neutral.get("payment_type") is None and neutral.get("document_kind") is not None
    )


def payment_to_xero(neutral, amount_due=None):
    """The PUT /Payments element of a new payment.

    ``amount_due``: what Xero still has outstanding on the document (when known); a larger
    payment is refused here rather than by Xero.
    """
    if not neutral.get("document_id"):
        raise MappingError(
            Text("payments.no_document"),
            kind="dependency",
            hint=Text("payments.no_document.hint"),
            missing=("invoices", neutral.get("document_number")),
        )
    if not (neutral.get("account_code") or neutral.get("account_id")):
        raise MappingError(
            Text("payments.journal_unmapped"),
            kind="dependency",
            hint=Text("payments.journal_unmapped.hint"),
            missing=("bank_accounts", neutral.get("journal")),
        )
    amount = Decimal(str(neutral.get("amount") or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if amount <= 0:
        raise MappingError(Text("payments.not_positive"))
    if not neutral.get("date"):
        raise MappingError(Text("payments.no_date"), hint=Text("payments.no_date.hint"))
    if amount_due is not None and amount > Decimal(str(amount_due)).quantize(Decimal("0.01")):
        raise MappingError(
            Text(
                "payments.more_than_due",
                amount=str(amount),
                due=f"{Decimal(str(amount_due)):.2f}",
                document=neutral.get("document_number") or Text("payments.the_document"),
            ),
            hint=Text("payments.more_than_due.hint"),
        )
    reference = (neutral.get("reference") or "").strip()
    check_length(reference, REFERENCE_MAX, "payments.reference")
    target = (
        {"InvoiceID": neutral["document_id"]}
        if neutral.get("document_kind") == "invoice"
        else {"CreditNoteID": neutral["document_id"]}
    )
    key = "Invoice" if neutral.get("document_kind") == "invoice" else "CreditNote"
    account = (
        {"Code": neutral["account_code"]}
        if neutral.get("account_code")
        else {"AccountID": neutral["account_id"]}
    )
    payload = {
        key: target,
        "Account": account,
        "Date": format_date(neutral["date"]),
        "Amount": number(amount, 2),
        "Reference": reference or None,
    }
    if neutral.get("rate") and neutral.get("foreign"):
        payload["CurrencyRate"] = number(neutral["rate"], 6)
    return clean(payload)
