"""The other collections: contacts and groups, settings, journals, quotes, purchase orders, attachments."""

from sandbox_helpers import line

ON_PURPOSE = {"X-Test-Invalid-Request": "not a valid request on purpose"}


def test_contacts_unique_active_names_and_archiving(api):
    made = api.create("Contacts", {"Name": "Unique Name Ltd", "ContactNumber": "EXT-1"})
    clash = api.put("Contacts", {"Contacts": [{"Name": "unique name ltd"}]})
    assert clash.status_code == 400
    assert clash.json()["Elements"][0]["ValidationErrors"] == [
        {
            "Message": (
                "The contact name unique name ltd is already assigned to another contact. The contact name must be unique "
                "across all active contacts."
            )
        }
    ]
    assert api.one("Contacts", "EXT-1")["ContactID"] == made["ContactID"]
    archived = api.post(
        "Contacts/" + made["ContactID"], {"Contacts": [{"ContactStatus": "ARCHIVED"}]}
    ).json()["Contacts"][0]
    assert archived["ContactStatus"] == "ARCHIVED"
    # The name is free again once the holder is archived.
    assert api.put("Contacts", {"Contacts": [{"Name": "Unique Name Ltd"}]}).status_code == 200
    missing = api.put("Contacts", {"Contacts": [{"EmailAddress": "x@example.com"}]})
    assert missing.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "The contact name must be specified"}
    ]
    assert missing.json()["Elements"][0]["ContactID"] == "00000000-0000-0000-0000-000000000000"


def test_bulk_post_contacts_matches_contact_number(api):
    made = api.create("Contacts", {"Name": "Numbered", "ContactNumber": "N-9"})
    updated = api.post(
        "Contacts", {"Contacts": [{"ContactNumber": "N-9", "Name": "Numbered Renamed"}]}
    ).json()["Contacts"][0]
    assert updated["ContactID"] == made["ContactID"] and updated["Name"] == "Numbered Renamed"


def test_contact_groups(api):
    group = api.create("ContactGroups", {"Name": "Key accounts"})
    contact = api.create("Contacts", {"Name": "Grouped Ltd"})
    added = api.put(
        "ContactGroups/{}/Contacts".format(group["ContactGroupID"]),
        {"Contacts": [{"ContactID": contact["ContactID"]}]},
    )
    assert added.status_code == 200 and added.json()["Contacts"][0]["ContactID"] == contact["ContactID"]
    fetched = api.one("ContactGroups", group["ContactGroupID"])
    assert [c["ContactID"] for c in fetched["Contacts"]] == [contact["ContactID"]]
    assert api.one("Contacts", contact["ContactID"])["ContactGroups"][0]["Name"] == "Key accounts"
    assert (
        api.delete(
            "ContactGroups/{}/Contacts/{}".format(group["ContactGroupID"], contact["ContactID"])
        ).status_code
        == 204
    )
    assert api.one("ContactGroups", group["ContactGroupID"])["Contacts"] == []
    deleted = api.post("ContactGroups/" + group["ContactGroupID"], {"ContactGroups": [{"Status": "DELETED"}]})
    assert deleted.json()["ContactGroups"][0]["Status"] == "DELETED"
    assert group["ContactGroupID"] not in [
        g["ContactGroupID"] for g in api.get("ContactGroups").json()["ContactGroups"]
    ]


def test_accounts(api):
    response = api.put(
        "Accounts", {"Code": "4100", "Name": "Consulting", "Type": "REVENUE", "TaxType": "OUTPUT2"}
    )
    assert response.status_code == 200, response.text
    account = response.json()["Accounts"][0]
    assert (account["Class"], account["Status"]) == ("REVENUE", "ACTIVE")
    duplicate = api.put("Accounts", {"Code": "4100", "Name": "Other", "Type": "REVENUE"})
    assert duplicate.json()["Elements"][0]["ValidationErrors"] == [{"Message": "Please enter a unique Code."}]
    bank = api.put("Accounts", {"Code": "095", "Name": "Savings", "Type": "BANK"})
    assert bank.status_code == 400
    archived = api.post("Accounts/" + account["AccountID"], {"Accounts": [{"Status": "ARCHIVED"}]}).json()[
        "Accounts"
    ][0]
    assert archived["Status"] == "ARCHIVED"
    gone = api.delete("Accounts/" + account["AccountID"])
    assert gone.status_code == 200 and gone.json()["Accounts"][0]["Status"] == "DELETED"


def test_tax_rates_with_components(api):
    created = api.create(
        "TaxRates",
        {
            "Name": "State + City",
            "TaxComponents": [
                {"Name": "State", "Rate": 6.0, "IsCompound": False},
                {"Name": "City", "Rate": 2.5, "IsCompound": True},
            ],
        },
    )
    assert created["TaxType"] == "TAX002"  # TAX001 is the demo's compound rate
    assert (created["DisplayTaxRate"], created["EffectiveRate"]) == (8.5, 8.65)
    assert api.one("TaxRates", "TAX002")["Name"] == "State + City"
    updated = api.post(
        "TaxRates", {"TaxRates": [{"TaxType": "TAX002", "Name": "State + City", "Status": "DELETED"}]}
    )
    assert updated.json()["TaxRates"][0]["Status"] == "DELETED"


def test_currencies(api):
    response = api.put("Currencies", {"Code": "CAD", "Description": "Canadian Dollar"})
    assert response.status_code == 200 and response.json()["Currencies"] == [
        {"Code": "CAD", "Description": "Canadian Dollar", "StatusAttributeString": "OK"}
    ]
    assert "CAD" in [c["Code"] for c in api.get("Currencies").json()["Currencies"]]
    assert api.put("Currencies", {"Code": "CAD"}).status_code == 400


def test_items(api):
    item = api.create(
        "Items",
        {
            "Code": "NEW-1",
            "Name": "New thing",
            "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT2"},
        },
    )
    assert (item["IsSold"], item["IsPurchased"], item["SalesDetails"]["UnitPrice"]) == (True, True, 12.5)
    assert api.put("Items", {"Items": [{"Code": "NEW-1"}]}).status_code == 400
    updated = api.post("Items", {"Items": [{"Code": "NEW-1", "Name": "Renamed", "IsSold": False}]}).json()[
        "Items"
    ][0]
    assert (
        updated["ItemID"] == item["ItemID"] and updated["Name"] == "Renamed" and updated["SalesDetails"] == {}
    )
    assert api.put("Items", {"Items": [{"Name": "no code"}]}, headers=ON_PURPOSE).status_code == 400
    tracked = api.put(
        "Items",
        {
            "Items": [
                {
                    "Code": "INV-ITEM",
                    "InventoryAssetAccountCode": "630",
                    "PurchaseDetails": {"COGSAccountCode": "310"},
                }
            ]
        },
    )
    assert tracked.status_code == 200 and tracked.json()["Items"][0]["IsTrackedAsInventory"] is True
    assert api.delete("Items/" + item["ItemID"]).status_code == 204
    assert api.get("Items/" + item["ItemID"]).status_code == 404


def test_tracking_categories_and_options(api):
    category = api.get("TrackingCategories").json()["TrackingCategories"][0]
    third = api.put("TrackingCategories", {"Name": "Project"})
    assert third.status_code == 400  # two active categories already
    option = api.put(
        "TrackingCategories/{}/Options".format(category["TrackingCategoryID"]),
        {"Options": [{"Name": "East"}]},
    )
    assert option.status_code == 200 and option.json()["Options"][0]["Name"] == "East"
    option_id = option.json()["Options"][0]["TrackingOptionID"]
    renamed = api.post(
        "TrackingCategories/{}/Options/{}".format(category["TrackingCategoryID"], option_id),
        {"Name": "Eastern"},
    )
    assert renamed.json()["Options"][0]["Name"] == "Eastern"
    assert (
        api.delete(
            "TrackingCategories/{}/Options/{}".format(category["TrackingCategoryID"], option_id)
        ).status_code
        == 200
    )
    names = [o["Name"] for o in api.one("TrackingCategories", category["TrackingCategoryID"])["Options"]]
    assert "Eastern" not in names
    archived = api.post(
        "TrackingCategories/" + category["TrackingCategoryID"],
        {"TrackingCategories": [{"Status": "ARCHIVED"}]},
    )
    assert archived.status_code == 200
    assert len(api.get("TrackingCategories").json()["TrackingCategories"]) == 1
    assert (
        len(api.get("TrackingCategories", params={"includeArchived": "true"}).json()["TrackingCategories"])
        == 2
    )
    contact = api.get("Contacts").json()["Contacts"][0]
    other = api.get("TrackingCategories").json()["TrackingCategories"][0]
    invoice = api.create(
        "Invoices",
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-01-01",
            "LineItems": [
                line(1, 10, Tracking=[{"Name": other["Name"], "Option": other["Options"][0]["Name"]}])
            ],
        },
    )
    assert (
        invoice["LineItems"][0]["Tracking"][0]["TrackingOptionID"] == other["Options"][0]["TrackingOptionID"]
    )


def test_manual_journals(api, sb):
    balanced = {
        "Narration": "Accrual",
        "Date": "2026-01-31",
        "JournalLines": [
            {"LineAmount": 100, "AccountCode": "429"},
            {"LineAmount": -100, "AccountCode": "800"},
        ],
    }
    journal = api.create("ManualJournals", balanced)
    assert (journal["Status"], journal["LineAmountTypes"]) == ("DRAFT", "NoTax")
    unbalanced = dict(
        balanced,
        JournalLines=[{"LineAmount": 100, "AccountCode": "429"}, {"LineAmount": -10, "AccountCode": "800"}],
    )
    response = api.put("ManualJournals", {"ManualJournals": [unbalanced]})
    assert response.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "The total debits (100.00) must equal total credits (-10.00)"}
    ]
    assert (
        api.put(
            "ManualJournals",
            {"ManualJournals": [{"JournalLines": balanced["JournalLines"]}]},
            headers=ON_PURPOSE,
        ).status_code
        == 400
    )
    url = "ManualJournals/" + journal["ManualJournalID"]
    posted = api.post(url, {"ManualJournals": [{"Narration": "Accrual", "Status": "POSTED"}]}).json()[
        "ManualJournals"
    ][0]
    assert posted["Status"] == "POSTED"
    assert (
        api.post(url, {"ManualJournals": [{"Narration": "Accrual", "Status": "DELETED"}]}).status_code == 400
    )
    assert (
        api.post(url, {"ManualJournals": [{"Narration": "Accrual", "Status": "VOIDED"}]}).status_code == 200
    )
    sb.update_organisation(PeriodLockDate="2026-01-31")
    assert api.put("ManualJournals", {"ManualJournals": [dict(balanced, Status="POSTED")]}).status_code == 400


def test_quotes(api):
    contact = api.get("Contacts").json()["Contacts"][0]
    quote = api.create(
        "Quotes",
        {
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-02-01",
            "ExpiryDate": "2026-03-01",
            "LineAmountTypes": "EXCLUSIVE",
            "Title": "Fit-out",
            "LineItems": [line(2, 50)],
        },
    )
    assert (quote["QuoteNumber"], quote["Status"], quote["Total"], quote["LineAmountTypes"]) == (
        "QU-0019",
        "DRAFT",
        115.0,
        "EXCLUSIVE",
    )
    assert quote["ExpiryDateString"] == "2026-03-01T00:00:00"
    assert (
        api.put(
            "Quotes",
            {"Quotes": [{"Contact": {"ContactID": contact["ContactID"]}, "LineItems": [line(1, 1)]}]},
        ).status_code
        == 400
    )
    sent = api.post("Quotes/" + quote["QuoteID"], {"Quotes": [{"Status": "SENT"}]}).json()["Quotes"][0]
    assert sent["Status"] == "SENT"
    listed = api.get("Quotes", params={"QuoteNumber": "QU-0019"}).json()["Quotes"]
    assert [q["QuoteID"] for q in listed] == [quote["QuoteID"]]
    window = api.get("Quotes", params={"DateFrom": "2026-02-01", "DateTo": "2026-02-01"}).json()["Quotes"]
    assert quote["QuoteID"] in [q["QuoteID"] for q in window]


def test_purchase_orders(api):
    contact = api.get("Contacts").json()["Contacts"][0]
    order = api.create(
        "PurchaseOrders",
        {
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-02-01",
            "DeliveryDate": "2026-02-10",
            "LineItems": [line(3, 10, account="310", tax="INPUT2")],
        },
    )
    assert (order["PurchaseOrderNumber"], order["Status"], order["Total"]) == ("PO-0019", "DRAFT", 34.5)
    assert api.one("PurchaseOrders", "PO-0019")["PurchaseOrderID"] == order["PurchaseOrderID"]
    approved = api.post(
        "PurchaseOrders/" + order["PurchaseOrderID"], {"PurchaseOrders": [{"Status": "AUTHORISED"}]}
    )
    assert approved.json()["PurchaseOrders"][0]["Status"] == "AUTHORISED"
    listed = api.get("PurchaseOrders", params={"Status": "AUTHORISED"}).json()["PurchaseOrders"]
    assert order["PurchaseOrderID"] in [p["PurchaseOrderID"] for p in listed]


def test_quote_workflow(api):
    """A quote is sent before it is accepted or declined, invoiced once accepted; INVOICED and
    DELETED are final."""
    contact = api.get("Contacts").json()["Contacts"][0]
    quote = api.create(
        "Quotes",
        {"Contact": {"ContactID": contact["ContactID"]}, "Date": "2026-02-01", "LineItems": [line(1, 10)]},
    )
    url = "Quotes/" + quote["QuoteID"]

    def move(status):
        return api.post(url, {"Quotes": [{"Status": status}]})

    for refused in ("ACCEPTED", "DECLINED", "INVOICED"):
        answer = move(refused)
        assert answer.status_code == 400
        assert "cannot go from DRAFT to " + refused in answer.text
    for status in ("SENT", "DECLINED", "SENT", "ACCEPTED", "INVOICED"):
        assert move(status).status_code == 200, status
    for refused in ("ACCEPTED", "DELETED", "INVOICED"):
        assert move(refused).status_code == 400, refused
    assert (
        api.put(
            "Quotes",
            {
                "Quotes": [
                    {
                        "Contact": {"ContactID": contact["ContactID"]},
                        "Date": "2026-02-01",
                        "Status": "ACCEPTED",
                        "LineItems": [line(1, 1)],
                    }
                ]
            },
        ).status_code
        == 400
    )


def test_purchase_order_workflow(api):
    """Approved purchase orders are billed or un-marked as billed, never back to draft;
    DELETED is final."""
    contact = api.get("Contacts").json()["Contacts"][0]
    order = api.create(
        "PurchaseOrders",
        {
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-02-01",
            "Status": "AUTHORISED",
            "LineItems": [line(1, 10, account="310", tax="INPUT2")],
        },
    )
    url = "PurchaseOrders/" + order["PurchaseOrderID"]

    def move(status):
        return api.post(url, {"PurchaseOrders": [{"Status": status}]})

    for refused in ("DRAFT", "SUBMITTED"):
        assert move(refused).status_code == 400, refused
    for status in ("BILLED", "AUTHORISED", "BILLED", "DELETED"):
        assert move(status).status_code == 200, status
    assert move("AUTHORISED").status_code == 400


def test_attachments_upload_list_download(api):
    invoice = api.get("Invoices", params={"page": 1}).json()["Invoices"][0]
    base = "Invoices/{}/Attachments".format(invoice["InvoiceID"])
    upload = api.request(
        "PUT",
        f"/api.xro/2.0/{base}/receipt.pdf",
        data=b"%PDF-1.4 fake",
        headers={"Content-Type": "application/octet-stream"},
        params={"IncludeOnline": "true"},
    )
    assert upload.status_code == 200, upload.text
    attachment = upload.json()["Attachments"][0]
    assert (
        attachment["FileName"],
        attachment["MimeType"],
        attachment["ContentLength"],
        attachment["IncludeOnline"],
    ) == ("receipt.pdf", "application/pdf", 13, True)
    listed = api.get(base).json()["Attachments"]
    assert [a["AttachmentID"] for a in listed] == [attachment["AttachmentID"]]
    by_id = api.get(
        "{}/{}".format(base, attachment["AttachmentID"]), headers={"contentType": "application/pdf"}
    )
    by_name = api.get(f"{base}/receipt.pdf", headers={"contentType": "application/pdf"})
    assert by_id.content == by_name.content == b"%PDF-1.4 fake"
    assert by_id.headers["Content-Type"] == "application/pdf"
    replaced = api.request(
        "POST",
        f"/api.xro/2.0/{base}/receipt.pdf",
        data=b"v2",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert replaced.json()["Attachments"][0]["AttachmentID"] == attachment["AttachmentID"]
    assert api.get(f"{base}/receipt.pdf", headers={"contentType": "application/pdf"}).content == b"v2"
    assert api.one("Invoices", invoice["InvoiceID"])["HasAttachments"] is True
    for index in range(9):
        api.request(
            "PUT",
            "/api.xro/2.0/%s/file%d.txt" % (base, index),
            data=b"x",
            headers={"Content-Type": "application/octet-stream"},
        )
    eleventh = api.request(
        "PUT",
        f"/api.xro/2.0/{base}/one-too-many.txt",
        data=b"x",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert eleventh.status_code == 400
    contact = api.get("Contacts").json()["Contacts"][0]
    contact_upload = api.request(
        "PUT",
        "/api.xro/2.0/Contacts/{}/Attachments/card.png".format(contact["ContactID"]),
        data=b"\x89PNG",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert contact_upload.json()["Attachments"][0]["MimeType"] == "image/png"


def test_organisation(api, sb):
    org = api.get("Organisation").json()["Organisations"][0]
    assert (org["OrganisationID"], org["BaseCurrency"], org["CountryCode"]) == (sb.tenant_id, "NZD", "NZ")
    assert api.request("POST", "/api.xro/2.0/Organisation", json={}, headers=ON_PURPOSE).status_code == 501
    actions = api.get("Organisation/Actions").json()["Actions"]
    assert {"Name": "UseMulticurrency", "Status": "ALLOWED"} in actions
