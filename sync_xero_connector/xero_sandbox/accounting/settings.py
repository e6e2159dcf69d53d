"""Organisation settings: accounts, tax rates, currencies, items, tracking categories, the organisation."""

from decimal import Decimal

from .. import msdate
from . import totals
from .base import Kind, resolve_account, resolve_tax_rate
from .common import Invalid, dec, new_id, num, stamp

ACCOUNT_CLASSES = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYGLIABILITY": "LIABILITY",
    "SUPERANNUATIONLIABILITY": "LIABILITY",
    "WAGESPAYABLELIABILITY": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "SUPERANNUATIONEXPENSE": "EXPENSE",
    "WAGESEXPENSE": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
    "PAYG": "LIABILITY",
}


def default_organisation(name, tenant_id, now):
    return {
        "OrganisationID": tenant_id,
        "APIKey": "SANDBOX",
        "Name": name,
        "LegalName": name,
        "PaysTax": True,
        "Version": "NZ",
        "OrganisationType": "COMPANY",
        "BaseCurrency": "NZD",
        "CountryCode": "NZ",
        "IsDemoCompany": True,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": "PAYMENTS",
        "SalesTaxPeriod": "TWOMONTHS",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "CreatedDateUTC": msdate.ms_json(now),
        "OrganisationEntityType": "COMPANY",
        "Timezone": "NEWZEALANDSTANDARDTIME",
        "ShortCode": "!sbx01",
        "Class": "PREMIUM",
        "Edition": "BUSINESS",
        "LineOfBusiness": "Software",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }


class Accounts(Kind):
    name = "Accounts"
    id_field = "AccountID"

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        for field in (
            "Code",
            "Name",
            "Type",
            "BankAccountNumber",
            "Description",
            "BankAccountType",
            "CurrencyCode",
            "TaxType",
            "EnablePaymentsToAccount",
            "ShowInExpenseClaims",
            "ReportingCode",
            "AddToWatchlist",
        ):
            if field in element:
                record[field] = element[field]
        status = (element.get("Status") or old.get("Status") or "ACTIVE").upper()
        if status not in ("ACTIVE", "ARCHIVED", "DELETED"):
            raise Invalid(f"Account status '{status}' is not valid")
        record["Status"] = status
        acc_type = str(record.get("Type") or "").upper()
        if acc_type not in ACCOUNT_CLASSES:
            raise Invalid("Please select a valid Account Type." if acc_type else "Account Type is required.")
        record["Type"] = acc_type
        if not str(record.get("Name") or "").strip():
            raise Invalid("Please enter a Name.")
        if acc_type != "BANK" and not str(record.get("Code") or "").strip():
            raise Invalid("Please enter a Code.")
        if len(str(record.get("Code") or "")) > 10:
            raise Invalid("Code must not be longer than 10 characters.")
        for index, label in (("code", "Code"), ("name", "Name")):
            if record.get(label):
                clash = ctx.tenant.lookup("Accounts", index, record[label])
                if clash is not None and clash["AccountID"] != old.get("AccountID"):
                    raise Invalid(f"Please enter a unique {label}.")
        if acc_type == "BANK":
            if not record.get("BankAccountNumber"):
                raise Invalid("Bank Account Number is required for bank accounts.")
            record.setdefault("BankAccountType", "BANK")
            record.setdefault("CurrencyCode", (ctx.tenant.organisation or {}).get("BaseCurrency", "NZD"))
        if (
            record.get("TaxType")
            and resolve_tax_rate(ctx, record["TaxType"]) is None
            and record["TaxType"] != "NONE"
        ):
            raise Invalid("The TaxType code '{}' does not exist".format(record["TaxType"]))
        record["AccountID"] = old.get("AccountID") or new_id()
        record["Class"] = ACCOUNT_CLASSES[acc_type]
        record.setdefault("EnablePaymentsToAccount", False)
        record.setdefault("ShowInExpenseClaims", False)
        record.setdefault("ReportingCode", "")
        record.setdefault("HasAttachments", False)
        record.setdefault("AddToWatchlist", False)
        return stamp(record, ctx.now, with_string=False)

    def visible(self, ctx, record):
        return record.get("Status") != "DELETED"

    def default_order(self):
        return lambda r: str(r.get("Code") or "~" + r.get("Name", ""))


class TaxRates(Kind):
    name = "TaxRates"
    id_field = "TaxType"
    ims = False

    def match(self, ctx, element, method, path_id):
        key = element.get("TaxType")
        if key:
            record = ctx.tenant.get(self.name, key)
            if record is None:
                raise Invalid(f"The TaxType '{key}' does not exist")
            if method == "PUT":
                raise Invalid(f"A tax rate with TaxType {key} already exists")
            return record
        if method == "POST" and element.get("Name"):
            for record in ctx.tenant.all(self.name):
                if record.get("Name", "").lower() == element["Name"].lower():
                    return record
        return None

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        name = (element.get("Name") if "Name" in element else old.get("Name") or "").strip()
        if not name:
            raise Invalid("The tax rate name must be specified")
        components = element.get("TaxComponents", old.get("TaxComponents"))
        if not components:
            raise Invalid("At least one tax component is required")
        clean = []
        for comp in components:
            if not comp.get("Name"):
                raise Invalid("Each tax component must have a Name")
            rate = dec(comp.get("Rate"), "Rate") or Decimal(0)
            clean.append(
                {
                    "Name": comp["Name"],
                    "Rate": num(rate, 4),
                    "IsCompound": bool(comp.get("IsCompound")),
                    "IsNonRecoverable": bool(comp.get("IsNonRecoverable")),
                }
            )
        display, effective = totals.effective_rate(clean)
        if existing is None:
            used = [
                int(t[3:])
                for t in ctx.tenant.collections[self.name]
                if t.startswith("TAX") and t[3:].isdigit()
            ]
            tax_type = "TAX%03d" % (max(used, default=0) + 1)
        else:
            tax_type = old["TaxType"]
        record.update(
            {
                "Name": name,
                "TaxType": tax_type,
                "TaxComponents": clean,
                "Status": (element.get("Status") or old.get("Status") or "ACTIVE").upper(),
                "ReportTaxType": element.get("ReportTaxType", old.get("ReportTaxType", "OUTPUT")),
                "DisplayTaxRate": num(display, 4),
                "EffectiveRate": num(effective, 4),
            }
        )
        for flag in (
            "CanApplyToAssets",
            "CanApplyToEquity",
            "CanApplyToExpenses",
            "CanApplyToLiabilities",
            "CanApplyToRevenue",
        ):
            record.setdefault(flag, True)
        if record["Status"] not in ("ACTIVE", "DELETED", "ARCHIVED", "PENDING"):
            raise Invalid("Tax rate status '{}' is not valid".format(record["Status"]))
        return record

    def default_order(self):
        return lambda r: r.get("Name", "").lower()


class Currencies(Kind):
    name = "Currencies"
    id_field = "Code"
    ims = False

    def match(self, ctx, element, method, path_id):
        code = str(element.get("Code") or "").upper()
        if code and ctx.tenant.get(self.name, code):
            raise Invalid(f"The currency {code} has already been added to this organisation")

    def build(self, ctx, element, existing):
        code = str(element.get("Code") or "").upper()
        if len(code) != 3 or not code.isalpha():
            raise Invalid("A valid three letter currency Code is required")
        return {"Code": code, "Description": element.get("Description") or code}

    def default_order(self):
        return lambda r: r["Code"]


def _details(ctx, value, label, require_cogs=False):
    if not value:
        return {}
    out = {}
    if value.get("UnitPrice") is not None:
        out["UnitPrice"] = num(dec(value["UnitPrice"], "UnitPrice"), 4)
    for field in ("AccountCode", "COGSAccountCode"):
        if value.get(field):
            if resolve_account(ctx, value[field]) is None:
                raise Invalid(f"{label} {field} '{value[field]}' is not a valid account code")
            out[field] = value[field]
    if value.get("TaxType"):
        if resolve_tax_rate(ctx, value["TaxType"]) is None and value["TaxType"] != "NONE":
            raise Invalid("The TaxType code '{}' does not exist".format(value["TaxType"]))
        out["TaxType"] = value["TaxType"]
    return out


class Items(Kind):
    name = "Items"
    id_field = "ItemID"

    def match(self, ctx, element, method, path_id):
        record = super().match(ctx, element, method, path_id)
        if record is None and element.get("Code"):
            same = ctx.tenant.lookup("Items", "code", element["Code"])
            if same is not None:
                if method == "PUT":
                    raise Invalid("Item code '{}' already exists".format(element["Code"]))
                return same  # POST matches items by Code.
        return record

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        for field in (
            "Code",
            "Name",
            "Description",
            "PurchaseDescription",
            "IsSold",
            "IsPurchased",
            "InventoryAssetAccountCode",
        ):
            if field in element:
                record[field] = element[field]
        code = str(record.get("Code") or "").strip()
        if not code:
            raise Invalid("Item Code must be specified")
        if len(code) > 30:
            raise Invalid("Item Code must not be longer than 30 characters")
        clash = ctx.tenant.lookup("Items", "code", code)
        if clash is not None and clash["ItemID"] != old.get("ItemID"):
            raise Invalid(f"Item code '{code}' already exists")
        if len(str(record.get("Name") or "")) > 50:
            raise Invalid("Item Name must not be longer than 50 characters")
        record["Code"] = code
        record.setdefault("Name", code)
        record["IsSold"] = record.get("IsSold", True) is not False
        record["IsPurchased"] = record.get("IsPurchased", True) is not False
        if "SalesDetails" in element:
            record["SalesDetails"] = _details(ctx, element["SalesDetails"], "SalesDetails")
        if "PurchaseDetails" in element:
            record["PurchaseDetails"] = _details(ctx, element["PurchaseDetails"], "PurchaseDetails")
        if not record["IsSold"]:
            record["SalesDetails"] = {}
        if not record["IsPurchased"]:
            record["PurchaseDetails"] = {}
        tracked = bool(record.get("InventoryAssetAccountCode"))
        if tracked:
            account = resolve_account(ctx, record["InventoryAssetAccountCode"])
            if account is None or account.get("Type") != "INVENTORY":
                raise Invalid("InventoryAssetAccountCode must be an account of type INVENTORY")
            if not (record.get("PurchaseDetails") or {}).get("COGSAccountCode"):
                raise Invalid("A COGSAccountCode is required in PurchaseDetails for a tracked inventory item")
        record["IsTrackedAsInventory"] = tracked
        if tracked:
            record.setdefault("QuantityOnHand", 0.0)
            record.setdefault("TotalCostPool", 0.0)
        record["ItemID"] = old.get("ItemID") or new_id()
        return stamp(record, ctx.now, with_string=False)

    def default_order(self):
        return lambda r: r.get("Code", "").lower()


class TrackingCategories(Kind):
    name = "TrackingCategories"
    id_field = "TrackingCategoryID"
    ims = False

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        name = element.get("Name", element.get("name", old.get("Name")))
        name = (name or "").strip()
        if not name:
            raise Invalid("Tracking category Name must be specified")
        status = (element.get("Status") or old.get("Status") or "ACTIVE").upper()
        if status not in ("ACTIVE", "ARCHIVED", "DELETED"):
            raise Invalid(f"Tracking category status '{status}' is not valid")
        for other in ctx.tenant.all(self.name):
            if (
                other["TrackingCategoryID"] != old.get("TrackingCategoryID")
                and other.get("Status") != "DELETED"
                and other["Name"].lower() == name.lower()
            ):
                raise Invalid(f"A tracking category with the name '{name}' already exists")
        if status == "ACTIVE" and old.get("Status") != "ACTIVE":
            active = sum(1 for c in ctx.tenant.all(self.name) if c.get("Status") == "ACTIVE")
            if active >= 2:
                raise Invalid("You have reached the maximum number of active tracking categories (2)")
        record.update(
            {"TrackingCategoryID": old.get("TrackingCategoryID") or new_id(), "Name": name, "Status": status}
        )
        record.setdefault("Options", [])
        return record

    def option(self, ctx, category, element, option_id=None):
        """A new category record with one option added or changed."""
        options = [dict(o) for o in category.get("Options", [])]
        name = (element.get("Name") or "").strip()
        if option_id:
            target = next((o for o in options if o["TrackingOptionID"] == option_id.lower()), None)
            if target is None:
                raise Invalid(f"Tracking option {option_id} could not be found")
            if name:
                target["Name"] = name
            if element.get("Status"):
                target["Status"] = element["Status"].upper()
        else:
            if not name:
                raise Invalid("Tracking option Name must be specified")
            if any(o["Name"].lower() == name.lower() for o in options if o.get("Status") != "DELETED"):
                raise Invalid(f"A tracking option with the name '{name}' already exists")
            target = {
                "TrackingOptionID": new_id(),
                "Name": name,
                "Status": "ACTIVE",
                "TrackingCategoryID": category["TrackingCategoryID"],
            }
            options.append(target)
        record = dict(category)
        record["Options"] = options
        return record, target

    def visible(self, ctx, record):
        if record.get("Status") == "DELETED":
            return False
        if record.get("Status") == "ARCHIVED":
            return str(ctx.param("includeArchived", "")).lower() == "true"
        return True

    def render(self, ctx, record, full=True):
        out = dict(record)
        out["Options"] = [o for o in record.get("Options", []) if o.get("Status") != "DELETED"]
        return out

    def default_order(self):
        return lambda r: r.get("Name", "").lower()


ACCOUNTS = Accounts()
TAX_RATES = TaxRates()
CURRENCIES = Currencies()
ITEMS = Items()
TRACKING_CATEGORIES = TrackingCategories()
