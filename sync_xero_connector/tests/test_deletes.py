# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 10, case 11: records archived or deleted in Odoo after syncing. Archived partners
archive their Xero contact; archived products become items neither sold nor purchased;
deleted records leave a tombstone link that the next export acts on (contact archived, item
deleted, draft deleted or voided), then closed: no import re-creates them."""

from odoo.tests import tagged

from .test_documents import XeroDocumentCase


@tagged("post_install", "-at_install")
class TestDeletes(XeroDocumentCase):
    def link(self, record, key):
        return self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", key),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ]
        )

    def xero_contact(self, contact_id):
        return next(c for c in self.sb.records("Contacts") if c["ContactID"] == contact_id)

    def new_contact(self, name):
        partner = self.env["res.partner"].create({"name": name, "email": "a@example.com"})
        self.run_object("contacts", "export", records=partner)
        binding = self.link(partner, "contacts")
        self.assertEqual(self.xero_contact(binding.xero_id)["ContactStatus"], "ACTIVE")
        return partner, binding

    def test_archived_partner_archives_the_xero_contact(self):
        partner, binding = self.new_contact("Archived Later Ltd")
        partner.action_archive()
        run = self.run_object("contacts", "export")
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(self.xero_contact(binding.xero_id)["ContactStatus"], "ARCHIVED")
        self.assertEqual(binding.state, "synced")
        partner.action_unarchive()
        self.run_object("contacts", "export")
        self.assertEqual(self.xero_contact(binding.xero_id)["ContactStatus"], "ACTIVE")

    def test_deleted_partner_archives_the_contact_and_is_not_recreated(self):
        partner, binding = self.new_contact("Deleted Soon Ltd")
        partner_id, contact_id = partner.id, binding.xero_id
        partner.unlink()
        self.assertEqual(binding.state, "deleted")
        self.assertEqual(binding.res_id, partner_id)
        self.assertEqual(binding.record_name, "Deleted Soon Ltd")
        run = self.run_object("contacts", "export")
        self.assertEqual(run.updated_count, 1)
        contact = self.xero_contact(contact_id)
        self.assertEqual(contact["ContactStatus"], "ARCHIVED")
        self.assertEqual(contact["Name"], "Deleted Soon Ltd")  # nothing else was changed
        self.assertEqual(binding.state, "closed")
        # A later export sends nothing more.
        before = self.writes()
        self.run_object("contacts", "export")
        self.assertEqual(self.writes(), before)
        # Changed in Xero: the import does not bring the partner back.
        self.sb.advance_clock(5)
        self.account._xero_client().write(
            "Contacts", [{"ContactID": contact_id, "EmailAddress": "new@example.com"}], method="POST"
        )
        run = self.run_object("contacts", "import")
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertFalse(Partner.search([("name", "=", "Deleted Soon Ltd")]))
        self.assertEqual(binding.state, "closed")
        line = run.line_ids.filtered(lambda l: l.xero_id == contact_id)
        self.assertEqual(line.result, "skipped")
        self.assertIn("Restore in Odoo", line.note)
        # Restore in Odoo: the link goes, the contact is imported again.
        binding.action_xero_restore()
        restored = Partner.search([("name", "=", "Deleted Soon Ltd")])
        self.assertEqual(len(restored), 1)
        self.assertFalse(restored.active)  # archived in Xero
        self.assertEqual(self.link(restored, "contacts").xero_id, contact_id)

    def test_deleted_draft_invoice_is_deleted_in_xero(self):
        customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        draft = self.move("out_invoice", customer, [self.line(60, tax=self.gst_sale)], post=False)
        self.export("invoices")
        invoice_id = self.xero_doc(draft)["InvoiceID"]
        binding = self.link(draft, "invoices")
        draft.unlink()
        self.run_object("invoices", "export")
        invoice = next(r for r in self.sb.records("Invoices") if r["InvoiceID"] == invoice_id)
        self.assertEqual(invoice["Status"], "DELETED")
        self.assertEqual(binding.state, "closed")
        self.assertFalse(self.mismatches("invoices"))
        self.run_object("invoices", "import", full=True)
        self.assertEqual(binding.state, "closed")
        self.assertFalse(self.env["xero.binding"].search([("xero_id", "=", invoice_id)]) - binding)

    def test_deleted_draft_approved_and_paid_in_xero_is_refused(self):
        customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        draft = self.move("out_invoice", customer, [self.line(100, tax=self.gst_sale)], post=False)
        self.export("invoices")
        invoice_id = self.xero_doc(draft)["InvoiceID"]
        binding = self.link(draft, "invoices")
        # Meanwhile a Xero user approves it and records a payment.
        client = self.account._xero_client()
        client.write("Invoices", [{"InvoiceID": invoice_id, "Status": "AUTHORISED"}])
        payment = client.write(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": invoice_id},
                    "Account": {"Code": "090"},
                    "Date": "2026-03-11",
                    "Amount": 20,
                }
            ],
            method="PUT",
        )[0]
        draft.unlink()
        run = self.account._xero_run_object("invoices", "export")
        self.assertEqual(run.failed_count, 1)
        xero = next(r for r in self.sb.records("Invoices") if r["InvoiceID"] == invoice_id)
        self.assertEqual(xero["Status"], "AUTHORISED")
        entry = self.mismatches("invoices")
        self.assertEqual(len(entry), 1)
        self.assertIn("was deleted in Odoo; Xero refused", entry.messages)
        self.assertIn("Restore in Odoo", entry.hint)
        self.assertEqual(binding.state, "deleted")
        # Not sent again by each export until it is retried.
        before = self.writes()
        self.account._xero_run_object("invoices", "export")
        self.assertEqual(self.writes(), before)
        self.assertEqual(binding.state, "deleted")
        # The payment is removed in Xero; Retry voids the invoice and closes the link.
        client.delete_payment(payment.xero_id)
        entry.action_retry()
        xero = next(r for r in self.sb.records("Invoices") if r["InvoiceID"] == invoice_id)
        self.assertEqual(xero["Status"], "VOIDED")
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(binding.state, "closed")

    def test_archived_product_is_neither_sold_nor_purchased_in_xero(self):
        item = next(
            i
            for i in self.sb.records("Items")
            if i.get("IsSold") and i.get("IsPurchased") and not i.get("IsTrackedAsInventory")
        )
        product = self.bound("items", xero_id=item["ItemID"])
        product.action_archive()
        self.run_object("items", "export")
        xero = next(i for i in self.sb.records("Items") if i["ItemID"] == item["ItemID"])
        self.assertIs(xero["IsSold"], False)
        self.assertIs(xero["IsPurchased"], False)
        # Odoo keeps what the product is for; an import does not overwrite it.
        self.run_object("items", "import", full=True)
        self.assertTrue(product.sale_ok and product.purchase_ok)
        product.action_unarchive()
        self.run_object("items", "export")
        xero = next(i for i in self.sb.records("Items") if i["ItemID"] == item["ItemID"])
        self.assertIs(xero["IsSold"], True)
        self.assertIs(xero["IsPurchased"], True)
        self.assertEqual(xero["SalesDetails"]["UnitPrice"], item["SalesDetails"]["UnitPrice"])

    def test_deleted_product_deletes_the_xero_item(self):
        item = self.sb.records("Items")[0]
        product = self.bound("items", xero_id=item["ItemID"])
        binding = self.link(product, "items")
        product.product_tmpl_id.unlink()
        self.assertEqual(binding.state, "deleted")
        run = self.run_object("items", "export")
        self.assertEqual(run.updated_count, 1)
        self.assertNotIn(item["ItemID"], [i["ItemID"] for i in self.sb.records("Items")])
        self.assertEqual(binding.state, "closed")
        self.run_object("items", "import", full=True)
        Product = self.env["product.product"].with_context(active_test=False)
        self.assertFalse(Product.search([("default_code", "=", item["Code"])]))
