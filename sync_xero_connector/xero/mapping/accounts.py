# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Chart of accounts: Xero ``Account`` <-> neutral account (bank accounts included).

Neutral account: ``{"xero_id", "code", "name", "description", "xero_type", "account_type"
(Odoo's), "active", "tax_type", "currency_code", "bank_account_number", "bank_account_type",
"is_bank", "system_account", "updated_at"}``.
"""

from ..dates import parse_datetime
from .common import MappingError, check_length, clean
from .currencies import check_code

# Xero account Type -> Odoo account_type: every AccountType of the spec, plus the payroll types
# Xero's documentation lists for AU/NZ/UK organisations.
DEFAULT_TYPE_MAP = {
    "BANK": "asset_cash",
    "CURRENT": "asset_current",
    "CURRLIAB": "liability_current",
    "DEPRECIATN": "expense_depreciation",
    "DIRECTCOSTS": "expense_direct_cost",
    "EQUITY": "equity",
    "EXPENSE": "expense",
    "FIXED": "asset_fixed",
    "INVENTORY": "asset_current",
    "LIABILITY": "liability_current",
    "NONCURRENT": "asset_non_current",
    "OTHERINCOME": "income_other",
    "OVERHEADS": "expense",
    "PREPAYMENT": "asset_prepayments",
    "REVENUE": "income",
    "SALES": "income",
    "TERMLIAB": "liability_non_current",
    "PAYG": "liability_current",
    "PAYGLIABILITY": "liability_current",
    "SUPERANNUATIONEXPENSE": "expense",
    "SUPERANNUATIONLIABILITY": "liability_current",
    "WAGESEXPENSE": "expense",
    "WAGESPAYABLELIABILITY": "liability_current",
}

# SystemAccount -> Odoo account_type, overriding the Type (DEBTORS is a CURRENT account).
SYSTEM_ACCOUNT_TYPES = {
    "DEBTORS": "asset_receivable",
    "CREDITORS": "liability_payable",
}

# Odoo account_type -> Xero Type; None: no plain Xero account can hold it.
DEFAULT_REVERSE_MAP = {
    "asset_receivable": "CURRENT",
    "asset_cash": "BANK",
    "asset_current": "CURRENT",
    "asset_non_current": "NONCURRENT",
    "asset_prepayments": "PREPAYMENT",
    "asset_fixed": "FIXED",
    "liability_payable": "CURRLIAB",
    "liability_credit_card": None,
    "liability_current": "CURRLIAB",
    "liability_non_current": "TERMLIAB",
    "equity": "EQUITY",
    "equity_unaffected": "EQUITY",
    "income": "REVENUE",
    "income_other": "OTHERINCOME",
    "expense": "EXPENSE",
    "expense_depreciation": "DEPRECIATN",
    "expense_direct_cost": "DIRECTCOSTS",
    "off_balance": None,
}

BANK_ACCOUNT_TYPES = ("BANK", "CREDITCARD", "PAYPAL", "NONE")
CODE_MAX, NAME_MAX, DESCRIPTION_MAX = 10, 150, 4000

_NOT_EXPORTABLE_HINTS = {
    "liability_credit_card": "In Xero a credit card is a bank account: export it from its "
    "journal as a bank account of type CREDITCARD.",
    "off_balance": "Xero has no off-balance accounts; leave this account out of the export.",
}


def _text(value):
    """A stripped string, or None for None and blanks (Xero sends "" for unset fields)."""
    if value is None:
        return None
    return str(value).strip() or None


def _label(code, name):
    return " ".join(part for part in (code, name) if part) or "(unnamed)"


def account_from_xero(acc, type_map=None):
    type_map = DEFAULT_TYPE_MAP if type_map is None else type_map
    xero_type = (acc.get("Type") or "").upper()
    system = _text(acc.get("SystemAccount"))
    account_type = SYSTEM_ACCOUNT_TYPES.get(system) or type_map.get(xero_type)
    if not account_type:
        raise MappingError(
            f"Xero account {_label(acc.get('Code'), acc.get('Name'))} has the type "
            f"{xero_type or '(none)'}, which has no Odoo account type.",
            hint=f"Add {xero_type or 'this type'} to the account type mapping table.",
        )
    return {
        "xero_id": acc.get("AccountID") or None,
        "code": _text(acc.get("Code")),
        "name": _text(acc.get("Name")),
        "description": _text(acc.get("Description")),
        "xero_type": xero_type or None,
        "account_type": account_type,
        "active": (acc.get("Status") or "ACTIVE") == "ACTIVE",
        "tax_type": _text(acc.get("TaxType")),
        "currency_code": _text(acc.get("CurrencyCode")),
        "bank_account_number": _text(acc.get("BankAccountNumber")),
        "bank_account_type": _text(acc.get("BankAccountType")),
        "is_bank": xero_type == "BANK",
        "system_account": system,
        "updated_at": parse_datetime(acc.get("UpdatedDateUTC")),
    }


def _name(neutral):
    name = _text(neutral.get("name"))
    if not name:
        raise MappingError("The account has no name.", hint="Give the account a name.")
    return check_length(name, NAME_MAX, "Account name")


def _code(neutral, required=True):
    code = _text(neutral.get("code"))
    if not code and required:
        raise MappingError(
            f"The account {neutral.get('name')!r} has no code; Xero requires one.",
            hint="Give the account a code of at most 10 characters.",
        )
    return check_length(
        code,
        CODE_MAX,
        "Account code",
        hint="Xero account codes have at most 10 characters: shorten the code.",
    )


def _xero_type(neutral, reverse_map):
    """The Xero Type for the neutral's Odoo type. A Xero type the account already has is kept
    while it still agrees with the Odoo type (OVERHEADS stays OVERHEADS, not EXPENSE)."""
    account_type = neutral.get("account_type")
    known = (neutral.get("xero_type") or "").upper()
    label = _label(neutral.get("code"), neutral.get("name"))
    if not account_type:
        raise MappingError(
            f"The account {label} has no account type.", hint="Set the account's type in Odoo."
        )
    if known and account_type in (
        DEFAULT_TYPE_MAP.get(known),
        SYSTEM_ACCOUNT_TYPES.get(neutral.get("system_account")),
    ):
        return known
    xero_type = reverse_map.get(account_type)
    if not xero_type:
        raise MappingError(
            f"Accounts of the Odoo type {account_type!r} have no Xero account type: "
            f"{label} cannot be exported to Xero.",
            hint=_NOT_EXPORTABLE_HINTS.get(
                account_type, f"Add {account_type!r} to the account type mapping table."
            ),
        )
    return xero_type


def _status(neutral):
    # Status is only written to archive: ACTIVE -> ARCHIVED is the change Xero allows.
    return None if neutral.get("active", True) else "ARCHIVED"


def account_to_xero(neutral, reverse_map=None, xero_id=None):
    """The body of PUT /Accounts (one account) or the element of POST /Accounts/{AccountID}."""
    reverse_map = DEFAULT_REVERSE_MAP if reverse_map is None else reverse_map
    bank_hint = "Export it from its bank journal: bank accounts go through the bank accounts object."
    if neutral.get("is_bank"):
        raise MappingError(f"{neutral.get('name')!r} is a bank account.", hint=bank_hint)
    name = _name(neutral)
    xero_type = _xero_type(neutral, reverse_map)
    if xero_type == "BANK":
        raise MappingError(f"{name!r} maps to a Xero bank account.", hint=bank_hint)
    description = check_length(_text(neutral.get("description")), DESCRIPTION_MAX, "Account description")
    return clean(
        {
            "AccountID": xero_id,
            "Code": _code(neutral),
            "Name": name,
            "Type": xero_type,
            "Description": description,
            "TaxType": neutral.get("tax_type"),
            "Status": _status(neutral),
        }
    )


def bank_account_to_xero(neutral, xero_id=None):
    """A bank account (Type BANK): number required, BankAccountType BANK unless given."""
    name = _name(neutral)
    number = _text(neutral.get("bank_account_number"))
    if not number:
        raise MappingError(
            f"The bank account {name!r} has no account number; Xero requires one.",
            hint="Set the bank account number on the journal's bank account.",
        )
    kind = (_text(neutral.get("bank_account_type")) or "BANK").upper()
    if kind not in BANK_ACCOUNT_TYPES:
        raise MappingError(
            f"The bank account {name!r} has the type {kind!r}, unknown to Xero.",
            hint="Use one of " + ", ".join(BANK_ACCOUNT_TYPES) + ".",
        )
    currency = neutral.get("currency_code")
    return clean(
        {
            "AccountID": xero_id,
            "Code": _code(neutral, required=False),
            "Name": name,
            "Type": "BANK",
            "BankAccountNumber": number,
            "BankAccountType": kind,
            "CurrencyCode": check_code(currency, "Bank account currency") if currency else None,
            "Status": _status(neutral),
        }
    )
