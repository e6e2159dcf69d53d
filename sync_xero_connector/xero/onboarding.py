# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The first-day check: an Odoo company against the Xero organisation it connects to.

Pure rules, data in, findings out (no database, no HTTP). ``check`` takes:

- ``organisation``: Xero's Organisation record (GET /Organisation), as JSON;
- ``company``: facts of the Odoo company, a dict with ``name``, ``currency`` (code),
  ``tax_rounding`` ("round_per_line" / "round_globally"), ``price_include``
  ("tax_included" / "tax_excluded"), ``has_entries`` (any journal item, drafts included),
  ``has_posted_entries``, ``lock_date`` (date or None), ``invoice_journal`` (name) and
  ``next_invoice_number``;
- ``xero_invoice_numbers``: numbers of Xero's sales invoices (its latest ones are enough);
- ``odoo_numbers_in_xero``: Odoo sales documents whose number Xero also has (other invoices);
- ``xero_accounts``: Xero Account records; ``odoo_accounts``: ``{"code", "name",
  "account_type"}`` of the company's accounts; ``type_map``: Xero Type -> Odoo account_type;
- ``adopted``: fix codes the connector already applied itself (see ``adoptions``).

A finding is ``{"code", "level", "message", "fix", "action"}``: ``level`` is ``blocking``
(documents are not synchronised until it is fixed), ``warning`` or ``info``; ``message`` says
what differs and what it means, ``fix`` what to do; ``action`` names a mechanical fix the
connector can apply on request (a button), or is None.

Texts go through ``_`` (``env._`` in Odoo, so they are translated; plain formatting here).
"""

import re

from .mapping.accounts import SYSTEM_ACCOUNT_TYPES
from .mapping.documents import organisation_lock_date

LEVELS = ("blocking", "warning", "info")
# Mechanical fixes (the account form's buttons).
USE_XERO_CURRENCY = "use_xero_currency"
ROUND_PER_LINE = "round_per_line"
# Where Odoo 19.0 keeps the settings the findings name (Community: the root menu is Invoicing;
# it is Accounting where the accounting app is installed).
ROUNDING_PATH = "Invoicing > Configuration > Settings > Taxes > Rounding Method"
PRICES_PATH = "Invoicing > Configuration > Settings > Taxes > Default Taxes > Prices"
ACCOUNTS_PATH = "Invoicing > Configuration > Accounting > Chart of Accounts"
# Community has no lock-date screen; the Accounting app has one.
LOCK_PATH = "Accounting > Lock Dates (Accounting app)"
# Accounts listed by name in a finding; the others are counted.
LISTED = 8

_PREFIX = re.compile(r"[A-Za-z]+")


def _plain(text, **params):
    return text % params if params else text


def finding(code, level, message, fix=None, action=None):
    assert level in LEVELS, level
    return {"code": code, "level": level, "message": message, "fix": fix, "action": action}


def adoptions(company):
    """Fixes the connector applies itself, before anything is posted: Xero rounds taxes per
    line, and a company without posted entries loses nothing by doing the same."""
    if company.get("tax_rounding") != "round_per_line" and not company.get("has_posted_entries"):
        return [ROUND_PER_LINE]
    return []


def check_failed(error, _=_plain):
    """The finding recorded when the check could not read the organisation."""
    return finding(
        "check_failed",
        "warning",
        _("The first-day check could not read the organisation from Xero: %(error)s", error=error),
        _("Click Check Again on the Xero account (or run `odoo-bin xero connect` again)."),
    )


def check(
    organisation,
    company,
    xero_invoice_numbers=(),
    odoo_numbers_in_xero=(),
    xero_accounts=(),
    odoo_accounts=(),
    type_map=None,
    adopted=(),
    _=_plain,
):
    """The findings, blocking ones first."""
    org = organisation or {}
    found = []
    for rule in (_base_currency, _tax_rounding, _tax_defaults, _lock_dates):
        found.extend(rule(org, company, adopted, _))
    found.extend(_numbering(company, xero_invoice_numbers, odoo_numbers_in_xero, _))
    found.extend(_accounts(xero_accounts, odoo_accounts, type_map or {}, _))
    return sorted(found, key=lambda f: LEVELS.index(f["level"]))


def state_of(findings):
    """``blocking`` / ``warning`` / ``ok``: the worst level found (info is ok)."""
    levels = {f["level"] for f in findings}
    return next((level for level in ("blocking", "warning") if level in levels), "ok")


# ------------------------------------------------------------------------------- rules
def _base_currency(org, company, adopted, _):
    xero, odoo = org.get("BaseCurrency"), company.get("currency")
    if not xero or xero == odoo:
        return []
    message = _(
        "The Xero organisation %(org)s keeps its books in %(xero)s; the company %(company)s "
        "keeps them in %(odoo)s. Invoices, bills, credit notes, payments and manual journals "
        "are not "
        "synchronised: Odoo would post them at made-up exchange rates. Contacts, items, "
        "accounts and taxes still are.",
        org=org.get("Name") or "?",
        xero=xero,
        company=company.get("name"),
        odoo=odoo,
    )
    if not company.get("has_entries"):
        return [
            finding(
                "base_currency",
                "blocking",
                message,
                _(
                    "The company has no journal entries yet, so its currency can still change: click "
                    "'Use %(xero)s as the company currency' on the Xero account.",
                    xero=xero,
                ),
                USE_XERO_CURRENCY,
            )
        ]
    return [
        finding(
            "base_currency",
            "blocking",
            message,
            _(
                "Odoo cannot change the currency of a company that has journal entries. Connect "
                "this Xero organisation to a company whose currency is %(xero)s (Settings > "
                "Companies), or connect the company %(company)s to a Xero organisation whose base "
                "currency is %(odoo)s.",
                xero=xero,
                company=company.get("name"),
                odoo=odoo,
            ),
        )
    ]


def _tax_rounding(org, company, adopted, _):
    if ROUND_PER_LINE in adopted:
        return [
            finding(
                "tax_rounding",
                "info",
                _(
                    "The company %(company)s now rounds taxes per line, as Xero does (%(path)s: Round "
                    "per Line). It had no posted journal entries, so the connector changed the "
                    "setting itself: nothing already posted changes.",
                    company=company.get("name"),
                    path=ROUNDING_PATH,
                ),
            )
        ]
    if company.get("tax_rounding") == "round_per_line":
        return []
    return [
        finding(
            "tax_rounding",
            "warning",
            _(
                "The company %(company)s rounds taxes globally; Xero rounds them per line, so the "
                "totals of some documents would differ from Xero's by a cent. Invoices, bills, credit "
                "notes and payments are not synchronised until the company rounds taxes per line.",
                company=company.get("name"),
            ),
            _(
                "Click 'Round Taxes per Line' on the Xero account (or set %(path)s to 'Round per "
                "Line'). Documents already posted keep their totals.",
                path=ROUNDING_PATH,
            ),
            ROUND_PER_LINE,
        )
    ]


def _tax_defaults(org, company, adopted, _):
    odoo_included = company.get("price_include") == "tax_included"
    sides = []
    for field, label in (("DefaultSalesTax", _("sales")), ("DefaultPurchasesTax", _("purchases"))):
        value = (org.get(field) or "").replace(" ", "").lower()
        if value in ("taxinclusive", "inclusive") and not odoo_included:
            sides.append(_("%(side)s: Xero tax inclusive, Odoo tax excluded", side=label))
        elif value in ("taxexclusive", "exclusive") and odoo_included:
            sides.append(_("%(side)s: Xero tax exclusive, Odoo tax included", side=label))
    if not sides:
        return []
    return [
        finding(
            "tax_defaults",
            "info",
            _(
                "New documents start with other tax defaults in Xero and in Odoo (%(sides)s). "
                "Synchronised documents are not affected: each keeps its own amounts and is "
                "imported with taxes that include (or exclude) them as in Xero.",
                sides="; ".join(sides),
            ),
            _(
                "Nothing is required. To type prices the same way in Odoo, set %(path)s (possible "
                "until the company's first journal entry).",
                path=PRICES_PATH,
            ),
        )
    ]


def _lock_dates(org, company, adopted, _):
    xero, odoo = organisation_lock_date(org), company.get("lock_date")
    if xero == odoo:
        return []
    if odoo and (not xero or odoo > xero):
        return [
            finding(
                "lock_dates",
                "warning",
                _(
                    "Odoo is locked up to %(odoo)s, Xero %(xero)s. Xero's documents dated in the "
                    "locked period are not imported: Odoo refuses to post them.",
                    odoo=odoo,
                    xero=xero or _("not at all"),
                ),
                _(
                    "Import the documents of that period before locking it: move Odoo's lock date "
                    "(%(path)s) back for the first import, then lock again.",
                    path=LOCK_PATH,
                ),
            )
        ]
    return [
        finding(
            "lock_dates",
            "info",
            _(
                "Xero is locked up to %(xero)s, Odoo %(odoo)s. Documents dated in Xero's locked "
                "period are imported, but what is changed on them in Odoo cannot be sent back: "
                "Xero refuses it.",
                xero=xero,
                odoo=odoo or _("not at all"),
            ),
            _(
                "After the first import, lock Odoo up to %(xero)s too (%(path)s), so that nobody "
                "changes those documents in Odoo.",
                xero=xero,
                path=LOCK_PATH,
            ),
        )
    ]


def _prefix(number):
    match = _PREFIX.match(number or "")
    return match.group(0).upper() if match else ""


def _numbering(company, xero_numbers, clashes, _):
    xero_numbers = sorted({n for n in xero_numbers if n})
    if not xero_numbers:
        return []
    upcoming = company.get("next_invoice_number") or ""
    last = xero_numbers[-1]
    journal = company.get("invoice_journal") or "?"
    clashes = sorted(set(clashes) | ({upcoming} & set(xero_numbers)))
    series = _(
        "Once Xero's invoices are imported into the journal %(journal)s, Odoo continues "
        "Xero's series (the number after %(last)s), which is also the number Xero gives its "
        "own next invoice.",
        journal=journal,
        last=last,
    )
    fix = _(
        "Choose the system that numbers new invoices. If both do, give them different "
        "series: change the invoice prefix in Xero (Settings > Invoice settings), or type "
        "another number (e.g. ODOO/0001) on the first invoice you create in Odoo after the "
        "import: Odoo continues from it."
    )
    if clashes:
        return [
            finding(
                "numbering_overlap",
                "warning",
                _(
                    "Odoo and Xero both have the invoice numbers %(numbers)s for different "
                    "invoices: they cannot be synchronised (a number is unique in each). %(series)s",
                    numbers=", ".join(clashes[:LISTED]),
                    series=series,
                ),
                fix,
            )
        ]
    if _prefix(upcoming) and _prefix(upcoming) in {_prefix(n) for n in xero_numbers}:
        return [
            finding(
                "numbering_overlap",
                "warning",
                _(
                    "Odoo numbers its next customer invoice %(next)s, Xero's invoices run up to "
                    "%(last)s: both series start with %(prefix)s. %(series)s Invoices created in "
                    "both systems would get the same numbers, and Xero refuses a number twice.",
                    next=upcoming,
                    last=last,
                    prefix=_prefix(upcoming),
                    series=series,
                ),
                fix,
            )
        ]
    return [
        finding(
            "numbering_series",
            "info",
            _(
                "Xero's invoices run up to %(last)s; Odoo would number its next one %(next)s. %(series)s",
                last=last,
                next=upcoming or "?",
                series=series,
            ),
            fix,
        )
    ]


def _xero_account_type(account, type_map):
    system = account.get("SystemAccount")
    return SYSTEM_ACCOUNT_TYPES.get(system) or type_map.get((account.get("Type") or "").upper())


def _norm(text):
    return " ".join((text or "").lower().split())


def _accounts(xero_accounts, odoo_accounts, type_map, _):
    odoo = {(a.get("code") or "").strip(): a for a in odoo_accounts if a.get("code")}
    different = []
    for account in xero_accounts:
        code = (account.get("Code") or "").strip()
        if not code or code not in odoo or account.get("Status") == "DELETED":
            continue
        mine = odoo[code]
        xero_type = _xero_account_type(account, type_map)
        if _norm(mine.get("name")) != _norm(account.get("Name")) or (
            xero_type and xero_type != mine.get("account_type")
        ):
            different.append(
                _(
                    "%(code)s: %(xero)s (%(xero_type)s) in Xero, %(odoo)s (%(odoo_type)s) in Odoo",
                    code=code,
                    xero=account.get("Name"),
                    xero_type=account.get("Type"),
                    odoo=mine.get("name"),
                    odoo_type=mine.get("account_type"),
                )
            )
    if not different:
        return []
    listed = "; ".join(different[:LISTED])
    if len(different) > LISTED:
        listed += _(" and %(count)s more", count=len(different) - LISTED)
    return [
        finding(
            "accounts_overlap",
            "warning",
            _(
                "Accounts with the same code in Odoo and Xero but another name or type "
                "(%(count)s): %(listed)s. The import links accounts by code: each such Odoo account "
                "takes Xero's name, keeps its own type, and receives what Xero posts to that code.",
                count=len(different),
                listed=listed,
            ),
            _(
                "Before the first import, give one of the two accounts another code where they are "
                "different accounts (%(path)s); where they are the same account under another name, "
                "nothing is needed.",
                path=ACCOUNTS_PATH,
            ),
        )
    ]
