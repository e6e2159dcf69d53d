"""Tracking categories and a line's tracking <-> analytic distribution: the pure mapping."""

from datetime import date

import pytest
from xero.mapping.common import MappingError
from xero.mapping.journals import journal_to_xero
from xero.mapping.tracking import (
    category_from_xero,
    category_to_xero,
    distribution_from_tracking,
    key,
    option_changes,
    tracking_from_distribution,
)

CATEGORY = {
    "TrackingCategoryID": "c1",
    "Name": " Region ",
    "Status": "ACTIVE",
    "Options": [
        {"TrackingOptionID": "o1", "Name": "North", "Status": "ACTIVE"},
        {"TrackingOptionID": "o2", "Name": "South", "Status": "ARCHIVED"},
        {"TrackingOptionID": "o3", "Name": "x" * 101},
        {"TrackingOptionID": "o4", "Name": "NORTH "},
        {"TrackingOptionID": "o5", "Name": "Gone", "Status": "DELETED"},
        {"Name": "No id"},
        "not an object",
    ],
}


def test_category_from_xero_flags_each_bad_option_and_keeps_the_others():
    neutral = category_from_xero(CATEGORY)
    assert (neutral["xero_id"], neutral["name"], neutral["status"], neutral["problem"]) == (
        "c1",
        "Region",
        "ACTIVE",
        None,
    )
    options = {o["xero_id"]: o for o in neutral["options"]}
    assert options["o1"] == {"xero_id": "o1", "name": "North", "status": "ACTIVE", "problem": None}
    assert options["o2"]["status"] == "ARCHIVED" and options["o2"]["problem"] is None
    assert "101 characters" in options["o3"]["problem"]
    assert options["o4"]["problem"] == "Another option of the category has the same name"
    assert options["o5"]["problem"] is None  # deleted: never imported, never a clash
    assert options[None]["problem"] == "The option has no TrackingOptionID"
    assert len(neutral["options"]) == 6


def test_category_problems_never_raise():
    assert (
        category_from_xero({"TrackingCategoryID": "c", "Name": "A\x07B"})["problem"]
        == "The tracking category name contains a control character"
    )
    assert (
        category_from_xero({"TrackingCategoryID": "c", "Name": None})["problem"]
        == "The tracking category has no name"
    )
    assert (
        "unknown status"
        in category_from_xero({"TrackingCategoryID": "c", "Name": "A", "Status": "WEIRD"})["problem"]
    )


def test_category_to_xero_refuses_what_xero_would_reject():
    assert category_to_xero({"name": " Region "}, "c1") == {"TrackingCategoryID": "c1", "Name": "Region"}
    assert category_to_xero({"name": "Region"}) == {"Name": "Region"}
    with pytest.raises(MappingError, match="at most 100"):
        category_to_xero({"name": "y" * 101})
    with pytest.raises(MappingError, match="control character"):
        category_to_xero({"name": "A\x00B"})
    with pytest.raises(MappingError, match="no name"):
        category_to_xero({"name": "  "})


def test_option_changes_link_create_update_and_refuse():
    remote = category_from_xero(CATEGORY)["options"]
    local = [
        {"res_id": 1, "name": "North", "active": True, "xero_id": "o1"},  # unchanged
        {"res_id": 2, "name": "South", "active": True, "xero_id": "o2"},  # unarchived in Odoo
        {"res_id": 3, "name": "East", "active": True, "xero_id": None},  # new
        {"res_id": 4, "name": "north", "active": True, "xero_id": None},  # 1 has the name
        {"res_id": 5, "name": "Old", "active": False, "xero_id": None},  # archived, never sent
        {"res_id": 6, "name": "z" * 101, "active": True, "xero_id": None},
        {"res_id": 7, "name": "Gone", "active": True, "xero_id": "o5"},  # deleted in Xero
        {"res_id": 8, "name": "east", "active": True, "xero_id": None},  # same as 3
    ]
    changes = option_changes(local, remote)
    assert changes["bind"] == []
    assert changes["update"] == [(2, "o2", {"Name": "South", "Status": "ACTIVE"})]
    assert changes["create"] == [(3, {"Name": "East"}), (7, {"Name": "Gone"})]
    refused = dict(changes["refused"])
    assert set(refused) == {4, 6, 8}
    assert "at most 100" in refused[6] and "same name" in refused[8] and "(1)" in refused[4]


def test_option_changes_link_by_name_before_creating():
    remote = [{"xero_id": "o1", "name": "North", "status": "ARCHIVED", "problem": None}]
    changes = option_changes([{"res_id": 1, "name": " NORTH", "active": True, "xero_id": None}], remote)
    assert changes["bind"] == [(1, "o1")]
    assert changes["update"] == [(1, "o1", {"Name": "NORTH", "Status": "ACTIVE"})]
    assert changes["create"] == []


def test_distribution_from_tracking():
    options = {("region", "north"): 7, ("department", "sales"): 3}
    tracking = [{"category": "Region", "option": "North"}, {"category": " department", "option": "SALES"}]
    assert distribution_from_tracking(tracking, options) == ({"3,7": 100.0}, [])
    assert distribution_from_tracking([], options) == (None, [])
    assert distribution_from_tracking(tracking + [{"category": "Region", "option": "West"}], options) == (
        None,
        [("Region", "West")],
    )


ACCOUNTS = {
    7: {"plan": 1, "plan_name": "Region", "name": "North", "category": "Region", "option": "North"},
    8: {"plan": 1, "plan_name": "Region", "name": "South", "category": "Region", "option": "South"},
    3: {"plan": 2, "plan_name": "Department", "name": "Sales", "category": "Department", "option": "Sales"},
    4: {"plan": 2, "plan_name": "Department", "name": "New", "category": "Department", "option": None},
    5: {"plan": 9, "plan_name": "Channel", "name": "Web", "category": "Channel", "option": "Web"},
}


def test_tracking_from_distribution_one_option_per_category():
    assert tracking_from_distribution({"7,3": 100.0}, ACCOUNTS, "Line 1") == [
        {"category": "Department", "option": "Sales"},
        {"category": "Region", "option": "North"},
    ]
    # Two keys, each plan at 100 %; accounts of Odoo-only plans (99) are left out.
    assert tracking_from_distribution({"7": 100, "3,99": 100.0}, ACCOUNTS, "Line 1") == [
        {"category": "Department", "option": "Sales"},
        {"category": "Region", "option": "North"},
    ]
    assert tracking_from_distribution({"99": 100.0}, ACCOUNTS, "Line 1") == []
    assert tracking_from_distribution(None, ACCOUNTS, "Line 1") == []


@pytest.mark.parametrize(
    "distribution, message",
    [
        (
            {"7": 50.0, "8": 50.0},
            "Line 2 (Consulting): its analytic distribution on Region is 50 % North / 50 % South",
        ),
        ({"7,8": 100.0}, "100 % North / 100 % South"),
        ({"7": 60.0}, "on Region is 60 % North"),
        ({"7": 100.0, "3": 99.99}, "on Department is 99.99 % Sales"),
    ],
)
def test_tracking_from_distribution_refuses_splits(distribution, message):
    with pytest.raises(MappingError) as info:
        tracking_from_distribution(distribution, ACCOUNTS, "Line 2 (Consulting)")
    assert message in info.value.message
    assert info.value.kind == "mapping"
    assert "one line per analytic account" in info.value.hint


def test_tracking_from_distribution_other_refusals():
    with pytest.raises(MappingError) as info:
        tracking_from_distribution({"4": 100.0}, ACCOUNTS, "Line 1")
    assert info.value.kind == "dependency" and "not an option" in info.value.message
    with pytest.raises(MappingError, match="at most 2"):
        tracking_from_distribution({"7,3,5": 100.0}, ACCOUNTS, "Line 1")
    with pytest.raises(MappingError, match="cannot be read"):
        tracking_from_distribution({"seven": 100.0}, ACCOUNTS, "Line 1")
    assert tracking_from_distribution({"7": 100.004}, ACCOUNTS, "L") == [
        {"category": "Region", "option": "North"}
    ]


def test_hostile_names_are_cut_in_messages():
    accounts = {1: dict(ACCOUNTS[7], name="\x00" + "n" * 5000), 2: dict(ACCOUNTS[8])}
    with pytest.raises(MappingError) as info:
        tracking_from_distribution({"1": 50.0, "2": 50.0}, accounts, "Line 1")
    assert "\x00" not in info.value.message and len(info.value.message) < 400


def test_key_ignores_case_and_outer_spaces_only():
    assert key(" North ") == key("NORTH") == "north"
    assert key("R&D") != key("R D")
    assert key(None) == key(7) == ""


def test_manual_journal_lines_carry_tracking(check_request):
    neutral = {
        "narration": "Rent",
        "date": date(2026, 6, 1),
        "status": "POSTED",
        "lines": [
            {
                "description": "Rent",
                "account_code": "429",
                "line_amount": 10.0,
                "tracking": [{"category": "Region", "option": "North"}],
            },
            {"description": "", "account_code": "800", "line_amount": -10.0, "tracking": []},
        ],
    }
    payload = journal_to_xero(neutral)
    assert payload["JournalLines"][0]["Tracking"] == [{"Name": "Region", "Option": "North"}]
    assert "Tracking" not in payload["JournalLines"][1]
    check_request("PUT", "/ManualJournals", {"ManualJournals": [payload]})
