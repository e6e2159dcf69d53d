# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which field a Xero "already exists" refusal is about (the Link to Existing Xero Record
button of the mismatch log)."""

from xero.mapping.common import clash_field


def test_clash_field_of_xero_messages():
    assert clash_field(["Please enter a unique Name."]) == "Name"
    assert clash_field(["Please enter a unique Code."]) == "Code"
    assert (
        clash_field(
            [
                "The contact name Buzz Lightyear is already assigned to another "
                "contact. The contact name must be unique across all active "
                "contacts."
            ]
        )
        == "Name"
    )
    assert clash_field(["Item code 'abc' already exists"]) == "Code"
    assert clash_field(["A contact group with the name 'VIP' already exists"]) == "Name"


def test_other_refusals_are_not_clashes():
    assert clash_field(["Account code '999' is not a valid code for this document."]) is None
    assert clash_field(["Invoice # must be unique."]) is None
    assert clash_field([]) is None
    assert clash_field(None) is None
