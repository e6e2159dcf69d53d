"""Contacts and contact groups."""

from .base import Kind
from .common import Invalid, new_id, stamp

CONTACT_FIELDS = (
    "ContactNumber",
    "AccountNumber",
    "Name",
    "FirstName",
    "LastName",
    "CompanyNumber",
    "EmailAddress",
    "ContactPersons",
    "BankAccountDetails",
    "TaxNumber",
    "TaxNumberType",
    "AccountsReceivableTaxType",
    "AccountsPayableTaxType",
    "Addresses",
    "Phones",
    "SalesDefaultLineAmountType",
    "PurchasesDefaultLineAmountType",
    "DefaultCurrency",
    "XeroNetworkKey",
    "SalesDefaultAccountCode",
    "PurchasesDefaultAccountCode",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
    "TrackingCategoryName",
    "TrackingCategoryOption",
    "PaymentTerms",
    "Website",
    "BrandingTheme",
    "BatchPayments",
    "Discount",
)


class Contacts(Kind):
    name = "Contacts"
    id_field = "ContactID"
    number_field = "ContactNumber"
    paged = True
    page_size = True
    webhook = "CONTACT"
    summary_drop = (
        "Addresses",
        "Phones",
        "ContactPersons",
        "ContactGroups",
        "PaymentTerms",
        "Balances",
        "SalesTrackingCategories",
        "PurchasesTrackingCategories",
        "BatchPayments",
    )

    def find_by_number(self, ctx, number):
        return ctx.tenant.lookup("Contacts", "number", number)

    def match(self, ctx, element, method, path_id):
        record = super().match(ctx, element, method, path_id)
        if record is None and method == "POST" and element.get("ContactNumber"):
            # Bulk POST without an ID updates the contact with the same ContactNumber.
            record = ctx.tenant.lookup("Contacts", "number", element["ContactNumber"])
        return record

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        for field in CONTACT_FIELDS:
            if field in element:
                record[field] = element[field]
        name = (record.get("Name") or "").strip()
        if not name:
            raise Invalid("The contact name must be specified")
        if len(name) > 255:
            raise Invalid("The contact name must not be longer than 255 characters")
        if record.get("ContactNumber") and len(str(record["ContactNumber"])) > 50:
            raise Invalid("The ContactNumber must not be longer than 50 characters")
        status = (element.get("ContactStatus") or old.get("ContactStatus") or "ACTIVE").upper()
        if status not in ("ACTIVE", "ARCHIVED", "GDPRREQUEST"):
            raise Invalid(f"ContactStatus '{status}' is not valid")
        record["Name"] = name
        record["ContactStatus"] = status
        if status == "ACTIVE":
            clash = ctx.tenant.lookup("Contacts", "active_name", name)
            if clash is not None and clash["ContactID"] != old.get("ContactID"):
                raise Invalid(
                    f"The contact name {name} is already assigned to another contact. The contact name must "
                    "be unique across all active contacts."
                )
        record["ContactID"] = old.get("ContactID") or new_id()
        record.setdefault("Addresses", [])
        record.setdefault("Phones", [])
        record.setdefault("ContactPersons", [])
        record.setdefault("IsSupplier", False)
        record.setdefault("IsCustomer", False)
        record.setdefault("HasAttachments", False)
        record["HasValidationErrors"] = False
        return stamp(record, ctx.now, with_string=False)

    def create_minimal(self, ctx, name):
        record = self.build(ctx, {"Name": name}, None)
        ctx.tenant.put(self.name, record)
        self.after_put(ctx, record, None)
        return record

    def visible(self, ctx, record):
        if str(ctx.param("includeArchived", "")).lower() == "true":
            return True
        return record.get("ContactStatus") != "ARCHIVED"

    def filters(self, ctx):
        preds = []
        ids = ctx.param("IDs")
        if ids:
            wanted = {i.strip().lower() for i in ids.split(",") if i.strip()}
            preds.append(lambda r: r["ContactID"] in wanted)
        term = ctx.param("searchTerm")
        if term:
            term = term.lower()
            preds.append(
                lambda r: any(
                    term in str(r.get(f, "")).lower()
                    for f in ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
                )
            )
        return preds

    def default_order(self):
        return lambda r: r.get("Name", "").lower()

    def render(self, ctx, record, full=True):
        groups = [gid for gid, members in ctx.tenant.group_members.items() if record["ContactID"] in members]
        out = dict(record)
        out["ContactGroups"] = []
        for gid in groups:
            group = ctx.tenant.get("ContactGroups", gid)
            if group and group.get("Status") == "ACTIVE":
                out["ContactGroups"].append(
                    {"ContactGroupID": gid, "Name": group["Name"], "Status": "ACTIVE", "Contacts": []}
                )
        return out


class ContactGroups(Kind):
    name = "ContactGroups"
    id_field = "ContactGroupID"
    ims = False

    def build(self, ctx, element, existing):
        old = existing or {}
        record = dict(old)
        name = (element.get("Name") if "Name" in element else old.get("Name") or "").strip()
        if not name:
            raise Invalid("Contact group name must be specified")
        status = (element.get("Status") or old.get("Status") or "ACTIVE").upper()
        if status not in ("ACTIVE", "DELETED"):
            raise Invalid(f"Contact group status '{status}' is not valid")
        for other in ctx.tenant.all(self.name):
            if (
                other["ContactGroupID"] != old.get("ContactGroupID")
                and other.get("Status") == "ACTIVE"
                and other["Name"].lower() == name.lower()
                and status == "ACTIVE"
            ):
                raise Invalid(f"A contact group with the name '{name}' already exists")
        if existing is None:
            active = sum(1 for g in ctx.tenant.all(self.name) if g.get("Status") == "ACTIVE")
            if active >= 100:
                raise Invalid("You've reached the limit of 100 contact groups")
        record.update(
            {"ContactGroupID": old.get("ContactGroupID") or new_id(), "Name": name, "Status": status}
        )
        record.pop("Contacts", None)
        return record

    def visible(self, ctx, record):
        return record.get("Status") == "ACTIVE"

    def default_order(self):
        return lambda r: r.get("Name", "").lower()

    def render(self, ctx, record, full=True):
        out = dict(record)
        if full:
            members = ctx.tenant.group_members.get(record["ContactGroupID"], ())
            out["Contacts"] = [
                {"ContactID": cid, "Name": ctx.tenant.get("Contacts", cid).get("Name", "")}
                for cid in members
                if ctx.tenant.get("Contacts", cid)
            ]
        else:
            out["Contacts"] = []
        return out

    def add_members(self, ctx, group, contacts):
        members = list(ctx.tenant.group_members.get(group["ContactGroupID"], ()))
        added = []
        for ref in contacts:
            cid = str((ref or {}).get("ContactID", "")).lower()
            contact = ctx.tenant.get("Contacts", cid)
            if contact is None:
                raise Invalid(f"The contact with ContactID {cid} could not be found")
            if cid not in members:
                members.append(cid)
            added.append({"ContactID": cid, "Name": contact.get("Name", "")})
        ctx.tenant.group_members[group["ContactGroupID"]] = tuple(members)
        return added

    def remove_members(self, ctx, group, contact_id=None):
        members = ctx.tenant.group_members.get(group["ContactGroupID"], ())
        if contact_id is None:
            ctx.tenant.group_members[group["ContactGroupID"]] = ()
            return True
        contact_id = contact_id.lower()
        if contact_id not in members:
            return False
        ctx.tenant.group_members[group["ContactGroupID"]] = tuple(m for m in members if m != contact_id)
        return True


CONTACTS = Contacts()
CONTACT_GROUPS = ContactGroups()
