# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Red team of issues 10 and 11: the built guarantees attacked as a real user and a hostile one
would, against the sandbox on 127.0.0.1 (real PostgreSQL, ORM and HTTP), from Odoo's defaults.

Each test is one attack; a defect found and not fixed here is marked expectedFailure with what
is wrong, so that the suite stays green and the defect stays visible.
"""
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import USER
from .test_documents import XeroDocumentCase
from .test_sync_engine import XeroSyncCase


@tagged("post_install", "-at_install")
class TestRedTeamCompanies(XeroSyncCase):
    """A user working in two companies at once (both ticked in the company switcher, as
    Odoo lets them): the records of one company never reach the other's organisation."""

    def setUp(self):
        super().setUp()
        self.company_b = self.env["res.company"].create({"name": "Red Team B Co"})
        self.user = new_test_user(
            self.env, login="red_two_companies",
            groups=f"base.group_user,base.group_partner_manager,{USER}",
            company_id=self.company.id, company_ids=[self.company.id, self.company_b.id])
        # Both companies ticked, A the current one: Odoo shows B's records alongside A's.
        self.both = {"allowed_company_ids": [self.company.id, self.company_b.id]}

    def contact_names(self):
        return {c["Name"] for c in self.sb.records("Contacts")}

    def test_export_of_another_company_partner_is_not_sent(self):
        """A partner that belongs to company B, exported from the list while A is the
        current company: A's organisation must not receive it (B has no Xero account)."""
        partner_b = self.env["res.partner"].create({"name": "Only B Supplier",
                                                   "company_id": self.company_b.id})
        shared = self.env["res.partner"].create({"name": "Shared Red Partner"})
        records = (partner_b | shared).with_user(self.user).with_context(**self.both)
        before = self.writes()
        with self.assertRaises(UserError) as refusal:
            records.action_xero_export()
        self.assertIn("Only B Supplier belong to Red Team B Co", str(refusal.exception))
        self.assertIn("company switcher", str(refusal.exception))
        self.assertEqual(self.writes(), before)
        self.assertNotIn("Only B Supplier", self.contact_names())
        # The company's own (and shared) partners still go, selected on their own.
        shared.with_user(self.user).with_context(**self.both).action_xero_export()
        self.assertIn("Shared Red Partner", self.contact_names())
        self.assertFalse(self.env["xero.binding"].search([
            ("account_id", "=", self.account.id), ("res_model", "=", "res.partner"),
            ("res_id", "=", partner_b.id)]))

    def test_user_of_company_a_cannot_retry_company_b_entries(self):
        """A Xero User of company A only, given the id of an entry of company B's account
        (ids are guessable): Retry and Mark Resolved are refused, nothing is sent."""
        account_b = self.make_account(company=self.company_b, name="Xero B")
        self.connect_with_issued_token(account_b)
        partner_b = self.env["res.partner"].create({"name": "B Retry Partner",
                                                   "company_id": self.company_b.id})
        entry = self.env["xero.mismatch.log"]._log(
            account_b, "contacts", "export", record_name=partner_b.name,
            messages="Xero refused the contact.", res_model="res.partner", res_id=partner_b.id)
        only_a = new_test_user(self.env, login="red_only_a", groups=f"base.group_user,{USER}",
                               company_id=self.company.id, company_ids=[self.company.id])
        before = self.writes()
        for method in ("action_retry", "action_mark_resolved"):
            with self.subTest(method=method), self.assertRaises(AccessError), \
                    mute_logger("odoo.models"):
                getattr(entry.with_user(only_a), method)()
        self.assertEqual(self.writes(), before)
        self.assertEqual(entry.state, "open")


@tagged("post_install", "-at_install")
class TestRedTeamBillingUser(XeroDocumentCase):
    """A Xero User who keeps the invoices (Invoicing: Billing, no accounting rights, no
    contact creation): what Xero accepted is always recorded in Odoo; no AccessError after
    the write (a rerun would then send it again)."""

    def setUp(self):
        super().setUp()
        self.billing = new_test_user(
            self.env, login="red_billing",
            groups=f"base.group_user,account.group_account_invoice,{USER}")
        # A customer Xero does not know yet: the export sends it first (a dependency).
        self.customer = self.env["res.partner"].create({"name": "Red Billing Customer",
                                                       "email": "rb@example.com"})

    def as_billing(self, records):
        return records.with_user(self.billing)

    def invoices_in_xero(self):
        return [i for i in self.sb.records("Invoices")
                if i.get("Contact", {}).get("Name") == "Red Billing Customer"]

    def test_billing_user_exports_drafts_posted_and_payments(self):
        draft = self.move("out_invoice", self.customer, [self.line(100.0, tax=self.gst_sale)],
                          post=False)
        posted = self.move("out_invoice", self.customer, [self.line(250.0, tax=self.gst_sale)])
        payment = self.pay(posted, 50.0)
        for records in (draft, posted, payment):
            with self.subTest(record=records.display_name):
                self.as_billing(records).action_xero_export()
        self.assertEqual(len(self.invoices_in_xero()), 2)
        for move in draft | posted:
            self.assertEqual(move.xero_sync_state, "synced", move.display_name)
        self.assertEqual(payment.xero_sync_state, "synced")
        self.assertEqual(len([p for p in self.sb.records("Payments")
                              if p["Invoice"]["InvoiceID"] == self.xero_doc(posted)["InvoiceID"]]),
                         1)
        # The draft posted (its placeholder number replaced), the posted one edited:
        # exported again by the same user, still one Xero document each.
        self.as_billing(draft).action_post()
        self.as_billing(draft).action_xero_export()
        self.assertEqual(self.xero_doc(draft)["InvoiceNumber"], draft.name)
        self.assertEqual(len(self.invoices_in_xero()), 2)
        # Deleting a synced draft (a billing user may): it is deleted in Xero.
        second = self.move("out_invoice", self.customer, [self.line(10.0)], post=False)
        self.as_billing(second).action_xero_export()
        self.assertEqual(len(self.invoices_in_xero()), 3)
        self.as_billing(second).unlink()
        run = self.run_object("invoices", "export")
        statuses = sorted(i["Status"] for i in self.invoices_in_xero())
        self.assertEqual(statuses.count("DELETED"), 1, (statuses, run.message))
