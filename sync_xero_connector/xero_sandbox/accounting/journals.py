"""Manual journals: balanced lines, DRAFT / POSTED / VOIDED / DELETED."""

from decimal import Decimal

from .. import msdate
from . import totals
from .base import Kind, check_lock_dates, resolve_account, resolve_tax_rate
from .common import Invalid, dec, money, new_id, parse_date_field, q, record_date, stamp
from .documents import _tracking


class ManualJournals(Kind):
    name = "ManualJournals"
    id_field = "ManualJournalID"
    paged = True
    page_size = True

    def build(self, ctx, element, existing):
        old = existing or {}
        new_status = str(element.get("Status") or old.get("Status") or "DRAFT").upper()
        if new_status not in ("DRAFT", "POSTED", "DELETED", "VOIDED", "ARCHIVED"):
            raise Invalid(f"'{new_status}' is not a valid status for a Manual Journal")
        if existing is not None:
            old_status = old.get("Status")
            if old_status in ("DELETED", "VOIDED"):
                raise Invalid("Manual Journal not of valid status for modification")
            if old_status == "POSTED" and new_status not in ("POSTED", "VOIDED"):
                raise Invalid("Manual Journal not of valid status for modification")
            if new_status == "VOIDED" and old_status != "POSTED":
                raise Invalid("Only posted manual journals can be voided")
            if new_status in ("DELETED", "VOIDED"):
                if new_status == "VOIDED":
                    check_lock_dates(ctx, record_date(old), "journal")
                record = dict(old)
                record["Status"] = new_status
                return stamp(record, ctx.now, with_string=False)
        elif new_status not in ("DRAFT", "POSTED"):
            raise Invalid(f"Manual Journal cannot be created with status {new_status}")
        narration = element.get("Narration", old.get("Narration"))
        if not narration:
            raise Invalid("Narration is required")
        day = (
            parse_date_field(element["Date"], "Date")
            if element.get("Date")
            else (record_date(old) or ctx.today)
        )
        if new_status == "POSTED":
            check_lock_dates(ctx, day, "journal")
        amount_type = totals.normalise_amount_type(
            element.get("LineAmountTypes") or old.get("LineAmountTypes") or "NoTax"
        )
        if amount_type is None:
            raise Invalid("LineAmountTypes '{}' is not valid".format(element.get("LineAmountTypes")))
        lines = element.get("JournalLines") if "JournalLines" in element else old.get("JournalLines", [])
        if not lines or len(lines) < 2:
            raise Invalid("A manual journal needs at least two journal lines")
        rendered = []
        debit = credit = Decimal(0)
        for line in lines:
            amount = dec(line.get("LineAmount"), "LineAmount")
            if amount is None:
                raise Invalid("LineAmount is required on each journal line")
            amount = q(amount)
            account = resolve_account(ctx, line.get("AccountCode"), line.get("AccountID"))
            if account is None:
                raise Invalid(
                    "Account code '%s' is not a valid code"
                    % (line.get("AccountCode") or line.get("AccountID"))
                )
            tax_type = line.get("TaxType") or (
                "NONE" if amount_type == "NoTax" else account.get("TaxType") or "NONE"
            )
            rate = resolve_tax_rate(ctx, tax_type)
            if rate is None and tax_type != "NONE":
                raise Invalid(f"The TaxType code '{tax_type}' does not exist")
            tax = totals.line_tax(
                abs(amount), Decimal(str((rate or {}).get("EffectiveRate") or 0)), amount_type
            )
            tax = tax if amount >= 0 else -tax
            gross = amount + tax if amount_type == "Exclusive" else amount
            if gross >= 0:
                debit += gross
            else:
                credit += gross
            rendered.append(
                {
                    "Description": line.get("Description", ""),
                    "TaxType": tax_type,
                    "TaxAmount": money(tax),
                    "LineAmount": money(amount),
                    "AccountCode": account.get("Code", ""),
                    "AccountID": account["AccountID"],
                    "Tracking": _tracking(ctx, line.get("Tracking")),
                    "IsBlank": False,
                }
            )
        if debit + credit != 0:
            raise Invalid(f"The total debits ({q(debit)}) must equal total credits ({q(credit)})")
        record = dict(old)
        record.update(
            {
                "ManualJournalID": old.get("ManualJournalID") or new_id(),
                "Narration": narration,
                "Date": msdate.ms_json(day),
                "Status": new_status,
                "LineAmountTypes": amount_type,
                "JournalLines": rendered,
                "ShowOnCashBasisReports": element.get(
                    "ShowOnCashBasisReports", old.get("ShowOnCashBasisReports", True)
                ),
            }
        )
        if "Url" in element:
            record["Url"] = element["Url"]
        record.setdefault("HasAttachments", False)
        return stamp(record, ctx.now, with_string=False)

    def default_order(self):
        return lambda r: (r.get("Date", ""), r.get("UpdatedDateUTC", ""))


MANUAL_JOURNALS = ManualJournals()
