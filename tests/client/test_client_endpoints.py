"""Endpoints under one record (xero/client.py): credit-note allocations, contact-group members,
deleting an item. The models call these methods; no path is built outside xero/. Against the
real local sandbox, over real HTTP, with the requests each method sends."""

import uuid
from urllib.parse import urlsplit

import pytest
from xero import CREATED, REJECTED, errors

CUSTOMER_ID = str(uuid.uuid4())
SEED = {
    "Currencies": [{"Code": "NZD", "Description": "New Zealand Dollar"}],
    "TaxRates": [
        {
            "TaxType": "OUTPUT2",
            "Name": "GST on Income",
            "ReportTaxType": "OUTPUT",
            "Status": "ACTIVE",
            "TaxComponents": [{"Name": "GST", "Rate": 15.0}],
        }
    ],
    "Accounts": [{"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"}],
    "Contacts": [{"ContactID": CUSTOMER_ID, "Name": "Ridgeway Bakery Ltd"}],
    "Items": [{"Code": "CAKE", "Name": "Cake"}],
}


def sent(harness, count=1):
    """(method, path after the API root) of the last ``count`` requests."""
    out = []
    for record in harness.records[-count:]:
        path = urlsplit(record["url"]).path
        out.append((record["method"], path.split("/api.xro/2.0", 1)[1]))
    return out


def document(client, collection, doc_type, amount):
    [result] = client.write(
        collection,
        [
            {
                "Type": doc_type,
                "Contact": {"ContactID": CUSTOMER_ID},
                "Date": "2026-03-10",
                "DueDate": "2026-03-10",
                "Status": "AUTHORISED",
                "LineItems": [
                    {"Description": "Cake", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
                ],
            }
        ],
        method="PUT",
    )
    assert result.ok, result.messages
    return result.record


@pytest.fixture
def seeded(sandbox, harness):
    sandbox.load_seed(SEED)
    return harness


def test_allocate_then_delete_an_allocation(seeded):
    client = seeded.client
    invoice = document(client, "Invoices", "ACCREC", 100)
    note = document(client, "CreditNotes", "ACCRECCREDIT", 30)
    note_id = note["CreditNoteID"]
    [result] = client.allocate_credit_note(
        note_id, [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 20, "Date": "2026-03-10"}]
    )
    assert sent(seeded) == [("PUT", f"/CreditNotes/{note_id}/Allocations")]
    assert "summarizeErrors=false" in seeded.records[-1]["url"]
    assert (result.ok, result.status, result.record["Amount"]) == (True, CREATED, 20)
    allocation_id = result.xero_id
    [note] = client.iter_records("CreditNotes", ids=[note_id])
    assert note["RemainingCredit"] == 10.0
    assert [a["AllocationID"] for a in note["Allocations"]] == [allocation_id]
    [invoice] = client.iter_records("Invoices", ids=[invoice["InvoiceID"]])
    assert invoice["AmountDue"] == 80.0
    client.delete_allocation(note_id, allocation_id)
    assert sent(seeded) == [("DELETE", f"/CreditNotes/{note_id}/Allocations/{allocation_id}")]
    [note] = client.iter_records("CreditNotes", ids=[note_id])
    assert note["RemainingCredit"] == 30.0
    [invoice] = client.iter_records("Invoices", ids=[invoice["InvoiceID"]])
    assert invoice["AmountDue"] == 100.0


def test_allocation_refused_by_xero_is_a_rejected_result(seeded):
    """Xero answers 200 and refuses the element: its message, the others go."""
    client = seeded.client
    small = document(client, "Invoices", "ACCREC", 10)
    large = document(client, "Invoices", "ACCREC", 100)
    note = document(client, "CreditNotes", "ACCRECCREDIT", 30)
    refused, accepted = client.allocate_credit_note(
        note["CreditNoteID"],
        [
            {"Invoice": {"InvoiceID": small["InvoiceID"]}, "Amount": 15, "Date": "2026-03-10"},
            {"Invoice": {"InvoiceID": large["InvoiceID"]}, "Amount": 5, "Date": "2026-03-10"},
        ],
    )
    assert (refused.ok, refused.status, refused.index) == (False, REJECTED, 0)
    assert refused.messages == ["The amount being allocated exceeds the amount due on the invoice"]
    assert (accepted.ok, accepted.index) == (True, 1)
    [note] = client.iter_records("CreditNotes", ids=[note["CreditNoteID"]])
    assert note["RemainingCredit"] == 25.0


def test_same_allocation_retried_is_not_applied_twice(seeded):
    """The same call again carries the same Idempotency-Key: Xero answers it once."""
    client = seeded.client
    invoice = document(client, "Invoices", "ACCREC", 100)
    note = document(client, "CreditNotes", "ACCRECCREDIT", 30)
    body = [{"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 10, "Date": "2026-03-10"}]
    [first] = client.allocate_credit_note(note["CreditNoteID"], body)
    [again] = client.allocate_credit_note(note["CreditNoteID"], body)
    assert again.xero_id == first.xero_id
    [note] = client.iter_records("CreditNotes", ids=[note["CreditNoteID"]])
    assert note["RemainingCredit"] == 20.0


def test_contact_group_members(seeded):
    client = seeded.client
    [group] = client.write("ContactGroups", [{"Name": "Wholesale"}], method="PUT")
    assert group.ok, group.messages
    group_id = group.xero_id
    [other] = client.write("Contacts", [{"Name": "Flour Mills Ltd"}], method="PUT")
    added = client.add_contacts_to_group(group_id, [CUSTOMER_ID, other.xero_id])
    assert sent(seeded) == [("PUT", f"/ContactGroups/{group_id}/Contacts")]
    assert sorted(c["ContactID"] for c in added) == sorted([CUSTOMER_ID, other.xero_id])
    [group] = client.iter_records("ContactGroups", ids=[group_id])
    assert sorted(c["ContactID"] for c in group["Contacts"]) == sorted([CUSTOMER_ID, other.xero_id])
    client.remove_contact_from_group(group_id, CUSTOMER_ID)
    assert sent(seeded) == [("DELETE", f"/ContactGroups/{group_id}/Contacts/{CUSTOMER_ID}")]
    [group] = client.iter_records("ContactGroups", ids=[group_id])
    assert [c["ContactID"] for c in group["Contacts"]] == [other.xero_id]
    # The contact itself stays.
    assert [c["Name"] for c in client.iter_records("Contacts", ids=[CUSTOMER_ID])] == ["Ridgeway Bakery Ltd"]


def test_delete_item(seeded, sandbox):
    client = seeded.client
    [item] = sandbox.records("Items")
    client.delete_item(item["ItemID"])
    assert sent(seeded) == [("DELETE", f"/Items/{item['ItemID']}")]
    assert sandbox.records("Items") == []
    with pytest.raises(errors.XeroNotFound):
        client.delete_item(item["ItemID"])


@pytest.mark.parametrize(
    "call, path",
    [
        (lambda c: c.delete_item("../Contacts"), "/Items/..%2FContacts"),
        (lambda c: c.delete_allocation("a/b", "c"), "/CreditNotes/a%2Fb/Allocations/c"),
        (lambda c: c.remove_contact_from_group("g", "x?y#z"), "/ContactGroups/g/Contacts/x%3Fy%23z"),
    ],
    ids=["item", "allocation", "member"],
)
def test_ids_are_one_quoted_path_segment(seeded, call, path):
    """An ID never reaches another endpoint: '/', '?' and '#' in it are quoted."""
    with pytest.raises(errors.XeroError):
        call(seeded.client)  # Xero has no such record
    assert sent(seeded) == [("DELETE", path)]


@pytest.mark.parametrize("bad", ["", ".", "..", None])
def test_ids_that_would_leave_their_segment_are_refused_before_sending(seeded, bad):
    client = seeded.client
    before = len(seeded.records)
    for call in (
        lambda: client.delete_item(bad),
        lambda: client.delete_allocation(bad, "x"),
        lambda: client.delete_allocation("x", bad),
        lambda: client.allocate_credit_note(bad, []),
        lambda: client.add_contacts_to_group(bad, []),
        lambda: client.remove_contact_from_group("g", bad),
    ):
        with pytest.raises(ValueError):
            call()
    assert len(seeded.records) == before
