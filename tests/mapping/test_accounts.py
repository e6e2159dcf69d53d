"""Accounts and bank accounts: type maps, pure mappings, spec conformance, sandbox round trips."""

import os
from datetime import UTC, datetime

import pytest
from xero.mapping.accounts import (
    DEFAULT_REVERSE_MAP,
    DEFAULT_TYPE_MAP,
    SYSTEM_ACCOUNT_TYPES,
    account_from_xero,
    account_to_xero,
    bank_account_to_xero,
)
from xero.mapping.common import MappingError

ODOO_TYPES = {
    "asset_receivable",
    "asset_cash",
    "asset_current",
    "asset_non_current",
    "asset_prepayments",
    "asset_fixed",
    "liability_payable",
    "liability_credit_card",
    "liability_current",
    "liability_non_current",
    "equity",
    "equity_unaffected",
    "income",
    "income_other",
    "expense",
    "expense_depreciation",
    "expense_direct_cost",
    "off_balance",
}
ACCOUNT_ID = "5040915e-8ce7-4177-8d08-fde416232f18"


def neutral_account(**overrides):
    account = {
        "xero_id": None,
        "code": "4100",
        "name": "Consulting",
        "description": "Advisory work",
        "xero_type": None,
        "account_type": "income",
        "active": True,
        "tax_type": "OUTPUT2",
        "currency_code": None,
        "bank_account_number": None,
        "bank_account_type": None,
        "is_bank": False,
        "system_account": None,
        "updated_at": None,
    }
    account.update(overrides)
    return account


def neutral_bank(**overrides):
    return neutral_account(
        **dict(
            {
                "code": "090",
                "name": "Business Bank",
                "description": None,
                "xero_type": "BANK",
                "account_type": "asset_cash",
                "tax_type": None,
                "currency_code": "USD",
                "bank_account_number": "12-3456-7890",
                "bank_account_type": "BANK",
                "is_bank": True,
            },
            **overrides,
        )
    )


# -- type maps -----------------------------------------------------------------------------------
def test_type_maps_cover_every_account_type_of_the_spec(spec_dir):
    import spec_check

    spec = spec_check.load_yaml(os.path.join(spec_dir, "xero_accounting.yaml"))
    enum = spec["components"]["schemas"]["AccountType"]["enum"]
    assert set(enum) <= set(DEFAULT_TYPE_MAP)
    # Every Xero type DEFAULT_REVERSE_MAP produces is one the spec knows.
    assert {t for t in DEFAULT_REVERSE_MAP.values() if t} <= set(enum)


def test_type_maps_use_odoo_19_types_only():
    assert set(DEFAULT_TYPE_MAP.values()) | set(SYSTEM_ACCOUNT_TYPES.values()) <= ODOO_TYPES
    assert set(DEFAULT_REVERSE_MAP) == ODOO_TYPES
    assert DEFAULT_REVERSE_MAP["liability_credit_card"] is None
    assert DEFAULT_REVERSE_MAP["off_balance"] is None


@pytest.mark.parametrize(
    "xero_type, odoo_type",
    [
        ("BANK", "asset_cash"),
        ("CURRENT", "asset_current"),
        ("CURRLIAB", "liability_current"),
        ("DEPRECIATN", "expense_depreciation"),
        ("DIRECTCOSTS", "expense_direct_cost"),
        ("EQUITY", "equity"),
        ("EXPENSE", "expense"),
        ("FIXED", "asset_fixed"),
        ("INVENTORY", "asset_current"),
        ("LIABILITY", "liability_current"),
        ("NONCURRENT", "asset_non_current"),
        ("OTHERINCOME", "income_other"),
        ("OVERHEADS", "expense"),
        ("PREPAYMENT", "asset_prepayments"),
        ("REVENUE", "income"),
        ("SALES", "income"),
        ("TERMLIAB", "liability_non_current"),
        ("PAYG", "liability_current"),
        ("PAYGLIABILITY", "liability_current"),
        ("SUPERANNUATIONEXPENSE", "expense"),
        ("SUPERANNUATIONLIABILITY", "liability_current"),
        ("WAGESEXPENSE", "expense"),
    ],
)
def test_default_type_map(xero_type, odoo_type):
    assert account_from_xero({"Code": "1", "Name": "A", "Type": xero_type})["account_type"] == odoo_type


# -- from Xero -----------------------------------------------------------------------------------
def test_account_from_xero():
    acc = {
        "AccountID": ACCOUNT_ID,
        "Code": "200",
        "Name": "Sales",
        "Type": "REVENUE",
        "Status": "ACTIVE",
        "Description": "Income from any normal business activity",
        "TaxType": "OUTPUT2",
        "Class": "REVENUE",
        "SystemAccount": "",
        "BankAccountType": "",
        "ReportingCode": "REV",
        "UpdatedDateUTC": "/Date(1573755038314+0000)/",
    }
    assert account_from_xero(acc) == {
        "xero_id": ACCOUNT_ID,
        "code": "200",
        "name": "Sales",
        "description": "Income from any normal business activity",
        "xero_type": "REVENUE",
        "account_type": "income",
        "active": True,
        "tax_type": "OUTPUT2",
        "currency_code": None,
        "bank_account_number": None,
        "bank_account_type": None,
        "is_bank": False,
        "system_account": None,
        "updated_at": datetime(2019, 11, 14, 18, 10, 38, 314000, tzinfo=UTC),
    }


def test_bank_account_from_xero():
    acc = {
        "AccountID": ACCOUNT_ID,
        "Code": "090",
        "Name": "Business Bank",
        "Type": "BANK",
        "Status": "ARCHIVED",
        "BankAccountNumber": "12-3456-7890",
        "BankAccountType": "CREDITCARD",
        "CurrencyCode": "USD",
    }
    account = account_from_xero(acc)
    assert account["is_bank"] is True and account["account_type"] == "asset_cash"
    assert account["active"] is False
    assert (account["bank_account_number"], account["bank_account_type"], account["currency_code"]) == (
        "12-3456-7890",
        "CREDITCARD",
        "USD",
    )


@pytest.mark.parametrize(
    "system, odoo_type",
    [("DEBTORS", "asset_receivable"), ("CREDITORS", "liability_payable"), ("GST", "liability_current")],
)
def test_system_accounts_override_the_type(system, odoo_type):
    xero_type = {"DEBTORS": "CURRENT"}.get(system, "CURRLIAB")
    account = account_from_xero({"Code": "610", "Name": "X", "Type": xero_type, "SystemAccount": system})
    assert account["account_type"] == odoo_type and account["system_account"] == system


def test_custom_type_map_and_unknown_type():
    custom = dict(DEFAULT_TYPE_MAP, OVERHEADS="expense_direct_cost")
    assert account_from_xero({"Type": "OVERHEADS"}, type_map=custom)["account_type"] == "expense_direct_cost"
    with pytest.raises(MappingError, match="MYSTERY") as info:
        account_from_xero({"Code": "9", "Name": "Odd", "Type": "MYSTERY"})
    assert "MYSTERY" in info.value.hint and "account type mapping table" in info.value.hint
    with pytest.raises(MappingError, match="REVENUE"):
        account_from_xero({"Code": "200", "Name": "Sales", "Type": "REVENUE"}, type_map={})


# -- to Xero -------------------------------------------------------------------------------------
def test_account_to_xero_create_and_update():
    assert account_to_xero(neutral_account()) == {
        "Code": "4100",
        "Name": "Consulting",
        "Type": "REVENUE",
        "Description": "Advisory work",
        "TaxType": "OUTPUT2",
    }
    payload = account_to_xero(
        neutral_account(active=False, description=None, tax_type=None), xero_id=ACCOUNT_ID
    )
    assert payload == {
        "AccountID": ACCOUNT_ID,
        "Code": "4100",
        "Name": "Consulting",
        "Type": "REVENUE",
        "Status": "ARCHIVED",
    }


@pytest.mark.parametrize(
    "odoo_type, xero_type", [(t, x) for t, x in DEFAULT_REVERSE_MAP.items() if x and x != "BANK"]
)
def test_default_reverse_map(odoo_type, xero_type):
    assert account_to_xero(neutral_account(account_type=odoo_type))["Type"] == xero_type


def test_a_known_xero_type_is_kept_while_it_agrees():
    assert (
        account_to_xero(neutral_account(xero_type="OVERHEADS", account_type="expense"))["Type"] == "OVERHEADS"
    )
    assert (
        account_to_xero(neutral_account(xero_type="INVENTORY", account_type="asset_current"))["Type"]
        == "INVENTORY"
    )
    debtors = neutral_account(xero_type="CURRENT", account_type="asset_receivable", system_account="DEBTORS")
    assert account_to_xero(debtors)["Type"] == "CURRENT"
    # The Odoo type changed: the reverse map decides.
    assert account_to_xero(neutral_account(xero_type="OVERHEADS", account_type="income"))["Type"] == "REVENUE"
    custom = dict(DEFAULT_REVERSE_MAP, expense="OVERHEADS")
    assert account_to_xero(neutral_account(account_type="expense"), reverse_map=custom)["Type"] == "OVERHEADS"


def test_account_round_trip_through_the_pure_mappings():
    acc = {
        "AccountID": ACCOUNT_ID,
        "Code": "404",
        "Name": "Bank Fees",
        "Type": "OVERHEADS",
        "Status": "ACTIVE",
        "Description": "Fees",
        "TaxType": "NONE",
    }
    assert account_to_xero(account_from_xero(acc), xero_id=ACCOUNT_ID) == {
        k: v for k, v in acc.items() if k != "Status"
    }


@pytest.mark.parametrize(
    "overrides, message, hint",
    [
        ({"account_type": "off_balance"}, "'off_balance'.*cannot be exported", "off-balance"),
        (
            {"account_type": "liability_credit_card"},
            "'liability_credit_card'.*cannot be exported",
            "CREDITCARD",
        ),
        ({"account_type": "unknown_type"}, "'unknown_type'", "mapping table"),
        ({"account_type": None}, "no account type", "type"),
        ({"code": None}, "no code", "10 characters"),
        ({"code": "ABCDEFGHIJK"}, "11 characters", "10 characters"),
        ({"name": " "}, "no name", "name"),
        ({"name": "n" * 151}, "151 characters", "150"),
        ({"description": "d" * 4001}, "4001 characters", "4000"),
        ({"is_bank": True}, "bank account", "bank accounts object"),
        ({"account_type": "asset_cash"}, "bank account", "bank accounts object"),
    ],
)
def test_account_to_xero_refuses(overrides, message, hint):
    with pytest.raises(MappingError, match=message) as info:
        account_to_xero(neutral_account(**overrides))
    assert hint in info.value.hint


def test_bank_account_to_xero():
    assert bank_account_to_xero(neutral_bank()) == {
        "Code": "090",
        "Name": "Business Bank",
        "Type": "BANK",
        "BankAccountNumber": "12-3456-7890",
        "BankAccountType": "BANK",
        "CurrencyCode": "USD",
    }
    payload = bank_account_to_xero(
        neutral_bank(code=None, bank_account_type=None, currency_code="eur", active=False), xero_id=ACCOUNT_ID
    )
    assert payload == {
        "AccountID": ACCOUNT_ID,
        "Name": "Business Bank",
        "Type": "BANK",
        "BankAccountNumber": "12-3456-7890",
        "BankAccountType": "BANK",
        "CurrencyCode": "EUR",
        "Status": "ARCHIVED",
    }
    assert bank_account_to_xero(neutral_bank(bank_account_type="paypal"))["BankAccountType"] == "PAYPAL"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bank_account_number": ""}, "no account number"),
        ({"bank_account_type": "SAVINGS"}, "'SAVINGS'"),
        ({"currency_code": "EURO"}, "three-letter"),
        ({"code": "12345678901"}, "11 characters"),
        ({"name": None}, "no name"),
    ],
)
def test_bank_account_to_xero_refuses(overrides, message):
    with pytest.raises(MappingError, match=message) as info:
        bank_account_to_xero(neutral_bank(**overrides))
    assert info.value.hint


# -- the spec ------------------------------------------------------------------------------------
def test_payloads_conform_to_the_spec(check_request):
    check_request("PUT", "/Accounts", account_to_xero(neutral_account()))
    check_request("PUT", "/Accounts", bank_account_to_xero(neutral_bank()))
    check_request(
        "POST",
        f"/Accounts/{ACCOUNT_ID}",
        {"Accounts": [account_to_xero(neutral_account(active=False), xero_id=ACCOUNT_ID)]},
    )
    check_request(
        "POST",
        f"/Accounts/{ACCOUNT_ID}",
        {"Accounts": [bank_account_to_xero(neutral_bank(active=False), xero_id=ACCOUNT_ID)]},
    )


# -- sandbox -------------------------------------------------------------------------------------
SENT_KEYS = ("code", "name", "description", "xero_type", "account_type", "active", "tax_type", "is_bank")
BANK_KEYS = SENT_KEYS + ("currency_code", "bank_account_number", "bank_account_type")


@pytest.mark.parametrize(
    "neutral, to_xero, keys",
    [
        (
            neutral_account(xero_type="OVERHEADS", account_type="expense", tax_type=None),
            account_to_xero,
            SENT_KEYS,
        ),
        (neutral_bank(bank_account_type="CREDITCARD"), bank_account_to_xero, BANK_KEYS),
    ],
)
def test_account_round_trips_through_the_sandbox(harness, neutral, to_xero, keys):
    client = harness.client
    [result] = client.write("Accounts", [to_xero(neutral)], method="PUT")
    assert result.ok, result.messages
    back = account_from_xero(client.get_record("Accounts", result.xero_id))
    assert {k: back[k] for k in keys} == {k: neutral[k] for k in keys}
    assert back["xero_id"] == result.xero_id and back["updated_at"] is not None

    [result] = client.write(
        "Accounts", [to_xero(dict(back, name="Renamed", active=False), xero_id=back["xero_id"])]
    )
    assert result.ok, result.messages
    again = account_from_xero(client.get_record("Accounts", back["xero_id"]))
    assert (again["name"], again["active"], again["code"]) == ("Renamed", False, neutral["code"])
