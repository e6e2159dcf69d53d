# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 10, cases 4 and 5: a record changed on both sides since the last sync is never
overwritten silently, against the sandbox on 127.0.0.1 (real PostgreSQL, ORM and HTTP)."""

from odoo.tests import tagged

from odoo.addons.sync_xero_connector.xero.mapping import contacts as contact_map

from .test_documents import XeroDocumentCase
from .test_sync_engine import XeroSyncCase


@tagged("post_install", "-at_install")
class TestContactConflicts(XeroSyncCase):
    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create(
            {
                "name": "Conflict Co",
                "email": "old@conflict.example",
                "phone": "+64 9 555 0100",
                "customer_rank": 1,
            }
        )
        self.run_object("contacts", "export")
        self.binding = self.bindings("contacts")
        self.assertEqual(self.binding.state, "synced")
        self.client = self.account._xero_client()

    def xero(self):
        contact = next(c for c in self.sb.records("Contacts") if c["ContactID"] == self.binding.xero_id)
        return contact_map.contact_from_xero(contact)

    def edit_xero(self, **fields):
        self.sb.advance_clock(5)  # a later UpdatedDateUTC than the export's
        result = self.client.write("Contacts", [dict(fields, ContactID=self.binding.xero_id)])
        self.assertTrue(result[0].ok, result[0].messages)

    def conflicts(self):
        return self.mismatches("contacts").filtered(lambda m: m.kind == "conflict")

    def test_phone_in_odoo_email_in_xero_both_kept(self):
        """Case 4: phone edited in Odoo, email in Xero, import then export: both changes
        end up on both sides, nothing is lost, no entry is needed."""
        self.partner.phone = "+64 9 555 0111"
        self.assertEqual(self.binding.state, "pending")
        self.edit_xero(EmailAddress="new@conflict.example")
        run = self.run_object("contacts", "import")
        self.assertEqual(self.partner.phone, "+64 9 555 0111")
        self.assertEqual(self.partner.email, "new@conflict.example")
        self.assertEqual(run.failed_count, 0)
        self.assertIn("merged", " ".join(run.line_ids.mapped("note")))
        self.assertEqual(self.binding.state, "pending")  # Odoo's phone is still to be sent
        self.run_object("contacts", "export")
        xero = self.xero()
        self.assertEqual(xero["phone"], "+64 9 555 0111")
        self.assertEqual(xero["email"], "new@conflict.example")
        self.assertEqual(self.binding.state, "synced")
        self.assertFalse(self.mismatches("contacts"))
        # Settled: the next exchange in either direction does nothing.
        before = self.writes()
        self.assertEqual(self.run_object("contacts", "export").updated_count, 0)
        self.run_object("contacts", "import")
        self.assertEqual(self.writes(), before)
        self.assertEqual((self.partner.phone, self.partner.email), ("+64 9 555 0111", "new@conflict.example"))

    def crashed_update(self, phone):
        """Odoo's phone sent, Xero commits it, the answer never arrives (the run ends)."""
        self.partner.phone = phone
        self.sb.advance_clock(5)  # Xero dates the update after the first export
        self.sb.inject_fault("drop_after_commit", count=50, method="POST", path="/api.xro/2.0/Contacts")
        run = self.account._xero_run_object("contacts", "export")
        self.sb.faults.reset()
        self.assertEqual(run.state, "failed", "the answer was expected to be lost")
        self.assertEqual(self.xero()["phone"], phone)  # Xero has it; Odoo never heard
        self.assertEqual(self.binding.state, "pending")

    def test_crashed_update_then_edit_again_is_no_conflict(self):
        """Fault injection found it: an update Xero committed but Odoo never recorded, then
        the same field edited again in Odoo. Xero's "change" is Odoo's own: no conflict,
        Odoo's latest value goes, by export and by import then export."""
        self.crashed_update("+64 9 555 0144")
        self.partner.phone = "+64 9 555 0155"
        self.sb.advance_clock(5)
        self.run_object("contacts", "import")
        self.assertFalse(self.conflicts())
        self.assertEqual(self.partner.phone, "+64 9 555 0155")
        self.assertEqual(self.binding.state, "pending")
        self.run_object("contacts", "export")
        self.assertFalse(self.conflicts())
        self.assertEqual(self.xero()["phone"], "+64 9 555 0155")
        self.assertEqual(self.binding.state, "synced")

    def test_crashed_update_then_export_is_no_conflict(self):
        self.crashed_update("+64 9 555 0144")
        self.partner.phone = "+64 9 555 0155"
        self.sb.advance_clock(5)
        self.run_object("contacts", "export")
        self.assertFalse(self.conflicts())
        self.assertEqual(self.xero()["phone"], "+64 9 555 0155")
        self.assertEqual(self.binding.state, "synced")

    def test_crashed_update_then_xero_edit_is_a_conflict(self):
        """Not every change after a lost answer is Odoo's own: a Xero user's edit of the same
        field still stops both sides."""
        self.crashed_update("+64 9 555 0144")
        self.edit_xero(Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0166"}])
        self.partner.phone = "+64 9 555 0155"
        self.run_object("contacts", "export")
        self.assertEqual(len(self.conflicts()), 1)
        self.assertEqual(self.xero()["phone"], "+64 9 555 0166")
        self.assertEqual(self.partner.phone, "+64 9 555 0155")

    def same_field_on_both_sides(self):
        self.partner.phone = "+64 9 555 0122"
        self.edit_xero(Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0133"}])

    def test_same_field_conflict_then_keep_odoo(self):
        self.same_field_on_both_sides()
        run = self.run_object("contacts", "import")
        self.assertEqual(run.failed_count, 1)
        entry = self.conflicts()
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.res_id, self.partner.id)
        self.assertIn(
            "Phone: Odoo '+64 9 555 0122' / Xero '+64 9 555 0133' / last synced '+64 9 555 0100'",
            entry.messages,
        )
        # Nothing written to either side; the export leaves it alone while the entry is open.
        self.assertEqual(self.partner.phone, "+64 9 555 0122")
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")
        self.assertEqual(self.binding.state, "pending")
        before = self.writes()
        self.run_object("contacts", "export")
        self.assertEqual(self.writes(), before)
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")
        # A second import keeps it open.
        self.run_object("contacts", "import")
        self.assertEqual(entry.state, "open")
        action = entry.action_keep_odoo()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(self.xero()["phone"], "+64 9 555 0122")
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(self.binding.state, "synced")
        self.assertEqual(self.partner.phone, "+64 9 555 0122")

    def test_same_field_conflict_then_keep_xero(self):
        self.same_field_on_both_sides()
        self.run_object("contacts", "import")
        entry = self.conflicts()
        self.assertEqual(len(entry), 1)
        action = entry.action_keep_xero()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(self.partner.phone, "+64 9 555 0133")
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(self.binding.state, "synced")
        before = self.writes()
        self.run_object("contacts", "export")
        self.assertEqual(self.writes(), before)
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")

    def test_policy_odoo_wins(self):
        self.account._xero_settings("contacts").conflict_policy = "odoo"
        self.same_field_on_both_sides()
        run = self.run_object("contacts", "import")
        self.assertEqual(self.partner.phone, "+64 9 555 0122")
        self.assertEqual(run.failed_count, 0)
        self.assertIn("Odoo wins", " ".join(run.line_ids.mapped("note")))
        self.assertFalse(self.conflicts())
        self.run_object("contacts", "export")
        self.assertEqual(self.xero()["phone"], "+64 9 555 0122")
        self.assertEqual(self.binding.state, "synced")

    def test_policy_xero_wins(self):
        self.account._xero_settings("contacts").conflict_policy = "xero"
        self.same_field_on_both_sides()
        run = self.run_object("contacts", "import")
        self.assertEqual(self.partner.phone, "+64 9 555 0133")
        self.assertEqual(run.updated_count, 1)
        self.assertIn("Xero wins", " ".join(run.line_ids.mapped("note")))
        self.assertEqual(self.binding.state, "synced")
        self.assertFalse(self.conflicts())
        before = self.writes()
        self.run_object("contacts", "export")
        self.assertEqual(self.writes(), before)
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")


@tagged("post_install", "-at_install")
class TestPaidInXeroEditedInOdoo(XeroDocumentCase):
    def test_paid_in_xero_edited_in_odoo_stays_flagged(self):
        """Case 5: paid in Xero, reset, edited (+100 x 4.60) and posted in Odoo: the export
        sends nothing (a conflict entry), and no import marks the binding synced; an open entry names both totals."""
        customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        invoice = self.move("out_invoice", customer, [self.line(2072.30)])
        self.export("invoices")
        xero_id = self.xero_doc(invoice)["InvoiceID"]
        self.sb.advance_clock(5)
        paid = self.account._xero_client().write(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": xero_id},
                    "Account": {"Code": "090"},
                    "Date": "2026-03-11",
                    "Amount": 2072.30,
                }
            ],
            method="PUT",
        )[0]
        self.assertTrue(paid.ok, paid.messages)
        self.assertEqual(self.xero_doc(invoice)["Status"], "PAID")
        invoice.button_draft()
        invoice.write({"invoice_line_ids": [(0, 0, self.line(4.60, qty=100))]})
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 2532.30)
        self.account._xero_run_object("invoices", "export")
        binding = self.env["xero.binding"].search(
            [("object_key", "=", "invoices"), ("res_id", "=", invoice.id)]
        )
        # The export reads Xero's current version first: paid there since the last exchange,
        # so nothing is sent; the binding stays pending behind a conflict entry.
        self.assertEqual(binding.state, "pending")
        self.assertEqual(self.xero_doc(invoice)["Total"], 2072.30)
        self.assertEqual(len(self.mismatches("invoices").filtered(lambda m: m.kind == "conflict")), 1)
        for __ in range(2):
            self.account._xero_run_object("invoices", "import")
            self.account._xero_run_object("payments", "import")
            self.assertNotEqual(binding.state, "synced")
            entry = self.mismatches("invoices").filtered(lambda m: m.kind == "conflict")
            self.assertEqual(len(entry), 1)
            self.assertEqual(entry.res_id, invoice.id)
            self.assertIn("Total: Odoo 2532.30 / Xero 2072.30", entry.messages)
            self.assertIn("Status: Odoo 'AUTHORISED' / Xero 'PAID'", entry.messages)
        self.assertEqual(invoice.amount_total, 2532.30)
        self.assertEqual(self.xero_doc(invoice)["Total"], 2072.30)
        # Keep Odoo's: Xero refuses to change a paid invoice; the conflict stays open.
        action = entry.action_keep_odoo()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(entry.state, "open")
        self.assertNotEqual(binding.state, "synced")
