"""List reads: paging, pagination block, If-Modified-Since, where, IDs/Statuses/..., includeArchived, summaryOnly, order."""

from email.utils import format_datetime

from sandbox_helpers import invoice_body, line
from xero_sandbox.seed_gen import invoices_seed


def test_paging_and_pagination_block(make_sandbox):
    sandbox = make_sandbox(seed=invoices_seed(250, contact_count=10), minute_limit=1000)
    from sandbox_helpers import Client

    api = Client(sandbox)
    first = api.get("Invoices", params={"page": 1}).json()
    assert len(first["Invoices"]) == 100
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 3, "itemCount": 250}
    third = api.get("Invoices", params={"page": 3}).json()
    assert len(third["Invoices"]) == 50 and third["pagination"]["page"] == 3
    assert api.get("Invoices", params={"page": 4}).json()["Invoices"] == []
    sized = api.get("Invoices", params={"page": 2, "pageSize": 120}).json()
    assert len(sized["Invoices"]) == 120 and sized["pagination"] == {
        "page": 2,
        "pageSize": 120,
        "pageCount": 3,
        "itemCount": 250,
    }
    capped = api.get("Invoices", params={"page": 1, "pageSize": 5000}).json()
    assert capped["pagination"]["pageSize"] == 1000 and len(capped["Invoices"]) == 250
    seen = set()
    for page in (1, 2, 3):
        seen |= {i["InvoiceID"] for i in api.get("Invoices", params={"page": page}).json()["Invoices"]}
    assert len(seen) == 250
    # Paged invoices carry line items; an unpaged read (all records) leaves them out, as Xero does.
    assert all(len(i["LineItems"]) == 3 for i in first["Invoices"])
    unpaged = api.get("Invoices").json()
    assert "pagination" not in unpaged and len(unpaged["Invoices"]) == 250
    assert all("LineItems" not in i for i in unpaged["Invoices"])
    contacts = api.get("Contacts", params={"page": 1, "pageSize": 3}).json()
    assert contacts["pagination"] == {"page": 1, "pageSize": 3, "pageCount": 4, "itemCount": 10}


def test_if_modified_since(api, sb, contact):
    everything = api.get("Contacts").json()["Contacts"]
    assert len(everything) > 50
    sb.advance_clock(120)
    cutoff = sb.clock.now()
    sb.advance_clock(5)
    touched = api.post(
        "Contacts/" + everything[0]["ContactID"], {"Contacts": [{"EmailAddress": "new@example.com"}]}
    ).json()["Contacts"][0]
    created = api.create("Contacts", {"Name": "Created After Cutoff"})
    for header in (
        cutoff.strftime("%Y-%m-%dT%H:%M:%S"),
        cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),
        format_datetime(cutoff, usegmt=True),
    ):
        # Forms beyond the spec's RFC 3339 date-time are accepted too (Xero is lenient): flagged for the conformance test.
        changed = api.get(
            "Contacts", headers={"If-Modified-Since": header, "X-Test-Invalid-Request": "IMS forms"}
        ).json()["Contacts"]
        assert sorted(c["ContactID"] for c in changed) == sorted(
            [touched["ContactID"], created["ContactID"]]
        ), header
    assert touched["UpdatedDateUTC"] > everything[0]["UpdatedDateUTC"]
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    changed = api.get("Invoices", headers={"If-Modified-Since": cutoff.isoformat()}).json()["Invoices"]
    assert [i["InvoiceID"] for i in changed] == [invoice["InvoiceID"]]


def test_where_common_forms(api, sb):
    drafts = api.get("Invoices", params={"where": 'Status=="DRAFT"'}).json()["Invoices"]
    assert drafts and {i["Status"] for i in drafts} == {"DRAFT"}
    assert len(drafts) == sum(1 for i in sb.records("Invoices") if i["Status"] == "DRAFT")
    banks = api.get("Accounts", params={"where": 'Type=="BANK"'}).json()["Accounts"]
    assert sorted(a["Code"] for a in banks) == ["090", "091", "092"]
    active = api.get("Contacts", params={"where": 'ContactStatus=="ACTIVE"'}).json()["Contacts"]
    assert len(active) == 58
    sold = api.get("Items", params={"where": "IsSold==true"}).json()["Items"]
    assert len(sold) == 20 and all(i["IsSold"] for i in sold)
    both = api.get("Invoices", params={"where": 'Type=="ACCREC" AND Status=="PAID"'}).json()["Invoices"]
    assert both and all(i["Type"] == "ACCREC" and i["Status"] == "PAID" for i in both)
    contact_id = drafts[0]["Contact"]["ContactID"]
    by_guid = api.get("Invoices", params={"where": f'Contact.ContactID==Guid("{contact_id}")'}).json()[
        "Invoices"
    ]
    assert by_guid and all(i["Contact"]["ContactID"] == contact_id for i in by_guid)
    dated = api.get("Invoices", params={"where": "Date>=DateTime(2026,06,01)"}).json()["Invoices"]
    assert dated and all(i["Date"] >= "/Date(1780272000000+0000)/" for i in dated)
    bad = api.get("Invoices", params={"where": 'Status=="DRAFT" AND'})
    assert bad.status_code == 400


def test_ids_statuses_numbers_contacts(api, sb):
    invoices = sb.records("Invoices")
    picked = [invoices[0]["InvoiceID"], invoices[5]["InvoiceID"]]
    got = api.get("Invoices", params={"IDs": ",".join(picked)}).json()["Invoices"]
    assert sorted(i["InvoiceID"] for i in got) == sorted(picked)
    statuses = api.get("Invoices", params={"Statuses": "DRAFT,SUBMITTED"}).json()["Invoices"]
    assert len(statuses) == sum(1 for i in invoices if i["Status"] in ("DRAFT", "SUBMITTED"))
    numbers = api.get("Invoices", params={"InvoiceNumbers": "INV-0001,INV-0002"}).json()["Invoices"]
    assert sorted(i["InvoiceNumber"] for i in numbers) == ["INV-0001", "INV-0002"]
    contact_id = invoices[3]["Contact"]["ContactID"]
    mine = api.get("Invoices", params={"ContactIDs": contact_id}).json()["Invoices"]
    assert len(mine) == sum(1 for i in invoices if i["Contact"]["ContactID"] == contact_id)
    contacts = sb.records("Contacts")
    picked_contacts = [c["ContactID"] for c in contacts[:3]]
    assert len(api.get("Contacts", params={"IDs": ",".join(picked_contacts)}).json()["Contacts"]) == 3


def test_include_archived_and_summary_only(api):
    default = api.get("Contacts").json()["Contacts"]
    everything = api.get("Contacts", params={"includeArchived": "true"}).json()["Contacts"]
    assert len(default) == 58 and len(everything) == 60
    assert {c["ContactStatus"] for c in everything} == {"ACTIVE", "ARCHIVED"}
    summary = api.get("Contacts", params={"summaryOnly": "true"}).json()["Contacts"]
    assert "Addresses" not in summary[0] and "Phones" not in summary[0] and summary[0]["Name"]
    full = api.get("Invoices", params={"page": 1}).json()["Invoices"][0]
    light = api.get("Invoices", params={"page": 1, "summaryOnly": "true"}).json()["Invoices"][0]
    assert "LineItems" in full and "LineItems" not in light and light["Total"] == full["Total"]


def test_order(api):
    by_name = api.get("Contacts", params={"order": "Name DESC"}).json()["Contacts"]
    names = [c["Name"].lower() for c in by_name]
    assert names == sorted(names, reverse=True)
    by_total = api.get("Invoices", params={"order": "Total ASC", "page": 1}).json()["Invoices"]
    totals = [i["Total"] for i in by_total]
    assert totals == sorted(totals)
    by_number = api.get("Invoices", params={"order": "InvoiceNumber", "where": 'Type=="ACCREC"'}).json()[
        "Invoices"
    ]
    assert [i["InvoiceNumber"] for i in by_number][:3] == ["INV-0001", "INV-0002", "INV-0003"]


def test_other_collection_lists(api):
    envelope = api.get("TaxRates").json()
    assert (
        envelope["Status"] == "OK"
        and envelope["ProviderName"]
        and envelope["DateTimeUTC"].startswith("/Date(")
    )
    assert "pagination" not in envelope
    assert len(envelope["TaxRates"]) == 5
    assert api.get("TaxRates/OUTPUT2").json()["TaxRates"][0]["EffectiveRate"] == 15.0
    assert len(api.get("Currencies").json()["Currencies"]) == 5
    assert len(api.get("TrackingCategories").json()["TrackingCategories"]) == 2
    assert len(api.get("ContactGroups").json()["ContactGroups"]) == 3
    assert len(api.get("ManualJournals", params={"page": 1}).json()["ManualJournals"]) == 12
    quotes = api.get("Quotes", params={"Status": "DRAFT"}).json()["Quotes"]
    assert quotes and {q["Status"] for q in quotes} == {"DRAFT"}
    orders = api.get("PurchaseOrders", params={"page": 1, "pageSize": 5}).json()
    assert len(orders["PurchaseOrders"]) == 5 and orders["pagination"]["itemCount"] == 18
    payments = api.get("Payments", params={"page": 1}).json()
    assert payments["pagination"]["itemCount"] == len(payments["Payments"]) > 0
    credit_notes = api.get("CreditNotes", params={"page": 1}).json()["CreditNotes"]
    assert len(credit_notes) == 24
