# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 12: the rounding line and the lock date of documents, against the sandbox on 127.0.0.1
(real PostgreSQL, ORM and HTTP).

Xero rounds tax once per line at a rate's effective percentage, Odoo each component of a group
tax: 100.33 at the compound "Levy + Surcharge" rate (5%, then 2% on the levied amount) is
107.46 in Odoo and 107.45 in Xero. With the object's policy "Rounding Line" the export adds a
0.01 line on the rounding account. That line is recognised by what it is (rounding account, no
item, no tax, one unit, within a cent a line), never by its text: exporting under one
language and importing or exporting again under another gives the same document.
"""

from datetime import date

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .test_documents import XeroDocumentCase

MODULE = "sync_xero_connector"


@tagged("post_install", "-at_install")
class TestRoundingLine(XeroDocumentCase):
    def setUp(self):
        super().setUp()
        self.rounding_account = self.bound("accounts", number="260")
        self.account._xero_settings("invoices").write(
            {"rounding_policy": "line", "rounding_account_id": self.rounding_account.id}
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        # The addon ships no French catalogue yet: the word a translator would give it, in
        # the catalogue Odoo reads its translations from (restored after the test).
        key = (MODULE, "fr_FR")
        saved = code_translations.python_translations.get(key)
        code_translations.python_translations[key] = dict(
            code_translations.get_python_translations(MODULE, "fr_FR"), Rounding="Arrondi"
        )

        def restore():
            if saved is None:
                code_translations.python_translations.pop(key, None)
            else:
                code_translations.python_translations[key] = saved

        self.addCleanup(restore)
        self.french = self.account.with_context(lang="fr_FR")
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        self.assertEqual(self.customer.lang, "en_US")

    # ---------------------------------------------------------------- helpers
    def rounding_lines(self, xero):
        return [line for line in xero["LineItems"] if line.get("AccountCode") == "260"]

    def binding_of(self, move):
        return self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("res_model", "=", "account.move"),
                ("res_id", "=", move.id),
            ]
        )

    def undone_edit(self, move):
        move.ref = "Typo"
        move.ref = False

    def settle(self, move, account=None):
        """The first update after a create: the binding holds the hash of the create's
        payload (without the InvoiceID), so one update goes, the same document again."""
        before = self.writes().get("POST /Invoices", 0)
        self.undone_edit(move)
        self.run_object("invoices", "export", account=account)
        self.assertEqual(self.writes().get("POST /Invoices", 0), before + 1)

    def invoice(self, price=100.33):
        invoice = self.move("out_invoice", self.customer, [self.line(price, tax=self.compound)])
        self.assertEqual(self.env._("Rounding"), "Rounding")
        self.assertEqual(self.env(context={"lang": "fr_FR"})._("Rounding"), "Arrondi")
        return invoice

    def assert_one_rounding_line(self, invoice, amount, description="Rounding"):
        xero = self.xero_doc(invoice)
        rounding = self.rounding_lines(xero)
        self.assertEqual(len(rounding), 1, xero["LineItems"])
        self.assertEqual(
            (rounding[0]["UnitAmount"], rounding[0]["Quantity"], rounding[0]["TaxType"]),
            (amount, 1.0, "NONE"),
        )
        self.assertNotIn("ItemCode", rounding[0])
        self.assertEqual(rounding[0]["Description"], description)
        self.assertEqual(len(xero["LineItems"]), 2)
        self.assertEqual(xero["Total"], invoice.amount_total)
        return xero

    # ------------------------------------------------------------------ tests
    def test_exported_in_english_compared_in_french(self):
        """Exported by an English user, imported and exported again by a French one: Xero's
        document is taken for what Odoo sent (nothing written, no entry), its rounding line
        neither doubled nor dropped."""
        invoice = self.invoice()
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (100.33, 7.13, 107.46)
        )
        self.run_object("invoices", "export")
        self.settle(invoice)
        self.assert_one_rounding_line(invoice, 0.01)
        self.assertFalse(self.mismatches("invoices"))
        binding = self.binding_of(invoice)
        sent = binding.payload_hash
        self.assertEqual(binding.state, "synced")
        writes = self.writes()
        # A French user imports everything again, then exports the invoice, marked for export
        # by an edit undone (nothing Xero sees changed).
        self.run_object("invoices", "import", account=self.french, full=True)
        self.undone_edit(invoice)
        self.assertEqual(binding.state, "pending")
        self.run_object("invoices", "export", account=self.french)
        self.assertEqual(self.writes(), writes)
        self.assertEqual(binding.state, "synced")
        self.assertEqual(binding.payload_hash, sent)
        self.assertFalse(self.mismatches("invoices"))
        self.assertEqual(len(invoice.invoice_line_ids), 1)
        self.assert_one_rounding_line(invoice, 0.01)

    def test_edited_in_xero_then_in_odoo_one_rounding_line(self):
        """Xero changes the reference; the French import takes it without turning the rounding
        line into an Odoo line; the price changed in Odoo then gives Xero a new rounding line
        instead of a second one."""
        invoice = self.invoice()
        self.run_object("invoices", "export")
        xero_id = self.xero_doc(invoice)["InvoiceID"]
        self.sb.advance_clock(5)
        result = self.account._xero_client().write("Invoices", [{"InvoiceID": xero_id, "Reference": "PO-77"}])
        self.assertTrue(result[0].ok, result[0].messages)
        run = self.run_object("invoices", "import", account=self.french)
        self.assertEqual(run.updated_count, 1)
        self.assertFalse(self.mismatches("invoices"), self.mismatches("invoices").mapped("messages"))
        self.assertEqual(invoice.ref, "PO-77")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_line_ids.mapped("price_unit"), [100.33])
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (100.33, 7.13, 107.46)
        )
        binding = self.binding_of(invoice)
        self.assertEqual(binding.state, "synced")
        # Nothing to send back: Odoo's document is what Xero has.
        writes = self.writes()
        self.run_object("invoices", "export", account=self.french)
        self.assertEqual(self.writes(), writes)
        # 100.65: 107.79 in Odoo, 107.80 in Xero.
        invoice.button_draft()
        invoice.invoice_line_ids.price_unit = 100.65
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 107.79)
        self.run_object("invoices", "export", account=self.french)
        self.assertFalse(self.mismatches("invoices"))
        xero = self.assert_one_rounding_line(invoice, -0.01)
        self.assertEqual(xero["Reference"], "PO-77")

    def test_line_in_the_partners_language(self):
        """The line's text is the customer's language (what Xero prints on the invoice),
        whoever exports it."""
        self.customer.lang = "fr_FR"
        invoice = self.invoice()
        self.run_object("invoices", "export", account=self.french)
        self.settle(invoice, account=self.french)
        self.assert_one_rounding_line(invoice, 0.01, "Arrondi")
        writes = self.writes()
        self.undone_edit(invoice)
        self.run_object("invoices", "export")
        self.assertEqual(self.writes(), writes)

    def test_a_line_on_the_rounding_account_that_is_not_a_rounding_line(self):
        """A line a Xero user put on the rounding account with a tax, or of more than a cent
        a line, is an ordinary line: imported as one."""
        contact = self.sb.records("Contacts")[0]
        result = self.account._xero_client().write(
            "Invoices",
            [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact["ContactID"]},
                    "Date": "2026-03-10",
                    "DueDate": "2026-03-10",
                    "Status": "AUTHORISED",
                    "Reference": "OTHER-260",
                    "LineItems": [
                        {"Description": "Goods", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"},
                        {
                            "Description": "Service",
                            "Quantity": 1,
                            "UnitAmount": 5,
                            "AccountCode": "260",
                            "TaxType": "NONE",
                        },
                        {
                            "Description": "Rounding",
                            "Quantity": 1,
                            "UnitAmount": 0.01,
                            "AccountCode": "260",
                            "TaxType": "OUTPUT2",
                        },
                    ],
                }
            ],
            method="PUT",
        )
        self.assertTrue(result[0].ok, result[0].messages)
        self.run_object("invoices", "import")
        self.assertFalse(self.mismatches("invoices"))
        move = self.env["account.move"].search([("ref", "=", "OTHER-260")])
        self.assertEqual(move.invoice_line_ids.mapped("price_unit"), [100.0, 5.0, 0.01])
        self.assertEqual(move.amount_total, result[0].record["Total"])


@tagged("post_install", "-at_install")
class TestLockDateRead(XeroDocumentCase):
    def test_lock_date_read_once_a_run_and_only_to_post(self):
        """The organisation's lock date is read once per run, before the payloads are built,
        and only when a document is to be posted in Xero."""
        self.sb.update_organisation(PeriodLockDate="2026-03-31")
        customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        drafts = [self.move("out_invoice", customer, [self.line(10 + i)], post=False) for i in range(2)]
        before = self.ops().get("GET /Organisation", 0)
        self.run_object("invoices", "export")
        self.assertEqual(self.ops().get("GET /Organisation", 0), before)
        self.assertEqual([self.xero_doc(d)["Status"] for d in drafts], ["DRAFT", "DRAFT"])
        locked = self.move("out_invoice", customer, [self.line(100)])
        posted = [
            self.move("out_invoice", customer, [self.line(20 + i)], day=date(2026, 4, 2)) for i in range(3)
        ]
        self.run_object("invoices", "export")
        self.assertEqual(self.ops().get("GET /Organisation", 0), before + 1)
        self.assertEqual([self.xero_doc(p)["Status"] for p in posted], ["AUTHORISED"] * 3)
        entry = self.mismatches("invoices")
        self.assertEqual(entry.res_id, locked.id)
        self.assertIn("on or before Xero's lock date 2026-03-31", entry.messages)


@tagged("post_install", "-at_install")
class TestAllocationRefused(XeroDocumentCase):
    def test_allocation_xero_refuses_is_a_mismatch_entry(self):
        """The invoice was mostly paid in Xero meanwhile; Odoo reconciles a credit note with it:
        Xero refuses the allocation (in its answer's element, status 200), and the entry says
        so with Xero's message. The credit note itself is in Xero."""
        customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        invoice = self.move("out_invoice", customer, [self.line(100, tax=self.gst_sale)])
        self.export("invoices")
        xero_id = self.xero_doc(invoice)["InvoiceID"]
        self.sb.advance_clock(5)
        [paid] = self.account._xero_client().write(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": xero_id},
                    "Account": {"Code": "090"},
                    "Date": "2026-03-11",
                    "Amount": 100.0,
                }
            ],
            method="PUT",
        )
        self.assertTrue(paid.ok, paid.messages)
        note = self.move("out_refund", customer, [self.line(20, tax=self.gst_sale)])
        (note.line_ids | invoice.line_ids).filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(invoice.amount_residual, 92.0)
        before = self.writes().get("PUT /CreditNotes/Allocations", 0)
        self.run_object("credit_notes", "export")
        self.assertEqual(self.writes().get("PUT /CreditNotes/Allocations", 0), before + 1)
        xero_note = self.xero_doc(note)
        self.assertEqual(
            (xero_note["Status"], xero_note["Total"], xero_note["RemainingCredit"]),
            ("AUTHORISED", 23.0, 23.0),
        )
        entry = self.mismatches("credit_notes")
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.res_id, entry.xero_id), (note.id, xero_note["CreditNoteID"]))
        self.assertIn("The amount being allocated exceeds the amount due on the invoice", entry.messages)
        self.assertEqual(self.xero_doc(invoice)["AmountDue"], 15.0)
