# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What each Accounting API collection supports (../shared/xero/API_FACTS.md §3 and §5)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str  # path segment and JSON key, e.g. "Invoices"
    id_field: str  # e.g. "InvoiceID"
    number_field: str = None  # e.g. "InvoiceNumber"
    paged: bool = False  # takes `page`
    page_size: bool = False  # takes `pageSize`
    modified_since: bool = False  # takes If-Modified-Since
    summarize_errors: bool = False  # bulk writes take summarizeErrors=false
    unitdp: bool = False  # takes unitdp=4
    include_archived: bool = False
    batch_write: bool = True  # PUT/POST take {"<name>": [...]}; False: one object per request
    ids_filter: bool = False
    numbers_filter: str = None  # query parameter taking a comma-separated list of numbers
    default_page_size: int = 100


COLLECTIONS = {
    c.name: c
    for c in (
        Collection(
            "Contacts",
            "ContactID",
            "ContactNumber",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
            include_archived=True,
            ids_filter=True,
        ),
        Collection("ContactGroups", "ContactGroupID"),
        Collection("Accounts", "AccountID", "Code", modified_since=True, batch_write=False),
        Collection("TaxRates", "TaxType"),
        Collection("Currencies", "Code", batch_write=False),
        Collection("Items", "ItemID", "Code", modified_since=True, summarize_errors=True, unitdp=True),
        # PUT creates one category, POST /{id} updates one (no batch).
        Collection("TrackingCategories", "TrackingCategoryID", include_archived=True, batch_write=False),
        Collection(
            "Invoices",
            "InvoiceID",
            "InvoiceNumber",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
            unitdp=True,
            include_archived=True,
            ids_filter=True,
            numbers_filter="InvoiceNumbers",
        ),
        Collection(
            "CreditNotes",
            "CreditNoteID",
            "CreditNoteNumber",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
            unitdp=True,
        ),
        Collection(
            "Payments", "PaymentID", paged=True, page_size=True, modified_since=True, summarize_errors=True
        ),
        Collection(
            "ManualJournals",
            "ManualJournalID",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
        ),
        Collection(
            "Quotes", "QuoteID", "QuoteNumber", paged=True, modified_since=True, summarize_errors=True
        ),
        Collection(
            "PurchaseOrders",
            "PurchaseOrderID",
            "PurchaseOrderNumber",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
        ),
        Collection(
            "BankTransactions",
            "BankTransactionID",
            paged=True,
            page_size=True,
            modified_since=True,
            summarize_errors=True,
            unitdp=True,
        ),
        Collection("Organisation", "OrganisationID", batch_write=False),
    )
}

# Collections whose list answer uses another JSON key than the path.
RESPONSE_KEY = {"Organisation": "Organisations"}


def collection(name):
    try:
        return COLLECTIONS[name]
    except KeyError:
        raise ValueError(f"Unknown Xero collection {name!r}") from None


# The Xero objects the connector knows about, in dependency order. Which of them are
# implemented is answered by ``xero.object._xero_objects`` (the models inheriting xero.object).
SYNC_OBJECT_KEYS = (
    "currencies",
    "taxes",
    "accounts",
    "bank_accounts",
    "contact_groups",
    "contacts",
    "items",
    "tracking_categories",
    "tracking_options",  # the options' links (no object: tracking_categories carries them)
    "invoices",
    "bills",
    "credit_notes",
    "payments",
    "manual_journals",
    "quotes",
    "purchase_orders",
    "attachments",
    "inventory",
)
# Objects implemented by a module of their own (installed with what they need).
OBJECT_MODULES = {"inventory": "sync_xero_connector_stock"}

# Object keys that several lookups take together.
INVOICE_KEYS = ("invoices", "bills")  # ACCREC and ACCPAY invoices
DOCUMENT_KEYS = INVOICE_KEYS + ("credit_notes",)  # what a payment or an allocation is on
