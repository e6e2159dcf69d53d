"""Items: pure mappings both ways, every refusal, spec conformance, a sandbox round trip."""

import uuid
from datetime import UTC, datetime

import pytest
from xero.mapping.common import MappingError
from xero.mapping.items import item_from_xero, item_to_xero

ITEM_ID = "c8c54d65-f3f2-452d-926e-bf450b12fb07"

# PAYLOADS.md section 5: GET /Items/{ItemID} 200, verbatim.
GUITARS = {
    "ItemID": ITEM_ID,
    "Code": "123",
    "Description": "Guitars Fender Strat",
    "PurchaseDescription": "Brand new Fender Strats",
    "UpdatedDateUTC": "/Date(1552333309387+0000)/",
    "PurchaseDetails": {"UnitPrice": 2500.0000, "COGSAccountCode": "310", "TaxType": "INPUT2"},
    "SalesDetails": {"UnitPrice": 5000.0000, "AccountCode": "200", "TaxType": "OUTPUT2"},
    "Name": "Guitars",
    "IsTrackedAsInventory": True,
    "InventoryAssetAccountCode": "630",
    "TotalCostPool": 25000.00,
    "QuantityOnHand": 10.0000,
    "IsSold": True,
    "IsPurchased": True,
    "ValidationErrors": [],
}


def neutral_item(**overrides):
    item = {
        "xero_id": None,
        "code": "WIDGET-1",
        "name": "Widget",
        "description": "A widget",
        "purchase_description": "Widget, bought",
        "sale_price": 12.5,
        "purchase_price": 7.12345,
        "sale_account_code": "200",
        "purchase_account_code": "400",
        "cogs_account_code": None,
        "inventory_account_code": None,
        "sale_tax_type": "OUTPUT2",
        "purchase_tax_type": "INPUT2",
        "sold": True,
        "purchased": True,
        "tracked": False,
        "quantity_on_hand": None,
        "updated_at": None,
    }
    item.update(overrides)
    return item


def tracked_item(**overrides):
    return neutral_item(
        **dict(
            {
                "tracked": True,
                "inventory_account_code": "630",
                "cogs_account_code": "310",
                "purchase_account_code": None,
            },
            **overrides,
        )
    )


# -- from Xero -----------------------------------------------------------------------------------
def test_item_from_xero_tracked():
    assert item_from_xero(GUITARS) == {
        "xero_id": ITEM_ID,
        "code": "123",
        "name": "Guitars",
        "description": "Guitars Fender Strat",
        "purchase_description": "Brand new Fender Strats",
        "sale_price": 5000.0,
        "purchase_price": 2500.0,
        "sale_account_code": "200",
        "purchase_account_code": None,
        "cogs_account_code": "310",
        "inventory_account_code": "630",
        "sale_tax_type": "OUTPUT2",
        "purchase_tax_type": "INPUT2",
        "sold": True,
        "purchased": True,
        "tracked": True,
        "quantity_on_hand": 10.0,
        "updated_at": datetime(2019, 3, 11, 19, 41, 49, 387000, tzinfo=UTC),
    }


def test_item_from_xero_minimal_defaults():
    item = item_from_xero({"ItemID": ITEM_ID, "Code": "code123", "IsSold": False})
    assert item["sold"] is False and item["purchased"] is True and item["tracked"] is False
    assert item["sale_price"] is None and item["quantity_on_hand"] is None and item["name"] is None


# -- to Xero -------------------------------------------------------------------------------------
def test_item_to_xero_untracked():
    assert item_to_xero(neutral_item()) == {
        "Code": "WIDGET-1",
        "Name": "Widget",
        "IsSold": True,
        "IsPurchased": True,
        "Description": "A widget",
        "PurchaseDescription": "Widget, bought",
        "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT2"},
        "PurchaseDetails": {"UnitPrice": 7.1235, "AccountCode": "400", "TaxType": "INPUT2"},
    }


def test_item_to_xero_tracked_sends_tracking_and_never_the_quantity():
    payload = item_to_xero(tracked_item(quantity_on_hand=4.0, purchase_account_code="400"), xero_id=ITEM_ID)
    assert payload == {
        "ItemID": ITEM_ID,
        "Code": "WIDGET-1",
        "Name": "Widget",
        "IsSold": True,
        "IsPurchased": True,
        "Description": "A widget",
        "PurchaseDescription": "Widget, bought",
        "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT2"},
        "PurchaseDetails": {"UnitPrice": 7.1235, "COGSAccountCode": "310", "TaxType": "INPUT2"},
        "IsTrackedAsInventory": True,
        "InventoryAssetAccountCode": "630",
    }


def test_item_to_xero_sends_sales_or_purchase_fields_only_for_that_side():
    sold_only = item_to_xero(neutral_item(purchased=False, sale_price=10, sale_tax_type=None))
    assert sold_only == {
        "Code": "WIDGET-1",
        "Name": "Widget",
        "IsSold": True,
        "IsPurchased": False,
        "Description": "A widget",
        "SalesDetails": {"UnitPrice": 10, "AccountCode": "200"},
    }
    bought_only = item_to_xero(
        neutral_item(sold=False, purchase_price=None, purchase_tax_type=None, purchase_description=None)
    )
    assert bought_only == {
        "Code": "WIDGET-1",
        "Name": "Widget",
        "IsSold": False,
        "IsPurchased": True,
        "PurchaseDetails": {"AccountCode": "400"},
    }


def test_item_round_trip_through_the_pure_mappings():
    sent = item_to_xero(item_from_xero(GUITARS), xero_id=ITEM_ID)
    expected = {
        k: v
        for k, v in GUITARS.items()
        if k not in ("UpdatedDateUTC", "TotalCostPool", "QuantityOnHand", "ValidationErrors")
    }
    assert sent == dict(
        expected,
        PurchaseDetails={"UnitPrice": 2500, "COGSAccountCode": "310", "TaxType": "INPUT2"},
        SalesDetails={"UnitPrice": 5000, "AccountCode": "200", "TaxType": "OUTPUT2"},
    )


@pytest.mark.parametrize(
    "overrides, message, hint",
    [
        ({"code": None}, "no code", "internal reference"),
        ({"code": "C" * 31}, "31 characters", "internal reference"),
        ({"name": ""}, "no name", "name"),
        ({"name": "N" * 51}, "51 characters", "map the Code from the internal reference"),
        ({"description": "d" * 4001}, "4001 characters", "4000"),
        ({"purchase_description": "d" * 4001}, "4001 characters", "4000"),
    ],
)
def test_item_to_xero_refuses(overrides, message, hint):
    with pytest.raises(MappingError, match=message) as info:
        item_to_xero(neutral_item(**overrides))
    assert hint in info.value.hint and info.value.kind == "mapping"


@pytest.mark.parametrize(
    "missing_key, what",
    [
        ("inventory_account_code", "inventory asset account"),
        ("cogs_account_code", "cost of goods sold account"),
    ],
)
def test_tracked_item_without_its_accounts_is_a_dependency(missing_key, what):
    with pytest.raises(MappingError, match=what) as info:
        item_to_xero(tracked_item(**{missing_key: None}))
    assert info.value.kind == "dependency" and info.value.missing == ("accounts", what)


def test_tracked_item_must_be_purchased():
    with pytest.raises(MappingError, match="not purchased") as info:
        item_to_xero(tracked_item(purchased=False))
    assert info.value.kind == "mapping" and info.value.hint


# -- the spec ------------------------------------------------------------------------------------
def test_payloads_conform_to_the_spec(check_request):
    check_request("PUT", "/Items", {"Items": [item_to_xero(neutral_item()), item_to_xero(tracked_item())]})
    check_request("POST", "/Items", {"Items": [item_to_xero(neutral_item(sold=False), xero_id=ITEM_ID)]})
    check_request("POST", f"/Items/{ITEM_ID}", {"Items": [item_to_xero(tracked_item(), xero_id=ITEM_ID)]})


# -- sandbox -------------------------------------------------------------------------------------
ACCOUNTS = [
    ("200", "Sales", "REVENUE"),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS"),
    ("400", "Purchases", "EXPENSE"),
    ("630", "Inventory", "INVENTORY"),
]
TAX_RATES = [("OUTPUT2", "GST on Income", "OUTPUT"), ("INPUT2", "GST on Expenses", "INPUT")]


@pytest.fixture
def chart(sandbox):
    sandbox.load_seed(
        {
            "Accounts": [
                {"AccountID": str(uuid.uuid4()), "Code": code, "Name": name, "Type": kind, "Status": "ACTIVE"}
                for code, name, kind in ACCOUNTS
            ],
            "TaxRates": [
                {
                    "TaxType": tax_type,
                    "Name": name,
                    "ReportTaxType": report,
                    "Status": "ACTIVE",
                    "TaxComponents": [{"Name": "GST", "Rate": 15.0}],
                }
                for tax_type, name, report in TAX_RATES
            ],
        }
    )
    return sandbox


SENT_KEYS = (
    "code",
    "name",
    "description",
    "purchase_description",
    "sale_price",
    "purchase_price",
    "sale_account_code",
    "purchase_account_code",
    "cogs_account_code",
    "inventory_account_code",
    "sale_tax_type",
    "purchase_tax_type",
    "sold",
    "purchased",
    "tracked",
)


@pytest.mark.parametrize(
    "neutral",
    [neutral_item(purchase_price=7.1235), tracked_item(purchase_price=7.1235)],
    ids=["plain", "tracked"],
)
def test_item_round_trips_through_the_sandbox(chart, harness, neutral):
    client = harness.client
    [result] = client.write("Items", [item_to_xero(neutral)], method="PUT")
    assert result.ok, result.messages
    back = item_from_xero(client.get_record("Items", result.xero_id))
    assert {k: back[k] for k in SENT_KEYS} == {k: neutral[k] for k in SENT_KEYS}
    assert back["xero_id"] == result.xero_id and back["updated_at"] is not None

    changed = dict(back, name="Widget v2", sale_price=13.25)
    [result] = client.write("Items", [item_to_xero(changed, xero_id=back["xero_id"])])
    assert result.ok, result.messages
    again = item_from_xero(client.get_record("Items", back["xero_id"]))
    assert {k: again[k] for k in SENT_KEYS} == {k: changed[k] for k in SENT_KEYS}
