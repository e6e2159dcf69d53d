# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Currencies: Xero ``{Code, Description}`` <-> neutral ``{"code", "name"}``."""

from .common import MappingError, clean


def check_code(code, what="Currency code"):
    """The upper-cased ISO 4217 code; MappingError unless it is three letters."""
    text = (code or "").strip().upper()
    if len(text) != 3 or not (text.isascii() and text.isalpha()):
        raise MappingError(
            f"{what} {code!r} is not a three-letter ISO 4217 code.",
            hint="Use the currency's ISO code, e.g. USD or EUR.",
        )
    return text


def currency_from_xero(rec):
    code = (rec.get("Code") or "").strip().upper()
    return {"code": code, "name": (rec.get("Description") or "").strip() or code}


def currency_to_xero(neutral):
    """The body of PUT /Currencies (one currency, not wrapped)."""
    return clean({"Code": check_code(neutral.get("code")), "Description": neutral.get("name")})
