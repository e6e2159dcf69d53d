"""The shape every collection follows, and lookups shared between collections."""

from .. import msdate
from . import query
from .common import Invalid, is_uuid, new_id, record_date


class Kind:
    """One collection of the accounting API. Subclasses fill in ``build`` and the class attributes."""

    name = ""  # collection, e.g. "Invoices" (also the JSON key)
    id_field = ""  # e.g. "InvoiceID"
    number_field = None  # GET /Collection/{number} where Xero allows it
    paged = False  # supports ?page
    page_size = False  # supports ?pageSize
    ims = True  # supports If-Modified-Since
    has_where = True
    summary_drop = ()  # fields dropped by summaryOnly=true
    unpaged_drop = ()  # fields dropped from a list read without ?page (Xero omits line items then)
    webhook = None  # webhook category ("INVOICE"...) or None
    creatable = True
    updatable = True

    # -- lookups ---------------------------------------------------------------------------------
    def find(self, ctx, key):
        record = ctx.tenant.get(self.name, key)
        if record is None and is_uuid(key):
            record = ctx.tenant.get(self.name, key.lower())
        if record is None and self.number_field:
            record = self.find_by_number(ctx, key)
        return record

    def find_by_number(self, ctx, number):
        for record in ctx.tenant.all(self.name):
            if str(record.get(self.number_field, "")).lower() == str(number).lower():
                return record
        return None

    def match(self, ctx, element, method, path_id):
        """The stored record an incoming element updates, or None to create. Raises Invalid."""
        ident = path_id or element.get(self.id_field)
        if ident:
            record = self.find(ctx, str(ident))
            if record is None:
                raise Invalid(
                    f"An existing {self.singular()} with the specified {self.id_field} could not be found"
                )
            if method == "PUT":
                raise Invalid(
                    f"A {self.singular()} with {self.id_field} {ident} already exists; use POST to update it"
                )
            return record
        return None

    def singular(self):
        return {
            "Invoices": "Invoice",
            "CreditNotes": "Credit Note",
            "Contacts": "Contact",
            "ContactGroups": "Contact Group",
            "Accounts": "Account",
            "TaxRates": "Tax Rate",
            "Items": "Item",
            "TrackingCategories": "Tracking Category",
            "Payments": "Payment",
            "ManualJournals": "Manual Journal",
            "Quotes": "Quote",
            "PurchaseOrders": "Purchase Order",
            "Currencies": "Currency",
        }.get(self.name, self.name)

    # -- writes ----------------------------------------------------------------------------------
    def build(self, ctx, element, existing):
        """A new stored record from an incoming element (and the record it updates)."""
        raise NotImplementedError

    def after_put(self, ctx, record, old):
        if self.webhook:
            ctx.event(
                self.webhook,
                "CREATE" if old is None else "UPDATE",
                record[self.id_field],
                self.webhook_data(record),
            )

    def webhook_data(self, record):
        return None

    # -- reads -----------------------------------------------------------------------------------
    def visible(self, ctx, record):
        """Whether a record shows in a plain list (e.g. archived contacts are hidden)."""
        return True

    def filters(self, ctx):
        """Extra predicates from endpoint-specific query parameters."""
        return []

    def default_order(self):
        return None

    def render(self, ctx, record, full=True):
        return record

    def list(self, ctx, if_modified_since=None):
        records = [r for r in ctx.tenant.all(self.name) if self.visible(ctx, r)]
        if if_modified_since is not None and self.ims:
            records = [r for r in records if query.updated_ms(r) > if_modified_since]
        preds = self.filters(ctx)
        where = query.where_predicate(ctx.param("where")) if self.has_where else None
        if where:
            preds.append(where)
        for pred in preds:
            records = [r for r in records if pred(r)]
        records = query.apply_order(records, ctx.param("order"), self.default_order())
        raw = self._raw(ctx, [lambda r: self.visible(ctx, r)] + preds, if_modified_since)
        records += raw  # after the ordered records, in the order they were planted
        page, block = query.paginate(
            records, ctx.param("page") if self.paged else None, ctx.param("pageSize"), self.page_size
        )
        summary = str(ctx.param("summaryOnly", "")).lower() == "true"
        drop = set(self.summary_drop) if summary else set()
        if block is None and self.paged:
            drop |= set(self.unpaged_drop)
        planted = {id(r) for r in raw}
        ctx.injected = any(id(r) in planted for r in page)
        out = [r if id(r) in planted else self.render(ctx, r) for r in page]
        if drop:
            out = [{k: v for k, v in r.items() if k not in drop} if id(r) not in planted else r for r in out]
        return out, block

    def _raw(self, ctx, preds, if_modified_since):
        """The planted elements this read lists: those the filters keep, and those the filters
        cannot even read (a hostile element shows wherever it might)."""
        out = []
        for element in ctx.tenant.raw.get(self.name, ()):
            stamp = msdate.ms_from_json(element.get("UpdatedDateUTC")) if isinstance(element, dict) else None
            if (
                if_modified_since is not None
                and self.ims
                and stamp is not None
                and stamp <= if_modified_since
            ):
                continue
            if isinstance(element, dict) and not all(_lenient(p, element) for p in preds):
                continue
            out.append(element)
        return out


def _lenient(pred, element):
    try:
        return pred(element)
    except (AttributeError, KeyError, TypeError, ValueError):
        return True


# -- shared lookups ------------------------------------------------------------------------------
def resolve_contact(ctx, ref, new_document=True, create_missing=True):
    """The contact a document points at: ContactID, ContactNumber or Name (Xero creates by Name)."""
    if not isinstance(ref, dict) or not ref:
        raise Invalid("A Contact must be specified for this type of transaction")
    tenant = ctx.tenant
    contact = None
    if ref.get("ContactID"):
        contact = tenant.get("Contacts", str(ref["ContactID"]).lower()) or tenant.get(
            "Contacts", str(ref["ContactID"])
        )
        if contact is None:
            raise Invalid("The contact with ContactID {} could not be found".format(ref["ContactID"]))
    elif ref.get("ContactNumber"):
        contact = tenant.lookup("Contacts", "number", ref["ContactNumber"])
        if contact is None:
            raise Invalid("The contact with ContactNumber {} could not be found".format(ref["ContactNumber"]))
    elif ref.get("Name"):
        contact = tenant.lookup("Contacts", "active_name", ref["Name"])
        if contact is None and create_missing:
            # Xero makes a new contact when a document names one that does not exist.
            from .contacts import CONTACTS

            contact = CONTACTS.create_minimal(ctx, ref["Name"].strip())
    if contact is None:
        raise Invalid("A Contact must be specified for this type of transaction")
    if new_document and contact.get("ContactStatus") == "ARCHIVED" and not ctx.seeding:
        raise Invalid(
            "The contact '{}' is archived and cannot be used on new transactions. "
            "Restore the contact before using it.".format(contact.get("Name"))
        )
    return contact


def contact_summary(contact):
    out = {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}
    for field in ("ContactNumber", "ContactStatus"):
        if contact.get(field):
            out[field] = contact[field]
    out["HasValidationErrors"] = False
    return out


def resolve_account(ctx, code=None, account_id=None):
    tenant = ctx.tenant
    account = None
    if account_id:
        account = tenant.get("Accounts", str(account_id).lower()) or tenant.get("Accounts", str(account_id))
    elif code not in (None, ""):
        account = tenant.lookup("Accounts", "code", str(code))
    if account is None or account.get("Status") == "DELETED":
        return None
    return account


def resolve_tax_rate(ctx, tax_type):
    """The active TaxRate of a TaxType, or None when unknown.

    A tenant with no tax rates at all (a seed without TaxRates.json), and seed loading, accept any TaxType
    at 0%: there is nothing to compute the tax from, and refusing would make such seeds unusable.
    """
    rate = ctx.tenant.get("TaxRates", tax_type)
    if rate is None and (ctx.seeding or not ctx.tenant.collections["TaxRates"]):
        return {"TaxType": tax_type, "EffectiveRate": 0.0, "Status": "ACTIVE"}
    if rate is None or rate.get("Status") not in (None, "ACTIVE"):
        return None
    return rate


def check_lock_dates(ctx, day, what="document"):
    """Documents dated on or before the organisation's lock dates are rejected."""
    if ctx.seeding:
        return
    org = ctx.tenant.organisation or {}
    for field, label in (("EndOfYearLockDate", "end of year lock date"), ("PeriodLockDate", "lock date")):
        lock = record_date(org, field)
        if lock and day and day <= lock:
            raise Invalid(
                f"The {what} date cannot be on or before the {label} ({lock.isoformat()}). Amend the date or the "
                "organisation's lock dates."
            )


def base_currency(ctx):
    return (ctx.tenant.organisation or {}).get("BaseCurrency", "NZD")


def fresh_id(record, field):
    return record.get(field) or new_id()


def date_pair(day, name="Date"):
    return msdate.date_fields(day, name)
