"""Per-tenant state: collections of rendered records, a few unique indexes, counters.

Discipline that keeps rollback cheap: a stored record is never changed in place. Every write builds a
new dict and calls ``Tenant.put``; so a shallow copy of the collections (``snapshot``) is a complete
undo point for a batch or one batch element.
"""

import threading
import uuid

COLLECTIONS = (
    "Contacts",
    "ContactGroups",
    "Accounts",
    "TaxRates",
    "Currencies",
    "Items",
    "TrackingCategories",
    "Invoices",
    "CreditNotes",
    "Payments",
    "ManualJournals",
    "Quotes",
    "PurchaseOrders",
)

ID_FIELDS = {
    "Contacts": "ContactID",
    "ContactGroups": "ContactGroupID",
    "Accounts": "AccountID",
    "TaxRates": "TaxType",
    "Currencies": "Code",
    "Items": "ItemID",
    "TrackingCategories": "TrackingCategoryID",
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "Payments": "PaymentID",
    "ManualJournals": "ManualJournalID",
    "Quotes": "QuoteID",
    "PurchaseOrders": "PurchaseOrderID",
}


def _lower(value):
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


# Unique indexes kept up to date on every put: (collection, index name) -> key function.
INDEXES = {
    ("Contacts", "active_name"): lambda r: (
        _lower(r.get("Name")) if r.get("ContactStatus", "ACTIVE") == "ACTIVE" else None
    ),
    ("Contacts", "number"): lambda r: _lower(r.get("ContactNumber")),
    ("Accounts", "code"): lambda r: _lower(r.get("Code")) if r.get("Status") != "DELETED" else None,
    ("Accounts", "name"): lambda r: _lower(r.get("Name")) if r.get("Status") != "DELETED" else None,
    ("Items", "code"): lambda r: _lower(r.get("Code")),
    ("Invoices", "accrec_number"): lambda r: (
        _lower(r.get("InvoiceNumber")) if r.get("Type") == "ACCREC" else None
    ),
    ("CreditNotes", "accrec_number"): lambda r: (
        _lower(r.get("CreditNoteNumber")) if r.get("Type") == "ACCRECCREDIT" else None
    ),
    ("Quotes", "number"): lambda r: _lower(r.get("QuoteNumber")),
    ("PurchaseOrders", "number"): lambda r: _lower(r.get("PurchaseOrderNumber")),
}


class Tenant:
    def __init__(self, name, tenant_id=None):
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.name = name
        self.clear()

    def clear(self):
        self.collections = {name: {} for name in COLLECTIONS}
        self.indexes = {key: {} for key in INDEXES}
        self.counters = {}
        self.organisation = None
        self.attachments = {}  # (collection, record id) -> tuple of attachment dicts (with "_content")
        self.group_members = {}  # contact group id -> tuple of contact ids
        # What each approved document did to its tracked items (accounting/inventory.py):
        # (collection, document id) -> {item id: (quantity, value)}.
        self.inventory = {}
        # Elements planted as they are (Sandbox.inject_raw): listed verbatim, never validated,
        # never written to; a hostile Xero for the client's tests.
        self.raw = {}  # collection -> list of elements

    # -- reading ---------------------------------------------------------------------------------
    def get(self, collection, record_id):
        return self.collections[collection].get(record_id)

    def lookup(self, collection, index, key):
        record_id = self.indexes[(collection, index)].get(_lower(key))
        return self.collections[collection].get(record_id) if record_id else None

    def all(self, collection):
        return self.collections[collection].values()

    # -- writing ---------------------------------------------------------------------------------
    def put(self, collection, record):
        record_id = record[ID_FIELDS[collection]]
        coll = self.collections[collection]
        old = coll.get(record_id)
        for (name, index_name), keyfunc in INDEXES.items():
            if name != collection:
                continue
            index = self.indexes[(name, index_name)]
            if old is not None:
                old_key = keyfunc(old)
                if old_key is not None and index.get(old_key) == record_id:
                    del index[old_key]
            new_key = keyfunc(record)
            if new_key is not None:
                index[new_key] = record_id
        coll[record_id] = record
        return record

    def remove(self, collection, record_id):
        old = self.collections[collection].pop(record_id, None)
        if old is None:
            return
        for (name, index_name), keyfunc in INDEXES.items():
            if name == collection:
                index = self.indexes[(name, index_name)]
                key = keyfunc(old)
                if key is not None and index.get(key) == record_id:
                    del index[key]

    def next_number(self, counter):
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]

    # -- undo points -----------------------------------------------------------------------------
    def snapshot(self):
        return (
            {k: dict(v) for k, v in self.collections.items()},
            {k: dict(v) for k, v in self.indexes.items()},
            dict(self.counters),
            self.organisation,
            dict(self.attachments),
            dict(self.group_members),
            dict(self.inventory),
        )

    def restore(self, snap):
        (collections, indexes, counters, organisation, attachments, members, inventory) = snap
        self.collections = {k: dict(v) for k, v in collections.items()}
        self.indexes = {k: dict(v) for k, v in indexes.items()}
        self.counters = dict(counters)
        self.organisation = organisation
        self.attachments = dict(attachments)
        self.group_members = dict(members)
        self.inventory = dict(inventory)


class Store:
    """All tenants, behind one lock (the sandbox is small; correctness first)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.tenants = {}

    def add(self, tenant):
        with self.lock:
            self.tenants[tenant.tenant_id] = tenant
        return tenant

    def get(self, tenant_id):
        return self.tenants.get(tenant_id)
