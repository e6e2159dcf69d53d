"""Payments and credit-note allocations: AmountDue / AmountPaid / Status, limits, reversal."""

from sandbox_helpers import invoice_body, line


def approved_invoice(api, contact, amount=100, **fields):
    return api.create(
        "Invoices", invoice_body(contact["ContactID"], [line(1, amount)], Status="AUTHORISED", **fields)
    )


def pay(api, invoice_id, amount, account="090", date="2026-01-20", **kwargs):
    return api.put(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice_id},
                    "Account": {"Code": account},
                    "Date": date,
                    "Amount": amount,
                }
            ]
        },
        **kwargs,
    )


def test_part_payment_then_full_payment(api, contact):
    invoice = approved_invoice(api, contact)  # 100 + 15% = 115.00
    first = pay(api, invoice["InvoiceID"], 40)
    assert first.status_code == 200, first.text
    payment = first.json()["Payments"][0]
    assert (payment["Amount"], payment["PaymentType"], payment["Status"], payment["Account"]["Code"]) == (
        40.0,
        "ACCRECPAYMENT",
        "AUTHORISED",
        "090",
    )
    assert (payment["Invoice"]["AmountDue"], payment["Invoice"]["AmountPaid"]) == (75.0, 40.0)
    current = api.one("Invoices", invoice["InvoiceID"])
    assert (current["AmountDue"], current["AmountPaid"], current["Status"]) == (75.0, 40.0, "AUTHORISED")
    assert [p["Amount"] for p in current["Payments"]] == [40.0]
    assert current["UpdatedDateUTC"] >= invoice["UpdatedDateUTC"]
    pay(api, invoice["InvoiceID"], 75)
    paid = api.one("Invoices", invoice["InvoiceID"])
    assert (paid["AmountDue"], paid["AmountPaid"], paid["Status"]) == (0.0, 115.0, "PAID")
    assert paid["FullyPaidOnDate"] == "/Date(1768867200000+0000)/"


def test_payment_cannot_exceed_amount_due(api, contact):
    invoice = approved_invoice(api, contact)
    response = pay(api, invoice["InvoiceID"], 115.01)
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Payment amount exceeds the amount outstanding on this document"}
    ]


def test_payment_needs_authorised_document_and_bank_account(api, contact):
    draft = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    assert pay(api, draft["InvoiceID"], 1).status_code == 400
    invoice = approved_invoice(api, contact)
    assert pay(api, invoice["InvoiceID"], 1, account="200").status_code == 400  # revenue account
    assert pay(api, invoice["InvoiceID"], 1, account="970").status_code == 200  # EnablePaymentsToAccount


def test_single_payment_by_post_and_by_invoice_number(api, contact):
    invoice = approved_invoice(api, contact)
    response = api.post(
        "Payments",
        {
            "Invoice": {"InvoiceNumber": invoice["InvoiceNumber"]},
            "Account": {"Code": "090"},
            "Date": "2026-01-21",
            "Amount": 15,
        },
    )
    assert response.status_code == 200, response.text
    assert api.one("Invoices", invoice["InvoiceID"])["AmountDue"] == 100.0


def test_payment_reversal_restores_amount_due(api, contact):
    invoice = approved_invoice(api, contact)
    payment = pay(api, invoice["InvoiceID"], 115).json()["Payments"][0]
    assert api.one("Invoices", invoice["InvoiceID"])["Status"] == "PAID"
    response = api.post("Payments/" + payment["PaymentID"], {"Payments": [{"Status": "DELETED"}]})
    assert response.status_code == 200, response.text
    assert response.json()["Payments"][0]["Status"] == "DELETED"
    restored = api.one("Invoices", invoice["InvoiceID"])
    assert (restored["Status"], restored["AmountDue"], restored["AmountPaid"], restored["Payments"]) == (
        "AUTHORISED",
        115.0,
        0.0,
        [],
    )
    assert "FullyPaidOnDate" not in restored
    assert api.one("Payments", payment["PaymentID"])["Status"] == "DELETED"
    again = api.post("Payments/" + payment["PaymentID"], {"Payments": [{"Status": "DELETED"}]})
    assert again.status_code == 400
    # After the reversal the invoice can be voided.
    voided = api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Status": "VOIDED"}]})
    assert voided.status_code == 200


def test_payment_in_locked_period_rejected(api, sb, contact):
    invoice = approved_invoice(api, contact)
    sb.update_organisation(PeriodLockDate="2026-01-31")
    assert pay(api, invoice["InvoiceID"], 10, date="2026-01-31").status_code == 400
    assert pay(api, invoice["InvoiceID"], 10, date="2026-02-01").status_code == 200


def test_payments_batch_summarize_errors_false(api, contact):
    invoice = approved_invoice(api, contact)
    body = {
        "Payments": [
            {
                "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                "Account": {"Code": "090"},
                "Date": "2026-01-20",
                "Amount": 100,
            },
            {
                "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                "Account": {"Code": "090"},
                "Date": "2026-01-20",
                "Amount": 100,
            },
        ]
    }
    response = api.put("Payments", body, params={"summarizeErrors": "false"})
    assert response.status_code == 200
    results = response.json()["Payments"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR"]
    assert (
        results[1]["ValidationErrors"][0]["Message"]
        == "Payment amount exceeds the amount outstanding on this document"
    )
    assert api.one("Invoices", invoice["InvoiceID"])["AmountDue"] == 15.0


def credit_note(api, contact, amount=20, status="AUTHORISED"):
    return api.create(
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-01-16",
            "Status": status,
            "LineItems": [line(1, amount)],
        },
    )


def test_credit_note_allocation_reduces_remaining_credit(api, contact):
    invoice = approved_invoice(api, contact)  # 115.00
    note = credit_note(api, contact)  # 23.00
    response = api.put(
        "CreditNotes/{}/Allocations".format(note["CreditNoteID"]),
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 10, "Date": "2026-01-17"}
            ]
        },
    )
    assert response.status_code == 200, response.text
    allocation = response.json()["Allocations"][0]
    assert allocation["Amount"] == 10.0 and allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    note_now = api.one("CreditNotes", note["CreditNoteID"])
    assert (note_now["RemainingCredit"], note_now["Status"]) == (13.0, "AUTHORISED")
    assert [a["Amount"] for a in note_now["Allocations"]] == [10.0]
    invoice_now = api.one("Invoices", invoice["InvoiceID"])
    assert (invoice_now["AmountDue"], invoice_now["AmountCredited"]) == (105.0, 10.0)
    # Using all the remaining credit marks the credit note PAID.
    api.put(
        "CreditNotes/{}/Allocations".format(note["CreditNoteID"]),
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 13, "Date": "2026-01-17"}
            ]
        },
    )
    assert api.one("CreditNotes", note["CreditNoteID"])["Status"] == "PAID"
    assert api.one("Invoices", invoice["InvoiceID"])["AmountDue"] == 92.0
    # The invoice now has a credit note allocated: it cannot be voided.
    assert (
        api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Status": "VOIDED"}]}).status_code == 400
    )


def test_allocation_limits_and_delete(api, contact):
    invoice = approved_invoice(api, contact, amount=10)  # 11.50
    note = credit_note(api, contact, amount=100)  # 115.00
    url = "CreditNotes/{}/Allocations".format(note["CreditNoteID"])
    too_much = api.put(
        url,
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 12, "Date": "2026-01-17"}
            ]
        },
    )
    assert too_much.status_code == 400
    draft_note = credit_note(api, contact, status="DRAFT")
    assert (
        api.put(
            "CreditNotes/{}/Allocations".format(draft_note["CreditNoteID"]),
            {
                "Allocations": [
                    {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 1, "Date": "2026-01-17"}
                ]
            },
        ).status_code
        == 400
    )
    made = api.put(
        url,
        {
            "Allocations": [
                {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 11.5, "Date": "2026-01-17"}
            ]
        },
    )
    allocation_id = made.json()["Allocations"][0]["AllocationID"]
    assert api.one("Invoices", invoice["InvoiceID"])["Status"] == "PAID"
    deleted = api.delete(f"{url}/{allocation_id}")
    assert deleted.status_code == 200 and deleted.json()["IsDeleted"] is True
    assert api.one("Invoices", invoice["InvoiceID"])["Status"] == "AUTHORISED"
    assert api.one("CreditNotes", note["CreditNoteID"])["RemainingCredit"] == 115.0


def test_credit_note_refund_payment(api, contact):
    note = credit_note(api, contact)
    response = api.put(
        "Payments",
        {
            "Payments": [
                {
                    "CreditNote": {"CreditNoteID": note["CreditNoteID"]},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-18",
                    "Amount": 23,
                }
            ]
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["Payments"][0]["PaymentType"] == "ARCREDITPAYMENT"
    assert api.one("CreditNotes", note["CreditNoteID"])["Status"] == "PAID"


def test_seeded_documents_are_consistent(sb):
    invoices = sb.records("Invoices")
    paid = [i for i in invoices if i["Status"] == "PAID"]
    part_paid = [i for i in invoices if i["Status"] == "AUTHORISED" and i["AmountPaid"] > 0]
    assert paid and part_paid
    for invoice in invoices:
        if invoice["Status"] in ("AUTHORISED", "PAID", "DRAFT", "SUBMITTED"):
            assert (
                round(invoice["Total"] - invoice["AmountPaid"] - invoice["AmountCredited"], 2)
                == invoice["AmountDue"]
            )
    assert {i["CurrencyCode"] for i in invoices} >= {"NZD", "USD", "AUD", "GBP", "EUR"}
    assert any(len(t["TaxComponents"]) > 1 for t in sb.records("TaxRates"))
