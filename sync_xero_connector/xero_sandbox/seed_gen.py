"""Deterministic seed generator: the shipped demo organisation, and N-invoice seeds for benchmarks.

    python3 -m xero_sandbox.seed_gen demo DIR          # writes the demo organisation (seed/demo is made so)
    python3 -m xero_sandbox.seed_gen invoices N DIR    # N invoices (3 lines each) + contacts, for benchmarks

Output is the shape a GET returns ({"Contacts": [...]}, ...); dates are ISO (a few MS-JSON to show both).
"""

import datetime as dt
import json
import os
import random
import sys
import uuid
from decimal import Decimal

from . import msdate
from .accounting import totals

START = dt.date(2025, 4, 1)
RATES = {
    "OUTPUT2": Decimal(15),
    "INPUT2": Decimal(15),
    "NONE": Decimal(0),
    "ZERORATED": Decimal(0),
    "TAX001": Decimal("7.1"),
}  # TAX001 = 5% + 2% compound = 5 + 2 * 1.05 = 7.1


def _uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _day(rng, span=540):
    return START + dt.timedelta(days=rng.randrange(span))


def settings():
    org = {
        "Name": "Demo Company (Sandbox)",
        "LegalName": "Demo Company (Sandbox) Limited",
        "BaseCurrency": "NZD",
        "CountryCode": "NZ",
        "Version": "NZ",
        "Timezone": "NEWZEALANDSTANDARDTIME",
        "PaymentTerms": {
            "Sales": {"Day": 20, "Type": "OFFOLLOWINGMONTH"},
            "Bills": {"Day": 30, "Type": "DAYSAFTERBILLDATE"},
        },
    }
    currencies = [
        {"Code": c, "Description": d}
        for c, d in (
            ("NZD", "New Zealand Dollar"),
            ("USD", "United States Dollar"),
            ("AUD", "Australian Dollar"),
            ("GBP", "British Pound"),
            ("EUR", "Euro"),
        )
    ]
    tax_rates = [
        {
            "Name": "No GST",
            "TaxType": "NONE",
            "ReportTaxType": "NONE",
            "TaxComponents": [{"Name": "GST", "Rate": 0.0}],
        },
        {
            "Name": "GST on Income",
            "TaxType": "OUTPUT2",
            "ReportTaxType": "OUTPUT",
            "TaxComponents": [{"Name": "GST", "Rate": 15.0}],
        },
        {
            "Name": "GST on Expenses",
            "TaxType": "INPUT2",
            "ReportTaxType": "INPUT",
            "TaxComponents": [{"Name": "GST", "Rate": 15.0}],
        },
        {
            "Name": "Zero Rated",
            "TaxType": "ZERORATED",
            "ReportTaxType": "OUTPUT",
            "TaxComponents": [{"Name": "GST", "Rate": 0.0}],
        },
        {
            "Name": "Levy + Surcharge (compound)",
            "TaxType": "TAX001",
            "ReportTaxType": "OUTPUT",
            "TaxComponents": [
                {"Name": "Levy", "Rate": 5.0, "IsCompound": False},
                {"Name": "Surcharge", "Rate": 2.0, "IsCompound": True},
            ],
        },
    ]
    rng = random.Random(7)
    accounts = []
    for code, name, acc_type, tax, extra in (
        (
            "090",
            "Business Bank Account",
            "BANK",
            "NONE",
            {"BankAccountNumber": "0102-0304-0506070", "CurrencyCode": "NZD"},
        ),
        (
            "091",
            "USD Account",
            "BANK",
            "NONE",
            {"BankAccountNumber": "0102-0304-0506071", "CurrencyCode": "USD"},
        ),
        (
            "092",
            "Business Credit Card",
            "BANK",
            "NONE",
            {"BankAccountNumber": "4242-4242", "BankAccountType": "CREDITCARD"},
        ),
        ("200", "Sales", "REVENUE", "OUTPUT2", {}),
        ("260", "Other Revenue", "REVENUE", "OUTPUT2", {}),
        ("270", "Interest Income", "OTHERINCOME", "NONE", {}),
        ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", {}),
        ("400", "Advertising", "OVERHEADS", "INPUT2", {}),
        ("429", "General Expenses", "OVERHEADS", "INPUT2", {}),
        ("445", "Light, Power, Heating", "OVERHEADS", "INPUT2", {}),
        ("461", "Printing & Stationery", "OVERHEADS", "INPUT2", {}),
        ("469", "Rent", "OVERHEADS", "INPUT2", {}),
        ("489", "Telephone & Internet", "OVERHEADS", "INPUT2", {}),
        ("610", "Accounts Receivable", "CURRENT", "NONE", {}),
        ("630", "Inventory", "INVENTORY", "NONE", {}),
        ("710", "Office Equipment", "FIXED", "INPUT2", {}),
        ("800", "Accounts Payable", "CURRLIAB", "NONE", {}),
        ("820", "GST", "CURRLIAB", "NONE", {}),
        ("877", "Tracking Transfers", "EQUITY", "NONE", {}),
        ("960", "Retained Earnings", "EQUITY", "NONE", {}),
        ("970", "Owner A Funds Introduced", "EQUITY", "NONE", {"EnablePaymentsToAccount": True}),
    ):
        record = {
            "AccountID": _uid(rng),
            "Code": code,
            "Name": name,
            "Type": acc_type,
            "TaxType": tax,
            "Status": "ACTIVE",
        }
        record.update(extra)
        accounts.append(record)
    tracking = [
        {
            "TrackingCategoryID": _uid(rng),
            "Name": "Region",
            "Status": "ACTIVE",
            "Options": [{"TrackingOptionID": _uid(rng), "Name": n} for n in ("North", "South", "Central")],
        },
        {
            "TrackingCategoryID": _uid(rng),
            "Name": "Department",
            "Status": "ACTIVE",
            "Options": [
                {"TrackingOptionID": _uid(rng), "Name": n} for n in ("Sales", "Support", "Operations")
            ],
        },
    ]
    return {
        "Organisation": [org],
        "Currencies": currencies,
        "TaxRates": tax_rates,
        "Accounts": accounts,
        "TrackingCategories": tracking,
    }


FIRST = (
    "Ava",
    "Noah",
    "Mia",
    "Liam",
    "Zoe",
    "Eli",
    "Ruby",
    "Leo",
    "Isla",
    "Finn",
    "Maya",
    "Theo",
    "Ivy",
    "Kai",
)
LAST = ("Walker", "Ngata", "Chen", "Smith", "Patel", "Brown", "Wilson", "Taylor", "Singh", "Martin", "Hughes")
COMPANY = (
    "Harbour",
    "Summit",
    "Kauri",
    "Tasman",
    "Pacific",
    "Southern",
    "Alpine",
    "Coastal",
    "Pioneer",
    "Fern",
    "Kiwi",
    "Ridge",
    "Meadow",
    "Bay",
    "Orchard",
    "Totara",
)
SUFFIX = ("Ltd", "Traders", "Consulting", "Supplies", "Holdings", "& Co", "Studio", "Logistics")


def contacts(rng, count, archived=2):
    out, names = [], set()
    while len(out) < count:
        name = f"{rng.choice(COMPANY)} {rng.choice(COMPANY[::-1])} {rng.choice(SUFFIX)}"
        if name in names:
            name = "%s %d" % (name, len(out))
        names.add(name)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        record = {
            "ContactID": _uid(rng),
            "ContactNumber": "C%05d" % (len(out) + 1),
            "Name": name,
            "FirstName": first,
            "LastName": last,
            "EmailAddress": f"{first.lower()}.{last.lower()}@{name.split()[0].lower()}.example",
            "ContactStatus": "ARCHIVED" if len(out) >= count - archived else "ACTIVE",
            "Addresses": [
                {
                    "AddressType": "STREET",
                    "AddressLine1": "%d %s Road" % (rng.randrange(1, 300), rng.choice(LAST)),
                    "City": rng.choice(("Auckland", "Wellington", "Christchurch", "Dunedin")),
                    "Country": "NZ",
                },
                {
                    "AddressType": "POBOX",
                    "AddressLine1": "PO Box %d" % rng.randrange(100, 9999),
                    "City": "Auckland",
                    "Country": "NZ",
                },
            ],
            "Phones": [
                {
                    "PhoneType": "DEFAULT",
                    "PhoneNumber": "%07d" % rng.randrange(10**6, 10**7),
                    "PhoneAreaCode": "09",
                }
            ],
            "UpdatedDateUTC": msdate.ms_json(
                dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(minutes=len(out))
            ),
        }
        if len(out) % 7 == 3:
            record["DefaultCurrency"] = "USD"
        out.append(record)
    return out


def items(rng, count=24):
    out = []
    for index in range(count):
        price = Decimal(rng.randrange(500, 250000)) / 100
        out.append(
            {
                "ItemID": _uid(rng),
                "Code": "ITEM-%03d" % (index + 1),
                "Name": "{} {}".format(
                    rng.choice(("Widget", "Gadget", "Service", "Licence", "Cable", "Bracket")), index + 1
                ),
                "Description": "Sales description %d" % (index + 1),
                "PurchaseDescription": "Purchase description %d" % (index + 1),
                "IsSold": index % 6 != 5,
                "IsPurchased": True,
                "SalesDetails": {"UnitPrice": float(price), "AccountCode": "200", "TaxType": "OUTPUT2"},
                "PurchaseDetails": {
                    "UnitPrice": float(price * Decimal("0.6")),
                    "AccountCode": "310",
                    "TaxType": "INPUT2",
                },
            }
        )
    return out


def _lines(rng, sales, count, item_list, tracking=None, tax_types=None):
    lines = []
    for _ in range(count):
        qty = Decimal(rng.randrange(1, 12))
        unit = Decimal(rng.randrange(1000, 90000)) / 100
        line = {
            "Description": rng.choice(
                ("Consulting", "Hardware", "Subscription", "Installation", "Freight", "Support")
            ),
            "Quantity": float(qty),
            "UnitAmount": float(unit),
            "AccountCode": "200" if sales else rng.choice(("310", "400", "429", "445", "469", "489")),
            "TaxType": rng.choice(tax_types) if tax_types else ("OUTPUT2" if sales else "INPUT2"),
        }
        if item_list and rng.random() < 0.3:
            line["ItemCode"] = rng.choice(item_list)["Code"]
        if sales and rng.random() < 0.1:
            line["DiscountRate"] = float(rng.choice((5, 10, 12.5)))
        if tracking and rng.random() < 0.4:
            cat = tracking[0]
            line["Tracking"] = [{"Name": cat["Name"], "Option": rng.choice(cat["Options"])["Name"]}]
        lines.append(line)
    return lines


def _total(lines, amount_type):
    computed = []
    for line in lines:
        amount, _ = totals.line_amount(
            Decimal(str(line["Quantity"])),
            Decimal(str(line["UnitAmount"])),
            Decimal(str(line.get("DiscountRate") or 0)) or None,
        )
        computed.append(
            {"amount": amount, "tax": totals.line_tax(amount, RATES[line["TaxType"]], amount_type)}
        )
    return totals.document_totals(computed, amount_type)[2]


def demo():
    """The demo organisation: a few hundred records across all collections."""
    rng = random.Random(20250401)
    data = settings()
    people = contacts(rng, 60)
    active = [c for c in people if c["ContactStatus"] == "ACTIVE"]
    stock = items(rng)
    tracking = data["TrackingCategories"]
    invoices, payments, notes = [], [], []
    fx = {"USD": 0.6, "AUD": 0.91, "GBP": 0.48, "EUR": 0.55}
    for index in range(160):
        sales = index % 4 != 3
        day = _day(rng)
        amount_type = (
            rng.choice(("Exclusive", "Exclusive", "Inclusive", "NoTax"))
            if sales
            else rng.choice(("Exclusive", "Inclusive"))
        )
        lines = _lines(
            rng,
            sales,
            rng.randrange(1, 5),
            stock if sales else [],
            tracking,
            ("OUTPUT2", "OUTPUT2", "ZERORATED", "TAX001") if sales else None,
        )
        currency = "NZD" if index % 9 else rng.choice(list(fx))
        status = rng.choice(
            ("DRAFT", "SUBMITTED", "AUTHORISED", "AUTHORISED", "AUTHORISED", "AUTHORISED", "VOIDED")
        )
        invoice = {
            "InvoiceID": _uid(rng),
            "Type": "ACCREC" if sales else "ACCPAY",
            "Contact": {"ContactID": rng.choice(active)["ContactID"]},
            "Date": day.isoformat(),
            "DueDate": (day + dt.timedelta(days=30)).isoformat(),
            "LineAmountTypes": amount_type,
            "Status": status,
            "LineItems": lines,
            "CurrencyCode": currency,
            "Reference": "Ref %d" % (index + 1),
        }
        if sales:
            invoice["InvoiceNumber"] = "INV-%04d" % (index + 1)
        else:
            invoice["InvoiceNumber"] = "SUP-%d" % rng.randrange(1000, 9999)
        if currency != "NZD":
            invoice["CurrencyRate"] = fx[currency]
        invoices.append(invoice)
        if status == "AUTHORISED" and rng.random() < 0.6:
            total = _total(lines, amount_type)
            if amount_type == "NoTax":
                total = _total([dict(li, TaxType="NONE") for li in lines], "NoTax")
            part = rng.random() < 0.35
            amount = (
                (total * Decimal(rng.choice(("0.25", "0.5", "0.4")))).quantize(Decimal("0.01"))
                if part
                else total
            )
            account = "091" if currency == "USD" else "090"
            payments.append(
                {
                    "PaymentID": _uid(rng),
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Account": {"Code": account},
                    "Date": (day + dt.timedelta(days=rng.randrange(1, 40))).isoformat(),
                    "Amount": float(amount),
                    "Reference": "Payment %d" % (len(payments) + 1),
                }
            )
    # fix items' lines on NoTax invoices: the server sets TaxType NONE on NoTax documents
    open_sales = [
        i
        for i in invoices
        if i["Type"] == "ACCREC"
        and i["Status"] == "AUTHORISED"
        and i["CurrencyCode"] == "NZD"
        and not any(p["Invoice"]["InvoiceID"] == i["InvoiceID"] for p in payments)
    ]
    for index in range(24):
        sales = index % 3 != 2
        day = _day(rng)
        lines = [
            {
                "Description": "Credit for returned goods",
                "Quantity": 1.0,
                "UnitAmount": float(Decimal(rng.randrange(1000, 20000)) / 100),
                "AccountCode": "200" if sales else "310",
                "TaxType": "OUTPUT2" if sales else "INPUT2",
            }
        ]
        note = {
            "CreditNoteID": _uid(rng),
            "Type": "ACCRECCREDIT" if sales else "ACCPAYCREDIT",
            "Contact": {"ContactID": rng.choice(active)["ContactID"]},
            "Date": day.isoformat(),
            "LineAmountTypes": "Exclusive",
            "Status": rng.choice(("DRAFT", "AUTHORISED", "AUTHORISED")),
            "LineItems": lines,
        }
        if sales:
            note["CreditNoteNumber"] = "CN-%04d" % (index + 1)
        if sales and note["Status"] == "AUTHORISED" and open_sales:
            target = open_sales.pop()
            target_total = (
                _total(target["LineItems"], target["LineAmountTypes"])
                if target["LineAmountTypes"] != "NoTax"
                else _total([dict(li, TaxType="NONE") for li in target["LineItems"]], "NoTax")
            )
            note_total = _total(lines, "Exclusive")
            note["Contact"] = dict(target["Contact"])
            note["Allocations"] = [
                {
                    "Invoice": {"InvoiceID": target["InvoiceID"]},
                    "Date": max(day, dt.date.fromisoformat(target["Date"])).isoformat(),
                    "Amount": float(min(note_total, target_total)),
                }
            ]
            note["Date"] = target["Date"]
        notes.append(note)
    journals = []
    for index in range(12):
        amount = float(Decimal(rng.randrange(10000, 500000)) / 100)
        journals.append(
            {
                "ManualJournalID": _uid(rng),
                "Narration": "Accrual %d" % (index + 1),
                "Date": _day(rng).isoformat(),
                "Status": rng.choice(("DRAFT", "POSTED", "POSTED")),
                "LineAmountTypes": "NoTax",
                "JournalLines": [
                    {"LineAmount": amount, "AccountCode": "429", "Description": "Accrued expense"},
                    {"LineAmount": -amount, "AccountCode": "800", "Description": "Accrued expense"},
                ],
            }
        )
    quotes, orders = [], []
    for index in range(18):
        day = _day(rng)
        quotes.append(
            {
                "QuoteID": _uid(rng),
                "QuoteNumber": "QU-%04d" % (index + 1),
                "Contact": {"ContactID": rng.choice(active)["ContactID"]},
                "Date": day.isoformat(),
                "ExpiryDate": (day + dt.timedelta(days=30)).isoformat(),
                "Status": rng.choice(("DRAFT", "SENT", "ACCEPTED", "DECLINED")),
                "LineAmountTypes": "EXCLUSIVE",
                "Title": "Quote %d" % (index + 1),
                "LineItems": _lines(rng, True, rng.randrange(1, 4), stock),
            }
        )
        orders.append(
            {
                "PurchaseOrderID": _uid(rng),
                "PurchaseOrderNumber": "PO-%04d" % (index + 1),
                "Contact": {"ContactID": rng.choice(active)["ContactID"]},
                "Date": day.isoformat(),
                "DeliveryDate": (day + dt.timedelta(days=14)).isoformat(),
                "Status": rng.choice(("DRAFT", "SUBMITTED", "AUTHORISED", "BILLED")),
                "LineAmountTypes": "Exclusive",
                "LineItems": _lines(rng, False, rng.randrange(1, 4), []),
            }
        )
    groups = [
        {
            "ContactGroupID": _uid(rng),
            "Name": name,
            "Status": "ACTIVE",
            "Contacts": [{"ContactID": c["ContactID"]} for c in rng.sample(active, 6)],
        }
        for name in ("Preferred customers", "Wholesale", "Overseas")
    ]
    data.update(
        {
            "Contacts": people,
            "ContactGroups": groups,
            "Items": stock,
            "Invoices": invoices,
            "CreditNotes": notes,
            "Payments": payments,
            "ManualJournals": journals,
            "Quotes": quotes,
            "PurchaseOrders": orders,
        }
    )
    # Every third tracked line is tracked by Department too (no draw from ``rng``: the rest of
    # the organisation stays as it was).
    department = tracking[1]["Options"]
    tracked = [line for invoice in invoices for line in invoice["LineItems"] if line.get("Tracking")]
    for index, line in enumerate(tracked[::3]):
        line["Tracking"].append(
            {"Name": tracking[1]["Name"], "Option": department[index % len(department)]["Name"]}
        )
    # The server forces TaxType NONE on NoTax documents; keep the seed consistent with that.
    for invoice in invoices:
        if invoice["LineAmountTypes"] == "NoTax":
            for line in invoice["LineItems"]:
                line["TaxType"] = "NONE"
    return data


def invoices_seed(count, lines_per_invoice=3, contact_count=200):
    """Settings + contacts + ``count`` invoices (ACCREC, mixed statuses), for benchmarks."""
    rng = random.Random(count)
    data = settings()
    people = contacts(rng, contact_count, archived=0)
    invoices = []
    for index in range(count):
        day = _day(rng, 700)
        invoices.append(
            {
                "InvoiceID": _uid(rng),
                "Type": "ACCREC",
                "InvoiceNumber": "INV-%06d" % (index + 1),
                "Contact": {"ContactID": people[index % contact_count]["ContactID"]},
                "Date": day.isoformat(),
                "DueDate": (day + dt.timedelta(days=30)).isoformat(),
                "LineAmountTypes": "Exclusive",
                "Status": ("AUTHORISED", "DRAFT", "AUTHORISED", "SUBMITTED")[index % 4],
                "LineItems": _lines(rng, True, lines_per_invoice, []),
            }
        )
    data.update({"Contacts": people, "Invoices": invoices})
    return data


def write(data, folder):
    os.makedirs(folder, exist_ok=True)
    for name, records in data.items():
        key = "Organisations" if name == "Organisation" else name
        with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8") as handle:
            json.dump({key: records}, handle, indent=1, sort_keys=False)
            handle.write("\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "demo":
        write(demo(), argv[1])
    elif len(argv) >= 3 and argv[0] == "invoices":
        write(invoices_seed(int(argv[1])), argv[2])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
