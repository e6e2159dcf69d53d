# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 13: the new payments of a page are registered together (one create, one post, one
reconciliation, one create of their links) with the results Odoo's payment wizard gives them
one by one; one bad payment in a batch of 50 still leaves 49 imported and 1 mismatch entry."""

import json
import uuid
from unittest.mock import patch

from odoo.tests import tagged

from .test_documents import XeroDocumentCase

# Documents of the page: (Xero type, currency, bank account code of its payments).
DOCUMENTS = (
    [("ACCREC", None, "091")] * 36
    + [("ACCREC", None, "090")] * 4  # a bank account in another currency (NZD)
    + [("ACCPAY", None, "091")] * 4
    + [("ACCREC", "EUR", "091")] * 3  # foreign currency: exchange differences
    + [("ACCRECCREDIT", None, "091")]  # a cash refund of a credit note
)


class Killed(BaseException):
    """The process dies: nothing in the run catches it."""


@tagged("post_install", "-at_install")
class TestImportBatchPayments(XeroDocumentCase):
    def setUp(self):
        super().setUp()
        self.Payments = type(self.env["xero.object.payments"])

    # ---------------------------------------------------------------- helpers
    def write_to_xero(self, collection, bodies):
        results = self.account._xero_client().write(collection, bodies, method="PUT")
        self.assertEqual({r.status for r in results}, {"created"}, [r.messages for r in results])
        return [r.record for r in results]

    def raise_documents(self, day="2026-03-10"):
        """The documents of DOCUMENTS, AUTHORISED in Xero (not imported into Odoo)."""
        contacts = self.sb.records("Contacts")
        invoices, notes = [], []
        for i, (kind, currency, __) in enumerate(DOCUMENTS):
            body = {
                "Type": kind,
                "Contact": {"ContactID": contacts[i % 5]["ContactID"]},
                "Date": day,
                "Status": "AUTHORISED",
                "Reference": f"PAYBATCH-{i:02d}",
                "LineItems": [
                    {
                        "Description": f"Work {i}",
                        "Quantity": 1 + i % 3,
                        "UnitAmount": 40.25 + i,
                        "AccountCode": "429" if kind == "ACCPAY" else "200",
                        "TaxType": "INPUT2" if kind == "ACCPAY" else "OUTPUT2",
                    }
                ],
            }
            if currency:
                body["CurrencyCode"] = currency
            if kind == "ACCRECCREDIT":
                notes.append(body)
            else:
                body["DueDate"] = "2026-04-30"
                invoices.append(body)
        return self.write_to_xero("Invoices", invoices) + self.write_to_xero("CreditNotes", notes)

    def pay_in_xero(self, documents, day="2026-03-20", extra=None):
        """One payment per document (whole, or a third of it), and two payments (40 % and
        the rest) on the first two: 50 payments in one PUT, in that order."""
        bodies = []
        for i, (doc, (__, __, bank)) in enumerate(zip(documents, DOCUMENTS[: len(documents)], strict=True)):
            due = doc.get("AmountDue", doc.get("RemainingCredit"))
            ref = {"CreditNote": {"CreditNoteID": doc["CreditNoteID"]}} if "CreditNoteID" in doc else None
            ref = ref or {"Invoice": {"InvoiceID": doc["InvoiceID"]}}
            amounts = [round(due * 0.4, 2), round(due - round(due * 0.4, 2), 2)] if i < 2 else [due]
            if i % 3 == 1 and i >= 2:
                amounts = [round(due / 3, 2)]
            for n, amount in enumerate(amounts):
                bodies.append(
                    {
                        **ref,
                        "Account": {"Code": bank},
                        "Date": day,
                        "Amount": amount,
                        "Reference": f"PAY-{i:02d}-{n}",
                    }
                )
        bodies.extend(extra or [])
        return self.write_to_xero("Payments", bodies)

    def payment_bindings(self):
        return self.bindings("payments")

    def document_of(self, xero_doc):
        key = "credit_notes" if "CreditNoteID" in xero_doc else None
        key = key or ("bills" if xero_doc["Type"] == "ACCPAY" else "invoices")
        return self.bound(key, xero_id=xero_doc.get("CreditNoteID") or xero_doc.get("InvoiceID"))

    def assert_documents_as_in_xero(self, documents, skip=()):
        """Each document's residual is Xero's amount due now, exactly, and its payment
        state follows (paid when nothing is due, not paid when all is, else partial)."""
        by_id = {r["InvoiceID"]: r for r in self.sb.records("Invoices")}
        by_id.update({r["CreditNoteID"]: r for r in self.sb.records("CreditNotes")})
        for doc in documents:
            xero_id = doc.get("CreditNoteID") or doc["InvoiceID"]
            if xero_id in skip:
                continue
            now = by_id[xero_id]
            due = now.get("AmountDue", now.get("RemainingCredit"))
            move = self.document_of(doc)
            self.assertEqual(round(move.amount_residual, 2), due, doc["Reference"])
            state = "paid" if due == 0 else "not_paid" if due == now["Total"] else "partial"
            self.assertEqual(move.payment_state, state, doc["Reference"])

    def facts(self, payments_xero):
        """What the import made, by Xero payment, in terms independent of record ids."""
        Binding = self.env["xero.binding"]
        out = {}
        for xero_payment in payments_xero:
            binding = Binding.search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "payments"),
                    ("xero_id", "=", xero_payment["PaymentID"]),
                ]
            )
            payment = self.env["account.payment"].browse(binding.res_id)
            lines = payment.move_id.line_ids.sorted(lambda line: (line.account_id.code, line.balance))
            out[xero_payment["PaymentID"]] = {
                "payment": payment.read(
                    [
                        "name",
                        "date",
                        "amount",
                        "payment_type",
                        "partner_type",
                        "memo",
                        "state",
                        "is_reconciled",
                        "is_matched",
                    ]
                )[0]
                | {
                    "currency": payment.currency_id.name,
                    "journal": payment.journal_id.name,
                    "partner": payment.partner_id.name,
                    "bank": payment.partner_bank_id.acc_number,
                    "method": payment.payment_method_line_id.name,
                    "destination": payment.destination_account_id.code,
                    "outstanding": payment.outstanding_account_id.code,
                    "invoices": payment.invoice_ids.mapped("name"),
                    "reconciled_invoices": (
                        payment.reconciled_invoice_ids | payment.reconciled_bill_ids
                    ).mapped("name"),
                },
                "move": (payment.move_id.name, payment.move_id.state, payment.move_id.ref),
                "lines": [
                    (
                        line.account_id.code,
                        line.debit,
                        line.credit,
                        line.amount_currency,
                        line.currency_id.name,
                        line.amount_residual,
                        line.reconciled,
                        # Full (a number) or partial ("P..."), not the ids themselves.
                        line.matching_number and ("P" if line.matching_number[0] == "P" else "full"),
                    )
                    for line in lines
                ],
                "binding": binding.read(
                    ["state", "xero_hash", "payload_hash", "xero_data", "xero_updated_at", "last_direction"]
                )[0],
            }
        for record in out.values():
            record["payment"].pop("id")
            record["binding"].pop("id")
        moves = self.env["account.move"].search([("ref", "=like", "PAYBATCH-%")])
        out["documents"] = {
            move.ref: (
                move.state,
                move.payment_state,
                move.amount_residual,
                move.is_manually_modified,
                sorted(move.matched_payment_ids.mapped("memo")),
                sorted(
                    (p.debit_amount_currency, p.credit_amount_currency)
                    for p in move.line_ids.matched_debit_ids | move.line_ids.matched_credit_ids
                ),
            )
            for move in moves
        }
        exchange = self.env["account.move"].search(
            [("journal_id", "=", self.env.company.currency_exchange_journal_id.id)], order="id"
        )
        out["exchange"] = [
            (m.name, m.state, m.date, sorted((line.account_id.code, line.balance) for line in m.line_ids))
            for m in exchange
        ]
        return out

    def spy_batches(self):
        """Patch nothing of the ORM: only counts the engine's batch creations (and their size)."""
        sizes = []
        real = self.Payments._xero_create_batch

        def counted(obj, sync, prepared):
            sizes.append(len(prepared))
            return real(obj, sync, prepared)

        return sizes, patch.object(self.Payments, "_xero_create_batch", counted)

    # ------------------------------------------------------------------ tests
    def test_50_payments_against_50_documents_in_one_batch(self):
        """The documents are not in Odoo yet: the page requires them once (one read of
        invoices, one of credit notes), then its 50 payments are created in one batch."""
        documents = self.raise_documents()
        payments = self.pay_in_xero(documents)
        self.assertEqual(len(payments), 50)
        before = self.sb.stats()["by_operation"]
        sizes, spy = self.spy_batches()
        with spy:
            run = self.run_object("payments", "import")
        counts = run._counts()
        self.assertEqual((counts["created"], counts["failed"]), (50, 0), run.message)
        self.assertEqual(sizes, [50])
        self.assertFalse(self.mismatches("payments"), self.mismatches("payments").mapped("messages"))
        reads = {  # one read of each document object (bills are Xero invoices too)
            op: n - before.get(op, 0)
            for op, n in self.sb.stats()["by_operation"].items()
            if op.startswith("GET") and n - before.get(op, 0)
        }
        self.assertEqual((reads.get("GET /Invoices"), reads.get("GET /CreditNotes")), (2, 1), reads)
        self.assertEqual(len(self.payment_bindings()), 50)
        self.assert_documents_as_in_xero(documents)
        for xero_payment in payments:
            payment = self.bound("payments", xero_id=xero_payment["PaymentID"])
            self.assertEqual(payment.amount, xero_payment["Amount"])
            self.assertEqual(payment.memo, xero_payment["Reference"])
            self.assertTrue(payment.is_reconciled, payment.memo)
        eur = self.document_of(documents[44])
        self.assertEqual(eur.currency_id.name, "EUR")
        self.assertEqual(self.bound("payments", xero_id=payments[46]["PaymentID"]).currency_id.name, "EUR")
        # Nothing changed in Xero: a full re-read creates, writes and duplicates nothing.
        again = self.run_object("payments", "import", full=True)
        self.assertEqual((again._counts()["created"], again._counts()["updated"]), (0, 0))
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=like", "PAY-%")]), 50)

    def test_batch_gives_what_the_wizard_gives_one_by_one(self):
        """The same page imported one by one (Odoo's payment wizard, the path before issue
        13), rolled back, then in one batch: the same payments, journal entries,
        reconciliations, exchange differences, document states and links."""
        documents = self.raise_documents()
        payments = self.pay_in_xero(documents)
        with patch.object(self.Payments, "_xero_batch_create", False):
            savepoint = self.env.cr.savepoint()
            self.run_object("payments", "import")
            self.env.flush_all()
            wizard = self.facts(payments)
            savepoint.close(rollback=True)
        self.env.invalidate_all(flush=False)
        self.assertFalse(self.payment_bindings())
        sizes, spy = self.spy_batches()
        with spy:
            self.run_object("payments", "import")
        self.env.flush_all()
        self.assertEqual(sizes, [50])
        batch = self.facts(payments)
        self.assertTrue(wizard["exchange"], "the EUR payments make exchange differences")
        self.maxDiff = None
        for key in wizard:
            self.assertEqual(batch[key], wizard[key], key)

    def test_one_bad_payment_in_50_leaves_49_imported_and_1_mismatch(self):
        """The bad one fails only once the batch is posted (its bank account's journal is
        archived in Odoo, which refuses to post in it): the batch is rolled back and its
        payments imported one by one, so that the bad one gets its entry with Xero's
        payment and the 49 others are imported."""
        documents = self.raise_documents()
        payments = self.pay_in_xero(documents[:-1])  # 49 (the credit note is left unpaid)
        bad = self.write_to_xero(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": documents[10]["InvoiceID"]},
                    "Account": {"Code": "092"},
                    "Date": "2026-03-21",
                    "Amount": 5,
                    "Reference": "PAY-ARCHIVED",
                }
            ],
        )[0]
        card = self.bound("bank_accounts", number="092")
        card.active = False
        sizes, spy = self.spy_batches()
        with spy:
            run = self.run_object("payments", "import")
        counts = run._counts()
        self.assertEqual((len(payments), counts["created"], counts["failed"]), (49, 49, 1), run.message)
        self.assertEqual(sizes, [50])  # tried together first, then one by one
        entry = self.mismatches("payments")
        self.assertEqual((len(entry), entry.xero_id), (1, bad["PaymentID"]))
        self.assertIn("archived journal", entry.messages)
        payload = json.loads(entry.payload)
        self.assertEqual(
            [payload[k] for k in ("PaymentID", "Amount", "Date", "Reference")],
            [bad[k] for k in ("PaymentID", "Amount", "Date", "Reference")],
        )
        self.assertEqual(payload["Invoice"]["InvoiceID"], documents[10]["InvoiceID"])
        self.assertFalse(self.env["account.payment"].search([("memo", "=", "PAY-ARCHIVED")]))
        self.assertEqual(len(self.payment_bindings()), 49)
        # The documents as Xero has them, but the bad payment's: less that payment.
        self.assert_documents_as_in_xero(documents[:-1], skip={documents[10]["InvoiceID"]})
        doc = self.document_of(documents[10])
        self.assertEqual(
            round(doc.amount_residual, 2), round(documents[10]["AmountDue"] - payments[12]["Amount"], 2)
        )
        self.assertEqual(doc.payment_state, "partial")
        # A rerun creates nothing (the bad one fails again, alone).
        again = self.run_object("payments", "import", full=True)
        counts = again._counts()
        self.assertEqual((counts["created"], counts["updated"], counts["failed"]), (0, 0, 1))
        self.assertEqual(len(self.payment_bindings()), 49)
        # Fixed in Odoo, retried: imported once, nothing duplicated.
        card.active = True
        entry.action_retry()
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(len(self.payment_bindings()), 50)
        self.assert_documents_as_in_xero(documents[:-1])
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=like", "PAY-%")]), 50)

    def test_payment_on_an_unknown_document_stays_out_of_the_batch(self):
        """A payment on a document Xero does not return (Odoo cannot have it) never joins
        the batch: the 50 others are created together, it gets its own entry."""
        documents = self.raise_documents()
        payments = self.pay_in_xero(documents)
        odd = dict(payments[5], PaymentID=str(uuid.uuid4()), Reference="PAY-ODD")
        odd["Invoice"] = dict(odd["Invoice"], InvoiceID=str(uuid.uuid4()), InvoiceNumber="INV-GONE")
        self.sb.inject_raw("Payments", odd)
        sizes, spy = self.spy_batches()
        with spy:
            run = self.run_object("payments", "import")
        counts = run._counts()
        self.assertEqual((counts["created"], counts["failed"]), (50, 1), run.message)
        self.assertEqual(sizes, [50])
        entry = self.mismatches("payments")
        self.assertEqual((len(entry), entry.xero_id, entry.kind), (1, odd["PaymentID"], "dependency"))
        self.assertIn("INV-GONE", entry.messages)
        self.assertEqual(json.loads(entry.payload), odd)
        self.assert_documents_as_in_xero(documents)

    def test_new_bank_account_imported_once_before_the_batch(self):
        """Payments into a Xero bank account Odoo has no journal for yet: the bank accounts
        are imported once for the page, before its batch, not once per payment."""
        self.write_to_xero(
            "Accounts",
            [
                {
                    "Code": "093",
                    "Name": "Second USD account",
                    "Type": "BANK",
                    "BankAccountNumber": "0102-0304-0506093",
                }
            ],
        )
        documents = self.raise_documents()[:10]
        paid = self.write_to_xero(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": doc["InvoiceID"]},
                    "Account": {"Code": "093"},
                    "Date": "2026-03-20",
                    "Amount": doc["AmountDue"],
                    "Reference": f"PAY-NEW-{i}",
                }
                for i, doc in enumerate(documents)
            ],
        )
        runs = self.env["xero.sync.run"]
        before = runs.search([("object_key", "=", "bank_accounts")])
        sizes, spy = self.spy_batches()
        with spy:
            run = self.run_object("payments", "import")
        self.assertEqual((run._counts()["created"], run._counts()["failed"]), (10, 0), run.message)
        self.assertEqual(sizes, [10])
        dependency = runs.search([("object_key", "=", "bank_accounts"), ("id", "not in", before.ids)])
        self.assertEqual((len(dependency), dependency.trigger), (1, "dependency"))
        journal = self.bound("bank_accounts", number="093")
        for xero_payment in paid:
            self.assertEqual(self.bound("payments", xero_id=xero_payment["PaymentID"]).journal_id, journal)
        self.assert_documents_as_in_xero(documents)

    def test_killed_mid_batch_then_retry_duplicates_nothing(self):
        """The run dies inside the batch, after its payments were created, posted and
        reconciled, before their links were written (the test patches the engine's own hook
        ``_xero_bind_batch`` to die there: neither the ORM nor the transport is patched).
        Odoo rolls back to its last commit; the retry imports each payment once."""
        documents = self.raise_documents()
        self.pay_in_xero(documents)
        cr = self.env.cr
        cr.execute("SAVEPOINT xero_commit")

        def commit(_processed):
            cr.execute("SAVEPOINT xero_commit")  # what the entry point's commit keeps

        real = self.Payments._xero_bind_batch

        def bind_then_die(obj, sync, prepared, created):
            self.assertEqual(len(created), 50)
            self.assertEqual(len(created.filtered("is_reconciled")), 50)
            real(obj, sync, prepared, created)
            raise Killed()

        killed = False
        with patch.object(self.Payments, "_xero_bind_batch", bind_then_die):
            try:
                self.account._xero_run_object("payments", "import", commit=commit)
            except Killed:
                killed = True
        self.assertTrue(killed)
        cr.execute("ROLLBACK TO SAVEPOINT xero_commit")
        self.env.invalidate_all(flush=False)
        self.assertFalse(self.payment_bindings())
        self.assertFalse(self.env["account.payment"].search([("memo", "=like", "PAY-%")]))
        run = self.run_object("payments", "import")
        self.assertEqual((run._counts()["created"], run._counts()["failed"]), (50, 0), run.message)
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=like", "PAY-%")]), 50)
        self.assertEqual(len(set(self.payment_bindings().mapped("xero_id"))), 50)
        self.assert_documents_as_in_xero(documents)
        again = self.run_object("payments", "import", full=True)
        self.assertEqual((again._counts()["created"], again._counts()["updated"]), (0, 0))
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=like", "PAY-%")]), 50)
