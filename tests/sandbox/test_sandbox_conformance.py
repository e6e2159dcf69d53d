"""Every exchange of the sandbox test session, validated against the official Xero OpenAPI specs.

Runs last (see conftest.py). It also drives a tour of its own through every implemented operation, so that
run alone it still covers them. Skips where ../shared (the specs) is absent. Quirks: see spec_check.py.
"""

import warnings

import requests
import spec_check
from sandbox_helpers import RECORDED, Client, invoice_body, line
from test_sandbox_webhooks import KEY, Receiver
from xero_sandbox import DEMO_SEED_DIR

MIN_OPERATIONS = 60


def attachment_round_trip(api, path, name, params=None):
    """Upload (PUT), replace (POST), list, and download by id and by name one attachment."""
    octet = {"Content-Type": "application/octet-stream"}
    api.request("PUT", f"{path}/{name}", data=b"first", headers=octet, params=params)
    made = api.request("POST", f"{path}/{name}", data=b"second", headers=octet).json()["Attachments"][0]
    api.get(path)
    api.get(f"{path}/{made['AttachmentID']}", headers={"contentType": "text/plain"})
    api.get(f"{path}/{name}", headers={"contentType": "text/plain"})


def tour(sandbox):
    """One call of each implemented operation, on its own sandbox."""
    api = Client(sandbox)
    contact = api.create(
        "Contacts",
        {
            "Name": "Tour Ltd",
            "ContactNumber": "TOUR-1",
            "EmailAddress": "t@tour.example",
            "Addresses": [{"AddressType": "STREET", "City": "Wellington"}],
            "Phones": [{"PhoneType": "MOBILE", "PhoneNumber": "555"}],
            "PaymentTerms": {"Sales": {"Day": 10, "Type": "DAYSAFTERBILLDATE"}},
        },
    )
    cid = contact["ContactID"]
    api.get(
        "Contacts",
        params={
            "page": 1,
            "pageSize": 10,
            "where": 'ContactStatus=="ACTIVE"',
            "order": "Name",
            "includeArchived": "true",
            "summaryOnly": "false",
        },
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Contacts", params={"IDs": cid, "searchTerm": "tour"})
    api.get("Contacts/" + cid)
    api.get("Contacts/TOUR-1")
    api.post("Contacts/" + cid, {"Contacts": [{"EmailAddress": "new@tour.example"}]})
    api.post("Contacts", {"Contacts": [{"Name": "Tour Two"}]}, params={"summarizeErrors": "false"})
    group = api.create("ContactGroups", {"Name": "Tour group"})
    gid = group["ContactGroupID"]
    api.get("ContactGroups", params={"where": 'Status=="ACTIVE"', "order": "Name"})
    api.get("ContactGroups/" + gid)
    api.put(f"ContactGroups/{gid}/Contacts", {"Contacts": [{"ContactID": cid}]})
    api.delete(f"ContactGroups/{gid}/Contacts/{cid}")
    api.delete(f"ContactGroups/{gid}/Contacts")
    api.post("ContactGroups/" + gid, {"ContactGroups": [{"Name": "Tour group renamed"}]})
    account = api.put(
        "Accounts", {"Code": "4200", "Name": "Tour revenue", "Type": "REVENUE", "TaxType": "OUTPUT2"}
    ).json()["Accounts"][0]
    api.get(
        "Accounts",
        params={"where": 'Type=="BANK"', "order": "Code"},
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Accounts/" + account["AccountID"])
    api.post(
        "Accounts/" + account["AccountID"],
        {"Accounts": [{"Code": "4200", "Name": "Tour revenue 2", "Type": "REVENUE"}]},
    )
    api.delete("Accounts/" + account["AccountID"])
    api.put(
        "TaxRates",
        {
            "TaxRates": [
                {
                    "Name": "Tour tax",
                    "TaxComponents": [
                        {"Name": "A", "Rate": 1.5, "IsCompound": False, "IsNonRecoverable": False}
                    ],
                }
            ]
        },
    )
    api.get("TaxRates", params={"where": 'Status=="ACTIVE"', "order": "Name"})
    api.get("TaxRates/OUTPUT2")
    api.post("TaxRates", {"TaxRates": [{"Name": "Tour tax", "TaxComponents": [{"Name": "A", "Rate": 2.0}]}]})
    api.put("Currencies", {"Code": "CAD", "Description": "Canadian Dollar"})
    api.get("Currencies", params={"where": 'Code=="CAD"', "order": "Code"})
    item = api.create(
        "Items",
        {
            "Code": "TOUR-ITEM",
            "Name": "Tour item",
            "SalesDetails": {"UnitPrice": 10, "AccountCode": "200", "TaxType": "OUTPUT2"},
            "PurchaseDetails": {"UnitPrice": 6, "AccountCode": "310", "TaxType": "INPUT2"},
        },
        params={"unitdp": 4},
    )
    api.get(
        "Items",
        params={"where": "IsSold==true", "order": "Code", "unitdp": 4},
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Items/" + item["ItemID"], params={"unitdp": 4})
    api.post("Items/" + item["ItemID"], {"Items": [{"Code": "TOUR-ITEM", "Name": "Tour item 2"}]})
    api.post("Items", {"Items": [{"Code": "TOUR-ITEM-2"}]}, params={"summarizeErrors": "false"})
    spare = api.create("Items", {"Code": "TOUR-SPARE"})
    api.delete("Items/" + spare["ItemID"])
    categories = api.get(
        "TrackingCategories", params={"includeArchived": "true", "order": "Name", "where": 'Status=="ACTIVE"'}
    ).json()["TrackingCategories"]
    category = categories[0]
    api.get("TrackingCategories/" + category["TrackingCategoryID"])
    option = api.put(
        "TrackingCategories/{}/Options".format(category["TrackingCategoryID"]), {"Name": "Tour option"}
    ).json()["Options"][0]
    api.post(
        "TrackingCategories/{}/Options/{}".format(category["TrackingCategoryID"], option["TrackingOptionID"]),
        {"Name": "Tour option 2"},
    )
    api.delete(
        "TrackingCategories/{}/Options/{}".format(category["TrackingCategoryID"], option["TrackingOptionID"])
    )
    api.post(
        "TrackingCategories/" + category["TrackingCategoryID"],
        {"Name": category["Name"], "Status": "ARCHIVED"},
    )
    made = api.put("TrackingCategories", {"Name": "Tour category"}).json()["TrackingCategories"][0]
    api.delete("TrackingCategories/" + made["TrackingCategoryID"])
    invoice = api.create(
        "Invoices",
        invoice_body(
            cid,
            [
                line(
                    2,
                    50,
                    Tracking=[{"Name": categories[1]["Name"], "Option": categories[1]["Options"][0]["Name"]}],
                )
            ],
            Status="AUTHORISED",
            Reference="Tour",
        ),
        params={"unitdp": 4, "summarizeErrors": "true"},
    )
    iid = invoice["InvoiceID"]
    api.get(
        "Invoices",
        params={
            "page": 1,
            "pageSize": 50,
            "where": 'Status=="AUTHORISED"',
            "order": "Date DESC",
            "IDs": iid,
            "InvoiceNumbers": invoice["InvoiceNumber"],
            "ContactIDs": cid,
            "Statuses": "AUTHORISED",
            "includeArchived": "true",
            "createdByMyApp": "false",
            "unitdp": 4,
            "summaryOnly": "false",
            "searchTerm": "Tour",
        },
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Invoices/" + iid, params={"unitdp": 4})
    api.post("Invoices/" + iid, {"Invoices": [{"Reference": "Tour 2"}]}, params={"unitdp": 4})
    api.post(
        "Invoices",
        {"Invoices": [invoice_body(cid, [line(1, 5)])]},
        params={"summarizeErrors": "false", "unitdp": 4},
    )
    attachment_round_trip(
        api, f"/api.xro/2.0/Invoices/{iid}/Attachments", "tour.txt", {"IncludeOnline": "true"}
    )
    for collection, record_id in (
        ("Contacts", cid),
        ("Accounts", api.get("Accounts").json()["Accounts"][0]["AccountID"]),
    ):
        attachment_round_trip(api, f"/api.xro/2.0/{collection}/{record_id}/Attachments", "a.txt")
    payment = api.put(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": iid},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-20",
                    "Amount": 10,
                    "Reference": "Tour",
                }
            ]
        },
        params={"summarizeErrors": "false"},
    ).json()["Payments"][0]
    api.post(
        "Payments",
        {"Invoice": {"InvoiceID": iid}, "Account": {"Code": "090"}, "Date": "2026-01-21", "Amount": 5},
    )
    api.get(
        "Payments",
        params={"page": 1, "pageSize": 10, "where": 'Status=="AUTHORISED"', "order": "Date"},
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Payments/" + payment["PaymentID"])
    api.post("Payments/" + payment["PaymentID"], {"Status": "DELETED"})
    note = api.create(
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": cid},
            "Date": "2026-01-16",
            "Status": "AUTHORISED",
            "LineItems": [line(1, 10)],
        },
        params={"unitdp": 4},
    )
    nid = note["CreditNoteID"]
    api.get(
        "CreditNotes",
        params={"page": 1, "pageSize": 10, "where": 'Type=="ACCRECCREDIT"', "order": "Date", "unitdp": 4},
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("CreditNotes/" + nid, params={"unitdp": 4})
    api.post("CreditNotes/" + nid, {"CreditNotes": [{"Reference": "Tour"}]}, params={"unitdp": 4})
    api.post(
        "CreditNotes",
        {
            "CreditNotes": [
                {
                    "Type": "ACCPAYCREDIT",
                    "Contact": {"ContactID": cid},
                    "Date": "2026-01-16",
                    "LineItems": [line(1, 10, account="310", tax="INPUT2")],
                }
            ]
        },
        params={"summarizeErrors": "false"},
    )
    allocation = api.put(
        f"CreditNotes/{nid}/Allocations",
        {"Allocations": [{"Invoice": {"InvoiceID": iid}, "Amount": 2, "Date": "2026-01-17"}]},
        params={"summarizeErrors": "false"},
    ).json()["Allocations"][0]
    api.delete("CreditNotes/{}/Allocations/{}".format(nid, allocation["AllocationID"]))
    attachment_round_trip(
        api, f"/api.xro/2.0/CreditNotes/{nid}/Attachments", "c.txt", {"IncludeOnline": "true"}
    )
    journal = api.create(
        "ManualJournals",
        {
            "Narration": "Tour",
            "Date": "2026-01-31",
            "JournalLines": [
                {"LineAmount": 10, "AccountCode": "429", "Description": "d"},
                {"LineAmount": -10, "AccountCode": "800", "Description": "c"},
            ],
        },
    )
    jid = journal["ManualJournalID"]
    api.get(
        "ManualJournals",
        params={"page": 1, "pageSize": 10, "where": 'Status=="DRAFT"', "order": "Date"},
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("ManualJournals/" + jid)
    api.post("ManualJournals/" + jid, {"ManualJournals": [{"Narration": "Tour 2"}]})
    api.post(
        "ManualJournals",
        {"ManualJournals": [{"Narration": "Tour 3", "JournalLines": journal["JournalLines"]}]},
        params={"summarizeErrors": "false"},
    )
    attachment_round_trip(api, f"/api.xro/2.0/ManualJournals/{jid}/Attachments", "m.txt")
    quote = api.create(
        "Quotes",
        {
            "Contact": {"ContactID": cid},
            "Date": "2026-02-01",
            "ExpiryDate": "2026-03-01",
            "LineAmountTypes": "EXCLUSIVE",
            "LineItems": [line(1, 10)],
        },
    )
    qid = quote["QuoteID"]
    api.get(
        "Quotes",
        params={
            "page": 1,
            "DateFrom": "2026-01-01",
            "DateTo": "2026-12-31",
            "ExpiryDateFrom": "2026-01-01",
            "ExpiryDateTo": "2026-12-31",
            "ContactID": cid,
            "Status": "DRAFT",
            "QuoteNumber": quote["QuoteNumber"],
            "order": "Date",
        },
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("Quotes/" + qid)
    api.post(
        "Quotes/" + qid, {"Quotes": [{"Contact": {"ContactID": cid}, "Date": "2026-02-01", "Status": "SENT"}]}
    )
    api.post(
        "Quotes",
        {"Quotes": [{"Contact": {"ContactID": cid}, "Date": "2026-02-02", "LineItems": [line(1, 1)]}]},
        params={"summarizeErrors": "false"},
    )
    attachment_round_trip(api, f"/api.xro/2.0/Quotes/{qid}/Attachments", "q.txt")
    order = api.create(
        "PurchaseOrders",
        {
            "Contact": {"ContactID": cid},
            "Date": "2026-02-01",
            "LineItems": [line(1, 10, account="310", tax="INPUT2")],
        },
    )
    pid = order["PurchaseOrderID"]
    api.get(
        "PurchaseOrders",
        params={
            "page": 1,
            "pageSize": 10,
            "Status": "DRAFT",
            "DateFrom": "2026-01-01",
            "DateTo": "2026-12-31",
            "order": "Date",
        },
        headers={"If-Modified-Since": "2020-01-01T00:00:00Z"},
    )
    api.get("PurchaseOrders/" + pid)
    api.get("PurchaseOrders/" + order["PurchaseOrderNumber"])
    api.post("PurchaseOrders/" + pid, {"PurchaseOrders": [{"Status": "AUTHORISED"}]})
    api.post(
        "PurchaseOrders",
        {
            "PurchaseOrders": [
                {"Contact": {"ContactID": cid}, "LineItems": [line(1, 1, account="310", tax="INPUT2")]}
            ]
        },
        params={"summarizeErrors": "false"},
    )
    attachment_round_trip(api, f"/api.xro/2.0/PurchaseOrders/{pid}/Attachments", "p.txt")
    api.get("Organisation")
    api.get("Organisation/Actions")
    # Validation errors (400) of several collections.
    api.put("Contacts", {"Contacts": [{"Name": "Tour Ltd"}]})
    api.put("Invoices", {"Invoices": [invoice_body(cid, [line(1, 1, account="999")])]})
    api.put(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": iid},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-22",
                    "Amount": 9999,
                }
            ]
        },
    )
    api.put("Items", {"Items": [{"Code": "TOUR-ITEM"}]})
    # Identity: connections, custom connection.
    headers = {"Authorization": "Bearer " + api.token}
    connections = requests.get(sandbox.url + "/connections", headers=headers, timeout=10).json()
    custom = requests.post(
        sandbox.url + "/connect/token",
        data={"grant_type": "client_credentials"},
        auth=("sandbox-client", "sandbox-secret"),
        timeout=10,
    ).json()["access_token"]
    requests.get(
        sandbox.url + "/api.xro/2.0/Organisation", headers={"Authorization": "Bearer " + custom}, timeout=10
    )
    requests.delete(sandbox.url + "/connections/" + connections[0]["id"], headers=headers, timeout=10)


def test_every_exchange_conforms_to_the_spec(spec_dir, make_sandbox):
    receiver = Receiver()
    try:
        sandbox = make_sandbox(
            seed=DEMO_SEED_DIR, minute_limit=10000, webhook_url=receiver.url, webhook_key=KEY
        )
        tour(sandbox)
        assert sandbox.flush_webhooks()
    finally:
        receiver.close()
    report = spec_check.Report()
    for exchange in list(RECORDED):
        spec_check.check(exchange, spec_dir, report)
    webhook_problems = []
    for delivery in sandbox.webhook_deliveries:
        webhook_problems += spec_check.check_webhook(delivery["body"], spec_dir)
    print("\n" + report.summary())
    print("webhook payloads validated: %d" % len(sandbox.webhook_deliveries))
    print("operations validated:\n  " + "\n  ".join(sorted(report.validated_ops)))
    for failure in report.foreign_request_failures:
        warnings.warn(
            "request sent by another suite's test does not conform to the spec: " + failure, stacklevel=2
        )
    print("requests from other suites that do not conform: %d" % len(report.foreign_request_failures))
    assert report.failures == [], "\n".join(report.failures[:40])
    assert webhook_problems == []
    assert len(sandbox.webhook_deliveries) > 0
    assert len(report.validated_ops) >= MIN_OPERATIONS, report.summary()
