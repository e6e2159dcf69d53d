"""Payments (create, reverse) and credit-note allocations: the writes that move AmountDue."""

from decimal import Decimal

from .. import msdate
from .base import Kind, check_lock_dates, resolve_account
from .common import (
    Invalid,
    dec,
    money,
    new_id,
    num,
    parse_date_field,
    record_date,
    stamp,
)
from .documents import CREDIT_NOTES, INVOICES

PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}
EXCEEDS = "Payment amount exceeds the amount outstanding on this document"


def _d(value):
    return Decimal(str(value or 0))


def invoice_summary(invoice):
    out = {
        key: invoice.get(key)
        for key in (
            "Type",
            "InvoiceID",
            "InvoiceNumber",
            "Reference",
            "AmountDue",
            "AmountPaid",
            "AmountCredited",
            "Status",
            "CurrencyCode",
            "CurrencyRate",
            "Total",
            "SubTotal",
            "TotalTax",
            "Date",
            "DateString",
            "DueDate",
            "DueDateString",
            "LineAmountTypes",
            "UpdatedDateUTC",
            "UpdatedDateUTCString",
        )
        if invoice.get(key) is not None
    }
    out["Contact"] = dict(invoice["Contact"])
    out["Payments"] = []
    out["CreditNotes"] = []
    out["Prepayments"] = []
    out["Overpayments"] = []
    out["LineItems"] = []
    out["HasErrors"] = False
    out["IsDiscounted"] = invoice.get("IsDiscounted", False)
    return out


def credit_note_summary(note):
    out = {
        key: note.get(key)
        for key in (
            "Type",
            "CreditNoteID",
            "CreditNoteNumber",
            "Reference",
            "RemainingCredit",
            "Status",
            "CurrencyCode",
            "CurrencyRate",
            "Total",
            "Date",
            "DateString",
            "UpdatedDateUTC",
            "UpdatedDateUTCString",
        )
        if note.get(key) is not None
    }
    out["ID"] = note["CreditNoteID"]
    out["Contact"] = dict(note["Contact"])
    out["LineItems"] = []
    return out


def _settle(document, outstanding_field, day):
    """Status PAID (with FullyPaidOnDate) when nothing is outstanding, AUTHORISED otherwise."""
    if _d(document[outstanding_field]) == 0:
        document["Status"] = "PAID"
        document.update(msdate.date_fields(day, "FullyPaidOnDate"))
        document.pop("FullyPaidOnDateString", None)
    else:
        if document["Status"] == "PAID":
            document["Status"] = "AUTHORISED"
        document.pop("FullyPaidOnDate", None)


class Payments(Kind):
    name = "Payments"
    id_field = "PaymentID"
    paged = True
    page_size = True
    updatable = False

    def match(self, ctx, element, method, path_id):
        if path_id or element.get("PaymentID"):
            record = ctx.tenant.get(self.name, str(path_id or element["PaymentID"]).lower())
            if record is None:
                raise Invalid("An existing Payment with the specified PaymentID could not be found")
            return record
        return None

    def target(self, ctx, element):
        invoice_ref = element.get("Invoice") or {}
        if element.get("InvoiceNumber") and not invoice_ref:
            invoice_ref = {"InvoiceNumber": element["InvoiceNumber"]}
        if invoice_ref.get("InvoiceID"):
            doc = ctx.tenant.get("Invoices", str(invoice_ref["InvoiceID"]).lower())
            if doc is None:
                raise Invalid("Invoice could not be found")
            return INVOICES, doc
        if invoice_ref.get("InvoiceNumber"):
            doc = INVOICES.find_by_number(ctx, invoice_ref["InvoiceNumber"])
            if doc is None:
                raise Invalid("Invoice could not be found")
            return INVOICES, doc
        note_ref = element.get("CreditNote") or {}
        if element.get("CreditNoteNumber") and not note_ref:
            note_ref = {"CreditNoteNumber": element["CreditNoteNumber"]}
        if note_ref.get("CreditNoteID") or note_ref.get("CreditNoteNumber"):
            doc = CREDIT_NOTES.find(
                ctx, str(note_ref.get("CreditNoteID") or note_ref.get("CreditNoteNumber"))
            )
            if doc is None:
                raise Invalid("Credit Note could not be found")
            return CREDIT_NOTES, doc
        if element.get("Prepayment") or element.get("Overpayment"):
            raise Invalid("Payments on prepayments and overpayments are not supported by the sandbox")
        raise Invalid("You must specify an Invoice or Credit Note for the payment")

    def build(self, ctx, element, existing):
        if existing is not None:
            return self.reverse(ctx, element, existing)
        kind, doc = self.target(ctx, element)
        account_ref = element.get("Account") or {}
        if not account_ref and element.get("Code"):
            account_ref = {"Code": element["Code"]}
        if not account_ref:
            raise Invalid("You must specify an Account for the payment")
        account = resolve_account(ctx, account_ref.get("Code"), account_ref.get("AccountID"))
        if account is None:
            raise Invalid("Account could not be found")
        if account.get("Type") != "BANK" and not account.get("EnablePaymentsToAccount"):
            raise Invalid(
                "Payments can only be made to or from bank accounts, or accounts with 'Enable payments to this account' set"
            )
        if not element.get("Date"):
            raise Invalid("Payment Date is required")
        day = parse_date_field(element["Date"], "Date")
        amount = dec(element.get("Amount"), "Amount")
        if amount is None or amount <= 0:
            raise Invalid("Payment Amount must be greater than zero")
        amount = amount.quantize(Decimal("0.01"))
        if doc.get("Status") != "AUTHORISED":
            raise Invalid(
                "Payment can only be applied to an AUTHORISED document; this one is {}".format(
                    doc.get("Status")
                )
            )
        check_lock_dates(ctx, day, "payment")
        outstanding_field = "AmountDue" if kind is INVOICES else "RemainingCredit"
        if amount > _d(doc[outstanding_field]):
            raise Invalid(EXCEEDS)
        rate = dec(element.get("CurrencyRate"), "CurrencyRate") or _d(doc.get("CurrencyRate") or 1)
        bank_currency = account.get("CurrencyCode") or doc.get("CurrencyCode")
        bank_amount = (
            amount if bank_currency == doc.get("CurrencyCode") else (amount / rate if rate else amount)
        )
        seeded_id = element.get("PaymentID") if ctx.seeding else None
        payment = {
            "PaymentID": str(seeded_id).lower() if seeded_id else new_id(),
            "Date": msdate.ms_json(day),
            "BankAmount": money(bank_amount),
            "Amount": money(amount),
            "Reference": element.get("Reference", ""),
            "CurrencyRate": num(rate, 6),
            "PaymentType": PAYMENT_TYPES[doc["Type"]],
            "Status": "AUTHORISED",
            "HasAccount": True,
            "IsReconciled": bool(element.get("IsReconciled", False)),
            "Account": {
                "AccountID": account["AccountID"],
                "Code": account.get("Code", ""),
                "Name": account.get("Name", ""),
            },
            "HasValidationErrors": False,
        }
        stamp(payment, ctx.now)
        updated = dict(doc)
        updated[outstanding_field] = money(_d(doc[outstanding_field]) - amount)
        if kind is INVOICES:
            updated["AmountPaid"] = money(_d(doc.get("AmountPaid")) + amount)
        updated["Payments"] = list(doc.get("Payments", [])) + [
            {
                "PaymentID": payment["PaymentID"],
                "Date": payment["Date"],
                "Amount": payment["Amount"],
                "Reference": payment["Reference"],
                "CurrencyRate": payment["CurrencyRate"],
                "HasAccount": True,
                "HasValidationErrors": False,
            }
        ]
        _settle(updated, outstanding_field, day)
        stamp(updated, ctx.now)
        ctx.tenant.put(kind.name, updated)
        kind.after_put(ctx, updated, doc)
        if kind is INVOICES:
            payment["Invoice"] = invoice_summary(updated)
        else:
            payment["CreditNote"] = credit_note_summary(updated)
        return payment

    def reverse(self, ctx, element, payment):
        status = str(element.get("Status") or "").upper()
        if status != "DELETED":
            raise Invalid("A payment can only be deleted (Status DELETED); other changes are not allowed")
        if payment.get("Status") == "DELETED":
            raise Invalid("This payment has already been deleted")
        check_lock_dates(ctx, record_date(payment), "payment")
        amount = _d(payment["Amount"])
        if "Invoice" in payment:
            kind, doc, field = (
                INVOICES,
                ctx.tenant.get("Invoices", payment["Invoice"]["InvoiceID"]),
                "AmountDue",
            )
        else:
            kind, doc, field = (
                CREDIT_NOTES,
                ctx.tenant.get("CreditNotes", payment["CreditNote"]["CreditNoteID"]),
                "RemainingCredit",
            )
        updated = dict(doc)
        updated[field] = money(_d(doc[field]) + amount)
        if kind is INVOICES:
            updated["AmountPaid"] = money(_d(doc.get("AmountPaid")) - amount)
        updated["Payments"] = [p for p in doc.get("Payments", []) if p["PaymentID"] != payment["PaymentID"]]
        _settle(updated, field, None)
        stamp(updated, ctx.now)
        ctx.tenant.put(kind.name, updated)
        kind.after_put(ctx, updated, doc)
        record = dict(payment)
        record["Status"] = "DELETED"
        if kind is INVOICES:
            record["Invoice"] = invoice_summary(updated)
        else:
            record["CreditNote"] = credit_note_summary(updated)
        return stamp(record, ctx.now)

    def filters(self, ctx):
        return []

    def default_order(self):
        return lambda r: (r.get("Date", ""), r.get("UpdatedDateUTC", ""))


def allocate(ctx, note, element):
    """Apply one allocation of a credit note to an invoice; returns the allocation as Xero renders it."""
    for field in ("Amount", "Invoice", "Date"):
        if element.get(field) in (None, "", {}):
            raise Invalid(f"{field} is required for an allocation")
    invoice_ref = element["Invoice"]
    invoice = None
    if invoice_ref.get("InvoiceID"):
        invoice = ctx.tenant.get("Invoices", str(invoice_ref["InvoiceID"]).lower())
    elif invoice_ref.get("InvoiceNumber"):
        invoice = INVOICES.find_by_number(ctx, invoice_ref["InvoiceNumber"])
    if invoice is None:
        raise Invalid("Invoice could not be found")
    amount = dec(element["Amount"], "Amount")
    if amount is None or amount <= 0:
        raise Invalid("Allocation Amount must be greater than zero")
    amount = amount.quantize(Decimal("0.01"))
    day = parse_date_field(element["Date"], "Date")
    if note.get("Status") != "AUTHORISED":
        raise Invalid(
            "Only AUTHORISED credit notes can be allocated; this one is {}".format(note.get("Status"))
        )
    if invoice.get("Status") != "AUTHORISED":
        raise Invalid(
            "Credit can only be allocated to an AUTHORISED invoice; this one is {}".format(
                invoice.get("Status")
            )
        )
    expected = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}[note["Type"]]
    if invoice["Type"] != expected:
        raise Invalid(
            "A {} credit note can only be allocated to an {} invoice".format(note["Type"], expected)
        )
    if invoice.get("CurrencyCode") != note.get("CurrencyCode"):
        raise Invalid("The credit note and invoice must be in the same currency")
    check_lock_dates(ctx, day, "allocation")
    if amount > _d(note["RemainingCredit"]):
        raise Invalid("The amount being allocated exceeds the remaining credit on this credit note")
    if amount > _d(invoice["AmountDue"]):
        raise Invalid("The amount being allocated exceeds the amount due on the invoice")
    allocation_id = new_id()
    new_note = dict(note)
    new_note["RemainingCredit"] = money(_d(note["RemainingCredit"]) - amount)
    new_note["Allocations"] = list(note.get("Allocations", [])) + [
        {
            "AllocationID": allocation_id,
            "Amount": money(amount),
            "Date": msdate.ms_json(day),
            "Invoice": {
                "InvoiceID": invoice["InvoiceID"],
                "InvoiceNumber": invoice.get("InvoiceNumber", ""),
                "Payments": [],
                "CreditNotes": [],
                "Prepayments": [],
                "Overpayments": [],
                "HasErrors": False,
                "IsDiscounted": False,
                "LineItems": [],
            },
        }
    ]
    _settle(new_note, "RemainingCredit", day)
    stamp(new_note, ctx.now)
    new_invoice = dict(invoice)
    new_invoice["AmountCredited"] = money(_d(invoice.get("AmountCredited")) + amount)
    new_invoice["AmountDue"] = money(_d(invoice["AmountDue"]) - amount)
    new_invoice["CreditNotes"] = list(invoice.get("CreditNotes", [])) + [
        {
            "CreditNoteID": note["CreditNoteID"],
            "CreditNoteNumber": note.get("CreditNoteNumber", ""),
            "ID": note["CreditNoteID"],
            "AppliedAmount": money(amount),
            "Date": msdate.ms_json(day),
            "Total": note.get("Total"),
            "LineItems": [],
            "AllocationID": allocation_id,
        }
    ]
    _settle(new_invoice, "AmountDue", day)
    stamp(new_invoice, ctx.now)
    ctx.tenant.put("CreditNotes", new_note)
    ctx.tenant.put("Invoices", new_invoice)
    CREDIT_NOTES.after_put(ctx, new_note, note)
    INVOICES.after_put(ctx, new_invoice, invoice)
    return {
        "AllocationID": allocation_id,
        "Amount": money(amount),
        "Date": msdate.ms_json(day),
        "Invoice": invoice_summary(new_invoice),
        "CreditNote": credit_note_summary(new_note),
        "IsDeleted": False,
        "ValidationErrors": [],
    }


def delete_allocation(ctx, note, allocation_id):
    allocation = next(
        (a for a in note.get("Allocations", []) if a["AllocationID"] == allocation_id.lower()), None
    )
    if allocation is None:
        return None
    amount = _d(allocation["Amount"])
    check_lock_dates(ctx, record_date(allocation), "allocation")
    invoice = ctx.tenant.get("Invoices", allocation["Invoice"]["InvoiceID"])
    new_note = dict(note)
    new_note["Allocations"] = [
        a for a in note["Allocations"] if a["AllocationID"] != allocation["AllocationID"]
    ]
    new_note["RemainingCredit"] = money(_d(note["RemainingCredit"]) + amount)
    _settle(new_note, "RemainingCredit", None)
    stamp(new_note, ctx.now)
    ctx.tenant.put("CreditNotes", new_note)
    CREDIT_NOTES.after_put(ctx, new_note, note)
    result = {
        "AllocationID": allocation["AllocationID"],
        "Amount": allocation["Amount"],
        "Date": allocation["Date"],
        "CreditNote": credit_note_summary(new_note),
        "IsDeleted": True,
    }
    if invoice is not None:
        new_invoice = dict(invoice)
        new_invoice["AmountCredited"] = money(_d(invoice.get("AmountCredited")) - amount)
        new_invoice["AmountDue"] = money(_d(invoice["AmountDue"]) + amount)
        new_invoice["CreditNotes"] = [
            c for c in invoice.get("CreditNotes", []) if c.get("AllocationID") != allocation["AllocationID"]
        ]
        _settle(new_invoice, "AmountDue", None)
        stamp(new_invoice, ctx.now)
        ctx.tenant.put("Invoices", new_invoice)
        INVOICES.after_put(ctx, new_invoice, invoice)
        result["Invoice"] = invoice_summary(new_invoice)
    return result


PAYMENTS = Payments()
