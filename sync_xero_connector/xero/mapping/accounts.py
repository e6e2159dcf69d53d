# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Chart of accounts: Xero ``Account`` <-> neutral account (bank accounts included).

Neutral account: ``{"xero_id", "code", "name", "description", "xero_type", "account_type"
(Odoo's), "active", "tax_type", "currency_code", "bank_account_number", "bank_account_type",
"is_bank", "system_account", "updated_at"}``.
"""

from ..dates import parse_datetime
from .common import MappingError, check_length, clean
from .currencies import check_code
from .messages import Text

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
    "liability_credit_card": "accounts.credit_card.hint",
    "off_balance": "accounts.off_balance.hint",
}


def _text(value):
    """A stripped string, or None for None and blanks (Xero sends "" for unset fields)."""
    if value is None:
        return None
    return str(value).strip() or None


def _label(code, name):
    return " ".join(part for part in (code, name) if part) or Text("words.unnamed")


def account_from_xero(acc, type_map=None):
    type_map = DEFAULT_TYPE_MAP if type_map is None else type_map
    xero_type = (acc.get("Type") or "").upper()
    system = _text(acc.get("SystemAccount"))
    account_type = SYSTEM_ACCOUNT_TYPES.get(system) or type_map.get(xero_type)
    if not account_type:
        raise MappingError(
            Text(
                "accounts.type_unmapped",
                account=_label(acc.get("Code"), acc.get("Name")),
                type=xero_type or Text("words.none"),
            ),
            hint=Text("accounts.type_unmapped.hint", type=xero_type or Text("words.this_type")),
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
        raise MappingError(Text("accounts.no_name"), hint=Text("accounts.no_name.hint"))
    return check_length(name, NAME_MAX, "accounts.name")


def _code(neutral, required=True):
    code = _text(neutral.get("code"))
    if not code and required:
        raise MappingError(
            Text("accounts.no_code", name=neutral.get("name")),
            hint=Text("accounts.no_code.hint", limit=CODE_MAX),
        )
    return check_length(code, CODE_MAX, "accounts.code")


def _xero_type(neutral, reverse_map):
    """The Xero Type for the neutral's Odoo type. A Xero type the account already has is kept
    while it still agrees with the Odoo type (OVERHEADS stays OVERHEADS, not EXPENSE)."""
    account_type = neutral.get("account_type")
    known = (neutral.get("xero_type") or "").upper()
    label = _label(neutral.get("code"), neutral.get("name"))
    if not account_type:
        raise MappingError(Text("accounts.no_type", account=label), hint=Text("accounts.no_type.hint"))
    if known and account_type in (
        DEFAULT_TYPE_MAP.get(known),
        SYSTEM_ACCOUNT_TYPES.get(neutral.get("system_account")),
    ):
        return known
    xero_type = reverse_map.get(account_type)
    if not xero_type:
        hint_code = _NOT_EXPORTABLE_HINTS.get(account_type)
        raise MappingError(
            Text("accounts.not_exportable", type=account_type, account=label),
            hint=Text(hint_code) if hint_code else Text("accounts.not_exportable.hint", type=account_type),
        )
    return xero_type


def _status(neutral):
    # Status is only written to archive: ACTIVE -> ARCHIVED is the change Xero allows.
    return None if neutral.get("active", True) else "ARCHIVED"


def account_to_xero(neutral, reverse_map=None, xero_id=None):
    """The body of PUT /Accounts (one account) or the element of POST /Accounts/{AccountID}."""
    reverse_map = DEFAULT_REVERSE_MAP if reverse_map is None else reverse_map
    bank_hint = Text("accounts.is_bank.hint")
    if neutral.get("is_bank"):
        raise MappingError(Text("accounts.is_bank", name=neutral.get("name")), hint=bank_hint)
    name = _name(neutral)
    xero_type = _xero_type(neutral, reverse_map)
    if xero_type == "BANK":
        raise MappingError(Text("accounts.maps_to_bank", name=name), hint=bank_hint)
    description = check_length(_text(neutral.get("description")), DESCRIPTION_MAX, "accounts.description")
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
            Text("accounts.bank_no_number", name=name), hint=Text("accounts.bank_no_number.hint")
        )
    kind = (_text(neutral.get("bank_account_type")) or "BANK").upper()
    if kind not in BANK_ACCOUNT_TYPES:
        raise MappingError(
            Text("accounts.bank_type_unknown", name=name, type=kind),
            hint=Text("accounts.bank_type_unknown.hint", types=", ".join(BANK_ACCOUNT_TYPES)),
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
            "CurrencyCode": check_code(currency, Text("accounts.bank_currency")) if currency else None,
            "Status": _status(neutral),
        }
    )
