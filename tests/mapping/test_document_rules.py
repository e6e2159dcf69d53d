"""The rules that turn an Odoo document into what is sent to Xero (xero/mapping/documents.py):
status, void, Xero's status and lock date, the rounding line and how it is recognised when Xero
sends it back. Pure: every input passed in, exact outputs; then the rounding line through the
sandbox and back."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from xero.mapping.common import MappingError
from xero.mapping.documents import (
    check_lock_date,
    check_sendable,
    document_from_xero,
    document_to_xero,
    export_payload,
    import_transition,
    lock_date_applies,
    organisation_lock_date,
    rounding_line,
    rounding_line_index,
    rounding_tolerance,
    status_to_send,
    tombstone_status,
    void_payload,
    xero_totals,
)

D = Decimal
CONTACT_ID = "430fa14a-f945-44d3-9f97-5df5e28441b8"
INVOICE_ID = "ed255415-e141-4150-aab7-89c3bbbb851c"
CREDIT_ID = "f9256f04-5a99-4680-acb9-6b4639cc439a"
LOCK = date(2026, 3, 31)


def line(description="Cake", quantity=1, unit_amount=100.33, account_code="200", tax_type="TAX001", **extra):
    out = {
        "description": description,
        "quantity": quantity,
        "unit_amount": unit_amount,
        "discount_rate": None,
        "item_code": None,
        "account_code": account_code,
        "tax_type": tax_type,
        "tax_rate": 7.1 if tax_type == "TAX001" else 0.0,
        "tracking": [],
        "display": None,
    }
    out.update(extra)
    return out


def odoo_doc(**overrides):
    """An Odoo document as the snapshot makes it: 100.33 at the compound 7.1% rate, which Odoo
    (5%, then 2% of the levied amount, each rounded) makes 107.46 and Xero 107.45."""
    out = {
        "type": "ACCREC",
        "number": "INV/2026/00001",
        "reference": None,
        "contact_id": CONTACT_ID,
        "contact_name": "Ridgeway Bakery Ltd",
        "contact_blocking": ("res.partner", 7),
        "date": date(2026, 4, 2),
        "due_date": date(2026, 5, 2),
        "status": "AUTHORISED",
        "currency": "NZD",
        "rate": None,
        "amount_type": "Exclusive",
        "lines": [line()],
        "odoo_totals": [100.33, 7.13, 107.46],
        "allocations_wanted": {},
        "errors": [],
        "xero_status": None,
        "xero_money": False,
        "rounding_label": "Rounding",
    }
    out.update(copy.deepcopy(overrides))
    return out


def refusal(call):
    with pytest.raises(MappingError) as info:
        call()
    return info.value


# ------------------------------------------------------------------------------ status
@pytest.mark.parametrize(
    "odoo_state, xero_status, draft_status, status",
    [
        ("draft", None, "DRAFT", "DRAFT"),
        ("draft", None, "SUBMITTED", "SUBMITTED"),
        ("draft", "DRAFT", None, "DRAFT"),
        ("draft", "AUTHORISED", "DRAFT", "DRAFT"),  # refused by check_sendable
        ("posted", None, "DRAFT", "AUTHORISED"),
        ("posted", "PAID", "SUBMITTED", "AUTHORISED"),
        ("cancel", None, "DRAFT", "DELETED"),
        ("cancel", "DRAFT", "DRAFT", "DELETED"),
        ("cancel", "SUBMITTED", "DRAFT", "DELETED"),
        ("cancel", "AUTHORISED", "DRAFT", "VOIDED"),
        ("cancel", "PAID", "DRAFT", "VOIDED"),
        ("cancel", "VOIDED", "DRAFT", "DELETED"),  # void_payload sends Xero's own status again
    ],
)
def test_status_to_send(odoo_state, xero_status, draft_status, status):
    assert status_to_send(odoo_state, xero_status, draft_status) == status


@pytest.mark.parametrize(
    "xero_status, status",
    [
        ("DRAFT", "DELETED"),
        ("SUBMITTED", "DELETED"),
        ("AUTHORISED", "VOIDED"),
        ("PAID", "VOIDED"),
        ("VOIDED", None),
        ("DELETED", None),
    ],
)
def test_tombstone_status(xero_status, status):
    assert tombstone_status(xero_status) == status


# -------------------------------------------------------------------------------- void
def test_void_of_a_document_never_sent_is_refused():
    error = refusal(lambda: void_payload(odoo_doc(status="DELETED"), None))
    assert error.message == "The document is cancelled and was never sent to Xero: nothing to do."
    assert error.kind == "mapping"


@pytest.mark.parametrize("status", ["VOIDED", "DELETED"])
def test_void_is_the_status_alone(status):
    assert void_payload(odoo_doc(status=status, xero_status="AUTHORISED"), INVOICE_ID) == {
        "InvoiceID": INVOICE_ID,
        "Status": status,
    }
    assert void_payload(odoo_doc(type="ACCPAYCREDIT", status=status), CREDIT_ID) == {
        "CreditNoteID": CREDIT_ID,
        "Status": status,
    }


def test_void_of_a_document_xero_voided_already_sends_xeros_status():
    neutral = odoo_doc(status="DELETED", xero_status="VOIDED", xero_money=True)
    assert void_payload(neutral, INVOICE_ID) == {"InvoiceID": INVOICE_ID, "Status": "VOIDED"}


def test_void_refused_while_xero_has_money_on_it():
    error = refusal(lambda: void_payload(odoo_doc(status="VOIDED", xero_money=True), INVOICE_ID))
    assert error.message == (
        "INV/2026/00001 cannot be voided in Xero: Xero still has payments or credit-note allocations on it."
    )
    assert error.hint == (
        "Remove the payments and allocations in Xero (or cancel the payments in Odoo and export them), "
        "then click Retry."
    )
    # Without a number: the contact's name.
    error = refusal(lambda: void_payload(odoo_doc(number=None, status="VOIDED", xero_money=True), INVOICE_ID))
    assert error.message.startswith("Ridgeway Bakery Ltd cannot be voided")


# ------------------------------------------------------------------ what Xero refuses
def test_sendable_document_passes():
    assert check_sendable(odoo_doc()) is None
    assert check_sendable(odoo_doc(status="DRAFT", xero_status="DRAFT")) is None
    assert check_sendable(odoo_doc(xero_status="PAID")) is None


def test_the_snapshots_own_error_comes_first():
    neutral = odoo_doc(contact_id=None, xero_status="VOIDED")
    first, second = MappingError("first", kind="dependency"), MappingError("second")
    neutral["errors"] = [first, second]
    assert refusal(lambda: check_sendable(neutral)) is first


def test_contact_not_in_xero_is_a_dependency():
    error = refusal(lambda: check_sendable(odoo_doc(contact_id=None)))
    assert error.message == "The partner Ridgeway Bakery Ltd is not in Xero yet."
    assert (error.kind, error.missing, error.blocking) == (
        "dependency",
        ("contacts", "Ridgeway Bakery Ltd"),
        ("res.partner", 7),
    )


@pytest.mark.parametrize("xero_status", ["AUTHORISED", "PAID"])
@pytest.mark.parametrize("status", ["DRAFT", "SUBMITTED"])
def test_draft_of_an_approved_document_is_refused(status, xero_status):
    error = refusal(lambda: check_sendable(odoo_doc(status=status, xero_status=xero_status)))
    assert error.message == (
        "INV/2026/00001 is approved in Xero and is a draft in Odoo; Xero cannot turn an approved "
        "document back into a draft."
    )


@pytest.mark.parametrize("xero_status", ["VOIDED", "DELETED"])
def test_document_voided_in_xero_cannot_change(xero_status):
    error = refusal(lambda: check_sendable(odoo_doc(xero_status=xero_status)))
    assert error.message == f"INV/2026/00001 is {xero_status.lower()} in Xero and cannot be changed there."
    assert error.hint == "Cancel the document in Odoo (or create a new one)."


# ---------------------------------------------------------------------------- lock date
@pytest.mark.parametrize(
    "organisation, lock",
    [
        ({}, None),
        (None, None),
        ({"PeriodLockDate": "/Date(1774915200000+0000)/"}, date(2026, 3, 31)),
        ({"EndOfYearLockDate": "2025-12-31T00:00:00"}, date(2025, 12, 31)),
        ({"PeriodLockDate": "2026-03-31T00:00:00", "EndOfYearLockDate": "2025-12-31T00:00:00"}, LOCK),
        ({"PeriodLockDate": "2025-06-30T00:00:00", "EndOfYearLockDate": "2026-03-31T00:00:00"}, LOCK),
    ],
)
def test_organisation_lock_date_is_the_later_of_the_two(organisation, lock):
    assert organisation_lock_date(organisation) == lock


@pytest.mark.parametrize(
    "overrides, applies",
    [
        ({}, True),
        ({"date": None}, False),
        ({"status": "DRAFT"}, False),
        ({"status": "SUBMITTED"}, False),
        ({"status": "VOIDED"}, False),
        ({"status": "DELETED"}, False),
    ],
)
def test_lock_date_applies_to_documents_to_post(overrides, applies):
    assert lock_date_applies(odoo_doc(**overrides)) is applies


@pytest.mark.parametrize(
    "day, lock, refused",
    [
        (date(2026, 3, 30), LOCK, True),
        (date(2026, 3, 31), LOCK, True),  # on the lock date: refused too
        (date(2026, 4, 1), LOCK, False),
        (date(2020, 1, 1), None, False),
    ],
)
def test_lock_date(day, lock, refused):
    neutral = odoo_doc(date=day)
    if not refused:
        assert check_lock_date(neutral, lock) is None
        return
    error = refusal(lambda: check_lock_date(neutral, lock))
    assert error.message == (
        f"INV/2026/00001 is dated {day}, on or before Xero's lock date 2026-03-31: Xero refuses to post it."
    )
    assert error.hint == (
        "Change the document date, or ask the Xero adviser to move the lock date, then click Retry."
    )


def test_a_draft_inside_the_lock_date_is_sent():
    assert check_lock_date(odoo_doc(status="DRAFT", date=date(2026, 1, 1)), LOCK) is None


# ------------------------------------------------------------------------ rounding line
def test_rounding_tolerance_is_a_cent_a_line():
    assert rounding_tolerance([]) == D("0.01")
    assert rounding_tolerance([line(), {"description": "Note", "display": "note"}]) == D("0.01")
    assert rounding_tolerance([line(), line(), line()]) == D("0.03")


def test_rounding_line_of_the_difference():
    expected, item = rounding_line(odoo_doc(), "line", "860", "Arrondi")
    assert expected == (D("100.33"), D("7.12"), D("107.45"))
    assert item == {
        "Description": "Arrondi",
        "Quantity": 1,
        "UnitAmount": 0.01,
        "AccountCode": "860",
        "TaxType": "NONE",
    }


def test_negative_rounding_line():
    # 100.65: Odoo 5.03 + 2.11 = 7.14, Xero 7.15.
    neutral = odoo_doc(lines=[line(unit_amount=100.65)], odoo_totals=[100.65, 7.14, 107.79])
    expected, item = rounding_line(neutral, "line", "860")
    assert expected == (D("100.65"), D("7.15"), D("107.80"))
    assert (item["UnitAmount"], item["Description"]) == (-0.01, "Rounding")


@pytest.mark.parametrize(
    "overrides, policy, why",
    [
        ({"odoo_totals": [100.33, 7.12, 107.45]}, "line", "the totals agree"),
        ({}, "mismatch", "the policy is a mismatch entry"),
        ({"odoo_totals": [100.33, 7.15, 107.48]}, "line", "more than a cent a line"),
    ],
)
def test_no_rounding_line(overrides, policy, why):
    expected, item = rounding_line(odoo_doc(**overrides), policy, "860")
    assert item is None, why
    assert expected == (D("100.33"), D("7.12"), D("107.45"))


def test_two_lines_take_two_cents():
    neutral = odoo_doc(lines=[line(), line()], odoo_totals=[200.66, 14.26, 214.92])
    expected, item = rounding_line(neutral, "line", "860")
    assert expected[2] == D("214.90")
    assert item["UnitAmount"] == 0.02


def test_rounding_line_without_an_account_is_refused():
    error = refusal(lambda: rounding_line(odoo_doc(), "line", None))
    assert error.message == (
        "Odoo's total differs from Xero's by 0.01 (tax rounded per line in Xero) and no rounding "
        "account is mapped to Xero."
    )
    assert error.hint == (
        "Set a rounding account (exported to Xero) on the object's settings, or choose the 'mismatch "
        "entry' policy."
    )
    # Not needed, not asked for.
    assert rounding_line(odoo_doc(), "mismatch", None)[1] is None


# --------------------------------------------------------------------- export_payload
def test_export_payload_is_the_document_with_its_rounding_line():
    neutral = odoo_doc()
    payload, facts = export_payload(
        neutral,
        INVOICE_ID,
        base_currency="NZD",
        lock_date=LOCK,
        rounding_policy="line",
        rounding_code="860",
        rounding_label="Rounding",
    )
    assert payload == dict(
        document_to_xero(neutral, INVOICE_ID, "NZD"),
        LineItems=[
            {
                "Description": "Cake",
                "Quantity": 1,
                "UnitAmount": 100.33,
                "AccountCode": "200",
                "TaxType": "TAX001",
            },
            {
                "Description": "Rounding",
                "Quantity": 1,
                "UnitAmount": 0.01,
                "AccountCode": "860",
                "TaxType": "NONE",
            },
        ],
    )
    assert facts == {"expected_totals": [100.33, 7.12, 107.45], "rounding": 0.01}


def test_export_payload_without_a_rounding_line():
    neutral = odoo_doc()
    payload, facts = export_payload(neutral, None, rounding_policy="mismatch")
    assert payload == document_to_xero(neutral)
    assert facts == {"expected_totals": [100.33, 7.12, 107.45], "rounding": None}


def test_export_payload_of_a_cancelled_document_is_its_void():
    # Neither the lock date, the snapshot's errors nor a missing contact stop a void.
    neutral = odoo_doc(status="VOIDED", date=date(2026, 1, 1), errors=[MappingError("x")], contact_id=None)
    payload, facts = export_payload(neutral, INVOICE_ID, lock_date=LOCK, rounding_policy="line")
    assert payload == {"InvoiceID": INVOICE_ID, "Status": "VOIDED"}
    assert facts == {"expected_totals": None, "rounding": None}


def test_export_payload_rules_in_order():
    """What Xero forbids before the lock date, the lock date before the payload's own checks,
    those before the rounding line."""
    inside = date(2026, 1, 1)
    assert (
        "is voided in Xero"
        in refusal(
            lambda: export_payload(odoo_doc(xero_status="VOIDED", date=inside), INVOICE_ID, lock_date=LOCK)
        ).message
    )
    assert (
        "lock date"
        in refusal(
            lambda: export_payload(odoo_doc(date=inside, lines=[]), INVOICE_ID, lock_date=LOCK)
        ).message
    )
    assert (
        "no lines"
        in refusal(lambda: export_payload(odoo_doc(lines=[]), INVOICE_ID, rounding_policy="line")).message
    )
    assert (
        "no rounding account"
        in refusal(lambda: export_payload(odoo_doc(), INVOICE_ID, rounding_policy="line")).message
    )


def test_export_payload_refusals_are_coded_texts():
    """What the Odoo layer translates (models/xero_mapping_messages.py): code and parameters."""
    error = refusal(lambda: export_payload(odoo_doc(date=date(2026, 1, 1)), None, lock_date=LOCK))
    assert error.message.startswith("INV/2026/00001 is dated 2026-01-01")
    assert (error.code, error.hint_code) == ("documents.lock_date", "documents.lock_date.hint")
    assert error.params["lock"] == LOCK


# ------------------------------------------------------------ the line when Xero sends it
def xero_line(
    description="Rounding", quantity=1.0, unit_amount=0.01, account_code="860", tax_type="NONE", **extra
):
    out = {
        "description": description,
        "quantity": quantity,
        "unit_amount": unit_amount,
        "discount_rate": None,
        "discount_amount": None,
        "item_code": None,
        "item_id": None,
        "account_code": account_code,
        "account_id": None,
        "tax_type": tax_type,
        "line_amount": unit_amount,
        "tax_amount": 0.0,
        "tracking": [],
        "display": None,
    }
    out.update(extra)
    return out


GOODS = xero_line("Cake", 1.0, 100.33, "200", "TAX001", tax_amount=7.12)


@pytest.mark.parametrize("description", ["Rounding", "Arrondi", "Rundung", "", "anything at all"])
def test_rounding_line_recognised_whatever_its_text(description):
    assert rounding_line_index([GOODS, xero_line(description)], "860") == 1


@pytest.mark.parametrize(
    "changes, why",
    [
        ({"account_code": "200"}, "another account"),
        ({"tax_type": "OUTPUT2"}, "a tax"),
        ({"item_code": "CAKE"}, "an item"),
        ({"item_id": "8b2b4c4e-0000-4000-8000-000000000001"}, "an item"),
        ({"quantity": 2.0}, "two units"),
        ({"unit_amount": 0.02}, "two cents on one other line"),
        ({"unit_amount": 0.0}, "nothing"),
        ({"unit_amount": float("nan")}, "not a number"),
        ({"unit_amount": float("-inf")}, "not a number"),
        ({"quantity": float("nan")}, "not a number"),
        ({"discount_rate": 10.0}, "a discount"),
        ({"tracking": [{"category": "Region", "option": "North"}]}, "tracking"),
        ({"display": "note"}, "a note"),
    ],
)
def test_not_a_rounding_line(changes, why):
    assert rounding_line_index([GOODS, xero_line(**changes)], "860") is None, why


def test_rounding_line_needs_a_rounding_account_and_other_lines():
    assert rounding_line_index([GOODS, xero_line()], None) is None
    assert rounding_line_index([xero_line()], "860") is None
    notes = [{"description": "Note", "display": "note"}, xero_line()]
    assert rounding_line_index(notes, "860") is None


def test_rounding_line_tolerance_counts_the_other_lines():
    lines = [GOODS, GOODS, xero_line(unit_amount=-0.02)]
    assert rounding_line_index(lines, "860") == 2
    assert rounding_line_index([GOODS, GOODS, xero_line(unit_amount=0.03)], "860") is None
    # Without TaxType (Xero always sends one; NONE is what the connector sends).
    assert rounding_line_index([GOODS, xero_line(tax_type=None)], "860") == 1


def test_only_the_last_candidate_is_the_rounding_line():
    lines = [GOODS, xero_line("First"), xero_line("Second")]
    assert rounding_line_index(lines, "860") == 2


def test_xero_totals_count_the_rounding_line_as_tax():
    neutral = {
        "sub_total": 100.34,
        "total_tax": 7.12,
        "total": 107.46,
        "lines": [GOODS, xero_line()],
        "rounding_line": 1,
    }
    assert xero_totals(neutral) == [D("100.33"), D("7.13"), D("107.46")]
    assert xero_totals(dict(neutral, rounding_line=None)) == [D("100.34"), D("7.12"), D("107.46")]


# ------------------------------------------------------------------------ through Xero
def test_rounding_line_through_the_sandbox_and_back(books):
    """Sent with the rounding line, read back: recognised by its structure (its text is
    another language's), Xero's total is Odoo's, and the totals Odoo compares are Odoo's own."""
    [account] = books.client.write(
        "Accounts", [{"Code": "860", "Name": "Rounding", "Type": "EXPENSE"}], method="PUT"
    )
    assert account.ok, account.messages
    neutral = odoo_doc(
        number="RND-1",
        contact_id=books.customer_id,
        lines=[line(tax_rate=books.tax_rates["TAX001"])],
        rounding_label="Arrondi",
    )
    payload, facts = export_payload(
        neutral, base_currency="NZD", rounding_policy="line", rounding_code="860", rounding_label="Arrondi"
    )
    [result] = books.client.write("Invoices", [payload], method="PUT")
    assert result.ok, result.messages
    record = result.record
    assert (record["SubTotal"], record["TotalTax"], record["Total"]) == (100.34, 7.12, 107.46)
    back = document_from_xero(record, rounding_code="860")
    assert back["rounding_line"] == 1
    assert back["lines"][1]["description"] == "Arrondi"
    assert xero_totals(back) == [D(str(x)) for x in neutral["odoo_totals"]]
    assert facts["rounding"] == 0.01
    # Read again (what an import sees), and without the rounding account: an ordinary line.
    [again] = list(books.client.iter_records("Invoices", ids=[record["InvoiceID"]]))
    assert document_from_xero(again, rounding_code="860")["rounding_line"] == 1
    assert document_from_xero(again)["rounding_line"] is None


# ------------------------------------------------------------ import: Xero's status on a move
@pytest.mark.parametrize(
    ("status", "target", "odoo_state", "new", "expected"),
    [
        ("AUTHORISED", "posted", "draft", True, (True, "post")),
        ("AUTHORISED", "posted", "posted", False, (False, None)),
        ("DRAFT", "draft", "draft", True, (True, None)),
        ("DRAFT", "draft", "draft", False, (True, None)),
        ("SUBMITTED", "posted", "draft", False, (True, "post")),
        ("VOIDED", "cancel", "posted", False, (False, "cancel")),
        ("VOIDED", "cancel", "draft", False, (False, "cancel")),
        ("VOIDED", "cancel", "cancel", False, (False, None)),
        ("DELETED", "skip", "draft", False, (False, "cancel")),  # known in Odoo: cancelled
        ("DELETED", "skip", "draft", True, (True, None)),  # new: the caller skips it
        ("PAID", "posted", "posted", False, (False, None)),
    ],
)
def test_import_transition(status, target, odoo_state, new, expected):
    assert import_transition(status, target, odoo_state, "not_paid", new) == expected


@pytest.mark.parametrize("payment_state", ["partial", "in_payment", "paid"])
def test_import_transition_refuses_a_void_over_odoo_payments(payment_state):
    with pytest.raises(MappingError) as caught:
        import_transition("VOIDED", "cancel", "posted", payment_state, False, name="INV/2026/00007")
    assert caught.value.message.code == "documents.void_with_payments"
    assert str(caught.value.message) == (
        "INV/2026/00007 was voided in Xero, but Odoo has payments or credit notes on it."
    )
    assert "Unreconcile" in str(caught.value.hint)
    # Not paid (or a draft): voided in Odoo too.
    assert import_transition("VOIDED", "cancel", "posted", "not_paid", False) == (False, "cancel")
