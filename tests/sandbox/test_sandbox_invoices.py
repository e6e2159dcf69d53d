"""Invoice writes: server-side totals, numbering, required fields, status rules, lock dates, batches."""

from sandbox_helpers import invoice_body, line

INVALID_ON_PURPOSE = {"X-Test-Invalid-Request": "sends read-only totals on purpose"}


def put_invoice(api, body, **kwargs):
    return api.put("Invoices", {"Invoices": [body]}, **kwargs)


def test_exclusive_tax_is_rounded_per_line(api, contact):
    body = invoice_body(contact["ContactID"], [line(1, 0.05), line(1, 0.05), line(1, 0.05)])
    invoice = api.create("Invoices", body)
    assert [li["TaxAmount"] for li in invoice["LineItems"]] == [0.01, 0.01, 0.01]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (0.15, 0.03, 0.18)
    assert invoice["LineAmountTypes"] == "Exclusive"
    assert invoice["AmountDue"] == 0.18 and invoice["AmountPaid"] == 0.0


def test_inclusive_totals(api, contact):
    body = invoice_body(contact["ContactID"], [line(1, 115), line(2, 5)], LineAmountTypes="Inclusive")
    invoice = api.create("Invoices", body)
    assert [li["LineAmount"] for li in invoice["LineItems"]] == [115.0, 10.0]
    assert [li["TaxAmount"] for li in invoice["LineItems"]] == [15.0, 1.3]
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (108.7, 16.3, 125.0)


def test_notax_totals_and_tax_type(api, contact):
    invoice = api.create(
        "Invoices",
        invoice_body(
            contact["ContactID"],
            [{"Description": "Tyres", "Quantity": 2, "UnitAmount": 20, "AccountCode": "200"}],
            LineAmountTypes="NoTax",
        ),
    )
    assert invoice["LineItems"][0]["TaxType"] == "NONE"
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"]) == (40.0, 0.0, 40.0)


def test_discount_rate_and_half_up_rounding(api, contact):
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(3, 9.99, DiscountRate=10)]))
    item = invoice["LineItems"][0]
    assert (item["LineAmount"], item["TaxAmount"], item["DiscountRate"]) == (26.97, 4.05, 10.0)
    assert (invoice["SubTotal"], invoice["TotalTax"], invoice["Total"], invoice["TotalDiscount"]) == (
        26.97,
        4.05,
        31.02,
        3.0,
    )
    assert invoice["IsDiscounted"] is True


def test_compound_tax_rate(api, contact):
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 100, tax="TAX001")]))
    assert (invoice["TotalTax"], invoice["Total"]) == (7.1, 107.1)


def test_unitdp_four_decimals(api, contact):
    body = invoice_body(contact["ContactID"], [line(10, 1.23456)])
    two = api.create("Invoices", body)
    four = api.create("Invoices", body, params={"unitdp": 4})
    assert (two["LineItems"][0]["UnitAmount"], two["LineItems"][0]["LineAmount"]) == (1.23, 12.3)
    assert (four["LineItems"][0]["UnitAmount"], four["LineItems"][0]["LineAmount"]) == (1.2346, 12.35)


def test_client_totals_are_ignored(api, contact):
    body = invoice_body(
        contact["ContactID"], [line(2, 20, LineAmount=999, TaxAmount=5)], SubTotal=1, TotalTax=2, Total=999
    )
    invoice = put_invoice(api, body, headers=INVALID_ON_PURPOSE).json()["Invoices"][0]
    assert (
        invoice["LineItems"][0]["LineAmount"],
        invoice["SubTotal"],
        invoice["TotalTax"],
        invoice["Total"],
    ) == (40.0, 40.0, 6.0, 46.0)


def test_item_code_fills_line_defaults(api, contact):
    invoice = api.create(
        "Invoices", invoice_body(contact["ContactID"], [{"ItemCode": "ITEM-001", "Quantity": 1}])
    )
    item = api.get("Items", params={"where": 'Code=="ITEM-001"'}).json()["Items"][0]
    li = invoice["LineItems"][0]
    assert li["UnitAmount"] == item["SalesDetails"]["UnitPrice"]
    assert (li["AccountCode"], li["TaxType"], li["Description"]) == ("200", "OUTPUT2", item["Description"])


def test_accrec_numbers_auto_and_unique(api, contact):
    first = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    second = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    # The demo seed uses up to INV-0157 (ACCREC only), numbering continues after the highest.
    assert first["InvoiceNumber"] == "INV-0160"
    assert second["InvoiceNumber"] == "INV-0161"
    response = put_invoice(api, invoice_body(contact["ContactID"], [line(1, 10)], InvoiceNumber="INV-0160"))
    assert response.status_code == 400
    error = response.json()
    assert (error["ErrorNumber"], error["Type"], error["Message"]) == (
        10,
        "ValidationException",
        "A validation exception occurred",
    )
    assert error["Elements"][0]["ValidationErrors"] == [{"Message": "Invoice # must be unique."}]
    # ACCPAY numbers are the supplier's and need not be unique.
    bill = dict(
        invoice_body(contact["ContactID"], [line(1, 10, account="429", tax="INPUT2")]),
        Type="ACCPAY",
        InvoiceNumber="SUP-1",
    )
    assert put_invoice(api, bill).status_code == 200
    assert put_invoice(api, bill).status_code == 200


def test_get_by_id_and_by_number(api, contact):
    invoice = api.create(
        "Invoices", invoice_body(contact["ContactID"], [line(1, 10)], InvoiceNumber="WEB-77")
    )
    assert api.one("Invoices", invoice["InvoiceID"])["InvoiceNumber"] == "WEB-77"
    assert api.one("Invoices", "WEB-77")["InvoiceID"] == invoice["InvoiceID"]
    assert api.get("Invoices/8b5d0b6a-8f1c-4d7e-9d47-000000000000").status_code == 404


def test_required_fields(api, contact):
    cases = [
        (
            {"Contact": {"ContactID": contact["ContactID"]}, "LineItems": [line(1, 1)]},
            "Invoice Type must be one of ACCREC, ACCPAY",
        ),
        (
            {"Type": "ACCREC", "LineItems": [line(1, 1)]},
            "A Contact must be specified for this type of transaction",
        ),
        (
            {"Type": "ACCREC", "Contact": {"ContactID": contact["ContactID"]}},
            "At least one line item is required",
        ),
        (
            invoice_body(contact["ContactID"], [line(1, 1, account="999")]),
            "Account code '999' is not a valid code for this document.",
        ),
        (
            invoice_body(contact["ContactID"], [line(1, 1, tax="BOGUS")]),
            "The TaxType code 'BOGUS' does not exist or cannot be used for this type of transaction.",
        ),
    ]
    for body, message in cases:
        response = put_invoice(api, body, headers={"X-Test-Invalid-Request": "missing fields on purpose"})
        assert response.status_code == 400, body
        assert response.json()["Elements"][0]["ValidationErrors"] == [{"Message": message}]


def test_contact_by_name_is_created(api, sb):
    invoice = api.create(
        "Invoices", invoice_body(None, [line(1, 10)], Contact={"Name": "Brand New Customer"})
    )
    contacts = [c for c in sb.records("Contacts") if c["Name"] == "Brand New Customer"]
    assert len(contacts) == 1 and invoice["Contact"]["ContactID"] == contacts[0]["ContactID"]
    assert contacts[0]["IsCustomer"] is True


def test_archived_contact_rejected_on_new_document(api, sb):
    archived = [c for c in sb.records("Contacts") if c["ContactStatus"] == "ARCHIVED"][0]
    response = put_invoice(api, invoice_body(archived["ContactID"], [line(1, 10)]))
    assert response.status_code == 400
    assert "is archived" in response.json()["Elements"][0]["ValidationErrors"][0]["Message"]


def test_draft_edit_then_delete(api, contact):
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    assert invoice["Status"] == "DRAFT"
    response = api.post(
        "Invoices/" + invoice["InvoiceID"],
        {"Invoices": [{"LineItems": [line(2, 10)], "Reference": "changed"}]},
    )
    assert response.status_code == 200
    edited = response.json()["Invoices"][0]
    assert (edited["Total"], edited["Reference"], edited["InvoiceNumber"]) == (
        23.0,
        "changed",
        invoice["InvoiceNumber"],
    )
    assert edited["UpdatedDateUTC"] >= invoice["UpdatedDateUTC"]
    deleted = api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Status": "DELETED"}]}).json()[
        "Invoices"
    ][0]
    assert deleted["Status"] == "DELETED"
    again = api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Reference": "x"}]})
    assert again.status_code == 400
    assert again.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Invoice not of valid status for modification"}
    ]


def test_only_authorised_invoices_can_be_voided(api, contact):
    draft = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    response = api.post("Invoices/" + draft["InvoiceID"], {"Invoices": [{"Status": "VOIDED"}]})
    assert response.status_code == 400
    approved = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)], Status="AUTHORISED"))
    voided = api.post("Invoices/" + approved["InvoiceID"], {"Invoices": [{"Status": "VOIDED"}]}).json()[
        "Invoices"
    ][0]
    assert (voided["Status"], voided["AmountDue"]) == ("VOIDED", 0.0)
    # An approved invoice cannot be deleted, nor go back to draft.
    other = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)], Status="AUTHORISED"))
    for status in ("DELETED", "DRAFT"):
        response = api.post("Invoices/" + other["InvoiceID"], {"Invoices": [{"Status": status}]})
        assert response.status_code == 400, status


def test_no_void_or_edit_with_payment_applied(api, contact):
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 100)], Status="AUTHORISED"))
    payment = api.put(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-20",
                    "Amount": 15,
                }
            ]
        },
    )
    assert payment.status_code == 200, payment.text
    message = "This document cannot be edited as it has a payment or credit note allocated to it."
    for change in ({"Status": "VOIDED"}, {"LineItems": [line(1, 50)]}):
        response = api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [change]})
        assert response.status_code == 400
        assert response.json()["Elements"][0]["ValidationErrors"] == [{"Message": message}]


def test_paid_invoice_is_not_editable(api, contact):
    invoice = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 100)], Status="AUTHORISED"))
    api.put(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-20",
                    "Amount": 115,
                }
            ]
        },
    )
    assert api.one("Invoices", invoice["InvoiceID"])["Status"] == "PAID"
    response = api.post("Invoices/" + invoice["InvoiceID"], {"Invoices": [{"Reference": "late edit"}]})
    assert response.status_code == 400


def test_lock_dates_are_enforced(api, sb, contact):
    sb.update_organisation(PeriodLockDate="2025-12-31")
    locked = put_invoice(
        api, invoice_body(contact["ContactID"], [line(1, 10)], Date="2025-12-31", Status="AUTHORISED")
    )
    assert locked.status_code == 400
    assert "lock date (2025-12-31)" in locked.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    assert (
        put_invoice(
            api, invoice_body(contact["ContactID"], [line(1, 10)], Date="2026-01-01", Status="AUTHORISED")
        ).status_code
        == 200
    )
    sb.update_organisation(PeriodLockDate=None, EndOfYearLockDate="2026-03-31")
    assert (
        put_invoice(
            api, invoice_body(contact["ContactID"], [line(1, 10)], Date="2026-01-01", Status="AUTHORISED")
        ).status_code
        == 400
    )
    org = api.get("Organisation").json()["Organisations"][0]
    assert org["EndOfYearLockDate"] == "/Date(1774915200000+0000)/"


def test_foreign_currency_rate(api, contact):
    given = api.create(
        "Invoices", invoice_body(contact["ContactID"], [line(1, 10)], CurrencyCode="USD", CurrencyRate=0.61)
    )
    assert (given["CurrencyCode"], given["CurrencyRate"]) == ("USD", 0.61)
    made_up = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)], CurrencyCode="GBP"))
    assert made_up["CurrencyRate"] == 0.478788  # fixed made-up cross rate 0.79 / 1.65
    base = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    assert (base["CurrencyCode"], base["CurrencyRate"]) == ("NZD", 1.0)
    response = put_invoice(api, invoice_body(contact["ContactID"], [line(1, 10)], CurrencyCode="JPY"))
    assert response.status_code == 400


def test_batch_without_summarize_errors_fails_whole_batch(api, sb, contact):
    before = len(sb.records("Invoices"))
    body = {
        "Invoices": [
            invoice_body(contact["ContactID"], [line(1, 10)]),
            invoice_body(contact["ContactID"], [line(1, 10, account="999")]),
        ]
    }
    response = api.put("Invoices", body)
    assert response.status_code == 400
    elements = response.json()["Elements"]
    assert len(elements) == 1 and elements[0]["InvoiceID"] == "00000000-0000-0000-0000-000000000000"
    assert len(sb.records("Invoices")) == before


def test_batch_with_summarize_errors_false(api, sb, contact):
    before = len(sb.records("Invoices"))
    body = {
        "Invoices": [
            invoice_body(contact["ContactID"], [line(1, 10)]),
            invoice_body(contact["ContactID"], [line(1, 10, account="999")]),
            invoice_body(contact["ContactID"], [line(2, 10)]),
        ]
    }
    response = api.put("Invoices", body, params={"summarizeErrors": "false"})
    assert response.status_code == 200
    results = response.json()["Invoices"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR", "OK"]
    assert results[1]["ValidationErrors"] == [
        {"Message": "Account code '999' is not a valid code for this document."}
    ]
    assert results[1]["HasErrors"] is True
    assert len(sb.records("Invoices")) == before + 2


def test_bulk_post_creates_and_updates(api, contact):
    existing = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    body = {
        "Invoices": [
            {"InvoiceID": existing["InvoiceID"], "Reference": "updated"},
            invoice_body(contact["ContactID"], [line(1, 20)]),
        ]
    }
    response = api.post("Invoices", body)
    assert response.status_code == 200
    first, second = response.json()["Invoices"]
    assert first["InvoiceID"] == existing["InvoiceID"] and first["Reference"] == "updated"
    assert second["InvoiceID"] != existing["InvoiceID"] and second["Total"] == 23.0
    # PUT is create-only.
    assert (
        api.put(
            "Invoices", {"Invoices": [{"InvoiceID": existing["InvoiceID"], "Reference": "x"}]}
        ).status_code
        == 400
    )


def test_credit_notes_totals_and_numbering(api, contact):
    note = api.create(
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-01-10",
            "LineItems": [line(2, 20)],
        },
    )
    assert (note["Total"], note["RemainingCredit"], note["Status"]) == (46.0, 46.0, "DRAFT")
    assert note["CreditNoteNumber"].startswith("CN-")
    assert api.one("CreditNotes", note["CreditNoteNumber"])["CreditNoteID"] == note["CreditNoteID"]


def test_archiving_a_contact_keeps_its_existing_drafts_editable(api, contact):
    draft = api.create("Invoices", invoice_body(contact["ContactID"], [line(1, 10)]))
    api.post("Contacts/" + contact["ContactID"], {"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    edited = api.post("Invoices/" + draft["InvoiceID"], {"Invoices": [{"Reference": "still editable"}]})
    assert edited.status_code == 200 and edited.json()["Invoices"][0]["Reference"] == "still editable"
    assert put_invoice(api, invoice_body(contact["ContactID"], [line(1, 10)])).status_code == 400
