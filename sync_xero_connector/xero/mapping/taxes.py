# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Tax rates: Xero ``TaxRate`` <-> neutral tax.

Neutral tax: ``{"xero_id" (TaxType), "name", "active", "rate" (effective, percent),
"components": [{"name", "rate", "compound", "non_recoverable"}], "use": "sale"|"purchase",
"report_tax_type"}``.
"""

from collections import Counter
from decimal import Decimal

from .common import MappingError, check_length, clean, money, number
from .messages import Text

# The spec gives TaxRate.Name no maxLength; 50 is the limit of Xero's tax rate form (unverified
# for the API). Refusing early beats a rejected write.
NAME_MAX = 50

# Every ReportTaxType of the spec's TaxRate enum, by the side of a transaction it reports.
SALE_REPORT_TYPES = frozenset(
    {
        "ACC28PLUS",
        "ACCUPTO28",
        "AVALARA",
        "BADDEBTRECOVERY",
        "CAPEXOUTPUT",
        "CAPITALSALESOUTPUT",
        "CAPOUTPUT",
        "CIUOUTPUT",
        "DRCHARGESUPPLY",
        "DSOUTPUT",
        "ECOUTPUT",
        "ECOUTPUTSERVICES",
        "ES33OUTPUT",
        "ESN33OUTPUT",
        "EXEMPTEXPORT",
        "EXEMPTOUTPUT",
        "MOSSSALES",
        "NONEOUTPUT",
        "OSOUTPUT",
        "OTHEROUTPUT",
        "OUTPUT",
        "OUTPUT2",
        "SALESOUTPUT",
        "SHOUTPUT",
        "SRCAS",
        "SRLVG",
        "SROUTPUT",
        "SROUTPUT2",
        "SROVR",
        "SROVRLVG",
        "SROVRRS",
        "TOURISTREFUND",
        "USSALESTAX",
        "ZEROEXPOUTPUT",
        "ZERORATEDOUTPUT",
        "ZREXPORT",
        "ZROUTPUT",
    }
)
PURCHASE_REPORT_TYPES = frozenset(
    {
        "BADDEBTRELIEF",
        "BLINPUT2",
        "BLINPUT3",
        "CAPEXINPUT",
        "CAPIMPORTS",
        "CAPINPUT",
        "CAPITALEXINPUT",
        "CAPITALEXPENSESINPUT",
        "CIUINPUT",
        "DRCHARGE",
        "ECACQUISITIONS",
        "ECINPUT",
        "EPINPUT",
        "EXEMPTCAPITAL",
        "EXEMPTEXPENSES",
        "EXEMPTINPUT",
        "GOODSIMPORT",
        "GSTONCAPIMPORTS",
        "GSTONCAPITALIMPORTS",
        "GSTONIMPORTS",
        "IGDSINPUT2",
        "IGDSINPUT3",
        "IM",
        "IMESS",
        "IMINPUT",
        "IMINPUT2",
        "IMN33",
        "IMRE",
        "INPUT",
        "INPUT2",
        "MEINPUT",
        "NONEINPUT",
        "NRINPUT",
        "OPINPUT",
        "OTHERINPUT",
        "PURCHASESINPUT",
        "REVERSECHARGES",
        "SRINPUT",
        "TXCA",
        "TXESSINPUT",
        "TXN33INPUT",
        "TXPETINPUT",
        "TXRCESS",
        "TXRCN33",
        "TXRCRE",
        "TXRCTS",
        "TXREINPUT",
        "ZERORATEDINPUT",
        "ZRINPUT",
    }
)
# Side-less: tax bases and reporting methods, and AU "input taxed" supplies (used on sales and
# purchases alike). The rate's CanApplyTo* flags decide.
NEUTRAL_REPORT_TYPES = frozenset(
    {
        "ACCRUAL",
        "ACCRUALS",
        "BADDEBT",
        "BASEXCLUDED",
        "CASH",
        "FLATRATEACCRUAL",
        "FLATRATECASH",
        "INPUTTAXED",
        "INVOICE",
        "NONE",
        "NOTREPORTED",
        "PAYMENTS",
        "UNDEFINED",
    }
)


def effective_rate(components):
    """The rate charged on the base, in percent (4 dp), from neutral components.

    Compound components apply on the base plus the non-compound taxes: with S the sum of the
    non-compound rates, each compound rate c adds c * (100 + S) / 100.
    """

    def rate(comp):
        return Decimal(str(comp.get("rate") or 0))

    simple = sum((rate(c) for c in components if not c.get("compound")), Decimal(0))
    total = simple + sum(
        (rate(c) * (100 + simple) / 100 for c in components if c.get("compound")), Decimal(0)
    )
    return float(money(total, 4))


def tax_use(report_tax_type, can_revenue=None, can_expenses=None):
    """The side a rate is for, "sale" or "purchase": by its ReportTaxType, else by its
    CanApplyToRevenue/CanApplyToExpenses flags, else "sale"."""
    kind = (report_tax_type or "").upper()
    if kind in SALE_REPORT_TYPES:
        return "sale"
    if kind in PURCHASE_REPORT_TYPES:
        return "purchase"
    if kind not in NEUTRAL_REPORT_TYPES:  # a value newer than the spec: go by its name
        if "OUTPUT" in kind or kind.startswith("SALES"):
            return "sale"
        if "INPUT" in kind or kind.startswith("PURCHASES"):
            return "purchase"
    if can_expenses and not can_revenue:
        return "purchase"
    return "sale"


def tax_from_xero(rate):
    name = (rate.get("Name") or "").strip()
    components = [
        {
            "name": (comp.get("Name") or "").strip() or name,
            "rate": float(money(comp.get("Rate") or 0, 4)),
            "compound": bool(comp.get("IsCompound")),
            "non_recoverable": bool(comp.get("IsNonRecoverable")),
        }
        for comp in rate.get("TaxComponents") or []
    ]
    if not components:
        own = rate.get("EffectiveRate", rate.get("DisplayTaxRate")) or 0
        components = [
            {"name": name, "rate": float(money(own, 4)), "compound": False, "non_recoverable": False}
        ]
    given = rate.get("EffectiveRate")
    return {
        "xero_id": rate.get("TaxType") or None,
        "name": name,
        "active": (rate.get("Status") or "ACTIVE") == "ACTIVE",
        "rate": float(money(given, 4)) if given is not None else effective_rate(components),
        "components": components,
        "use": tax_use(
            rate.get("ReportTaxType"), rate.get("CanApplyToRevenue"), rate.get("CanApplyToExpenses")
        ),
        "report_tax_type": rate.get("ReportTaxType") or None,
    }


def tax_to_xero(neutral, xero_id=None):
    """One element of PUT/POST /TaxRates.

    An inactive tax is sent as ``DELETED``, the only status the spec's examples write (Xero
    keeps a rate already used on transactions as ``ARCHIVED``).
    """
    name = (neutral.get("name") or "").strip()
    if not name:
        raise MappingError(Text("taxes.no_name"), hint=Text("taxes.no_name.hint"))
    check_length(name, NAME_MAX, "taxes.name")
    components = neutral.get("components") or []
    if not components:
        raise MappingError(Text("taxes.no_component", name=name), hint=Text("taxes.no_component.hint"))
    for comp in components:
        if (comp.get("rate") or 0) < 0:
            raise MappingError(
                Text("taxes.negative_rate", name=name, rate=comp["rate"]),
                hint=Text("taxes.negative_rate.hint"),
            )
    if len(components) == 1 and components[0].get("compound"):
        raise MappingError(Text("taxes.compound_alone", name=name), hint=Text("taxes.compound_alone.hint"))
    return clean(
        {
            "TaxType": xero_id,
            "Name": name,
            "TaxComponents": [
                {
                    "Name": (comp.get("name") or "").strip() or name,
                    "Rate": number(comp.get("rate") or 0, 4),
                    "IsCompound": bool(comp.get("compound")),
                    "IsNonRecoverable": bool(comp.get("non_recoverable")),
                }
                for comp in components
            ],
            "ReportTaxType": neutral.get("report_tax_type"),
            "Status": "ACTIVE" if neutral.get("active", True) else "DELETED",
        }
    )


def _signature(tax):
    components = tax.get("components") or []
    rate = tax.get("rate")
    total = money(rate if rate is not None else effective_rate(components), 4)
    return total, Counter((money(c.get("rate") or 0, 4), bool(c.get("compound"))) for c in components)


def tax_matches(a, b):
    """Whether two neutral taxes charge the same: effective rate (4 dp) and the same components
    (rate and compound flag, in any order)."""
    return _signature(a) == _signature(b)
