# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Can one element of a Xero list answer be imported? Pure rules, data in, problems out.

Xero is the source, but what it sends may still be what Odoo must not store: a NUL character
(PostgreSQL refuses it in text and JSON), a lone surrogate (cannot be encoded in UTF-8), other
control characters (XML, hence Odoo's PDF reports, refuses them), a date nobody can read, a
record without its ID, a contact without a name, or no object at all. Each such element is
refused on its own, with the reason; nothing is stripped or guessed, so the Odoo record never
silently differs from Xero's. ``safe_text`` makes any text storable for the log that says so.
"""

import json
import re
from datetime import timezone

from .dates import parse_datetime

# Characters refused anywhere in an element: C0 controls but tab, LF and CR (NUL among them),
# surrogate code points (a valid pair is one character once decoded: what remains is lone),
# and the non-characters U+FFFE/U+FFFF.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# What Odoo needs on an imported record besides its ID (Item Code: Xero's own required field).
REQUIRED = {
    "Contacts": ("Name",),
    "ContactGroups": ("Name",),
    "Items": ("Code",),
    "Accounts": ("Name",),
    "TaxRates": ("Name",),
    "TrackingCategories": ("Name",),
    "Invoices": ("Type",),
    "CreditNotes": ("Type",),
}
# Fields that are an object, or a list of objects, wherever they appear (null is allowed).
OBJECT_FIELDS = frozenset(
    {
        "Contact",
        "Invoice",
        "CreditNote",
        "Account",
        "Item",
        "SalesDetails",
        "PurchaseDetails",
        "PaymentTerms",
        "Sales",
        "Bills",
        "BatchPayment",
    }
)
LIST_FIELDS = frozenset(
    {
        "LineItems",
        "Payments",
        "Allocations",
        "Addresses",
        "Phones",
        "ContactPersons",
        "ContactGroups",
        "Contacts",
        "TaxComponents",
        "Tracking",
        "Options",
        "CreditNotes",
        "Prepayments",
        "Overpayments",
        "JournalLines",
    }
)
# Dates the mappings read, wherever they appear.
DATE_FIELDS = frozenset({"UpdatedDateUTC", "Date", "DueDate"})


def problems(element, spec):
    """What makes ``element`` (one item of a list answer of collection ``spec``) unimportable;
    an empty list when it can be imported."""
    if not isinstance(element, dict):
        return [f"the element is {_type_name(element)}, not an object"]
    found = []
    record_id = element.get(spec.id_field)
    if record_id is None or (isinstance(record_id, str) and not record_id.strip()):
        found.append(f"{spec.id_field} is missing")
    elif not isinstance(record_id, str):
        found.append(f"{spec.id_field} is {_type_name(record_id)}, not text")
    required = REQUIRED.get(spec.name, ())
    for field in dict.fromkeys(required + ("Name", spec.number_field)):
        value = element.get(field) if field else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if field in required:
                found.append(f"{field} is empty")
        elif not isinstance(value, str):
            found.append(f"{field} is {_type_name(value)}, not text")
    _walk(element, "", found)
    return found


def _walk(value, path, found):
    if isinstance(value, str):
        match = _BAD_CHARS.search(value)
        if match:
            found.append(
                f"{path or 'a text'} contains {_char_name(match.group())} at position {match.start() + 1}"
            )
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or _BAD_CHARS.search(key):
                name = safe_text(key) if isinstance(key, str) else repr(key)
                found.append(f"{path or 'the element'} has a field named '{name}'")
                continue
            where = f"{path}.{key}" if path else key
            if item is None:
                continue
            if key in OBJECT_FIELDS and not isinstance(item, dict):
                found.append(f"{where} is {_type_name(item)}, not an object")
                continue
            if key in LIST_FIELDS:
                if not isinstance(item, list):
                    found.append(f"{where} is {_type_name(item)}, not a list")
                    continue
                wrong = [i for i, entry in enumerate(item) if not isinstance(entry, dict)]
                if wrong:
                    found.append(f"{where}[{wrong[0]}] is {_type_name(item[wrong[0]])}, not an object")
                    continue
            if key in DATE_FIELDS and item != "":
                problem = _date_problem(item, key == "UpdatedDateUTC")
                if problem:
                    found.append(f"{where} {problem}")
                    continue
            _walk(item, where, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", found)


def _date_problem(value, stamp):
    if not isinstance(value, str):
        return f"is {_type_name(value)}, not a date"
    try:
        moment = parse_datetime(value).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return f"is not a date ({safe_text(value[:40])!r})"
    if stamp and moment.year < 1970:
        # A modification time before Xero existed (and before any import cursor).
        return f"is out of range ({safe_text(value[:40])!r})"
    return None


def _char_name(char):
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (a lone surrogate, not valid Unicode)"
    if code == 0:
        return "U+0000 (NUL)"
    if code in (0xFFFE, 0xFFFF):
        return f"U+{code:04X} (not a character)"
    return f"U+{code:04X} (a control character)"


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def is_clean(text):
    return isinstance(text, str) and not _BAD_CHARS.search(text)


def safe_text(text):
    """``text`` with every refused character written as its escape (``\\u0000``): storable
    in PostgreSQL, encodable in UTF-8, and still showing what was there."""
    if not isinstance(text, str):
        return text
    return _BAD_CHARS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def safe_json(value):
    """``value`` as JSON text (indented, keys sorted), storable whatever it holds: JSON
    escapes the control characters, ``safe_text`` the lone surrogates."""
    return safe_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def label(element, spec):
    """A short, storable name for ``element`` in a log: its name, number or ID, else its type."""
    if isinstance(element, dict):
        for field in ("Name", spec.number_field, "Code", spec.id_field):
            value = element.get(field) if field else None
            if isinstance(value, str) and value.strip():
                return safe_text(value.strip())[:200]
        return f"{spec.name} element without {spec.id_field}"
    return f"{spec.name} element: {safe_text(repr(element))[:120]}"
