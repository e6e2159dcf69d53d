# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Exactly one Xero record per Odoo record across crashes (issue 10, case 3).

The crash: Xero commits a batch, Odoo never records the answer. The sandbox produces it
(``drop_after_commit``: the batch is committed, every answer to it is lost, the run ends);
one test also kills the run itself right after the answer arrived, rolling Odoo back to its
last commit (there, the client's write is patched to raise after the real response: no
sandbox fault can stop Odoo). Records change between the crash and the rerun, so that the
batch's Idempotency-Key no longer protects anything."""

from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.sync_xero_connector.xero.client import XeroClient

from .test_documents import XeroDocumentCase


class Killed(BaseException):
    """The process dies: nothing in the run catches it."""


@tagged("post_install", "-at_install")
class TestExactlyOnce(XeroDocumentCase):
    def setUp(self):
        super().setUp()
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])

    def crash(self, key, collection, method="POST"):
        """Export ``key``: Xero commits, its answers never arrive."""
        self.sb.inject_fault("drop_after_commit", count=50, method=method, path=f"/api.xro/2.0/{collection}")
        run = self.account._xero_run_object(key, "export")
        self.sb.faults.reset()
        self.assertEqual(run.state, "failed", "the answer was expected to be lost")
        return run

    def assert_once(self, key, collection, id_field, records, created):
        """Each of ``records`` bound to its own Xero record; ``created`` new Xero records."""
        bindings = self.env["xero.binding"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", key), ("res_id", "in", records.ids)]
        )
        self.assertEqual(sorted(bindings.mapped("res_id")), sorted(records.ids))
        self.assertEqual(set(bindings.mapped("state")), {"synced"})
        self.assertFalse(any(bindings.mapped("inflight_token")))
        xero_ids = set(bindings.mapped("xero_id"))
        self.assertEqual(len(xero_ids), len(records))
        self.assertLessEqual(xero_ids, {r[id_field] for r in self.sb.records(collection)})
        self.assertEqual(created, len(records), "Xero records created for these records")

    def test_drafts_crash_then_edit_then_rerun(self):
        drafts = self.env["account.move"]
        for i in range(20):
            drafts |= self.move("out_invoice", self.customer, [self.line(10 + i)], post=False)
        before = len(self.sb.records("Invoices"))
        self.crash("invoices", "Invoices")
        self.assertEqual(len(self.sb.records("Invoices")), before + 20)  # Xero has them
        inflight = self.bindings("invoices").filtered(lambda b: b.state == "inflight")
        self.assertEqual(sorted(inflight.mapped("res_id")), sorted(drafts.ids))
        drafts[3].invoice_line_ids[0].price_unit = 99
        writes = self.writes()
        self.run_object("invoices", "export")
        self.assert_once(
            "invoices", "Invoices", "InvoiceID", drafts, len(self.sb.records("Invoices")) - before
        )
        self.assertEqual(self.xero_doc(drafts[3])["SubTotal"], 99)
        self.assertEqual(self.xero_doc(drafts[4])["SubTotal"], 14)
        # One write (the update of the edited draft), nothing created again.
        self.assertEqual(sum(self.writes().values()) - sum(writes.values()), 1)
        # The token is in the link back to the Odoo document.
        self.assertRegex(
            self.xero_doc(drafts[0])["Url"], rf"/odoo/account\.move/{drafts[0].id}\?xero=[0-9a-f]{{12}}$"
        )

    def test_bills_same_batch_one_edited(self):
        bills = self.env["account.move"]
        for i in range(10):
            bills |= self.move(
                "in_invoice", self.customer, [self.line(20 + i, account=self.expense)], ref=f"SUP-{i % 3}"
            )
        before = len(self.sb.records("Invoices"))
        self.crash("bills", "Invoices")
        bills[0].button_draft()
        bills[0].invoice_line_ids[0].price_unit = 77
        bills[0].action_post()
        self.run_object("bills", "export")
        self.assert_once("bills", "Invoices", "InvoiceID", bills, len(self.sb.records("Invoices")) - before)
        self.assertEqual(self.xero_doc(bills[0])["SubTotal"], 77)

    def test_payments_crash_then_one_more(self):
        invoices = self.env["account.move"]
        for i in range(10):
            invoices |= self.move("out_invoice", self.customer, [self.line(100 + i)])
        self.export("invoices")
        payments = self.env["account.payment"]
        for invoice in invoices:
            payments |= self.pay(invoice, 10)
        before = len(self.sb.records("Payments"))
        self.crash("payments", "Payments", method="PUT")
        self.assertEqual(len(self.sb.records("Payments")), before + 10)
        payments |= self.pay(invoices[0], 5)  # the rerun's batch is another one
        self.run_object("payments", "export")
        self.assert_once(
            "payments", "Payments", "PaymentID", payments, len(self.sb.records("Payments")) - before
        )
        for invoice in invoices[1:]:
            self.assertEqual(self.xero_doc(invoice)["AmountPaid"], 10)
        self.assertEqual(self.xero_doc(invoices[0])["AmountPaid"], 15)

    def test_contacts_crash_then_rename(self):
        partners = self.make_partners(5, prefix="Crash")
        before = len(self.sb.records("Contacts"))
        self.crash("contacts", "Contacts")
        partners[0].name = "Crash Renamed"
        self.run_object("contacts", "export")
        names = [c["Name"] for c in self.sb.records("Contacts")]
        self.assertIn("Crash Renamed", names)
        self.assertNotIn("Crash 0000", names)
        mine = [n for n in names if n.startswith("Crash")]
        self.assertEqual(len(mine), 5, mine)
        self.assert_once(
            "contacts", "Contacts", "ContactID", partners, len(self.sb.records("Contacts")) - before
        )

    def test_killed_after_answer_rolls_back_to_commit(self):
        """The run dies after Xero answered, before Odoo committed: only what the run
        committed (its in-flight records, before the send) survives."""
        drafts = self.env["account.move"]
        for i in range(5):
            drafts |= self.move("out_invoice", self.customer, [self.line(30 + i)], post=False)
        before = len(self.sb.records("Invoices"))
        cr = self.env.cr
        cr.execute("SAVEPOINT xero_commit")

        def commit(_processed):
            cr.execute("SAVEPOINT xero_commit")  # what the entry point's commit keeps

        real_write = XeroClient.write

        def write_then_die(client, name, *args, **kwargs):
            real_write(client, name, *args, **kwargs)
            raise Killed()

        # (Not assertRaises: Odoo's rolls back to a savepoint of its own, taken before.)
        killed = False
        with patch.object(XeroClient, "write", write_then_die):
            try:
                self.account._xero_run_object("invoices", "export", commit=commit)
            except Killed:
                killed = True
        self.assertTrue(killed)
        cr.execute("ROLLBACK TO SAVEPOINT xero_commit")
        self.env.invalidate_all(flush=False)
        self.assertEqual(len(self.sb.records("Invoices")), before + 5)
        inflight = self.bindings("invoices")
        self.assertEqual(set(inflight.mapped("state")), {"inflight"})
        self.assertEqual(sorted(inflight.mapped("res_id")), sorted(drafts.ids))
        drafts[1].invoice_line_ids[0].price_unit = 50
        self.run_object("invoices", "export")
        self.assert_once(
            "invoices", "Invoices", "InvoiceID", drafts, len(self.sb.records("Invoices")) - before
        )
        self.assertEqual(self.xero_doc(drafts[1])["SubTotal"], 50)
