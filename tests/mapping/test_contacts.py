"""Contact and contact group mapping (xero/mapping/contacts.py): exact neutral dicts and payloads,
every refusal, conformance of the payload to the official spec, and a round trip through the sandbox."""

import copy
import json
import os
from datetime import datetime, timezone

import pytest
from xero import CREATED, REJECTED, Transport, XeroClient
from xero.mapping.common import MappingError
from xero.mapping.contacts import (
    contact_from_xero,
    contact_match_keys,
    contact_to_xero,
    group_from_xero,
    group_to_xero,
    is_name_clash,
    join_person_name,
    split_person_name,
)
from xero.ratelimit import LimiterRegistry

UTC = timezone.utc  # noqa: UP017 (datetime.UTC is Python 3.11+; the addon supports 3.10)

# What contact_from_xero produces but contact_to_xero does not send (website: read-only in the spec).
IMPORT_ONLY = ("group_ids", "is_customer", "is_supplier", "updated_at", "website")

ADDRESS = {
    "street": "12 Queen Street",
    "street2": "Level 3",
    "city": "Auckland",
    "state": "Auckland",
    "zip": "1010",
    "country": "New Zealand",
    "attention": "Accounts Payable",
}
DELIVERY = {
    "street": "4 Dock Road",
    "street2": None,
    "city": "Onehunga",
    "state": None,
    "zip": "1061",
    "country": "NZ",
    "attention": None,
}
COMPANY = {
    "xero_id": None,
    "name": "Ridgeway Bakery Ltd",
    "is_company": True,
    "active": True,
    "ref": "C-0042",
    "email": "accounts@ridgeway.example",
    "vat": "123-456-789",
    "phone": "+64 9 555 0101",
    "mobile": "021 555 0199",
    "website": "https://ridgeway.example",
    "currency_code": "NZD",
    "address": ADDRESS,
    "delivery_address": DELIVERY,
    "persons": [
        {
            "first_name": "Ana",
            "last_name": "Ngata",
            "email": "ana@ridgeway.example",
            "include_in_emails": True,
        },
        {"first_name": "Tom", "last_name": None, "email": None, "include_in_emails": False},
    ],
    "group_ids": [],
    "sale_term": {"type": "DAYSAFTERBILLDATE", "days": 20},
    "purchase_term": {"type": "OFFOLLOWINGMONTH", "days": 15},
    "is_customer": False,
    "is_supplier": False,
    "updated_at": None,
}
COMPANY_PAYLOAD = {
    "Name": "Ridgeway Bakery Ltd",
    "ContactStatus": "ACTIVE",
    "ContactNumber": "C-0042",
    "EmailAddress": "accounts@ridgeway.example",
    "TaxNumber": "123-456-789",
    "DefaultCurrency": "NZD",
    "Addresses": [
        {
            "AddressType": "POBOX",
            "AddressLine1": "12 Queen Street",
            "AddressLine2": "Level 3",
            "City": "Auckland",
            "Region": "Auckland",
            "PostalCode": "1010",
            "Country": "New Zealand",
            "AttentionTo": "Accounts Payable",
        },
        {
            "AddressType": "STREET",
            "AddressLine1": "4 Dock Road",
            "City": "Onehunga",
            "PostalCode": "1061",
            "Country": "NZ",
        },
    ],
    "Phones": [
        {"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0101"},
        {"PhoneType": "MOBILE", "PhoneNumber": "021 555 0199"},
    ],
    "ContactPersons": [
        {
            "FirstName": "Ana",
            "LastName": "Ngata",
            "EmailAddress": "ana@ridgeway.example",
            "IncludeInEmails": True,
        },
        {"FirstName": "Tom", "IncludeInEmails": False},
    ],
    "PaymentTerms": {
        "Sales": {"Day": 20, "Type": "DAYSAFTERBILLDATE"},
        "Bills": {"Day": 15, "Type": "OFFOLLOWINGMONTH"},
    },
}
EMPTY_NEUTRAL = {
    "xero_id": None,
    "name": "",
    "is_company": True,
    "active": True,
    "ref": None,
    "email": None,
    "vat": None,
    "phone": None,
    "mobile": None,
    "website": None,
    "currency_code": None,
    "address": None,
    "delivery_address": None,
    "persons": [],
    "group_ids": [],
    "sale_term": None,
    "purchase_term": None,
    "is_customer": False,
    "is_supplier": False,
    "updated_at": None,
}
CONTACT_ID = "3ff6d40c-af9a-40a3-89ce-3c1556a25591"
GROUP_ID = "97bbd0e6-ab4d-4117-9304-d90dd4779199"


def neutral(base=COMPANY, **changes):
    """A deep copy of ``base`` with ``changes`` applied."""
    out = copy.deepcopy(base)
    out.update(copy.deepcopy(changes))
    return out


def person(**changes):
    """An individual (no company, no contact persons)."""
    return neutral(**dict({"name": "John Smith", "is_company": False, "persons": []}, **changes))


def from_xero(**contact):
    return contact_from_xero(dict({"ContactID": CONTACT_ID, "Name": "Acme"}, **contact))


def exported(data):
    """The neutral values contact_to_xero sends (import-only keys left out)."""
    return {key: value for key, value in data.items() if key not in IMPORT_ONLY}


# ----------------------------------------------------------------------------- from Xero
def test_from_xero_full_contact():
    contact = {
        "ContactID": CONTACT_ID,
        "ContactNumber": "C-0042",
        "ContactStatus": "ACTIVE",
        "Name": "Ridgeway Bakery Ltd",
        "FirstName": "",
        "LastName": "",
        "EmailAddress": "accounts@ridgeway.example",
        "TaxNumber": "123-456-789",
        "Website": "https://ridgeway.example",
        "DefaultCurrency": "NZD",
        "Addresses": [
            {
                "AddressType": "STREET",
                "AddressLine1": "4 Dock Road",
                "AddressLine2": "",
                "City": "Onehunga",
                "Region": "",
                "PostalCode": "1061",
                "Country": "NZ",
                "AttentionTo": "",
            },
            {
                "AddressType": "POBOX",
                "AddressLine1": "12 Queen Street",
                "AddressLine2": "Level 3",
                "AddressLine3": "Suite 4",
                "AddressLine4": "Rear entrance",
                "City": "Auckland",
                "Region": "Auckland",
                "PostalCode": "1010",
                "Country": "New Zealand",
                "AttentionTo": "Accounts Payable",
            },
        ],
        "Phones": [
            {"PhoneType": "DDI", "PhoneNumber": "111"},
            {
                "PhoneType": "DEFAULT",
                "PhoneCountryCode": "64",
                "PhoneAreaCode": "9",
                "PhoneNumber": "555 0101",
            },
            {"PhoneType": "FAX", "PhoneNumber": "222"},
            {
                "PhoneType": "MOBILE",
                "PhoneCountryCode": "",
                "PhoneAreaCode": "021",
                "PhoneNumber": "555 0199",
            },
        ],
        "ContactPersons": [
            {
                "FirstName": "Ana",
                "LastName": "Ngata",
                "EmailAddress": "ana@ridgeway.example",
                "IncludeInEmails": True,
            },
            {"FirstName": "Tom", "LastName": "", "EmailAddress": ""},
        ],
        "ContactGroups": [
            {"ContactGroupID": GROUP_ID, "Name": "VIP", "Status": "ACTIVE", "Contacts": []},
            {"ContactGroupID": "0b0e4a4f-36c3-4a35-a0b1-25bd0f1b2c6b", "Name": "Old", "Status": "DELETED"},
        ],
        "PaymentTerms": {
            "Sales": {"Day": 20, "Type": "DAYSAFTERBILLDATE"},
            "Bills": {"Day": 15, "Type": "OFFOLLOWINGMONTH"},
        },
        "IsCustomer": True,
        "IsSupplier": False,
        "UpdatedDateUTC": "/Date(1419937200000+1300)/",
        "Balances": {"AccountsReceivable": {"Outstanding": 10.0, "Overdue": 0.0}},
    }
    assert contact_from_xero(contact) == {
        "xero_id": CONTACT_ID,
        "name": "Ridgeway Bakery Ltd",
        "is_company": True,
        "active": True,
        "ref": "C-0042",
        "email": "accounts@ridgeway.example",
        "vat": "123-456-789",
        "phone": "64 9 555 0101",
        "mobile": "021 555 0199",
        "website": "https://ridgeway.example",
        "currency_code": "NZD",
        "address": dict(ADDRESS, street2="Level 3, Suite 4, Rear entrance"),
        "delivery_address": DELIVERY,
        "persons": [
            {
                "first_name": "Ana",
                "last_name": "Ngata",
                "email": "ana@ridgeway.example",
                "include_in_emails": True,
            },
            {"first_name": "Tom", "last_name": None, "email": None, "include_in_emails": False},
        ],
        "group_ids": [GROUP_ID],
        "sale_term": {"type": "DAYSAFTERBILLDATE", "days": 20},
        "purchase_term": {"type": "OFFOLLOWINGMONTH", "days": 15},
        "is_customer": True,
        "is_supplier": False,
        "updated_at": datetime(2014, 12, 30, 11, 0, tzinfo=UTC),
    }


def test_from_xero_bare_contact_has_every_key():
    assert contact_from_xero({}) == EMPTY_NEUTRAL
    assert from_xero(ContactNumber="", EmailAddress="  ", Addresses=[], Phones=[]) == dict(
        EMPTY_NEUTRAL, xero_id=CONTACT_ID, name="Acme"
    )


def test_updated_at_is_aware_utc_for_both_date_forms():
    expected = datetime(2019, 11, 14, 18, 10, 38, 314000, tzinfo=UTC)
    assert from_xero(UpdatedDateUTC="/Date(1573755038314+0000)/")["updated_at"] == expected
    updated = from_xero(UpdatedDateUTC="2019-11-15T07:10:38.314+13:00")["updated_at"]
    assert updated == expected
    assert updated.tzinfo == UTC


@pytest.mark.parametrize(
    "contact, is_company",
    [
        ({"Name": "John Smith", "FirstName": "John", "LastName": "Smith"}, False),
        ({"Name": "Mary Ann van Dyke", "FirstName": "Mary", "LastName": "Ann van Dyke"}, False),
        ({"Name": "Cher", "FirstName": "Cher"}, False),
        ({"Name": "Smith", "LastName": "Smith"}, False),
        ({"Name": " John Smith ", "FirstName": " John", "LastName": "Smith "}, False),
        ({"Name": "Smith Plumbing", "FirstName": "John", "LastName": "Smith"}, True),
        (
            {
                "Name": "John Smith",
                "FirstName": "John",
                "LastName": "Smith",
                "ContactPersons": [{"FirstName": "Jane", "LastName": "Smith"}],
            },
            True,
        ),
        ({"Name": "John Smith"}, True),
        ({"Name": "John Smith", "FirstName": "", "LastName": ""}, True),
    ],
)
def test_company_or_person(contact, is_company):
    assert contact_from_xero(contact)["is_company"] is is_company


@pytest.mark.parametrize(
    "status, active", [("ACTIVE", True), ("ARCHIVED", False), ("GDPRREQUEST", False), (None, True)]
)
def test_status_from_xero(status, active):
    assert from_xero(ContactStatus=status)["active"] is active


def _pobox(**lines):
    return dict({"AddressType": "POBOX"}, **lines)


def _street(**lines):
    return dict({"AddressType": "STREET"}, **lines)


@pytest.mark.parametrize(
    "addresses, address, delivery",
    [
        # Street equal to the postal address: no separate delivery address.
        (
            [
                _pobox(AddressLine1="1 Main St", City="Nelson"),
                _street(AddressLine1="1 Main St", City="Nelson"),
            ],
            {"street": "1 Main St", "city": "Nelson"},
            None,
        ),
        # Street empty (as Xero sends it: every line "").
        (
            [
                _pobox(AddressLine1="1 Main St"),
                _street(AddressLine1="", City="", Region="", PostalCode="", Country=""),
            ],
            {"street": "1 Main St"},
            None,
        ),
        # Street only.
        ([_street(AddressLine1="9 Wharf Rd", Country="NZ")], None, {"street": "9 Wharf Rd", "country": "NZ"}),
        # Lines 3 and 4 folded into street2, also when line 2 is empty.
        (
            [
                _pobox(
                    AddressLine1="PO Box 5",
                    AddressLine2="",
                    AddressLine3="Shortland St",
                    AddressLine4="Floor 2",
                )
            ],
            {"street": "PO Box 5", "street2": "Shortland St, Floor 2"},
            None,
        ),
        # Nothing at all.
        ([_pobox(), _street(City="  ")], None, None),
    ],
)
def test_addresses_from_xero(addresses, address, delivery):
    def full(values):
        return None if values is None else dict(dict.fromkeys(ADDRESS), **values)

    result = from_xero(Addresses=addresses)
    assert (result["address"], result["delivery_address"]) == (full(address), full(delivery))


@pytest.mark.parametrize(
    "phone, expected",
    [
        ({"PhoneCountryCode": "64", "PhoneAreaCode": "9", "PhoneNumber": "555 0101"}, "64 9 555 0101"),
        ({"PhoneCountryCode": "", "PhoneAreaCode": "09", "PhoneNumber": "5550101"}, "09 5550101"),
        ({"PhoneCountryCode": "+1", "PhoneAreaCode": "", "PhoneNumber": " 415 555 1212 "}, "+1 415 555 1212"),
        ({"PhoneCountryCode": "", "PhoneAreaCode": "", "PhoneNumber": ""}, None),
    ],
)
def test_phones_joined(phone, expected):
    result = from_xero(Phones=[dict(phone, PhoneType="DEFAULT"), dict(phone, PhoneType="MOBILE")])
    assert (result["phone"], result["mobile"]) == (expected, expected)


def test_payment_terms_from_xero():
    assert from_xero(PaymentTerms={"Sales": {"Day": 0, "Type": "OFCURRENTMONTH"}})["sale_term"] == {
        "type": "OFCURRENTMONTH",
        "days": 0,
    }
    assert from_xero(PaymentTerms={"Sales": {"Day": 0, "Type": "OFCURRENTMONTH"}})["purchase_term"] is None
    assert from_xero(PaymentTerms={"Bills": {"Day": 7}})["purchase_term"] is None


# ----------------------------------------------------------------------------- to Xero
def test_to_xero_full_company():
    assert contact_to_xero(COMPANY) == COMPANY_PAYLOAD


def test_to_xero_contact_id_from_argument_or_neutral():
    other = "5b96e86b-418e-48e8-8949-308c14aec278"
    assert contact_to_xero(COMPANY, CONTACT_ID) == dict(COMPANY_PAYLOAD, ContactID=CONTACT_ID)
    assert contact_to_xero(neutral(xero_id=CONTACT_ID)) == dict(COMPANY_PAYLOAD, ContactID=CONTACT_ID)
    assert contact_to_xero(neutral(xero_id=CONTACT_ID), other)["ContactID"] == other


@pytest.mark.parametrize(
    "name, first, last",
    [
        ("John Smith", "John", "Smith"),
        ("Mary Ann van Dyke", "Mary", "Ann van Dyke"),
    ],
)
def test_to_xero_person(name, first, last):
    assert contact_to_xero(neutral(EMPTY_NEUTRAL, name=name, is_company=False)) == {
        "Name": name,
        "FirstName": first,
        "LastName": last,
        "ContactStatus": "ACTIVE",
    }


def test_to_xero_single_name_person_sends_first_name_only():
    assert contact_to_xero(neutral(EMPTY_NEUTRAL, name="Cher", is_company=False)) == {
        "Name": "Cher",
        "FirstName": "Cher",
        "ContactStatus": "ACTIVE",
    }


def test_to_xero_archived():
    assert contact_to_xero(neutral(EMPTY_NEUTRAL, name="Gone Ltd", active=False)) == {
        "Name": "Gone Ltd",
        "ContactStatus": "ARCHIVED",
    }


def test_to_xero_street_falls_back_to_the_main_address():
    addresses = contact_to_xero(neutral(delivery_address=None))["Addresses"]
    assert addresses == [
        COMPANY_PAYLOAD["Addresses"][0],
        dict(COMPANY_PAYLOAD["Addresses"][0], AddressType="STREET"),
    ]


def test_to_xero_delivery_address_only():
    addresses = contact_to_xero(neutral(address=None))["Addresses"]
    assert addresses == [COMPANY_PAYLOAD["Addresses"][1]]


def test_to_xero_empty_addresses_are_not_sent():
    empty = dict.fromkeys(ADDRESS, "")
    assert "Addresses" not in contact_to_xero(neutral(address=empty, delivery_address={"city": "  "}))


def test_to_xero_phone_is_sent_whole_as_phone_number():
    assert contact_to_xero(neutral(phone=" 09 555 0101 ", mobile=None))["Phones"] == [
        {"PhoneType": "DEFAULT", "PhoneNumber": "09 555 0101"}
    ]


def test_to_xero_payment_terms():
    payload = contact_to_xero(neutral(sale_term={"type": "ofcurrentmonth", "days": 0}, purchase_term=None))
    assert payload["PaymentTerms"] == {"Sales": {"Day": 0, "Type": "OFCURRENTMONTH"}}
    assert "PaymentTerms" not in contact_to_xero(neutral(sale_term=None, purchase_term=None))


def test_to_xero_clean_drops_empty_values():
    """Empty strings, blanks, None and empty lists are not sent; False and 0 are; text is stripped."""
    data = neutral(
        EMPTY_NEUTRAL,
        name="  Blank Fields Ltd ",
        ref="",
        email="   ",
        vat=None,
        phone="",
        mobile=None,
        currency_code="",
        persons=[{"first_name": " Kim ", "last_name": "", "email": "", "include_in_emails": False}],
        sale_term={"type": "DAYSAFTERBILLDATE", "days": 0},
    )
    assert contact_to_xero(data) == {
        "Name": "Blank Fields Ltd",
        "ContactStatus": "ACTIVE",
        "ContactPersons": [{"FirstName": "Kim", "IncludeInEmails": False}],
        "PaymentTerms": {"Sales": {"Day": 0, "Type": "DAYSAFTERBILLDATE"}},
    }


def test_to_xero_never_sends_read_only_fields():
    data = neutral(
        group_ids=[GROUP_ID], is_customer=True, is_supplier=True, updated_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    payload = contact_to_xero(data)
    assert payload == COMPANY_PAYLOAD
    for field in ("IsCustomer", "IsSupplier", "UpdatedDateUTC", "ContactGroups", "Balances", "Website"):
        assert field not in payload


def test_to_xero_exact_limits_are_accepted():
    data = neutral(
        name="N" * 255,
        ref="R" * 50,
        address=dict(ADDRESS, street="S" * 500, city="C" * 255, zip="Z" * 50, country="K" * 50),
    )
    payload = contact_to_xero(data)
    assert (len(payload["Name"]), len(payload["ContactNumber"])) == (255, 50)
    assert payload["Addresses"][0]["AddressLine1"] == "S" * 500


LONG_PERSON = {"first_name": "F" * 256, "last_name": "Lee", "email": None, "include_in_emails": False}
NAMELESS_PERSON = {"first_name": " ", "last_name": None, "email": "x@y.example", "include_in_emails": True}
SIX_PERSONS = [
    {"first_name": f"P{i}", "last_name": None, "email": None, "include_in_emails": False} for i in range(6)
]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "The contact has no name; Xero requires a name on every contact."),
        ({"name": "   "}, "The contact has no name; Xero requires a name on every contact."),
        ({"name": "N" * 256}, "The contact name is 256 characters long; Xero accepts at most 255."),
        ({"ref": "R" * 51}, "The contact number (reference) is 51 characters long; Xero accepts at most 50."),
        (
            {"email": "accounts@ridgeway"},
            ("The email address 'accounts@ridgeway' of the contact is not a valid email address."),
        ),
        (
            {"email": "a@@ridgeway.example"},
            ("The email address 'a@@ridgeway.example' of the contact is not a valid email address."),
        ),
        (
            {"email": "a b@ridgeway.example"},
            ("The email address 'a b@ridgeway.example' of the contact is not a valid email address."),
        ),
        (
            {"email": "ridgeway.example"},
            ("The email address 'ridgeway.example' of the contact is not a valid email address."),
        ),
        ({"persons": SIX_PERSONS}, "The contact has 6 contact persons; Xero allows at most 5."),
        (
            {"persons": [NAMELESS_PERSON]},
            (
                "The contact person 1 (x@y.example) has neither a first nor a last name; "
                "Xero needs at least one of them."
            ),
        ),
        (
            {"persons": [LONG_PERSON]},
            "The first name of contact person 1 ("
            + "F" * 256
            + " Lee) is 256 characters long; Xero accepts at most 255.",
        ),
        (
            {"persons": [dict(LONG_PERSON, first_name="Al", last_name="L" * 256)]},
            "The last name of contact person 1 (Al "
            + "L" * 256
            + ") is 256 characters long; Xero accepts at most 255.",
        ),
        (
            {"persons": [dict(NAMELESS_PERSON, first_name="Bo", email="bo@nowhere")]},
            "The email address 'bo@nowhere' of contact person 1 (Bo) is not a valid email address.",
        ),
        (
            {"sale_term": {"type": "NET30", "days": 30}},
            (
                "The customer payment term type 'NET30' is not one Xero knows (DAYSAFTERBILLDATE, DAYSAFTERBILLMONTH, "
                "OFCURRENTMONTH, OFFOLLOWINGMONTH)."
            ),
        ),
        (
            {"purchase_term": {"type": "", "days": 30}},
            (
                "The supplier payment term type '' is not one Xero knows (DAYSAFTERBILLDATE, DAYSAFTERBILLMONTH, "
                "OFCURRENTMONTH, OFFOLLOWINGMONTH)."
            ),
        ),
        (
            {"address": dict(ADDRESS, street="S" * 501)},
            "Street of the invoice address is 501 characters long; Xero accepts at most 500.",
        ),
        (
            {"address": dict(ADDRESS, street2="S" * 501)},
            "Street 2 of the invoice address is 501 characters long; Xero accepts at most 500.",
        ),
        (
            {"address": dict(ADDRESS, city="C" * 256)},
            "City of the invoice address is 256 characters long; Xero accepts at most 255.",
        ),
        (
            {"address": dict(ADDRESS, state="R" * 256)},
            "State / region of the invoice address is 256 characters long; Xero accepts at most 255.",
        ),
        (
            {"address": dict(ADDRESS, zip="Z" * 51)},
            "ZIP / postal code of the invoice address is 51 characters long; Xero accepts at most 50.",
        ),
        (
            {"address": dict(ADDRESS, country="K" * 51)},
            "Country of the invoice address is 51 characters long; Xero accepts at most 50.",
        ),
        (
            {"address": dict(ADDRESS, attention="A" * 256)},
            "Attention of the invoice address is 256 characters long; Xero accepts at most 255.",
        ),
        (
            {"delivery_address": dict(DELIVERY, zip="Z" * 51)},
            "ZIP / postal code of the delivery address is 51 characters long; Xero accepts at most 50.",
        ),
        ({"vat": "V" * 51}, "The tax number is 51 characters long; Xero accepts at most 50."),
        ({"phone": "9" * 51}, "The phone number is 51 characters long; Xero accepts at most 50."),
        ({"mobile": "9" * 51}, "The mobile number is 51 characters long; Xero accepts at most 50."),
        ({"currency_code": "EURO"}, "The currency 'EURO' is not an ISO 4217 currency code."),
    ],
)
def test_to_xero_refusals(changes, message):
    with pytest.raises(MappingError) as caught:
        contact_to_xero(neutral(**changes))
    assert caught.value.message == message
    assert str(caught.value) == message
    assert caught.value.kind == "mapping"
    assert "Odoo" in caught.value.hint


def test_refusal_hints_say_what_to_change():
    with pytest.raises(MappingError) as caught:
        contact_to_xero(neutral(persons=SIX_PERSONS))
    assert caught.value.hint == (
        "Archive the extra child contacts in Odoo, or move them to another company, so that at most 5 remain."
    )
    with pytest.raises(MappingError) as caught:
        contact_to_xero(neutral(address=dict(ADDRESS, city="C" * 256)))
    assert caught.value.hint == (
        "Shorten the city of the invoice address on the Odoo contact to 255 characters or fewer."
    )
    with pytest.raises(MappingError) as caught:
        contact_to_xero(neutral(email="a@b"))
    assert caught.value.hint == (
        "Correct the email of the contact in Odoo (one @, a domain with a dot, no spaces) or clear it."
    )


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize(
    "data",
    [
        COMPANY,
        neutral(xero_id=CONTACT_ID, delivery_address=None, sale_term=None, currency_code=None),
        person(xero_id=CONTACT_ID, active=False, address=None, delivery_address=DELIVERY),
        person(name="Mary Ann van Dyke", email="mary@vandyke.example", phone=None, purchase_term=None),
        neutral(EMPTY_NEUTRAL, name="Cher", is_company=False),
    ],
    ids=["company", "company-same-street", "archived-person", "person-long-last-name", "single-name-person"],
)
def test_round_trip(data):
    back = contact_from_xero(contact_to_xero(data))
    assert exported(back) == exported(data)


@pytest.mark.parametrize(
    "name, first, last",
    [
        ("John Smith", "John", "Smith"),
        ("Mary Ann van Dyke", "Mary", "Ann van Dyke"),
        ("Cher", "Cher", ""),
        ("  Ana   Ngata  ", "Ana", "Ngata"),
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_split_person_name(name, first, last):
    assert split_person_name(name) == (first, last)


def test_join_person_name_skips_empty_parts():
    assert join_person_name(" John ", " Smith ") == "John Smith"
    assert join_person_name("", "Smith") == "Smith"
    assert join_person_name(None, None) == ""


# ----------------------------------------------------------------------------- groups
def test_group_from_xero():
    assert group_from_xero(
        {"ContactGroupID": GROUP_ID, "Name": "VIP", "Status": "ACTIVE", "Contacts": []}
    ) == {"xero_id": GROUP_ID, "name": "VIP", "active": True}
    assert group_from_xero({"ContactGroupID": GROUP_ID, "Name": "Old", "Status": "DELETED"}) == {
        "xero_id": GROUP_ID,
        "name": "Old",
        "active": False,
    }


def test_group_to_xero():
    assert group_to_xero({"name": " VIP ", "active": True}) == {"Name": "VIP", "Status": "ACTIVE"}
    assert group_to_xero({"xero_id": GROUP_ID, "name": "Old", "active": False}) == {
        "ContactGroupID": GROUP_ID,
        "Name": "Old",
        "Status": "DELETED",
    }
    assert group_to_xero({"name": "VIP", "active": True}, GROUP_ID) == {
        "ContactGroupID": GROUP_ID,
        "Name": "VIP",
        "Status": "ACTIVE",
    }


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "The contact group has no name; Xero requires one."),
        ("G" * 256, "The contact group name is 256 characters long; Xero accepts at most 255."),
    ],
)
def test_group_to_xero_refusals(name, message):
    with pytest.raises(MappingError) as caught:
        group_to_xero({"name": name, "active": True})
    assert caught.value.message == message


# ----------------------------------------------------------------------------- matching
def test_is_name_clash():
    clash = (
        "The contact name Buzz Lightyear is already assigned to another contact. The contact name must be "
        "unique across all active contacts."
    )
    assert is_name_clash([clash]) is True
    assert is_name_clash(["Email address must be valid.", clash]) is True
    assert is_name_clash(["The contact name must be specified"]) is False
    assert is_name_clash([]) is False
    assert is_name_clash(None) is False


def test_contact_match_keys():
    assert contact_match_keys(
        neutral(xero_id=CONTACT_ID, name="  RIDGEWAY  Bakery, Ltd.", email=" Accounts@Ridgeway.Example ")
    ) == {
        "xero_id": CONTACT_ID,
        "ref": "C-0042",
        "name": "ridgeway bakery ltd",
        "email": "accounts@ridgeway.example",
    }
    assert contact_match_keys(EMPTY_NEUTRAL) == {"xero_id": None, "ref": None, "name": None, "email": None}


# ----------------------------------------------------------------------------- spec conformance
@pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning")  # openapi-core and Xero's OAuth2
@pytest.mark.parametrize(
    "data", [neutral(xero_id=CONTACT_ID), person(active=False)], ids=["company", "person"]
)
def test_payload_conforms_to_put_contacts_schema(spec_dir, data):
    import spec_check
    from openapi_core.testing import MockRequest

    api = spec_check.openapi(os.path.join(spec_dir, "xero_accounting.yaml"))
    body = {"Contacts": [contact_to_xero(data)]}
    request = MockRequest(
        "https://api.xero.com",
        "put",
        "/api.xro/2.0/Contacts",
        headers={
            "Authorization": "Bearer redacted",
            "xero-tenant-id": "00000000-0000-0000-0000-000000000000",
        },
        data=json.dumps(body).encode(),
        content_type="application/json",
    )
    api.validate_request(request)  # raises with the schema errors when not conforming


# ----------------------------------------------------------------------------- sandbox
@pytest.fixture
def client():
    """A real XeroClient against a fresh in-process sandbox."""
    from xero_sandbox import Sandbox

    with Sandbox(port=0) as sandbox:
        tokens = {"access_token": sandbox.issue_token()["access_token"]}

        def token_provider(force=False):
            if force:
                tokens["access_token"] = sandbox.issue_token()["access_token"]
            return tokens["access_token"]

        yield XeroClient(
            Transport(limiters=LimiterRegistry()), sandbox.tenant_id, token_provider, api_url=sandbox.url
        )


@pytest.mark.parametrize(
    "data", [COMPANY, person(active=False, delivery_address=None)], ids=["company", "archived-person"]
)
def test_sandbox_round_trip(client, data):
    [result] = client.write("Contacts", [contact_to_xero(data)], method="PUT")
    assert result.status == CREATED, result.messages
    back = contact_from_xero(client.get_record("Contacts", result.xero_id))
    assert exported(back) == exported(neutral(data, xero_id=result.xero_id))
    assert back["group_ids"] == []
    assert back["updated_at"].tzinfo == UTC


def test_sandbox_name_clash_is_recognised(client):
    [first] = client.write("Contacts", [contact_to_xero(COMPANY)], method="PUT")
    assert first.status == CREATED
    [second] = client.write("Contacts", [contact_to_xero(neutral(ref="C-0043"))], method="PUT")
    assert second.status == REJECTED
    assert is_name_clash(second.messages), second.messages
