# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Currencies: Xero ``{Code, Description}`` <-> neutral ``{"code", "name"}``."""

from .common import MappingError, clean
from .messages import Text


def check_code(code, what=None):
    """The upper-cased ISO 4217 code; MappingError unless it is three letters. ``what``: a
    Text naming the field (default: "Currency code")."""
    text = (code or "").strip().upper()
    if len(text) != 3 or not (text.isascii() and text.isalpha()):
        raise MappingError(
            Text("currencies.code_invalid", what=what or Text("currencies.code"), code=code),
            hint=Text("currencies.code_invalid.hint"),
        )
    return text


def currency_from_xero(rec):
    code = (rec.get("Code") or "").strip().upper()
    return {"code": code, "name": (rec.get("Description") or "").strip() or code}


def currency_to_xero(neutral):
    """The body of PUT /Currencies (one currency, not wrapped)."""
    return clean({"Code": check_code(neutral.get("code")), "Description": neutral.get("name")})
