"""Document totals, computed by the server the way Xero does: per line, tax rounded per line.

LineAmount = Quantity * UnitAmount less the discount (DiscountRate % or DiscountAmount), 2 dp.
Exclusive: tax = LineAmount * rate. Inclusive: LineAmount includes tax, tax = LineAmount - LineAmount / (1 + rate).
NoTax: tax = 0. SubTotal = sum(LineAmount) (less TotalTax when Inclusive); Total = SubTotal + TotalTax.
All Decimal, ROUND_HALF_UP.
"""

from decimal import Decimal

from .common import q

HUNDRED = Decimal(100)


def normalise_amount_type(value, quote=False):
    """Map any casing to the document's enum ("Exclusive"... or "EXCLUSIVE"... for quotes)."""
    text = (value or "Exclusive").strip().lower()
    canonical = {"exclusive": "Exclusive", "inclusive": "Inclusive", "notax": "NoTax"}.get(text)
    if canonical is None:
        return None
    return canonical.upper() if quote else canonical


def line_amount(quantity, unit_amount, discount_rate=None, discount_amount=None):
    """(LineAmount, discount) rounded to 2 dp."""
    gross = quantity * unit_amount
    discount = Decimal(0)
    if discount_rate:
        discount = gross * discount_rate / HUNDRED
    elif discount_amount:
        discount = discount_amount
    return q(gross - discount), q(discount)


def line_tax(amount, rate_percent, amount_type):
    """Tax of one line, rounded to 2 dp. ``rate_percent`` e.g. Decimal("15")."""
    kind = amount_type.lower()
    if kind == "notax" or not rate_percent:
        return Decimal("0.00")
    rate = rate_percent / HUNDRED
    if kind == "inclusive":
        return q(amount - amount / (1 + rate))
    return q(amount * rate)


def document_totals(lines, amount_type):
    """(SubTotal, TotalTax, Total) from lines carrying Decimal 'amount' and 'tax'."""
    total_lines = sum((line["amount"] for line in lines), Decimal(0))
    total_tax = sum((line["tax"] for line in lines), Decimal(0))
    if amount_type.lower() == "inclusive":
        sub_total = total_lines - total_tax
    else:
        sub_total = total_lines
    return q(sub_total), q(total_tax), q(sub_total + total_tax)


def effective_rate(components):
    """(DisplayTaxRate, EffectiveRate) in percent from TaxComponents; compound ones apply on top."""
    simple = sum(
        (Decimal(str(c.get("Rate") or 0)) for c in components if not c.get("IsCompound")), Decimal(0)
    )
    compound = [Decimal(str(c.get("Rate") or 0)) for c in components if c.get("IsCompound")]
    display = simple + sum(compound, Decimal(0))
    effective = simple
    for rate in compound:
        effective += rate * (HUNDRED + simple) / HUNDRED
    return q(display, 4), q(effective, 4)
