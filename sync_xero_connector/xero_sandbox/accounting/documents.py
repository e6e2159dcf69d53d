"""Invoices, credit notes, quotes and purchase orders: one engine, four declarations."""

import datetime as dt
from decimal import Decimal

from .. import msdate
from . import inventory, totals
from .base import (
    Kind,
    base_currency,
    check_lock_dates,
    contact_summary,
    resolve_account,
    resolve_contact,
    resolve_tax_rate,
)
from .common import (
    Invalid,
    dec,
    money,
    new_id,
    num,
    parse_date_field,
    q,
    record_date,
    stamp,
)

# Made-up, fixed cross rates used when a foreign-currency document arrives without CurrencyRate (Xero would
# use the XE.com day rate). Units of each currency per 1 USD; rate = foreign units per 1 base unit.
FALLBACK_PER_USD = {
    "USD": Decimal(1),
    "NZD": Decimal("1.65"),
    "AUD": Decimal("1.50"),
    "GBP": Decimal("0.79"),
    "EUR": Decimal("0.92"),
    "CAD": Decimal("1.36"),
    "JPY": Decimal(150),
    "SGD": Decimal("1.34"),
    "ZAR": Decimal("18.5"),
    "CHF": Decimal("0.88"),
    "HKD": Decimal("7.8"),
    "CNY": Decimal("7.2"),
}
SALES_TYPES = ("ACCREC", "ACCRECCREDIT", "QUOTE")
NOT_VALID = "%s not of valid status for modification"
HAS_ALLOCATIONS = "This document cannot be edited as it has a payment or credit note allocated to it."


def fallback_rate(base, code):
    base_units = FALLBACK_PER_USD.get(base, Decimal(1))
    foreign_units = FALLBACK_PER_USD.get(code, Decimal("1.25"))
    return q(foreign_units / base_units, 6)


def _tracking(ctx, entries):
    out = []
    entries = entries or []
    if len(entries) > 2:
        raise Invalid("A line item can only have two tracking categories")
    categories = list(ctx.tenant.all("TrackingCategories"))
    for entry in entries:
        cat = None
        for candidate in categories:
            if (
                entry.get("TrackingCategoryID")
                and candidate["TrackingCategoryID"] == str(entry["TrackingCategoryID"]).lower()
            ) or (entry.get("Name") and candidate.get("Name", "").lower() == str(entry["Name"]).lower()):
                cat = candidate
                break
        if cat is None:
            raise Invalid(
                "Tracking category '%s' does not exist"
                % (entry.get("Name") or entry.get("TrackingCategoryID"))
            )
        option = None
        for candidate in cat.get("Options", []):
            if (
                entry.get("TrackingOptionID")
                and candidate["TrackingOptionID"] == str(entry["TrackingOptionID"]).lower()
            ) or (entry.get("Option") and candidate.get("Name", "").lower() == str(entry["Option"]).lower()):
                option = candidate
                break
        if option is None:
            raise Invalid(
                "Tracking option '{}' does not exist in category '{}'".format(
                    entry.get("Option") or entry.get("TrackingOptionID"), cat["Name"]
                )
            )
        out.append(
            {
                "Name": cat["Name"],
                "Option": option["Name"],
                "TrackingCategoryID": cat["TrackingCategoryID"],
                "TrackingOptionID": option["TrackingOptionID"],
            }
        )
    return out


def build_lines(ctx, lines, doc_type, amount_type, require_accounts, allow_discount):
    """(rendered lines, SubTotal, TotalTax, Total, TotalDiscount) from incoming line items."""
    if not isinstance(lines, list):
        raise Invalid("LineItems must be a list")
    sales = doc_type in SALES_TYPES
    rendered, computed = [], []
    total_discount = Decimal(0)
    for index, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            raise Invalid("Line item %d is not an object" % index)
        item = None
        if line.get("ItemCode"):
            item = ctx.tenant.lookup("Items", "code", line["ItemCode"])
            if item is None:
                raise Invalid("Item code '{}' is not valid".format(line["ItemCode"]))
        details = (item or {}).get("SalesDetails" if sales else "PurchaseDetails") or {}
        description = line.get("Description")
        if description in (None, "") and item:
            description = (
                item.get("Description" if sales else "PurchaseDescription")
                or item.get("Description")
                or item.get("Name")
            )
        quantity = dec(line.get("Quantity"), "Quantity")
        unit = dec(line.get("UnitAmount"), "UnitAmount")
        given_amount = dec(line.get("LineAmount"), "LineAmount")
        if unit is None and details.get("UnitPrice") is not None:
            unit = dec(details["UnitPrice"])
        if unit is None and given_amount is not None:
            unit = given_amount / (quantity or 1)
        if quantity is None:
            quantity = Decimal(1) if (unit is not None) else Decimal(0)
        if unit is None:
            unit = Decimal(0)
        if not description and unit == 0 and quantity == 0 and not line.get("AccountCode"):
            raise Invalid("Description is required for each line item")
        quantity = q(quantity, 4)
        unit = q(unit, ctx.unitdp)
        rate = dec(line.get("DiscountRate"), "DiscountRate")
        discount_amount = dec(line.get("DiscountAmount"), "DiscountAmount")
        if (rate or discount_amount) and not allow_discount:
            raise Invalid("Discounts can only be used on sales invoices, sales credit notes and quotes")
        amount, discount = totals.line_amount(quantity, unit, rate, discount_amount)
        total_discount += discount
        account = None
        code = line.get("AccountCode") or details.get("AccountCode")
        if line.get("AccountID") or code:
            account = resolve_account(ctx, code, line.get("AccountID"))
            if account is None:
                raise Invalid(
                    "Account code '%s' is not a valid code for this document."
                    % (code or line.get("AccountID"))
                )
        elif require_accounts and amount != 0:
            raise Invalid(
                "Account code must be specified for each line item with an amount on an approved document"
            )
        tax_type = line.get("TaxType") or details.get("TaxType") or (account or {}).get("TaxType")
        if amount_type.lower() == "notax" and not line.get("TaxType"):
            tax_type = "NONE"
        tax_type = tax_type or "NONE"
        tax_rate = resolve_tax_rate(ctx, tax_type)
        if tax_rate is None and tax_type != "NONE":
            raise Invalid(
                f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction."
            )
        percent = Decimal(str(tax_rate.get("EffectiveRate") or 0)) if tax_rate else Decimal(0)
        tax = totals.line_tax(amount, percent, amount_type)
        computed.append({"amount": amount, "tax": tax})
        out = {
            "LineItemID": str(line.get("LineItemID") or new_id()).lower(),
            "Description": description or "",
            "Quantity": num(quantity, 4),
            "UnitAmount": num(unit, ctx.unitdp),
            "TaxType": tax_type,
            "TaxAmount": money(tax),
            "LineAmount": money(amount),
            "Tracking": _tracking(ctx, line.get("Tracking")),
        }
        if account is not None:
            out["AccountCode"] = account.get("Code", "")
            out["AccountID"] = account["AccountID"]
        if item is not None:
            out["ItemCode"] = item["Code"]
            out["Item"] = {"ItemID": item["ItemID"], "Code": item["Code"], "Name": item.get("Name", "")}
        if rate:
            out["DiscountRate"] = money(rate)
        elif discount_amount:
            out["DiscountAmount"] = money(discount_amount)
        out["ValidationErrors"] = []
        rendered.append(out)
    sub_total, total_tax, total = totals.document_totals(computed, amount_type)
    return rendered, sub_total, total_tax, total, q(total_discount)


def _money_field(record, field):
    return Decimal(str(record.get(field) or 0))


class Document(Kind):
    """Common engine; subclasses declare types, numbering and statuses."""

    label = "Document"
    types = ()
    number_prefix = {}  # type -> prefix for auto-numbering ("INV-")
    unique_number_index = None  # (index name, applies to type)
    statuses = ()
    create_statuses = ()
    quote = False
    due_field = "DueDate"
    requires_lines = True
    posting_statuses = ("AUTHORISED",)
    paged = True
    page_size = True
    summary_drop = ("LineItems", "Payments", "CreditNotes", "Prepayments", "Overpayments", "Allocations")
    unpaged_drop = ()

    def doc_type(self, element, existing):
        if self.types:
            doc_type = element.get("Type") or (existing or {}).get("Type")
            if doc_type not in self.types:
                raise Invalid("{} Type must be one of {}".format(self.label, ", ".join(self.types)))
            return doc_type
        return "QUOTE" if self.quote else "PURCHASEORDER"

    def allow_discount(self, doc_type):
        return doc_type in SALES_TYPES

    def status_change(self, existing, new_status):
        """Raise Invalid for a transition Xero refuses; return the kind of write: 'edit' or 'status'."""
        label = self.label
        if existing is None:
            if new_status not in self.create_statuses:
                raise Invalid(f"{label} cannot be created with status {new_status}")
            return "edit"
        old = existing.get("Status")
        if new_status not in self.statuses:
            raise Invalid(f"'{new_status}' is not a valid status for a {label}")
        if self.has_money_applied(existing) and old in ("AUTHORISED", "PAID"):
            raise Invalid(HAS_ALLOCATIONS)
        if old in ("VOIDED", "DELETED", "PAID"):
            raise Invalid(NOT_VALID % label)
        if old == "AUTHORISED":
            if new_status == "VOIDED":
                return "status"
            if new_status != "AUTHORISED":
                raise Invalid(NOT_VALID % label)
            return "edit"
        if new_status == "VOIDED":
            raise Invalid(NOT_VALID % label)
        if new_status == "DELETED":
            return "status"
        if new_status == "PAID":
            raise Invalid(NOT_VALID % label)
        return "edit"

    def has_money_applied(self, record):
        return False

    def number_field_value(self, ctx, element, existing, doc_type):
        field = self.number_field
        number = element.get(field)
        if number is None and existing is not None:
            return existing.get(field, "")
        number = (number or "").strip()
        if not number and doc_type in self.number_prefix:
            prefix = self.number_prefix[doc_type]
            counter = self.name + doc_type
            if counter not in ctx.tenant.counters:
                # Continue after the highest number already used (seeded documents), as Xero's setting does.
                ctx.tenant.counters[counter] = max(
                    (
                        int(r[field][len(prefix) :])
                        for r in ctx.tenant.all(self.name)
                        if str(r.get(field, "")).startswith(prefix) and r[field][len(prefix) :].isdigit()
                    ),
                    default=0,
                )
            while True:
                number = "%s%04d" % (prefix, ctx.tenant.next_number(self.name + doc_type))
                if not self.number_taken(ctx, number, doc_type, None):
                    break
        elif number and self.number_taken(ctx, number, doc_type, existing):
            raise Invalid(f"{self.label} # must be unique.")
        return number

    def number_taken(self, ctx, number, doc_type, existing):
        if not self.unique_number_index:
            return False
        index, applies = self.unique_number_index
        if doc_type != applies:
            return False
        other = ctx.tenant.lookup(self.name, index, number)
        return other is not None and (existing is None or other[self.id_field] != existing[self.id_field])

    def default_due(self, ctx, contact, doc_type, day):
        terms = (contact.get("PaymentTerms") or {}) or (
            (ctx.tenant.organisation or {}).get("PaymentTerms") or {}
        )
        term = terms.get("Sales" if doc_type in SALES_TYPES else "Bills")
        if not term:
            terms = (ctx.tenant.organisation or {}).get("PaymentTerms") or {}
            term = terms.get("Sales" if doc_type in SALES_TYPES else "Bills")
        if not term or not term.get("Type"):
            return None
        days = int(term.get("Day") or 0)
        kind = term["Type"]
        if kind == "DAYSAFTERBILLDATE":
            return day + dt.timedelta(days=days)
        first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        if kind == "DAYSAFTERBILLMONTH":
            return first_next - dt.timedelta(days=1) + dt.timedelta(days=days)
        if kind == "OFCURRENTMONTH":
            last = first_next - dt.timedelta(days=1)
            return day.replace(day=min(max(days, 1), last.day))
        if kind == "OFFOLLOWINGMONTH":
            last = (first_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return first_next.replace(day=min(max(days, 1), last.day))
        return None

    def build(self, ctx, element, existing):
        old = existing or {}
        doc_type = self.doc_type(element, existing)
        new_status = (element.get("Status") or old.get("Status") or "DRAFT").upper()
        change = self.status_change(existing, new_status)
        now = ctx.now
        if change == "status":
            record = dict(existing)
            record["Status"] = new_status
            if new_status == "VOIDED":
                check_lock_dates(ctx, record_date(existing), self.label.lower())
                record["AmountDue"] = 0.0
            return stamp(record, now, self.has_updated_string)
        contact_ref = element.get("Contact") if "Contact" in element else old.get("Contact")
        contact = resolve_contact(ctx, contact_ref, new_document=False)
        if (
            (existing is None or contact["ContactID"] != old.get("Contact", {}).get("ContactID"))
            and contact.get("ContactStatus") == "ARCHIVED"
            and not ctx.seeding
        ):
            # Archived contacts cannot be put on new documents (existing ones keep theirs).
            raise Invalid(
                "The contact '{}' is archived and cannot be used on new transactions. "
                "Restore the contact before using it.".format(contact.get("Name"))
            )
        day = (
            parse_date_field(element["Date"], "Date")
            if element.get("Date")
            else (record_date(old) or ctx.today)
        )
        if self.due_field in element:
            due = parse_date_field(element.get(self.due_field), self.due_field)
        else:
            due = record_date(old, self.due_field) if existing else None
        if due is None and self.due_field == "DueDate" and self.types:
            due = self.default_due(ctx, contact, doc_type, day)
            if due is None and new_status in ("AUTHORISED", "SUBMITTED") and doc_type in ("ACCREC", "ACCPAY"):
                raise Invalid(
                    "Due Date is required for an approved invoice (set DueDate or the contact's payment terms)"
                )
        # Exclusive when omitted (API_FACTS section 5); the organisation's defaults apply to the web app only.
        raw_type = element.get("LineAmountTypes") or old.get("LineAmountTypes") or "Exclusive"
        amount_type = totals.normalise_amount_type(
            {"TAX EXCLUSIVE": "Exclusive", "TAX INCLUSIVE": "Inclusive", "NO TAX": "NoTax"}.get(
                str(raw_type).upper(), raw_type
            ),
            quote=self.quote,
        )
        if amount_type is None:
            raise Invalid(f"LineAmountTypes '{raw_type}' is not valid")
        if new_status in self.posting_statuses:
            check_lock_dates(ctx, day, self.label.lower())
        currency = (element.get("CurrencyCode") or old.get("CurrencyCode") or base_currency(ctx)).upper()
        base = base_currency(ctx)
        known = {c["Code"] for c in ctx.tenant.all("Currencies")} | {base}
        if currency not in known:
            raise Invalid(f"The currency code '{currency}' is not enabled for this organisation")
        if currency == base:
            rate = Decimal(1)
        elif element.get("CurrencyRate") not in (None, "", 0):
            rate = dec(element["CurrencyRate"], "CurrencyRate")
        elif old.get("CurrencyRate") and old.get("CurrencyCode") == currency:
            rate = Decimal(str(old["CurrencyRate"]))
        else:
            rate = fallback_rate(base, currency)
        if "LineItems" in element:
            lines = element.get("LineItems") or []
        elif existing:
            lines = old.get("LineItems", [])
        else:
            lines = []
        if self.requires_lines and not lines:
            raise Invalid("At least one line item is required")
        rendered, sub_total, total_tax, total, total_discount = build_lines(
            ctx,
            lines,
            doc_type,
            amount_type,
            new_status in ("AUTHORISED", "SUBMITTED", "POSTED"),
            self.allow_discount(doc_type),
        )
        number = self.number_field_value(ctx, element, existing, doc_type)
        record = dict(old)
        record.update(self.passthrough(element))
        record.update(
            {
                self.id_field: old.get(self.id_field) or new_id(),
                self.number_field: number,
                "Contact": contact_summary(contact),
                "Status": new_status,
                "LineAmountTypes": amount_type,
                "LineItems": rendered,
                "SubTotal": money(sub_total),
                "TotalTax": money(total_tax),
                "Total": money(total),
                "CurrencyCode": currency,
                "CurrencyRate": num(rate, 6),
            }
        )
        if self.types:
            record["Type"] = doc_type
        if total_discount:
            record["TotalDiscount"] = money(total_discount)
        else:
            record.pop("TotalDiscount", None)
        record["IsDiscounted"] = bool(total_discount)
        record.update(msdate.date_fields(day, "Date"))
        if due is not None:
            record.update(msdate.date_fields(due, self.due_field))
        record.setdefault("HasAttachments", False)
        self.finish(ctx, record, existing, total)
        return stamp(record, now, self.has_updated_string)

    has_updated_string = True
    passthrough_fields = (
        "Reference",
        "BrandingThemeID",
        "SentToContact",
        "ExpectedPaymentDate",
        "PlannedPaymentDate",
        "Url",
    )

    def passthrough(self, element):
        out = {}
        for field in self.passthrough_fields:
            if field in element:
                value = element[field]
                if field.endswith("PaymentDate") and value:
                    day = parse_date_field(value, field)
                    out.update(msdate.date_fields(day, field))
                    continue
                out[field] = value
        return out

    def finish(self, ctx, record, existing, total):
        pass

    def after_put(self, ctx, record, old):
        # Tracked items first: a transaction taking one below zero is refused as a whole.
        inventory.apply(ctx, self.name, record)
        super().after_put(ctx, record, old)
        if self.types and old is None:
            contact = ctx.tenant.get("Contacts", record["Contact"]["ContactID"])
            flag = "IsCustomer" if record.get("Type", "").startswith("ACCREC") else "IsSupplier"
            if contact is not None and not contact.get(flag):
                # Xero sets these flags without bumping the contact's UpdatedDateUTC.
                updated = dict(contact)
                updated[flag] = True
                ctx.tenant.put("Contacts", updated)

    def render(self, ctx, record, full=True):
        contact = ctx.tenant.get("Contacts", record.get("Contact", {}).get("ContactID"))
        if contact is None or contact.get("Name") == record["Contact"].get("Name"):
            return record
        out = dict(record)
        out["Contact"] = contact_summary(contact)
        return out

    def default_order(self):
        return lambda r: (r.get("Date", ""), r.get("UpdatedDateUTC", ""))

    def filters(self, ctx):
        preds = []
        statuses = ctx.param("Statuses") or ctx.param("Status")
        if statuses:
            wanted = {s.strip().upper() for s in statuses.split(",") if s.strip()}
            preds.append(lambda r: r.get("Status") in wanted)
        for name, key in (
            ("DateFrom", "Date"),
            ("DateTo", "Date"),
            ("ExpiryDateFrom", "ExpiryDate"),
            ("ExpiryDateTo", "ExpiryDate"),
        ):
            value = ctx.param(name)
            if value:
                bound = parse_date_field(value, name)
                if name.endswith("From"):
                    preds.append(lambda r, k=key, b=bound: (record_date(r, k) or dt.date.min) >= b)
                else:
                    preds.append(lambda r, k=key, b=bound: (record_date(r, k) or dt.date.max) <= b)
        if ctx.param("ContactID"):
            wanted_contact = ctx.param("ContactID").lower()
            preds.append(lambda r: r.get("Contact", {}).get("ContactID") == wanted_contact)
        return preds


def _payment_summary(payment):
    return {
        "PaymentID": payment["PaymentID"],
        "Date": payment["Date"],
        "Amount": payment["Amount"],
        "Reference": payment.get("Reference", ""),
        "CurrencyRate": payment.get("CurrencyRate", 1.0),
        "HasAccount": True,
        "HasValidationErrors": False,
    }


class Invoices(Document):
    name = "Invoices"
    label = "Invoice"
    id_field = "InvoiceID"
    number_field = "InvoiceNumber"
    types = ("ACCREC", "ACCPAY")
    number_prefix = {"ACCREC": "INV-"}
    unique_number_index = ("accrec_number", "ACCREC")
    statuses = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
    create_statuses = ("DRAFT", "SUBMITTED", "AUTHORISED")
    webhook = "INVOICE"
    unpaged_drop = ("LineItems",)

    def visible(self, ctx, record):
        return True

    def has_money_applied(self, record):
        return bool(record.get("AmountPaid")) or bool(record.get("AmountCredited"))

    def finish(self, ctx, record, existing, total):
        paid = _money_field(record, "AmountPaid")
        credited = _money_field(record, "AmountCredited")
        record["AmountPaid"] = money(paid)
        record["AmountCredited"] = money(credited)
        record["AmountDue"] = money(total - paid - credited)
        record.setdefault("Payments", [])
        record.setdefault("CreditNotes", [])
        record.setdefault("Prepayments", [])
        record.setdefault("Overpayments", [])
        record.setdefault("SentToContact", False)
        record["HasErrors"] = False

    def filters(self, ctx):
        preds = super().filters(ctx)
        ids = ctx.param("IDs")
        if ids:
            wanted = {i.strip().lower() for i in ids.split(",") if i.strip()}
            preds.append(lambda r: r["InvoiceID"] in wanted)
        numbers = ctx.param("InvoiceNumbers")
        if numbers:
            wanted_numbers = {n.strip().lower() for n in numbers.split(",") if n.strip()}
            preds.append(lambda r: str(r.get("InvoiceNumber", "")).lower() in wanted_numbers)
        contacts = ctx.param("ContactIDs")
        if contacts:
            wanted_contacts = {c.strip().lower() for c in contacts.split(",") if c.strip()}
            preds.append(lambda r: r.get("Contact", {}).get("ContactID") in wanted_contacts)
        term = ctx.param("searchTerm")
        if term:
            term = term.lower()
            preds.append(
                lambda r: (
                    term in str(r.get("InvoiceNumber", "")).lower()
                    or term in str(r.get("Reference", "")).lower()
                )
            )
        return preds


class CreditNotes(Document):
    name = "CreditNotes"
    label = "Credit Note"
    id_field = "CreditNoteID"
    number_field = "CreditNoteNumber"
    types = ("ACCRECCREDIT", "ACCPAYCREDIT")
    number_prefix = {"ACCRECCREDIT": "CN-"}
    unique_number_index = ("accrec_number", "ACCRECCREDIT")
    statuses = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED")
    create_statuses = ("DRAFT", "SUBMITTED", "AUTHORISED")
    webhook = "CREDITNOTE"
    unpaged_drop = ("LineItems",)

    def allow_discount(self, doc_type):
        return doc_type == "ACCRECCREDIT"

    def has_money_applied(self, record):
        return _money_field(record, "RemainingCredit") != _money_field(record, "Total") and record.get(
            "Status"
        ) in ("AUTHORISED", "PAID")

    def finish(self, ctx, record, existing, total):
        used = sum((Decimal(str(a["Amount"])) for a in record.get("Allocations", [])), Decimal(0))
        used += sum((Decimal(str(p["Amount"])) for p in record.get("Payments", [])), Decimal(0))
        record["RemainingCredit"] = money(total - used)
        record.setdefault("Allocations", [])
        record.setdefault("Payments", [])
        record["ID"] = record["CreditNoteID"]
        record["HasErrors"] = False

    def webhook_data(self, record):
        return {"Type": record.get("Type"), "Status": record.get("Status")}


class Quotes(Document):
    name = "Quotes"
    label = "Quote"
    id_field = "QuoteID"
    number_field = "QuoteNumber"
    quote = True
    due_field = "ExpiryDate"
    number_prefix = {"QUOTE": "QU-"}
    unique_number_index = ("number", "QUOTE")
    statuses = ("DRAFT", "SENT", "DECLINED", "ACCEPTED", "INVOICED", "DELETED")
    create_statuses = ("DRAFT", "SENT")
    posting_statuses = ()
    page_size = False
    has_where = False
    has_updated_string = False
    summary_drop = ()
    passthrough_fields = ("Reference", "BrandingThemeID", "Title", "Summary", "Terms")

    def build(self, ctx, element, existing):
        if existing is None and not element.get("Date"):
            raise Invalid("Date is required")
        return super().build(ctx, element, existing)

    # The web app's workflow: sent before accepted or declined, invoiced once accepted;
    # INVOICED and DELETED are final. The same status again is an edit.
    transitions = {
        "DRAFT": ("SENT", "DELETED"),
        "SENT": ("DRAFT", "ACCEPTED", "DECLINED", "DELETED"),
        "ACCEPTED": ("SENT", "DECLINED", "INVOICED", "DELETED"),
        "DECLINED": ("SENT", "ACCEPTED", "DELETED"),
        "INVOICED": (),
        "DELETED": (),
    }

    def status_change(self, existing, new_status):
        if new_status not in self.statuses:
            raise Invalid(f"'{new_status}' is not a valid status for a Quote")
        if existing is None:
            if new_status not in self.create_statuses:
                raise Invalid(f"Quote cannot be created with status {new_status}")
            return "edit"
        return _workflow_change(self, existing.get("Status"), new_status)

    def filters(self, ctx):
        preds = super().filters(ctx)
        number = ctx.param("QuoteNumber")
        if number:
            preds.append(lambda r: str(r.get("QuoteNumber", "")).lower() == number.lower())
        return preds


class PurchaseOrders(Document):
    name = "PurchaseOrders"
    label = "Purchase Order"
    id_field = "PurchaseOrderID"
    number_field = "PurchaseOrderNumber"
    due_field = "DeliveryDate"
    number_prefix = {"PURCHASEORDER": "PO-"}
    unique_number_index = ("number", "PURCHASEORDER")
    statuses = ("DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED")
    create_statuses = ("DRAFT", "SUBMITTED", "AUTHORISED")
    posting_statuses = ()
    has_where = False
    has_updated_string = False
    summary_drop = ()
    passthrough_fields = (
        "Reference",
        "BrandingThemeID",
        "SentToContact",
        "DeliveryAddress",
        "AttentionTo",
        "Telephone",
        "DeliveryInstructions",
    )

    # Approved orders are billed (or un-marked as billed), never sent back to draft or for
    # approval; DELETED is final.
    transitions = {
        "DRAFT": ("SUBMITTED", "AUTHORISED", "DELETED"),
        "SUBMITTED": ("DRAFT", "AUTHORISED", "DELETED"),
        "AUTHORISED": ("BILLED", "DELETED"),
        "BILLED": ("AUTHORISED", "DELETED"),
        "DELETED": (),
    }

    def status_change(self, existing, new_status):
        if new_status not in self.statuses:
            raise Invalid(f"'{new_status}' is not a valid status for a Purchase Order")
        if existing is None:
            if new_status not in self.create_statuses:
                raise Invalid(f"Purchase Order cannot be created with status {new_status}")
            return "edit"
        return _workflow_change(self, existing.get("Status"), new_status)


def _workflow_change(kind, old, new_status):
    """'edit' or 'status' (DELETED) for a move the kind's ``transitions`` allow; Invalid for
    any other, and for any write to an order in a final status."""
    allowed = kind.transitions.get(old, ())
    if not allowed:
        raise Invalid(NOT_VALID % kind.label)
    if new_status != old and new_status not in allowed:
        raise Invalid(f"A {kind.label} cannot go from {old} to {new_status}")
    return "status" if new_status == "DELETED" else "edit"


INVOICES = Invoices()
CREDIT_NOTES = CreditNotes()
QUOTES = Quotes()
PURCHASE_ORDERS = PurchaseOrders()
