"""Tracked inventory in the sandbox: approved bills, invoices and credit notes move an item's
QuantityOnHand and TotalCostPool as Xero does; Xero's zero-total "inventory adjustments" too;
voids give it back; nothing may go below zero."""

import copy

from sandbox_helpers import Client
from xero_sandbox import DEMO_SEED_DIR
from xero_sandbox.accounting import seeding

ON_PURPOSE = {"X-Test-Invalid-Request": "not a valid request on purpose"}


def tracked_item(api, code="FRIDGE", cost=None):
    element = {
        "Code": code,
        "Name": "Refrigerator",
        "InventoryAssetAccountCode": "630",
        "PurchaseDetails": {"COGSAccountCode": "310"},
        "SalesDetails": {"UnitPrice": 1500, "AccountCode": "200"},
    }
    if cost is not None:
        element["PurchaseDetails"]["UnitPrice"] = cost
    item = api.create("Items", element)
    assert (item["IsTrackedAsInventory"], item["QuantityOnHand"], item["TotalCostPool"]) == (True, 0.0, 0.0)
    return item


def stock(api, item):
    found = api.one("Items", item["ItemID"])
    return found["QuantityOnHand"], found["TotalCostPool"]


def document(api, collection, doc_type, lines, status="AUTHORISED", headers=None, **fields):
    element = {
        "Type": doc_type,
        "Contact": {"Name": "Inventory Adjustments"},
        "Date": "2026-03-02",
        "LineItems": lines,
        "Status": status,
    }
    if collection == "Invoices":
        element["DueDate"] = "2026-03-02"
    element.update(fields)
    return api.put(collection, {collection: [element]}, headers=headers)


def item_line(code, quantity, unit, account="630", **extra):
    return dict({"ItemCode": code, "Quantity": quantity, "UnitAmount": unit, "AccountCode": account}, **extra)


def adjustment_line(quantity, unit, account="429"):
    return {
        "Description": "Inventory adjustment",
        "Quantity": quantity,
        "UnitAmount": -unit,
        "AccountCode": account,
    }


def test_documents_move_quantity_and_value(api):
    item = tracked_item(api)
    # A draft bill moves nothing; approving it adds its quantity at its amount before tax.
    draft = document(
        api,
        "Invoices",
        "ACCPAY",
        [item_line("FRIDGE", 10, 4.6, TaxType="INPUT2")],
        status="DRAFT",
        LineAmountTypes="Inclusive",
    )
    assert draft.status_code == 200, draft.text
    assert stock(api, item) == (0.0, 0.0)
    bill = draft.json()["Invoices"][0]
    approved = api.post(
        "Invoices/" + bill["InvoiceID"], {"Invoices": [{"Status": "AUTHORISED", "DueDate": "2026-03-09"}]}
    )
    assert approved.status_code == 200, approved.text
    assert stock(api, item) == (10.0, 40.0)  # 46.00 with 15% GST included: 40.00 of cost

    # A sale takes 4 at the average cost (4.00 each).
    sale = document(api, "Invoices", "ACCREC", [item_line("FRIDGE", 4, 1500, account="200")])
    assert sale.status_code == 200, sale.text
    sale_id = sale.json()["Invoices"][0]["InvoiceID"]
    assert stock(api, item) == (6.0, 24.0)

    # More than is on hand: refused, nothing of it written.
    before = len(api.get("Invoices").json()["Invoices"])
    refused = document(
        api, "Invoices", "ACCREC", [item_line("FRIDGE", 7, 1500, account="200")], headers=ON_PURPOSE
    )
    assert refused.status_code == 400
    [message] = [m["Message"] for m in refused.json()["Elements"][0]["ValidationErrors"]]
    assert "quantity on hand of the tracked item 'FRIDGE' cannot go below zero" in message
    assert len(api.get("Invoices").json()["Invoices"]) == before
    assert stock(api, item) == (6.0, 24.0)

    # Xero's inventory adjustment, increase: a zero-total bill (item line on the inventory
    # asset account, the opposite amount on the adjustment account).
    increase = document(
        api, "Invoices", "ACCPAY", [item_line("FRIDGE", 2, 5), adjustment_line(2, 5)], LineAmountTypes="NoTax"
    )
    assert increase.status_code == 200, increase.text
    assert increase.json()["Invoices"][0]["Total"] == 0.0
    assert stock(api, item) == (8.0, 34.0)

    # Decrease: a zero-total supplier credit note, at the unit cost given.
    decrease = document(
        api,
        "CreditNotes",
        "ACCPAYCREDIT",
        [item_line("FRIDGE", 3, 4.25), adjustment_line(3, 4.25)],
        LineAmountTypes="NoTax",
    )
    assert decrease.status_code == 200, decrease.text
    assert decrease.json()["CreditNotes"][0]["Total"] == 0.0
    assert stock(api, item) == (5.0, 21.25)

    # A decrease worth more than the item: its value would go below zero.
    too_much = document(
        api,
        "CreditNotes",
        "ACCPAYCREDIT",
        [item_line("FRIDGE", 1, 100), adjustment_line(1, 100)],
        LineAmountTypes="NoTax",
        headers=ON_PURPOSE,
    )
    assert too_much.status_code == 400
    assert "value of the tracked item 'FRIDGE' cannot go below zero" in too_much.text
    assert stock(api, item) == (5.0, 21.25)

    # Voiding the sale gives back what it took (16.00), whatever the average is now.
    voided = api.post("Invoices/" + sale_id, {"Invoices": [{"Status": "VOIDED"}]})
    assert voided.status_code == 200, voided.text
    assert stock(api, item) == (9.0, 37.25)

    # Goods back from a customer: at the average cost.
    back = document(api, "CreditNotes", "ACCRECCREDIT", [item_line("FRIDGE", 1, 1500, account="200")])
    assert back.status_code == 200, back.text
    assert stock(api, item) == (10.0, 41.39)  # 37.25 / 9 = 4.1389

    # Selling all of it takes the whole pool, to the cent.
    everything = document(api, "Invoices", "ACCREC", [item_line("FRIDGE", 10, 1500, account="200")])
    assert everything.status_code == 200, everything.text
    assert stock(api, item) == (0.0, 0.0)


def test_edit_replaces_the_effect_and_batches_keep_what_they_may(api):
    item = tracked_item(api, "WIDGET-T")
    bill = document(api, "Invoices", "ACCPAY", [item_line("WIDGET-T", 5, 2)], LineAmountTypes="NoTax")
    bill_id = bill.json()["Invoices"][0]["InvoiceID"]
    assert stock(api, item) == (5.0, 10.0)
    edited = api.post("Invoices/" + bill_id, {"Invoices": [{"LineItems": [item_line("WIDGET-T", 8, 2.5)]}]})
    assert edited.status_code == 200, edited.text
    assert stock(api, item) == (8.0, 20.0)
    # An edit of another field leaves the items as they are.
    api.post("Invoices/" + bill_id, {"Invoices": [{"InvoiceNumber": "SUP-1"}]})
    assert stock(api, item) == (8.0, 20.0)

    # summarizeErrors=false: the refused element is not written, the good one is.
    body = {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"Name": "Buyer One"},
                "Date": "2026-03-02",
                "DueDate": "2026-03-02",
                "Status": "AUTHORISED",
                "LineItems": [item_line("WIDGET-T", qty, 10, account="200")],
            }
            for qty in (3, 6)
        ]
    }
    response = api.put("Invoices?summarizeErrors=false", body, headers=ON_PURPOSE)
    assert response.status_code == 200
    results = response.json()["Invoices"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR"]
    assert stock(api, item) == (5.0, 12.5)

    # Deleting a draft moves nothing; a deleted item's documents leave the others alone.
    draft = document(api, "Invoices", "ACCPAY", [item_line("WIDGET-T", 1, 2)], status="DRAFT")
    api.post("Invoices/" + draft.json()["Invoices"][0]["InvoiceID"], {"Invoices": [{"Status": "DELETED"}]})
    assert stock(api, item) == (5.0, 12.5)


def test_untracked_items_and_reset(api, sb):
    plain = api.create("Items", {"Code": "PLAIN", "Name": "Service"})
    bill = document(api, "Invoices", "ACCPAY", [item_line("PLAIN", 3, 2, account="429")])
    assert bill.status_code == 200, bill.text
    found = api.one("Items", plain["ItemID"])
    assert "QuantityOnHand" not in found and found["IsTrackedAsInventory"] is False
    item = tracked_item(api, "RESET-ME")
    document(api, "Invoices", "ACCPAY", [item_line("RESET-ME", 3, 2)])
    assert stock(api, item) == (3.0, 6.0)
    sb.reset()
    assert not [i for i in Client(sb).get("Items").json()["Items"] if i["Code"] == "RESET-ME"]


def test_seeded_quantities_are_kept(make_sandbox):
    data = seeding.read_seed_dir(DEMO_SEED_DIR)
    seed = {key: copy.deepcopy(data[key]) for key in ("Organisation", "Accounts", "TaxRates", "Contacts")}
    seed["Items"] = [
        {
            "Code": "SEEDED",
            "Name": "Seeded stock",
            "IsTrackedAsInventory": True,
            "InventoryAssetAccountCode": "630",
            "PurchaseDetails": {"COGSAccountCode": "310"},
            "QuantityOnHand": 7,
            "TotalCostPool": 70,
        }
    ]
    sandbox = make_sandbox(seed=seed)
    api = Client(sandbox)
    [item] = api.get("Items").json()["Items"]
    assert (item["QuantityOnHand"], item["TotalCostPool"]) == (7.0, 70.0)
    sale = document(api, "Invoices", "ACCREC", [item_line("SEEDED", 2, 30, account="200")])
    assert sale.status_code == 200, sale.text
    assert stock(api, item) == (5.0, 50.0)
