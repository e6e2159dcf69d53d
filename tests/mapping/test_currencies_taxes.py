"""Currencies and tax rates: pure mappings, spec conformance of the payloads, a sandbox round trip."""

import os

import pytest
from xero.mapping.common import MappingError
from xero.mapping.currencies import currency_from_xero, currency_to_xero
from xero.mapping.taxes import (
    NEUTRAL_REPORT_TYPES,
    PURCHASE_REPORT_TYPES,
    SALE_REPORT_TYPES,
    effective_rate,
    tax_from_xero,
    tax_matches,
    tax_to_xero,
)


def comp(name, rate, compound=False, non_recoverable=False):
    return {"name": name, "rate": rate, "compound": compound, "non_recoverable": non_recoverable}


def neutral_tax(**overrides):
    tax = {
        "xero_id": None,
        "name": "GST + QST",
        "active": True,
        "rate": 15.4738,
        "components": [comp("GST", 5.0), comp("QST", 9.975, compound=True)],
        "use": "sale",
        "report_tax_type": "OUTPUT",
    }
    tax.update(overrides)
    return tax


# -- currencies ----------------------------------------------------------------------------------
def test_currency_both_ways():
    assert currency_from_xero({"Code": "usd", "Description": "United States Dollar"}) == {
        "code": "USD",
        "name": "United States Dollar",
    }
    assert currency_from_xero({"Code": "EUR"}) == {"code": "EUR", "name": "EUR"}
    assert currency_to_xero({"code": "eur", "name": "Euro"}) == {"Code": "EUR", "Description": "Euro"}
    assert currency_to_xero({"code": "NZD", "name": None}) == {"Code": "NZD"}


@pytest.mark.parametrize("code", [None, "", "US", "USDX", "U5D", "€UR"])
def test_currency_code_must_be_three_letters(code):
    with pytest.raises(MappingError, match="three-letter") as info:
        currency_to_xero({"code": code, "name": "X"})
    assert info.value.hint and info.value.kind == "mapping"


# -- effective rate ------------------------------------------------------------------------------
def test_effective_rate_simple_components_add_up():
    assert effective_rate([comp("State", 2.25), comp("County", 1.5)]) == 3.75
    assert effective_rate([]) == 0.0


def test_effective_rate_compound_applies_on_base_plus_simple_taxes():
    # Quebec: 5 % GST, then 9.975 % QST charged on (100 + 5): 5 + 9.975 * 1.05 = 15.47375 -> 15.4738
    assert effective_rate([comp("GST", 5), comp("QST", 9.975, compound=True)]) == 15.4738
    # Order does not matter; two compound rates each apply on base + simple taxes (not on each other):
    # 10 + 2 * 1.10 + 3 * 1.10 = 15.5
    assert effective_rate([comp("C1", 2, True), comp("S", 10), comp("C2", 3, True)]) == 15.5


# -- report tax types ----------------------------------------------------------------------------
def test_every_report_tax_type_of_the_spec_is_classified_once(spec_dir):
    import spec_check

    spec = spec_check.load_yaml(os.path.join(spec_dir, "xero_accounting.yaml"))
    enum = set(spec["components"]["schemas"]["TaxRate"]["properties"]["ReportTaxType"]["enum"])
    groups = [SALE_REPORT_TYPES, PURCHASE_REPORT_TYPES, NEUTRAL_REPORT_TYPES]
    assert set().union(*groups) == enum
    assert sum(len(g) for g in groups) == len(enum)


@pytest.mark.parametrize(
    "report, flags, use",
    [
        ("OUTPUT2", {}, "sale"),
        ("EXEMPTOUTPUT", {"CanApplyToExpenses": True, "CanApplyToRevenue": False}, "sale"),
        ("SALESOUTPUT", {}, "sale"),
        ("INPUT", {"CanApplyToRevenue": True, "CanApplyToExpenses": False}, "purchase"),
        ("PURCHASESINPUT", {}, "purchase"),
        ("EXEMPTINPUT", {}, "purchase"),
        ("NONE", {"CanApplyToRevenue": False, "CanApplyToExpenses": True}, "purchase"),
        ("NONE", {"CanApplyToRevenue": True, "CanApplyToExpenses": False}, "sale"),
        ("BASEXCLUDED", {"CanApplyToRevenue": True, "CanApplyToExpenses": True}, "sale"),
        (None, {"CanApplyToExpenses": True}, "purchase"),
        (None, {}, "sale"),
        ("NEWFANGLEDINPUT", {}, "purchase"),  # a value newer than the spec: by its name
        ("NEWFANGLEDOUTPUT", {}, "sale"),
    ],
)
def test_use_from_report_tax_type_then_flags(report, flags, use):
    rate = {
        "Name": "R",
        "TaxType": "T",
        "Status": "ACTIVE",
        "ReportTaxType": report,
        "TaxComponents": [{"Name": "R", "Rate": 1}],
        **flags,
    }
    assert tax_from_xero(rate)["use"] == use


# -- from Xero -----------------------------------------------------------------------------------
def test_tax_from_xero_with_components():
    rate = {
        "Name": "GST on Income",
        "TaxType": "OUTPUT2",
        "ReportTaxType": "OUTPUT",
        "Status": "ACTIVE",
        "CanApplyToRevenue": True,
        "DisplayTaxRate": 15.0,
        "EffectiveRate": 15.0,
        "TaxComponents": [{"Name": "GST", "Rate": 15.0, "IsCompound": False, "IsNonRecoverable": False}],
    }
    assert tax_from_xero(rate) == {
        "xero_id": "OUTPUT2",
        "name": "GST on Income",
        "active": True,
        "rate": 15.0,
        "components": [comp("GST", 15.0)],
        "use": "sale",
        "report_tax_type": "OUTPUT",
    }


def test_tax_from_xero_computes_the_rate_without_effective_rate_and_keeps_flags():
    rate = {
        "Name": "QC",
        "TaxType": "TAX003",
        "Status": "ARCHIVED",
        "ReportTaxType": "INPUT",
        "TaxComponents": [
            {"Name": "GST", "Rate": 5},
            {"Name": "QST", "Rate": 9.975, "IsCompound": True, "IsNonRecoverable": True},
        ],
    }
    tax = tax_from_xero(rate)
    assert tax["rate"] == 15.4738 and tax["active"] is False and tax["use"] == "purchase"
    assert tax["components"] == [comp("GST", 5.0), comp("QST", 9.975, True, True)]


def test_tax_from_xero_without_components_gets_one_named_like_the_rate():
    tax = tax_from_xero(
        {"Name": "Zero Rated", "TaxType": "ZERORATED", "EffectiveRate": 0, "ReportTaxType": None}
    )
    assert tax["components"] == [comp("Zero Rated", 0.0)]
    assert tax["rate"] == 0.0 and tax["report_tax_type"] is None and tax["active"] is True


# -- to Xero -------------------------------------------------------------------------------------
def test_tax_to_xero_payload():
    assert tax_to_xero(neutral_tax()) == {
        "Name": "GST + QST",
        "TaxComponents": [
            {"Name": "GST", "Rate": 5, "IsCompound": False, "IsNonRecoverable": False},
            {"Name": "QST", "Rate": 9.975, "IsCompound": True, "IsNonRecoverable": False},
        ],
        "ReportTaxType": "OUTPUT",
        "Status": "ACTIVE",
    }


def test_tax_to_xero_update_inactive_rounded_unnamed_component():
    payload = tax_to_xero(
        neutral_tax(active=False, report_tax_type=None, components=[comp("", 7.123456)]), xero_id="TAX002"
    )
    assert payload == {
        "TaxType": "TAX002",
        "Name": "GST + QST",
        "TaxComponents": [
            {"Name": "GST + QST", "Rate": 7.1235, "IsCompound": False, "IsNonRecoverable": False}
        ],
        "Status": "DELETED",
    }


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "no name"),
        ({"name": "   "}, "no name"),
        ({"name": "x" * 51}, "51 characters"),
        ({"components": []}, "no rate component"),
        ({"components": [comp("A", 5), comp("B", -1)]}, "negative rate"),
        ({"components": [comp("A", 5, compound=True)]}, "nothing to compound on"),
    ],
)
def test_tax_to_xero_refuses(overrides, message):
    with pytest.raises(MappingError, match=message) as info:
        tax_to_xero(neutral_tax(**overrides))
    assert info.value.hint


def test_tax_round_trip_through_the_pure_mappings():
    tax = neutral_tax(xero_id="TAX001")
    assert tax_from_xero(tax_to_xero(tax, xero_id="TAX001")) == tax


# -- matching ------------------------------------------------------------------------------------
def test_tax_matches_same_rate_and_components_in_any_order():
    a = neutral_tax()
    b = neutral_tax(
        name="Quebec",
        use="purchase",
        xero_id="TAX009",
        components=[comp("QST", 9.975, compound=True), comp("GST", 5.00001)],
    )
    assert tax_matches(a, b) and tax_matches(b, a)
    # Without "rate" the effective rate comes from the components.
    assert tax_matches({"components": [comp("GST", 15)]}, {"rate": 15.0, "components": [comp("x", 15)]})


@pytest.mark.parametrize(
    "other",
    [
        neutral_tax(rate=15.0),  # other total
        neutral_tax(components=[comp("GST", 5.0), comp("QST", 9.975)], rate=15.4738),  # not compound
        neutral_tax(components=[comp("GST", 5.0), comp("QST", 9.975, True), comp("Z", 0)]),
        neutral_tax(components=[comp("GST", 5.0), comp("QST", 9.976, True)], rate=15.4738),
    ],
)
def test_tax_matches_refuses_a_different_rate(other):
    assert not tax_matches(neutral_tax(), other)


# -- the spec ------------------------------------------------------------------------------------
def test_payloads_conform_to_the_spec(check_request):
    check_request("PUT", "/TaxRates", {"TaxRates": [tax_to_xero(neutral_tax())]})
    check_request("POST", "/TaxRates", {"TaxRates": [tax_to_xero(neutral_tax(active=False), "TAX001")]})
    check_request("PUT", "/Currencies", currency_to_xero({"code": "EUR", "name": "Euro"}))
    with pytest.raises(Exception) as info:  # the check does refuse what breaks the spec
        check_request("PUT", "/TaxRates", {"TaxRates": [{"Name": "x", "Status": "GONE"}]})
    assert "GONE" in str(info.value.__cause__)


# -- sandbox -------------------------------------------------------------------------------------
def test_tax_rate_with_two_components_round_trips_through_the_sandbox(harness):
    tax = neutral_tax(name="Quebec sales tax")
    [result] = harness.client.write("TaxRates", [tax_to_xero(tax)], method="PUT")
    assert result.ok, result.messages
    back = tax_from_xero(harness.client.get_record("TaxRates", result.xero_id))
    assert back == dict(tax, xero_id=result.xero_id)
    assert tax_matches(back, tax)

    [result] = harness.client.write("TaxRates", [tax_to_xero(dict(back, active=False), back["xero_id"])])
    assert result.ok, result.messages
    assert tax_from_xero(harness.client.get_record("TaxRates", back["xero_id"]))["active"] is False
