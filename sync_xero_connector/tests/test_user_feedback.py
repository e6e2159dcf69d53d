# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero where the user looks (issue 11, item 9): the Xero ID, sync state, last error and link
of partners, products, documents and payments; run-level blockers as mismatch entries that
point at what blocks; names instead of GUIDs; Retry that says what happened; Link to Existing
Xero Record for name clashes. Against the sandbox on 127.0.0.1, real ORM and HTTP."""

import re
from datetime import date

from odoo import sql_db
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sync_xero_connector.models.xero_account import RUN_LOCK_NAMESPACE

from .common import USER
from .test_documents import XeroDocumentCase

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ARCHIVED = "is archived and cannot be used on new transactions"


def params(action):
    return action["params"]


@tagged("post_install", "-at_install")
class TestUserFeedback(XeroDocumentCase):
    # ---------------------------------------------------------------- helpers
    def contact(self, index=0):
        return self.sb.records("Contacts")[index]

    def set_contact_status(self, contact, status):
        """As a user does it in Xero (a write of its own: not a replay of an earlier one)."""
        self._changes = getattr(self, "_changes", 0) + 1
        result = self.account._xero_client().write(
            "Contacts",
            [{"ContactID": contact["ContactID"], "ContactStatus": status}],
            hint=f"test-change-{self._changes}",
        )
        self.assertEqual(result[0].status, "updated", result[0].messages)

    def refused_invoice(self, amount=100):
        """A posted invoice Xero refuses: its customer is archived in Xero."""
        contact = self.contact()
        customer = self.partner(contact["Name"])
        self.set_contact_status(contact, "ARCHIVED")
        invoice = self.move("out_invoice", customer, [self.line(amount, tax=self.gst_sale)])
        self.account._xero_run_object("invoices", "export", records=invoice)
        return invoice, contact

    def entry(self, key, record):
        return self.env["xero.mismatch.log"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", key),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("state", "=", "open"),
            ]
        )

    def binding_of(self, record):
        return self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ]
        )

    # ----------------------------------------------------------------- tests
    def test_first_failed_export_shows_the_error_before_any_link(self):
        invoice, contact = self.refused_invoice()
        self.assertFalse(self.binding_of(invoice))  # never linked
        invoice.invalidate_recordset()
        self.assertEqual(invoice.xero_sync_state, "error")
        self.assertIn(ARCHIVED, invoice.xero_last_error)  # Xero's own message
        self.assertEqual(invoice.xero_mismatch_id, self.entry("invoices", invoice))
        self.assertFalse(invoice.xero_id)
        self.assertFalse(invoice.xero_url)
        Move = self.env["account.move"]
        self.assertIn(invoice, Move.search([("xero_sync_state", "=", "error")]))
        self.assertNotIn(invoice, Move.search([("xero_sync_state", "=", "none")]))
        self.assertNotIn(invoice, Move.search([("xero_sync_state", "!=", "error")]))

        # Retry on the form: Xero still refuses, and the toast says it with Xero's words.
        action = invoice.action_xero_retry()
        self.assertEqual(params(action)["type"], "danger")
        self.assertIn("Xero still refuses", params(action)["title"])
        self.assertIn(ARCHIVED, params(action)["message"])
        self.assertEqual(params(action)["next"]["tag"], "soft_reload")

        # Fixed in Xero: Retry exports it and says so; the form shows the link.
        self.set_contact_status(contact, "ACTIVE")
        action = invoice.action_xero_retry()
        self.assertEqual(
            (params(action)["type"], params(action)["title"]),
            ("success", "Exported to Xero"),
            params(action)["message"],
        )
        binding = self.binding_of(invoice)
        self.assertEqual(invoice.xero_sync_state, "synced")
        self.assertFalse(invoice.xero_last_error)
        self.assertEqual(invoice.xero_id, binding.xero_id)
        self.assertEqual(
            invoice.xero_url, f"https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID={binding.xero_id}"
        )
        self.assertEqual(invoice.action_xero_open()["url"], invoice.xero_url)
        self.assertFalse(self.entry("invoices", invoice))

    def test_partner_and_product_carry_their_xero_id(self):
        contact = next(c for c in self.sb.records("Contacts") if c.get("EmailAddress"))
        guid = contact["ContactID"]
        Partner = self.env["res.partner"]
        partner = Partner.search([("xero_id", "=", guid)])
        self.assertEqual(partner.name, contact["Name"])
        self.assertEqual(Partner.search([("xero_id", "ilike", guid[:13])]), partner)
        self.assertEqual(partner.xero_sync_state, "synced")
        self.assertEqual(partner.xero_url, f"https://go.xero.com/Contacts/View/{guid}")
        newcomer = Partner.create({"name": "Not in Xero"})
        unbound = Partner.search([("xero_id", "=", False)])
        self.assertIn(newcomer, unbound)
        self.assertNotIn(partner, unbound)
        self.assertEqual(newcomer.xero_sync_state, "none")
        self.assertIn(newcomer, Partner.search([("xero_sync_state", "=", "none")]))
        # A write to a synced field: to export.
        partner.phone = "+64 9 555 0101"
        partner.invalidate_recordset()
        self.assertEqual(partner.xero_sync_state, "pending")
        self.assertIn(partner, Partner.search([("xero_sync_state", "in", ["pending"])]))

        item = self.sb.records("Items")[0]
        product = self.env["product.product"].search([("xero_id", "=", item["ItemID"])])
        self.assertEqual(product.default_code, item["Code"])
        template = product.product_tmpl_id
        self.assertEqual(self.env["product.template"].search([("xero_id", "=", item["ItemID"])]), template)
        self.assertEqual(template.xero_id, item["ItemID"])
        self.assertEqual(template.xero_url, f"https://go.xero.com/Accounts/Inventory/{item['ItemID']}")

    def test_payment_blocked_by_its_document_points_at_it(self):
        invoice, __ = self.refused_invoice()
        payment = self.pay(invoice, 115.0)
        run = self.account._xero_run_object("payments", "export", records=payment)
        entry = self.entry("payments", payment)
        self.assertEqual(entry.kind, "dependency")
        self.assertIn(invoice.display_name, entry.messages)
        self.assertEqual((entry.blocking_res_model, entry.blocking_res_id), ("account.move", invoice.id))
        self.assertEqual(entry.blocking_name, invoice.display_name)
        self.assertEqual(entry.action_open_blocking()["res_id"], invoice.id)
        self.assertEqual(payment.xero_sync_state, "error")
        self.assertIn("not in Xero", payment.xero_last_error)
        # The document's own banner says why it is not in Xero.
        self.assertIn(ARCHIVED, invoice.xero_last_error)
        self.assertEqual(run.line_ids.mapped("record_name"), [payment.display_name])

    def test_imported_payment_blocked_by_a_failed_document_import(self):
        """The document's import fails per record (Odoo's lock date), then as a whole (the
        invoices are being imported elsewhere): either way the payment's entry points at a
        real entry of the document, and nothing is named by a bare GUID."""
        contact = self.contact()
        client = self.account._xero_client()
        written = client.write(
            "Invoices",
            [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact["ContactID"]},
                    "Date": "2026-01-15",
                    "DueDate": "2026-02-15",
                    "Status": "AUTHORISED",
                    "LineItems": [
                        {
                            "Description": "Locked",
                            "Quantity": 1,
                            "UnitAmount": 100,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        }
                    ],
                }
            ],
            method="PUT",
        )
        xero_invoice = written[0].record
        client.write(
            "Payments",
            [
                {
                    "Invoice": {"InvoiceID": xero_invoice["InvoiceID"]},
                    "Account": {"Code": "090"},
                    "Date": "2026-01-20",
                    "Amount": 115,
                }
            ],
            method="PUT",
        )
        self.env.company.fiscalyear_lock_date = date(2026, 1, 31)
        run = self.account._xero_run_object("payments", "import")
        doc_entry = self.mismatches("invoices")
        self.assertEqual(doc_entry.xero_id, xero_invoice["InvoiceID"])
        self.assertIn("lock date", doc_entry.messages)
        pay_entry = self.mismatches("payments")
        number = xero_invoice["InvoiceNumber"]
        self.assertEqual(pay_entry.record_name, f"Payment 115.00 on {number}")
        self.assertEqual(
            (pay_entry.blocking_res_model, pay_entry.blocking_res_id), ("xero.mismatch.log", doc_entry.id)
        )
        self.assertIn("Open Blocking Record", pay_entry.hint)
        self.assertEqual(run.line_ids.mapped("record_name"), [f"Payment 115.00 on {number}"])

        # The invoices' run fails as a whole (another worker holds it): the document gets an
        # entry of its own all the same, with the run's message.
        doc_entry.action_mark_resolved()
        self.env.company.fiscalyear_lock_date = False
        settings = self.account._xero_settings("invoices")
        self.env.flush_all()
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])
            try:
                self.account._xero_run_object("payments", "import")
            finally:
                other.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])
        doc_entry = self.mismatches("invoices")
        self.assertEqual(doc_entry.xero_id, xero_invoice["InvoiceID"])
        self.assertEqual(doc_entry.record_name, number)
        self.assertIn("Another run of this object is in progress", doc_entry.messages)
        pay_entry.invalidate_recordset()
        self.assertEqual(pay_entry.blocking_res_id, doc_entry.id)

        names = self.env["xero.sync.run.line"].search([]).mapped("record_name") + self.env[
            "xero.mismatch.log"
        ].search([]).mapped("record_name")
        self.assertTrue(names)
        self.assertFalse([n for n in names if GUID.fullmatch(n.strip())], names)

        # Retry on the document's entry imports it; the payment's entry then imports it.
        self.assertEqual(params(doc_entry.action_retry())["title"], "Resolved")
        action = pay_entry.action_retry()
        self.assertEqual(
            (params(action)["type"], params(action)["title"]),
            ("success", "Resolved"),
            params(action)["message"],
        )
        self.assertEqual(pay_entry.state, "resolved")

    def test_retry_says_what_happened(self):
        invoice, contact = self.refused_invoice()
        entry = self.entry("invoices", invoice)
        action = entry.action_retry()
        self.assertEqual((params(action)["type"], params(action)["title"]), ("danger", "Still failing"))
        self.assertIn(ARCHIVED, params(action)["message"])
        self.assertEqual(params(action)["next"]["tag"], "soft_reload")
        self.assertEqual(entry.state, "open")
        self.assertEqual(entry.occurrences, 2)

        self.set_contact_status(contact, "ACTIVE")
        action = entry.action_retry()
        self.assertEqual((params(action)["type"], params(action)["title"]), ("success", "Resolved"))
        self.assertIn(invoice.display_name, params(action)["message"])
        self.assertEqual(entry.state, "resolved")
        self.assertTrue(self.binding_of(invoice).xero_id)

        # Refused, then marked Do Not Sync: nothing to send, the entry is closed.
        self.set_contact_status(contact, "ARCHIVED")
        other = self.move("out_invoice", invoice.partner_id, [self.line(40, tax=self.gst_sale)])
        self.account._xero_run_object("invoices", "export", records=other)
        entry = self.entry("invoices", other)
        other.xero_no_sync = True
        before = self.writes()
        action = entry.action_retry()
        self.assertEqual((params(action)["type"], params(action)["title"]), ("warning", "Nothing to send"))
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(self.writes(), before)
        self.assertEqual(other.xero_sync_state, "no_sync")

    def test_account_name_clash_links_to_the_existing_xero_account(self):
        """Xero refuses a new account whose name it has (another code): Link finds it with
        one GET and links; the next export updates that account instead of creating one."""
        if "export_chart" in self.account._fields:
            self.account.export_chart = True  # the user chose to export the chart
        self.account._xero_settings("accounts").write({"direction": "both"})
        client = self.account._xero_client()
        created = client.write(
            "Accounts", [{"Code": "4998", "Name": "Consulting Income", "Type": "REVENUE"}], method="PUT"
        )
        xero_account_id = created[0].record["AccountID"]
        odoo_account = self.env["account.account"].create(
            {"code": "4999", "name": "Consulting Income", "account_type": "income"}
        )
        count = len(self.sb.records("Accounts"))
        self.account._xero_run_object("accounts", "export", records=odoo_account)
        entry = self.entry("accounts", odoo_account)
        self.assertIn("Please enter a unique Name.", entry.messages)
        self.assertEqual(entry.clash_field, "Name")
        self.assertIn("Link to Existing Xero Record", entry.hint)
        self.assertFalse(self.binding_of(odoo_account))

        before = self.ops()
        wizard = self.env["xero.mismatch.resolve"].create({"mismatch_id": entry.id})
        calls = {op: n - before.get(op, 0) for op, n in self.ops().items() if n != before.get(op, 0)}
        self.assertEqual(calls, {"GET /Accounts": 1})  # one GET with a where clause
        self.assertEqual(wizard.xero_id, xero_account_id)
        self.assertIn("4998", wizard.comparison)  # both sides shown
        self.assertIn("4999", wizard.comparison)

        action = wizard.action_link_existing()
        self.assertEqual(params(action)["title"], "Resolved", params(action)["message"])
        binding = self.binding_of(odoo_account)
        self.assertEqual(binding.xero_id, xero_account_id)
        self.assertEqual(entry.state, "resolved")
        by_id = {a["AccountID"]: a for a in self.sb.records("Accounts")}
        self.assertEqual(len(by_id), count)  # nothing created
        self.assertEqual(by_id[xero_account_id]["Code"], "4999")  # Odoo's values, as update

        odoo_account.name = "Consulting Fees"
        self.run_object("accounts", "export", records=odoo_account)
        by_id = {a["AccountID"]: a for a in self.sb.records("Accounts")}
        self.assertEqual(len(by_id), count)
        self.assertEqual(by_id[xero_account_id]["Name"], "Consulting Fees")


@tagged("post_install", "-at_install")
class TestXeroFormViews(HttpCase):
    """The forms load for a Xero user (with the Xero parts) and a plain user (without)."""

    # (model, form, search)
    VIEWS = (
        ("res.partner", "base.view_partner_form", "base.view_res_partner_filter"),
        (
            "product.template",
            "product.product_template_only_form_view",
            "product.product_template_search_view",
        ),
        ("product.product", "product.product_normal_form_view", "product.product_search_form_view"),
        ("account.move", "account.view_move_form", "account.view_account_invoice_filter"),
        ("account.payment", "account.view_account_payment_form", "account.view_account_payment_search"),
    )

    def test_forms_render_for_xero_and_plain_users(self):
        xero = new_test_user(
            self.env, login="xero_forms_user", groups=f"base.group_user,account.group_account_invoice,{USER}"
        )
        plain = new_test_user(
            self.env, login="plain_forms_user", groups="base.group_user,account.group_account_invoice"
        )
        for model, form, search in self.VIEWS:
            for user, sees in ((xero, True), (plain, False)):
                with self.subTest(model=model, user=user.login):
                    views = (
                        self.env[model]
                        .with_user(user)
                        .get_views([(self.env.ref(form).id, "form"), (self.env.ref(search).id, "search")])
                    )
                    arch = views["views"]["form"]["arch"]
                    fields = views["models"][model]["fields"]
                    self.assertEqual('name="xero_last_error"' in arch, sees)
                    self.assertEqual('name="action_xero_retry"' in arch, sees)
                    self.assertEqual('name="action_xero_open"' in arch, sees)
                    self.assertEqual("xero_sync_state" in fields, sees)
                    self.assertEqual('name="xero_id"' in views["views"]["search"]["arch"], sees)


BANNER_JS = (
    """
const deadline = Date.now() + 30000;
(function check() {
    const banner = document.querySelector('.o_form_view div[name="xero_error"]');
    const retry = banner && banner.querySelector('button[name="action_xero_retry"]');
    if (banner && retry && banner.textContent.includes("%s")) {
        console.log("test successful");
    } else if (Date.now() > deadline) {
        console.error("No Xero banner with Retry on the invoice: " +
                      (banner ? banner.textContent : "no banner"));
    } else {
        setTimeout(check, 200);
    }
})();
"""
    % ARCHIVED
)


@tagged("post_install", "-at_install")
class TestBannerInWebClient(XeroDocumentCase, HttpCase):
    def test_invoice_form_shows_the_error_of_a_first_export(self):
        """In the web client: the invoice Xero refused (never linked) shows Xero's message
        and Retry at the top of its form."""
        contact = self.sb.records("Contacts")[0]
        customer = self.partner(contact["Name"])
        self.account._xero_client().write(
            "Contacts", [{"ContactID": contact["ContactID"], "ContactStatus": "ARCHIVED"}]
        )
        invoice = self.move("out_invoice", customer, [self.line(100, tax=self.gst_sale)])
        self.account._xero_run_object("invoices", "export", records=invoice)
        self.browser_js(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            BANNER_JS,
            login="admin",
            timeout=90,
        )
