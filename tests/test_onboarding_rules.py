"""The first-day check's rules (xero/onboarding.py): pure, data in, findings out."""

from datetime import date

from xero import onboarding
from xero.mapping.accounts import DEFAULT_TYPE_MAP

ORG = {
    "Name": "Demo Company (Sandbox)",
    "BaseCurrency": "NZD",
    "DefaultSalesTax": "Tax Exclusive",
    "DefaultPurchasesTax": "Tax Exclusive",
}


def company(**overrides):
    facts = {
        "name": "My Company",
        "currency": "NZD",
        "tax_rounding": "round_per_line",
        "price_include": "tax_excluded",
        "has_entries": False,
        "has_posted_entries": False,
        "lock_date": None,
        "invoice_journal": "Sales",
        "next_invoice_number": "INV/2026/00001",
    }
    facts.update(overrides)
    return facts


def codes(findings):
    return {f["code"]: f for f in findings}


def test_agreeing_company_has_no_finding():
    assert onboarding.check(ORG, company()) == []
    assert onboarding.state_of([]) == "ok"


def test_base_currency_blocks_and_offers_the_currency_while_nothing_is_posted():
    [found] = onboarding.check(ORG, company(currency="USD"))
    assert (found["code"], found["level"], found["action"]) == (
        "base_currency",
        "blocking",
        onboarding.USE_XERO_CURRENCY,
    )
    assert "NZD" in found["message"] and "USD" in found["message"]
    assert "Use NZD as the company currency" in found["fix"]
    # With journal entries Odoo cannot change the currency: no button, another way out.
    [found] = onboarding.check(ORG, company(currency="USD", has_entries=True))
    assert found["level"] == "blocking" and found["action"] is None
    assert "whose currency is NZD" in found["fix"]
    assert onboarding.state_of([found]) == "blocking"


def test_rounding_adopted_without_posted_entries_else_a_warning_with_the_fix():
    assert onboarding.adoptions(company(tax_rounding="round_globally")) == [onboarding.ROUND_PER_LINE]
    assert onboarding.adoptions(company(tax_rounding="round_globally", has_posted_entries=True)) == []
    assert onboarding.adoptions(company()) == []
    [info] = onboarding.check(ORG, company(), adopted=[onboarding.ROUND_PER_LINE])
    assert (info["code"], info["level"], info["action"]) == ("tax_rounding", "info", None)
    assert onboarding.ROUNDING_PATH in info["message"]
    [warning] = onboarding.check(ORG, company(tax_rounding="round_globally", has_posted_entries=True))
    assert (warning["code"], warning["level"], warning["action"]) == (
        "tax_rounding",
        "warning",
        onboarding.ROUND_PER_LINE,
    )
    assert onboarding.ROUNDING_PATH in warning["fix"]
    assert onboarding.state_of([warning, info]) == "warning"


def test_tax_inclusive_defaults_are_information():
    org = dict(ORG, DefaultPurchasesTax="Tax Inclusive")
    [found] = onboarding.check(org, company())
    assert (found["code"], found["level"]) == ("tax_defaults", "info")
    assert "purchases" in found["message"] and "sales" not in found["message"]
    assert onboarding.check(dict(ORG, DefaultSalesTax=None, DefaultPurchasesTax=None), company()) == []
    [found] = onboarding.check(ORG, company(price_include="tax_included"))
    assert "sales" in found["message"] and "purchases" in found["message"]


def test_lock_dates():
    org = dict(
        ORG,
        PeriodLockDate="/Date(1719705600000+0000)/",  # 2024-06-30
        EndOfYearLockDate="/Date(1711843200000+0000)/",
    )  # 2024-03-31
    [found] = onboarding.check(org, company())
    assert (found["code"], found["level"]) == ("lock_dates", "info")
    assert "2024-06-30" in found["message"]
    assert onboarding.check(org, company(lock_date=date(2024, 6, 30))) == []
    [found] = onboarding.check(org, company(lock_date=date(2025, 3, 31)))
    assert found["level"] == "warning" and "2025-03-31" in found["message"]
    [found] = onboarding.check(ORG, company(lock_date=date(2025, 3, 31)))
    assert found["level"] == "warning"


def test_numbering_overlap_same_prefix():
    numbers = [f"INV-{n:04d}" for n in range(1, 160)]
    [found] = onboarding.check(ORG, company(), xero_invoice_numbers=numbers)
    assert (found["code"], found["level"]) == ("numbering_overlap", "warning")
    assert "INV/2026/00001" in found["message"] and "INV-0159" in found["message"]
    assert "Invoice settings" in found["fix"]


def test_numbering_other_prefix_is_information_and_clashes_are_named():
    [found] = onboarding.check(ORG, company(), xero_invoice_numbers=["ORC1040", "ORC1041"])
    assert (found["code"], found["level"]) == ("numbering_series", "info")
    assert "ORC1041" in found["message"]
    [found] = onboarding.check(
        ORG, company(), xero_invoice_numbers=["ORC1040", "ORC1041"], odoo_numbers_in_xero=["ORC1040"]
    )
    assert (found["code"], found["level"]) == ("numbering_overlap", "warning")
    assert "ORC1040" in found["message"]
    assert onboarding.check(ORG, company(), xero_invoice_numbers=[]) == []


def test_accounts_with_the_same_code_and_another_name_or_type():
    xero = [
        {"Code": "200", "Name": "Sales", "Type": "REVENUE"},
        {"Code": "400", "Name": "Advertising", "Type": "OVERHEADS"},
        {"Code": "610", "Name": "Accounts Receivable", "Type": "CURRENT", "SystemAccount": "DEBTORS"},
        {"Code": "999", "Name": "Gone", "Type": "EXPENSE", "Status": "DELETED"},
        {"Name": "Bank", "Type": "BANK"},
    ]
    odoo = [
        {"code": "200", "name": "sales", "account_type": "income"},  # same account
        {"code": "400", "name": "Product Sales", "account_type": "income"},
        {"code": "610", "name": "Accounts Receivable", "account_type": "asset_receivable"},
        {"code": "999", "name": "Other", "account_type": "expense"},
    ]
    [found] = onboarding.check(
        ORG, company(), xero_accounts=xero, odoo_accounts=odoo, type_map=DEFAULT_TYPE_MAP
    )
    assert (found["code"], found["level"]) == ("accounts_overlap", "warning")
    assert "(1)" in found["message"]
    assert "400: Advertising (OVERHEADS) in Xero, Product Sales (income) in Odoo" in found["message"]
    many = [{"Code": str(n), "Name": f"X{n}", "Type": "EXPENSE"} for n in range(12)]
    [found] = onboarding.check(
        ORG,
        company(),
        xero_accounts=many,
        odoo_accounts=[{"code": str(n), "name": f"Y{n}", "account_type": "expense"} for n in range(12)],
        type_map=DEFAULT_TYPE_MAP,
    )
    assert " and 4 more" in found["message"]


def test_findings_sorted_blocking_first_and_translated_through_the_callable():
    seen = []

    def translate(text, **params):
        seen.append(text)
        return (text % params if params else text).upper()

    findings = onboarding.check(
        dict(ORG, DefaultSalesTax="Tax Inclusive"),
        company(currency="USD"),
        xero_invoice_numbers=["INV-0001"],
        _=translate,
    )
    assert [f["level"] for f in findings] == ["blocking", "warning", "info"]
    assert findings[0]["message"].startswith("THE XERO ORGANISATION")
    assert seen and all(isinstance(text, str) for text in seen)
    failed = onboarding.check_failed("boom")
    assert (failed["code"], failed["level"]) == ("check_failed", "warning")
    assert "boom" in failed["message"] and "Check Again" in failed["fix"]
