# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Contacts and contact groups: Xero JSON <-> neutral dicts.

The neutral contact (see ``contact_from_xero``) holds plain values only; the Odoo adapter
builds it from a partner and turns it into partner ``vals``. Length limits are the
``maxLength`` values of the official spec (schemas Contact, Address, Phone); ``contact_to_xero``
refuses, never truncates.
"""

import re
from datetime import timezone

from ..dates import parse_datetime
from .common import MappingError, check_length, clean, normalize_email, normalize_name
from .messages import Text

STATUS_ACTIVE = "ACTIVE"
STATUS_ARCHIVED = "ARCHIVED"
GROUP_DELETED = "DELETED"

POBOX = "POBOX"  # Xero's postal address: the main / invoice address
STREET = "STREET"  # Xero's street address: the delivery address
PHONE_DEFAULT = "DEFAULT"
PHONE_MOBILE = "MOBILE"

MAX_PERSONS = 5
PAYMENT_TERM_TYPES = ("DAYSAFTERBILLDATE", "DAYSAFTERBILLMONTH", "OFCURRENTMONTH", "OFFOLLOWINGMONTH")

# Spec maxLength values (schemas Contact, ContactGroup has none: Name's 255 is applied to it too).
NAME_MAX = 255
CONTACT_NUMBER_MAX = 50
EMAIL_MAX = 255
TAX_NUMBER_MAX = 50
PHONE_NUMBER_MAX = 50

# Neutral address key -> (Xero field, maxLength, message code of the field: xero/mapping/messages.py).
ADDRESS_FIELDS = (
    ("street", "AddressLine1", 500, "contacts.street"),
    ("street2", "AddressLine2", 500, "contacts.street2"),
    ("city", "City", 255, "contacts.city"),
    ("state", "Region", 255, "contacts.state"),
    ("zip", "PostalCode", 50, "contacts.zip"),
    ("country", "Country", 50, "contacts.country"),
    ("attention", "AttentionTo", 255, "contacts.attention"),
)
ADDRESS_KEYS = tuple(key for key, _field, _limit, _label in ADDRESS_FIELDS)

# Neutral payment term key -> (Xero PaymentTerms key, message code of its label).
TERM_FIELDS = (("sale_term", "Sales", "contacts.customer"), ("purchase_term", "Bills", "contacts.supplier"))

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NAME_CLASH = re.compile(
    r"is already assigned to another contact|must be unique across all active contacts", re.IGNORECASE
)


# ------------------------------------------------------------------------------ small helpers
def _text(value):
    """A stripped string, or None for empty values (Xero sends "" for unset text fields)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _limit(value, limit, what, **params):
    """``check_length``; the hints of the ``what`` codes name the Odoo field to shorten."""
    return check_length(value, limit, what, **params)


def _by_type(items, type_key, wanted):
    """The first element of a Xero list whose ``type_key`` is ``wanted`` (or an empty dict)."""
    for item in items or ():
        if (item.get(type_key) or "").upper() == wanted:
            return item
    return {}


def split_person_name(name):
    """(first, last) of a person's name: the first word, then the rest.

    ``"Mary Ann van Dyke"`` -> ``("Mary", "Ann van Dyke")``, ``"Cher"`` -> ``("Cher", "")``.
    """
    parts = (name or "").split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def join_person_name(first, last):
    """``"First Last"``, empty parts skipped."""
    return " ".join(part for part in ((first or "").strip(), (last or "").strip()) if part)


# ------------------------------------------------------------------------------ from Xero
def _phone_from_xero(phones, phone_type):
    phone = _by_type(phones, "PhoneType", phone_type)
    parts = (_text(phone.get(key)) for key in ("PhoneCountryCode", "PhoneAreaCode", "PhoneNumber"))
    return " ".join(part for part in parts if part) or None


def _address_from_xero(addresses, address_type):
    """A neutral address dict, or None when Xero's address is empty."""
    address = _by_type(addresses, "AddressType", address_type)
    lines = (_text(address.get(f"AddressLine{n}")) for n in (2, 3, 4))
    values = {key: _text(address.get(field)) for key, field, _limit, _label in ADDRESS_FIELDS}
    values["street2"] = ", ".join(line for line in lines if line) or None
    return values if any(values.values()) else None


def _person_from_xero(person):
    return {
        "first_name": _text(person.get("FirstName")),
        "last_name": _text(person.get("LastName")),
        "email": _text(person.get("EmailAddress")),
        "include_in_emails": bool(person.get("IncludeInEmails")),
    }


def _term_from_xero(term):
    term_type = _text((term or {}).get("Type"))
    if not term_type:
        return None
    return {"type": term_type.upper(), "days": int(term.get("Day") or 0)}


def _is_company(contact, name):
    """A person is a contact whose Name is exactly its First + Last name, with no contact persons."""
    first, last = _text(contact.get("FirstName")), _text(contact.get("LastName"))
    if not (first or last) or contact.get("ContactPersons"):
        return True
    return join_person_name(first, last) != name


def group_ids_of(contact):
    """The IDs of the active contact groups a Xero contact is in."""
    return [
        group["ContactGroupID"]
        for group in contact.get("ContactGroups") or ()
        if isinstance(group, dict)
        and group.get("ContactGroupID")
        and (group.get("Status") or STATUS_ACTIVE).upper() == STATUS_ACTIVE
    ]


def contact_from_xero(contact):
    """The neutral dict of a Xero Contact (every key present)."""
    name = _text(contact.get("Name")) or ""
    addresses = contact.get("Addresses")
    address = _address_from_xero(addresses, POBOX)
    delivery = _address_from_xero(addresses, STREET)
    phones = contact.get("Phones")
    terms = contact.get("PaymentTerms") or {}
    updated = parse_datetime(contact.get("UpdatedDateUTC"))
    return {
        "xero_id": _text(contact.get("ContactID")),
        "name": name,
        "is_company": _is_company(contact, name),
        "active": (contact.get("ContactStatus") or STATUS_ACTIVE).upper() == STATUS_ACTIVE,
        "ref": _text(contact.get("ContactNumber")),
        "email": _text(contact.get("EmailAddress")),
        "vat": _text(contact.get("TaxNumber")),
        "phone": _phone_from_xero(phones, PHONE_DEFAULT),
        "mobile": _phone_from_xero(phones, PHONE_MOBILE),
        "website": _text(contact.get("Website")),
        "currency_code": _text(contact.get("DefaultCurrency")),
        "address": address,
        "delivery_address": None if delivery == address else delivery,
        "persons": [_person_from_xero(person) for person in contact.get("ContactPersons") or ()],
        "group_ids": group_ids_of(contact),
        "sale_term": _term_from_xero(terms.get("Sales")),
        "purchase_term": _term_from_xero(terms.get("Bills")),
        "is_customer": bool(contact.get("IsCustomer")),
        "is_supplier": bool(contact.get("IsSupplier")),
        # timezone.utc, not datetime.UTC: the addon still supports Python 3.10 (setup.py).
        "updated_at": updated.astimezone(timezone.utc) if updated else None,  # noqa: UP017
    }


# ------------------------------------------------------------------------------ to Xero
def _check_email(email, whose):
    """Refuse an address Xero would reject: one @, a dot in the domain, no spaces."""
    if email and not _EMAIL.match(email):
        raise MappingError(
            Text("contacts.email_invalid", email=email, whose=whose),
            hint=Text("contacts.email_invalid.hint", whose=whose),
        )
    return _limit(email, EMAIL_MAX, "contacts.email", whose=whose)


def _address_to_xero(address, address_type, label):
    values = {key: _text((address or {}).get(key)) for key in ADDRESS_KEYS}
    if not any(values.values()):
        return None
    out = {"AddressType": address_type}
    for key, field, limit, what in ADDRESS_FIELDS:
        out[field] = _limit(values[key], limit, what, address=Text(label))
    return out


def _phone_to_xero(number, phone_type, label):
    number = _limit(_text(number), PHONE_NUMBER_MAX, label)
    return {"PhoneType": phone_type, "PhoneNumber": number} if number else None


def _person_to_xero(person, index):
    first, last = _text(person.get("first_name")), _text(person.get("last_name"))
    email = _text(person.get("email"))
    whose = Text(
        "contacts.person", index=index, name=join_person_name(first, last) or email or Text("words.no_name")
    )
    if not (first or last):
        raise MappingError(
            Text("contacts.person_no_name", whose=whose), hint=Text("contacts.person_no_name.hint")
        )
    for value, what in ((first, "contacts.first_name"), (last, "contacts.last_name")):
        _limit(value, NAME_MAX, what, whose=whose)
    return {
        "FirstName": first,
        "LastName": last,
        "EmailAddress": _check_email(email, whose),
        "IncludeInEmails": bool(person.get("include_in_emails")),
    }


def _persons_to_xero(persons):
    persons = list(persons or ())
    if len(persons) > MAX_PERSONS:
        raise MappingError(
            Text("contacts.too_many_persons", count=len(persons), limit=MAX_PERSONS),
            hint=Text("contacts.too_many_persons.hint", limit=MAX_PERSONS),
        )
    return [_person_to_xero(person, index) for index, person in enumerate(persons, 1)]


def _term_to_xero(term, label):
    if not term:
        return None
    term_type = (_text(term.get("type")) or "").upper()
    if term_type not in PAYMENT_TERM_TYPES:
        raise MappingError(
            Text(
                "contacts.term_type_unknown",
                term=Text(label),
                type=term.get("type"),
                types=", ".join(PAYMENT_TERM_TYPES),
            ),
            hint=Text("contacts.term_type_unknown.hint", term=Text(label)),
        )
    return {"Day": int(term.get("days") or 0), "Type": term_type}


def _currency_to_xero(code):
    code = (_text(code) or "").upper() or None
    if code and not _CURRENCY.match(code):
        raise MappingError(
            Text("contacts.currency_invalid", code=code), hint=Text("contacts.currency_invalid.hint")
        )
    return code


def _check_name(name):
    if not name:
        raise MappingError(Text("contacts.no_name"), hint=Text("contacts.no_name.hint"))
    return _limit(name, NAME_MAX, "contacts.name")


def contact_to_xero(neutral, xero_id=None):
    """The Xero Contact payload of a neutral dict; raises MappingError for what Xero would reject.

    Empty values are left out (``clean``), ContactStatus is always sent. Read-only fields
    (IsCustomer, IsSupplier, UpdatedDateUTC, ContactGroups, Balances, Website) never are.
    """
    name = _check_name(_text(neutral.get("name")))
    xero_id = xero_id or neutral.get("xero_id")
    first, last = ("", "") if neutral.get("is_company", True) else split_person_name(name)
    address = neutral.get("address")
    payload = {
        "ContactID": xero_id,
        "Name": name,
        "FirstName": first,
        "LastName": last,
        "ContactNumber": _limit(_text(neutral.get("ref")), CONTACT_NUMBER_MAX, "contacts.ref"),
        "EmailAddress": _check_email(_text(neutral.get("email")), Text("contacts.the_contact")),
        "TaxNumber": _limit(_text(neutral.get("vat")), TAX_NUMBER_MAX, "contacts.vat"),
        "DefaultCurrency": _currency_to_xero(neutral.get("currency_code")),
        "Addresses": [
            _address_to_xero(address, POBOX, "contacts.invoice_address"),
            _address_to_xero(neutral.get("delivery_address") or address, STREET, "contacts.delivery_address"),
        ],
        "Phones": [
            _phone_to_xero(neutral.get("phone"), PHONE_DEFAULT, "contacts.phone"),
            _phone_to_xero(neutral.get("mobile"), PHONE_MOBILE, "contacts.mobile"),
        ],
        "ContactPersons": _persons_to_xero(neutral.get("persons")),
        "PaymentTerms": {
            xero_key: _term_to_xero(neutral.get(key), label) for key, xero_key, label in TERM_FIELDS
        },
    }
    payload = clean(payload)
    payload["ContactStatus"] = STATUS_ACTIVE if neutral.get("active", True) else STATUS_ARCHIVED
    return payload


# ------------------------------------------------------------------------------ groups
def group_from_xero(group):
    """``{"xero_id", "name", "active"}`` of a Xero ContactGroup."""
    return {
        "xero_id": _text(group.get("ContactGroupID")),
        "name": _text(group.get("Name")) or "",
        "active": (group.get("Status") or STATUS_ACTIVE).upper() != GROUP_DELETED,
    }


def group_to_xero(neutral, xero_id=None):
    """The Xero ContactGroup payload of a neutral group (Status DELETED when inactive)."""
    name = _text(neutral.get("name"))
    if not name:
        raise MappingError(Text("contacts.group_no_name"), hint=Text("contacts.group_no_name.hint"))
    _limit(name, NAME_MAX, "contacts.group_name")
    payload = {"Name": name, "Status": STATUS_ACTIVE if neutral.get("active", True) else GROUP_DELETED}
    xero_id = xero_id or neutral.get("xero_id")
    return {"ContactGroupID": xero_id, **payload} if xero_id else payload


# ------------------------------------------------------------------------------ matching
def is_name_clash(messages):
    """Whether Xero's validation messages say the name belongs to another active contact."""
    return any(_NAME_CLASH.search(message or "") for message in messages or ())


def contact_match_keys(neutral):
    """Keys the matching engine compares: Xero id, reference, folded name and email (None when empty)."""
    return {
        "xero_id": _text(neutral.get("xero_id")),
        "ref": _text(neutral.get("ref")),
        "name": normalize_name(neutral.get("name")) or None,
        "email": normalize_email(neutral.get("email")) or None,
    }
