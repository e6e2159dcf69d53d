# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every message the mappings raise, by stable code, in English.

A mapping raises ``MappingError(Text("payments.no_date"), hint=Text("payments.no_date.hint"))``:
a ``Text`` *is* the English message (a ``str``, so everything that reads messages keeps
working) and carries its ``code`` and ``params``. The Odoo layer translates it from the same
code: models/xero_mapping_messages.py holds these templates again, as literals Odoo's
translation export finds, and a tier-1 test keeps both catalogues equal (codes and
placeholders).

Templates use ``%(name)s`` (or ``%(name)r``: quoted) placeholders, and ``%%`` for a percent
sign. A parameter may be a Text itself (a label such as "invoice address"); it is rendered,
and translated, on its own. ``check_length(value, limit, what)`` raises ``<what>.too_long`` with
the hint ``<what>.too_long.hint``.
"""

MESSAGES = {
    # -- words used inside other messages
    "words.unnamed": "(unnamed)",
    "words.none": "(none)",
    "words.this_type": "this type",
    "words.no_name": "no name",
    # -- accounts
    "accounts.type_unmapped": "Xero account %(account)s has the type %(type)s, which has no Odoo account type.",
    "accounts.type_unmapped.hint": "Add %(type)s to the account type mapping table.",
    "accounts.no_name": "The account has no name.",
    "accounts.no_name.hint": "Give the account a name.",
    "accounts.name.too_long": "Account name is %(length)s characters long; Xero accepts at most %(limit)s.",
    "accounts.name.too_long.hint": "Shorten the account name to %(limit)s characters or fewer.",
    "accounts.no_code": "The account %(name)r has no code; Xero requires one.",
    "accounts.no_code.hint": "Give the account a code of at most %(limit)s characters.",
    "accounts.code.too_long": "Account code is %(length)s characters long; Xero accepts at most %(limit)s.",
    "accounts.code.too_long.hint": "Xero account codes have at most %(limit)s characters: shorten the code.",
    "accounts.no_type": "The account %(account)s has no account type.",
    "accounts.no_type.hint": "Set the account's type in Odoo.",
    "accounts.not_exportable": (
        "Accounts of the Odoo type %(type)r have no Xero account type: %(account)s cannot be exported to Xero."
    ),
    "accounts.not_exportable.hint": "Add %(type)r to the account type mapping table.",
    "accounts.credit_card.hint": (
        "In Xero a credit card is a bank account: export it from its journal as a bank account of type "
        "CREDITCARD."
    ),
    "accounts.off_balance.hint": "Xero has no off-balance accounts; leave this account out of the export.",
    "accounts.is_bank": "%(name)r is a bank account.",
    "accounts.is_bank.hint": (
        "Export it from its bank journal: bank accounts go through the bank accounts object."
    ),
    "accounts.maps_to_bank": "%(name)r maps to a Xero bank account.",
    "accounts.description.too_long": (
        "Account description is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "accounts.description.too_long.hint": "Shorten the account description to %(limit)s characters or fewer.",
    "accounts.bank_no_number": "The bank account %(name)r has no account number; Xero requires one.",
    "accounts.bank_no_number.hint": "Set the bank account number on the journal's bank account.",
    "accounts.bank_type_unknown": "The bank account %(name)r has the type %(type)r, unknown to Xero.",
    "accounts.bank_type_unknown.hint": "Use one of %(types)s.",
    "accounts.bank_currency": "Bank account currency",
    # -- currencies
    "currencies.code": "Currency code",
    "currencies.code_invalid": "%(what)s %(code)r is not a three-letter ISO 4217 code.",
    "currencies.code_invalid.hint": "Use the currency's ISO code, e.g. USD or EUR.",
    # -- contacts
    "contacts.the_contact": "the contact",
    "contacts.person": "contact person %(index)s (%(name)s)",
    "contacts.customer": "customer",
    "contacts.supplier": "supplier",
    "contacts.invoice_address": "invoice address",
    "contacts.delivery_address": "delivery address",
    "contacts.email_invalid": "The email address %(email)r of %(whose)s is not a valid email address.",
    "contacts.email_invalid.hint": (
        "Correct the email of %(whose)s in Odoo (one @, a domain with a dot, no spaces) or clear it."
    ),
    "contacts.email.too_long": (
        "The email address of %(whose)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.email.too_long.hint": (
        "Shorten the email of %(whose)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.person_no_name": (
        "The %(whose)s has neither a first nor a last name; Xero needs at least one of them."
    ),
    "contacts.person_no_name.hint": "Give that child contact a name in Odoo, or archive it.",
    "contacts.first_name.too_long": (
        "The first name of %(whose)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.first_name.too_long.hint": (
        "Shorten the name of %(whose)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.last_name.too_long": (
        "The last name of %(whose)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.last_name.too_long.hint": (
        "Shorten the name of %(whose)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.too_many_persons": "The contact has %(count)s contact persons; Xero allows at most %(limit)s.",
    "contacts.too_many_persons.hint": (
        "Archive the extra child contacts in Odoo, or move them to another company, so that at most "
        "%(limit)s remain."
    ),
    "contacts.term_type_unknown": "The %(term)s payment term type %(type)r is not one Xero knows (%(types)s).",
    "contacts.term_type_unknown.hint": (
        "Set a %(term)s payment term in Odoo that Xero can express: a number of days after the invoice "
        "date or after the end of the invoice month, or a day of the current or following month."
    ),
    "contacts.currency_invalid": "The currency %(code)r is not an ISO 4217 currency code.",
    "contacts.currency_invalid.hint": (
        "Set a standard three-letter currency (e.g. NZD, EUR) on the Odoo contact, or clear it."
    ),
    "contacts.no_name": "The contact has no name; Xero requires a name on every contact.",
    "contacts.no_name.hint": "Fill in the contact's name in Odoo.",
    "contacts.name.too_long": "The contact name is %(length)s characters long; Xero accepts at most %(limit)s.",
    "contacts.name.too_long.hint": "Shorten the name on the Odoo contact to %(limit)s characters or fewer.",
    "contacts.ref.too_long": (
        "The contact number (reference) is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.ref.too_long.hint": "Shorten the reference on the Odoo contact to %(limit)s characters or fewer.",
    "contacts.vat.too_long": "The tax number is %(length)s characters long; Xero accepts at most %(limit)s.",
    "contacts.vat.too_long.hint": "Shorten the tax ID on the Odoo contact to %(limit)s characters or fewer.",
    "contacts.street.too_long": (
        "Street of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.street.too_long.hint": (
        "Shorten the street of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.street2.too_long": (
        "Street 2 of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.street2.too_long.hint": (
        "Shorten the street 2 of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.city.too_long": (
        "City of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.city.too_long.hint": (
        "Shorten the city of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.state.too_long": (
        "State / region of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.state.too_long.hint": (
        "Shorten the state / region of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.zip.too_long": (
        "ZIP / postal code of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.zip.too_long.hint": (
        "Shorten the zip / postal code of the %(address)s on the Odoo contact to %(limit)s characters or "
        "fewer."
    ),
    "contacts.country.too_long": (
        "Country of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.country.too_long.hint": (
        "Shorten the country of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.attention.too_long": (
        "Attention of the %(address)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.attention.too_long.hint": (
        "Shorten the attention of the %(address)s on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.phone.too_long": "The phone number is %(length)s characters long; Xero accepts at most %(limit)s.",
    "contacts.phone.too_long.hint": (
        "Shorten the phone number on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.mobile.too_long": (
        "The mobile number is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.mobile.too_long.hint": (
        "Shorten the mobile number on the Odoo contact to %(limit)s characters or fewer."
    ),
    "contacts.group_no_name": "The contact group has no name; Xero requires one.",
    "contacts.group_no_name.hint": "Fill in the name of the contact tag / group in Odoo.",
    "contacts.group_name.too_long": (
        "The contact group name is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "contacts.group_name.too_long.hint": (
        "Shorten the name of the contact tag / group on the Odoo contact to %(limit)s characters or fewer."
    ),
    # -- documents (invoices, bills, credit notes) and their lines
    "documents.mixed_taxes": (
        "The document mixes taxes included in the price and taxes excluded from it; a Xero document is "
        "either tax inclusive or tax exclusive as a whole."
    ),
    "documents.mixed_taxes.hint": (
        "Use only price-included taxes or only price-excluded taxes on this document (e.g. swap the tax "
        "for its included/excluded twin), then click Retry."
    ),
    "documents.line_description.too_long": (
        "Description of line %(index)s is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "documents.line_description.too_long.hint": (
        "Shorten the description of line %(index)s to %(limit)s characters or fewer."
    ),
    "documents.void.never_sent": ("The document is cancelled and was never sent to Xero: nothing to do."),
    "documents.void.has_money": (
        "%(name)s cannot be voided in Xero: Xero still has payments or credit-note allocations on it."
    ),
    "documents.void.has_money.hint": (
        "Remove the payments and allocations in Xero (or cancel the payments in Odoo and export them), "
        "then click Retry."
    ),
    "documents.contact_missing": ("The partner %(partner)s is not in Xero yet."),
    "documents.contact_missing.hint": (
        "Export the partner (if it matches several Xero contacts, open the document and click 'Choose "
        "Xero Contact'), then click Retry."
    ),
    "documents.approved_to_draft": (
        "%(name)s is approved in Xero and is a draft in Odoo; Xero cannot turn an approved document back "
        "into a draft."
    ),
    "documents.approved_to_draft.hint": (
        "Post the document again in Odoo (or cancel it to void it in Xero), then click Retry."
    ),
    "documents.voided_in_xero": ("%(name)s is %(status)s in Xero and cannot be changed there."),
    "documents.voided_in_xero.hint": ("Cancel the document in Odoo (or create a new one)."),
    "documents.lock_date": (
        "%(name)s is dated %(date)s, on or before Xero's lock date %(lock)s: Xero refuses to post it."
    ),
    "documents.lock_date.hint": (
        "Change the document date, or ask the Xero adviser to move the lock date, then click Retry."
    ),
    "documents.rounding_account_missing": (
        "Odoo's total differs from Xero's by %(diff)s (tax rounded per line in Xero) and no rounding "
        "account is mapped to Xero."
    ),
    "documents.rounding_account_missing.hint": (
        "Set a rounding account (exported to Xero) on the object's settings, or choose the 'mismatch "
        "entry' policy."
    ),
    "inventory.negative": (
        "Odoo's quantity on hand of %(code)r is negative (%(quantity)s); Xero cannot hold a negative "
        "quantity of a tracked item."
    ),
    "inventory.negative.hint": (
        "Receive the missing stock or count the product in Odoo (Inventory > Physical Inventory), then "
        "click Retry."
    ),
    "inventory.no_asset_account": ("The Xero item %(code)r has no inventory asset account."),
    "inventory.no_asset_account.hint": (
        "Export the product again with the Items object (its Xero Inventory Asset Account set), then "
        "click Retry."
    ),
    "documents.bill_discount": (
        "Line %(index)s has a discount; Xero accepts line discounts on sales documents only, so this bill "
        "would be sent with a different amount."
    ),
    "documents.bill_discount.hint": (
        "Remove the discount and lower the unit price by it (or add a negative line), then click Retry."
    ),
    "documents.type_unknown": "Unknown document type %(type)r.",
    "documents.no_contact": "The document has no Xero contact.",
    "documents.no_contact.hint": "Export the partner to Xero first, then click Retry.",
    "documents.status_not_writable": "Xero does not accept the status %(status)s from the API.",
    "documents.number.too_long": "Number is %(length)s characters long; Xero accepts at most %(limit)s.",
    "documents.number.too_long.hint": "Shorten the number to %(limit)s characters or fewer.",
    "documents.reference.too_long": "Reference is %(length)s characters long; Xero accepts at most %(limit)s.",
    "documents.reference.too_long.hint": "Shorten the reference to %(limit)s characters or fewer.",
    "documents.no_lines": "The document has no lines; Xero needs at least one.",
    "documents.no_lines.hint": "Add a line, then click Retry.",
    "documents.no_rate": (
        "The document is in %(currency)s but has no exchange rate to %(base_currency)s (Odoo would send "
        "1.0, which is almost never right)."
    ),
    "documents.no_rate.hint": (
        "Add a %(currency)s rate for the document date in Accounting > Configuration > Currencies (or set "
        "the rate on the document), then click Retry."
    ),
    "documents.void_with_payments": "%(name)s was voided in Xero, but Odoo has payments or credit notes on it.",
    "documents.void_with_payments.hint": "Unreconcile (or cancel) the payments in Odoo, then click Retry.",
    # -- quotes and purchase orders
    "orders.kind.quote": "quote",
    "orders.kind.purchase_order": "purchase order",
    "orders.status_unknown": "%(status)s is not a status of a Xero %(kind)s.",
    "orders.deleted_never_sent": "The %(kind)s is deleted and was never sent to Xero: nothing to do.",
    "orders.cannot_move": "The %(kind)s is %(current)s in Xero; Xero cannot move it to %(wanted)s.",
    "orders.cannot_move_new": "The %(kind)s is not in Xero yet; Xero cannot move it to %(wanted)s.",
    "orders.cannot_move.hint": (
        "Change the order's status in Odoo to one Xero allows (or create a new order), then click Retry."
    ),
    "orders.no_contact": "The order has no Xero contact.",
    "orders.no_lines": "The order has no lines; Xero needs at least one.",
    "orders.field.too_long": "%(field)s is %(length)s characters long; Xero accepts at most %(limit)s.",
    "orders.field.too_long.hint": "Shorten the %(field_lower)s to %(limit)s characters or fewer.",
    # -- items
    "items.no_code": "The product %(name)r has no code; Xero items need one.",
    "items.no_code.hint": "Set the product's internal reference (it becomes the Xero item code).",
    "items.code.too_long": "Item code is %(length)s characters long; Xero accepts at most %(limit)s.",
    "items.code.too_long.hint": "Shorten the product's internal reference to %(limit)s characters or fewer.",
    "items.no_name": "The product %(code)r has no name.",
    "items.no_name.hint": "Give the product a name.",
    "items.name.too_long": "Item name is %(length)s characters long; Xero accepts at most %(limit)s.",
    "items.name.too_long.hint": (
        "Shorten the product name to %(limit)s characters or map the Code from the internal reference."
    ),
    "items.sales_description.too_long": (
        "Sales description is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "items.sales_description.too_long.hint": "Shorten the sales description to %(limit)s characters or fewer.",
    "items.purchase_description.too_long": (
        "Purchase description is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "items.purchase_description.too_long.hint": (
        "Shorten the purchase description to %(limit)s characters or fewer."
    ),
    "items.inventory_account": "inventory asset account",
    "items.cogs_account": "cost of goods sold account",
    "items.tracked_no_account": "The tracked item %(code)r has no %(account)s.",
    "items.tracked_no_account.hint": (
        "Set the %(account)s of the product (its category's stock accounts) and map it to a Xero account."
    ),
    "items.tracked_not_purchased": (
        "The tracked item %(code)r is not purchased; Xero keeps a tracked item's cost of goods sold "
        "account in its purchase details, which it clears for items not purchased."
    ),
    "items.tracked_not_purchased.hint": (
        "Allow the product to be purchased, or do not track it as inventory in Xero."
    ),
    # -- manual journals
    "journals.no_narration": "The entry has no reference; a Xero manual journal needs a narration.",
    "journals.no_narration.hint": "Give the entry a reference, then click Retry.",
    "journals.narration.too_long": "Narration is %(length)s characters long; Xero accepts at most %(limit)s.",
    "journals.narration.too_long.hint": "Shorten the narration to %(limit)s characters or fewer.",
    "journals.line_no_account": "Line %(index)s has no account in Xero.",
    "journals.line_no_account.hint": "Export the account (Accounts object), then click Retry.",
    "journals.too_few_lines": "A Xero manual journal needs at least two lines.",
    "journals.too_few_lines.hint": "Add the counterpart line, then click Retry.",
    # -- payments
    "payments.no_document": "The payment is not reconciled with a document synced to Xero.",
    "payments.no_document.hint": (
        "Reconcile the payment with an invoice, bill or credit note that is in Xero, then click Retry."
    ),
    "payments.journal_unmapped": "The payment's journal is not mapped to a Xero bank account.",
    "payments.journal_unmapped.hint": (
        "Map the journal to a Xero bank account (Bank Accounts object), then click Retry."
    ),
    "payments.not_positive": "The payment amount must be greater than zero.",
    "payments.no_date": "The payment has no date.",
    "payments.no_date.hint": "Set the payment date, then click Retry.",
    "payments.the_document": "the document",
    "payments.more_than_due": (
        "The payment of %(amount)s is larger than the %(due)s still due on %(document)s in Xero."
    ),
    "payments.more_than_due.hint": (
        "Check the payments already recorded in Xero for this document; register only what is due "
        "(record an overpayment in Xero itself), then click Retry."
    ),
    "payments.reference.too_long": (
        "Payment reference is %(length)s characters long; Xero accepts at most %(limit)s."
    ),
    "payments.reference.too_long.hint": "Shorten the payment reference to %(limit)s characters or fewer.",
    # -- taxes
    "taxes.no_name": "The tax has no name.",
    "taxes.no_name.hint": "Give the tax a name.",
    "taxes.name.too_long": "Tax rate name is %(length)s characters long; Xero accepts at most %(limit)s.",
    "taxes.name.too_long.hint": "Shorten the tax rate name to %(limit)s characters or fewer.",
    "taxes.no_component": "The tax %(name)r has no rate component.",
    "taxes.no_component.hint": "Give the tax a rate (a group tax needs at least one child tax).",
    "taxes.negative_rate": "The tax %(name)r has a negative rate (%(rate)s); Xero tax rates are 0 or more.",
    "taxes.negative_rate.hint": "Use a rate of 0 or more; record a negative tax as a separate line instead.",
    "taxes.compound_alone": "The tax %(name)r is compound but has nothing to compound on.",
    "taxes.compound_alone.hint": "Untick 'compound' or add the tax it applies on top of.",
    # -- attachments
    "attachments.type_refused": "Xero does not accept files of type %(type)s (%(file)s): it takes %(types)s.",
    "attachments.type_refused.hint": (
        "Attach the document to the record in a type Xero takes (e.g. a PDF) if Xero should have it; this "
        "one stays in Odoo only. Then Mark as Resolved."
    ),
    "attachments.too_big": "%(file)s is %(size)s MB; Xero takes attachments of at most %(limit)s MB.",
    "attachments.too_big.hint": (
        "Attach a smaller version of the file (e.g. a compressed PDF), then Retry; this one stays in Odoo "
        "only."
    ),
    "attachments.too_many": (
        "The Xero record has %(count)s attachments already; Xero keeps at most %(limit)s per record, so "
        "%(file)s was not sent."
    ),
    "attachments.too_many.hint": (
        "Remove an attachment from the record in Xero (or combine files), then click Retry."
    ),
    "attachments.unreadable": "Xero listed an attachment Odoo cannot read (no valid %(what)s).",
    "attachments.import_type_refused": (
        "%(file)s is of type %(type)s: Odoo only brings in from Xero the file types Xero itself takes "
        "(%(types)s)."
    ),
    "attachments.import_type_refused.hint": (
        "Open the record in Xero and save the file there as one of these types (e.g. a PDF) if Odoo "
        "should have it; then click Retry, or Mark as Resolved to leave it in Xero only."
    ),
    "attachments.import_too_big": (
        "%(file)s is %(size)s MB; Odoo brings in from Xero files of at most %(limit)s MB."
    ),
    "attachments.import_too_big.hint": (
        "Download the file from the record in Xero and attach it in Odoo yourself, or replace it in "
        "Xero by a smaller version (then click Retry); Mark as Resolved leaves it in Xero only."
    ),
    # -- tracking categories and analytic distributions
    "tracking.plan_no_name": "The analytic plan %(name)s has no name; Xero needs one.",
    "tracking.plan_name_too_long": (
        "The analytic plan %(name)s is named with %(length)s characters; Xero accepts at most %(limit)s."
    ),
    "tracking.plan_name_control": "The name of the analytic plan %(name)s contains a control character.",
    "tracking.account_no_name": "The analytic account %(name)s has no name; Xero needs one.",
    "tracking.account_name_too_long": (
        "The analytic account %(name)s is named with %(length)s characters; Xero accepts at most %(limit)s."
    ),
    "tracking.account_name_control": "The name of the analytic account %(name)s contains a control character.",
    "tracking.no_name.hint": "Give it a name, then click Retry.",
    "tracking.name_too_long.hint": "Shorten the name to %(limit)s characters or fewer, then click Retry.",
    "tracking.name_control.hint": "Retype the name without it, then click Retry.",
    "tracking.same_option_name": (
        "Another analytic account of the plan (%(other)s) has the same name %(name)s; Xero keeps option "
        "names unique in a category."
    ),
    "tracking.distribution_unreadable": (
        "%(line)s: its analytic distribution cannot be read (%(combination)r: %(percentage)r)."
    ),
    "tracking.distribution_unreadable.hint": "Set the line's analytic distribution again, then click Retry.",
    "tracking.split": (
        "%(line)s: its analytic distribution on %(plan)s is %(split)s. A Xero line goes to one option of "
        "the tracking category %(category)s, at 100 %%: the document was not sent."
    ),
    "tracking.split.hint": (
        "Split the line into one line per analytic account (each at 100 %%), or put 100 %% on one account "
        "of the plan; then click Retry."
    ),
    "tracking.not_an_option": (
        "%(line)s: the analytic account %(account)s is not an option of the Xero tracking category "
        "%(category)s yet."
    ),
    "tracking.not_an_option.hint": (
        "Export the Tracking Categories object (it adds the plan's analytic accounts as options), then "
        "click Retry."
    ),
    "tracking.too_many_categories": (
        "%(line)s: its analytic distribution uses %(count)s plans linked to Xero tracking categories; a "
        "Xero line takes at most %(limit)s."
    ),
    "tracking.too_many_categories.hint": (
        "Keep analytic accounts of at most two of those plans on the line, then click Retry."
    ),
}


def render(code, params, template=MESSAGES.__getitem__):
    """The message ``code`` with ``params``: ``template(code)`` gives the template (English by
    default; the Odoo layer passes its translating lookup), nested Texts are rendered with the
    same lookup."""
    values = {
        name: render(value.code, value.params, template) if isinstance(value, Text) else value
        for name, value in params.items()
    }
    return template(code) % values


class Text(str):
    """A message by code: the English text itself, with ``code`` and ``params`` kept for
    translation. Unknown codes and missing parameters fail at once (KeyError)."""

    def __new__(cls, code, /, **params):
        text = super().__new__(cls, render(code, params))
        text.code = code
        text.params = params
        return text

    def __reduce__(self):  # copy/pickle: built again from the code, not from the text
        return (_text, (self.code, self.params))

    def render(self, template=MESSAGES.__getitem__):
        return render(self.code, self.params, template)


def _text(code, params):
    return Text(code, **params)
