# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What every mapping shares: the mapping error, name normalisation, payload hashing.

Mappings are pure functions between Xero JSON and *neutral* dicts (plain values: codes and
names, never Odoo ids). The Odoo adapters turn a record into a neutral dict (a snapshot) and a
neutral dict into ``vals``; nothing here touches a database.
"""

import hashlib
import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from .messages import Text


class MappingError(Exception):
    """A record that cannot be mapped. ``message`` says what is wrong, ``hint`` what to fix.

    Raised before anything is sent or written, so the record goes to the mismatch log and the
    rest of the batch goes on.

    The mappings raise it with ``Text`` messages (messages.py): English strings that carry a
    stable ``code`` and their ``params``, which the Odoo layer translates. The Odoo layer
    raises it with messages it translated itself (then ``code`` is None).
    """

    def __init__(self, message, hint=None, kind="mapping", missing=None, blocking=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        # "mapping": the record itself; "dependency": a record it needs is not mapped.
        self.kind = kind
        # For a dependency: (object key, what is missing), e.g. ("accounts", "200").
        self.missing = missing
        # For a dependency: (model name, id) of the record that blocks, e.g. the partner of a
        # document that is not in Xero yet; shown as "Open Blocking Record" on the entry.
        self.blocking = blocking

    @property
    def code(self):
        """Stable code of the message (xero/mapping/messages.py), or None."""
        return self.message.code if isinstance(self.message, Text) else None

    @property
    def params(self):
        """The message's parameters (a copy; nested messages stay Texts)."""
        return dict(self.message.params) if isinstance(self.message, Text) else {}

    @property
    def hint_code(self):
        return self.hint.code if isinstance(self.hint, Text) else None

    @property
    def hint_params(self):
        return dict(self.hint.params) if isinstance(self.hint, Text) else {}


_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
_LEGAL_SUFFIXES = ("limited", "ltd", "llc", "inc", "pty", "plc", "gmbh", "sarl", "sa", "bv", "co")


def normalize_name(name):
    """A name folded for matching: case, accents, punctuation and spacing ignored.

    ``"  ACME  Ltd."`` and ``"Acme ltd"`` give the same key; legal suffixes are kept (``Acme``
    and ``Acme Ltd`` stay different: Xero treats them as different contacts).
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def normalize_email(email):
    return (email or "").strip().casefold()


def clean(value):
    """Drop None, empty strings, empty lists and empty dicts, recursively: what Xero omits."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = clean(item)
            if item is None or item == "" or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        items = [clean(item) for item in value]
        return [item for item in items if item is not None and item != "" and item != {}]
    if isinstance(value, str):
        return value.strip()
    return value


def payload_hash(payload):
    """A stable hash of a payload: key order and float representation do not matter."""

    def default(obj):
        if isinstance(obj, Decimal):
            return format(obj.normalize(), "f")
        return str(obj)

    text = json.dumps(_canonical(payload), sort_keys=True, separators=(",", ":"), default=default)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value):
    if isinstance(value, float):
        return money(value, 4)
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def money(value, digits=2):
    """A float rounded half-up to ``digits`` as a Decimal (never a binary float artefact)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value, digits=4):
    """A JSON number for Xero: at most ``digits`` decimals, ints stay ints."""
    if value is None:
        return None
    quantized = money(value, digits).normalize()
    if quantized == quantized.to_integral_value():
        return int(quantized)
    return float(quantized)


def check_length(value, limit, what, **params):
    """Refuse (not truncate) a text Xero would reject for its length. ``what`` names the
    field: the messages ``<what>.too_long`` and ``<what>.too_long.hint`` (messages.py) say it,
    with ``params`` besides the length and the limit."""
    if value and len(value) > limit:
        raise MappingError(
            Text(f"{what}.too_long", length=len(value), limit=limit, **params),
            hint=Text(f"{what}.too_long.hint", limit=limit, **params),
        )
    return value


# Xero's answers when a create clashes with a record it already has: which field clashed.
_CLASHES = (
    (re.compile(r"Please enter a unique (Name|Code)\b", re.I), None),  # Accounts
    (
        re.compile(
            r"is already assigned to another contact|must be unique across all active "
            r"contacts",
            re.I,
        ),
        "Name",
    ),  # Contacts
    (re.compile(r"Item code .* already exists", re.I), "Code"),  # Items
    (re.compile(r"contact group with the name .* already exists", re.I), "Name"),
)


def clash_field(messages):
    """The Xero field ("Name", "Code") whose value another Xero record already has, from
    Xero's validation messages; None when the refusal is not a clash."""
    for message in messages or ():
        for pattern, field in _CLASHES:
            found = pattern.search(message or "")
            if found:
                return field or found.group(1).title()
    return None
