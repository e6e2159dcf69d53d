# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Manual journals: Xero ``ManualJournal`` <-> neutral journal.

Neutral journal::

    {"xero_id", "narration", "date" (date), "status" (DRAFT, POSTED, VOIDED, DELETED,
     ARCHIVED), "amount_type" (Exclusive, Inclusive, NoTax), "lines": [line...],
     "debit", "credit" (Decimals: what the journal moves, tax included), "updated_at"}

Neutral line::

    {"description", "account_code", "account_id", "tax_type", "line_amount" (signed:
     positive is a debit), "tax_amount" (signed like the line), "net" (the line without its
     tax), "tracking": [{"category", "option"}]}
"""

from decimal import Decimal

from ..dates import format_date, parse_date, parse_datetime
from .common import MappingError, check_length, clean, number
from .documents import amount_type_from_any
from .messages import Text
from .tracking import line_tracking_to_xero

NARRATION_MAX, DESCRIPTION_MAX = 4000, 4000


def _d(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def journal_from_xero(record):
    amount_type = amount_type_from_any(record.get("LineAmountTypes") or "NoTax")
    lines, debit, credit = [], Decimal(0), Decimal(0)
    for line in record.get("JournalLines") or []:
        amount, tax = _d(line.get("LineAmount")), _d(line.get("TaxAmount"))
        if amount_type == "NoTax":
            tax = Decimal(0)
        gross = amount + tax if amount_type == "Exclusive" else amount
        net = gross - tax
        if gross >= 0:
            debit += gross
        else:
            credit -= gross
        lines.append(
            {
                "description": line.get("Description") or "",
                "account_code": line.get("AccountCode") or None,
                "account_id": line.get("AccountID") or None,
                "tax_type": line.get("TaxType") if line.get("TaxType") not in (None, "", "NONE") else None,
                "line_amount": float(amount),
                "tax_amount": float(tax),
                "net": float(net),
                "tracking": [
                    {"category": t.get("Name"), "option": t.get("Option")}
                    for t in line.get("Tracking") or []
                    if t.get("Name")
                ],
            }
        )
    return {
        "xero_id": record.get("ManualJournalID") or None,
        "narration": (record.get("Narration") or "").strip() or None,
        "date": parse_date(record.get("Date")) if record.get("Date") else None,
        "status": record.get("Status") or "DRAFT",
        "amount_type": amount_type,
        "lines": lines,
        "debit": debit,
        "credit": credit,
        "updated_at": parse_datetime(record.get("UpdatedDateUTC")),
    }


def journal_to_xero(neutral, xero_id=None):
    """The Xero payload of an Odoo entry without taxes (``lines``: ``{"description",
    "account_code", "line_amount", "tracking"}``, positive a debit): a NoTax manual
    journal."""
    narration = (neutral.get("narration") or "").strip()
    if not narration:
        raise MappingError(Text("journals.no_narration"), hint=Text("journals.no_narration.hint"))
    check_length(narration, NARRATION_MAX, "journals.narration")
    lines = []
    for index, line in enumerate(neutral.get("lines") or [], 1):
        if not line.get("account_code"):
            raise MappingError(
                Text("journals.line_no_account", index=index),
                kind="dependency",
                hint=Text("journals.line_no_account.hint"),
                missing=("accounts", line.get("account_name")),
            )
        description = (line.get("description") or "").strip()
        check_length(description, DESCRIPTION_MAX, "documents.line_description", index=index)
        lines.append(
            {
                "Description": description or None,
                "LineAmount": number(line.get("line_amount"), 2),
                "AccountCode": line["account_code"],
                "TaxType": "NONE",
                "Tracking": line_tracking_to_xero(line.get("tracking")),
            }
        )
    if len(lines) < 2:
        raise MappingError(Text("journals.too_few_lines"), hint=Text("journals.too_few_lines.hint"))
    return clean(
        {
            "ManualJournalID": xero_id or None,
            "Narration": narration,
            "Date": format_date(neutral["date"]) if neutral.get("date") else None,
            "Status": neutral.get("status") or "DRAFT",
            "LineAmountTypes": "NoTax",
            "JournalLines": lines,
        }
    )
