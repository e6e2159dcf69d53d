# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Changing the organisation of an account that has links: asked first, links per organisation.

One sandbox serves two organisations (A: the sandbox's default tenant, B: a second one); the
account reconnects through the real OAuth code flow (Xero's consent page grants both) or a
Custom Connection bound to B, as a user would.
"""

import json
from urllib.parse import parse_qs, urlsplit

import requests

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_sync_engine import XeroSyncCase

ALPHA_A = "a1a1a1a1-0000-4000-8000-000000000001"
BETA_A = "a1a1a1a1-0000-4000-8000-000000000002"
BETA_B = "b2b2b2b2-0000-4000-8000-000000000002"
GAMMA_B = "b2b2b2b2-0000-4000-8000-000000000003"


def _contact(contact_id, name):
    return {"ContactID": contact_id, "Name": name, "ContactStatus": "ACTIVE"}


@tagged("post_install", "-at_install")
class TestTenantSwitch(XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tenant_a = cls.sb.tenant_id
        cls.tenant_b = cls.sb.add_tenant("Second Org (Sandbox)")
        # Loaded once: every reset brings both organisations back to these contacts.
        cls.sb.load_seed(
            {"Contacts": [_contact(ALPHA_A, "Alpha Ltd"), _contact(BETA_A, "Beta Ltd")]}, cls.tenant_a
        )
        cls.sb.load_seed(
            {"Contacts": [_contact(BETA_B, "Beta Ltd"), _contact(GAMMA_B, "Gamma Ltd")]}, cls.tenant_b
        )

    def setUp(self):
        super().setUp()
        self.sent = []  # (tenant id, method, path, body) of every write the sandbox received

        def observe(exchange):
            headers = {k.lower(): v for k, v in exchange["headers"].items()}
            if exchange["method"] in ("PUT", "POST") and "/api.xro/" in exchange["path"]:
                body = exchange["body"].decode() if exchange["body"] else ""
                self.sent.append((headers.get("xero-tenant-id"), exchange["method"], exchange["path"], body))

        self.sb.observers.append(observe)
        self.addCleanup(self.sb.observers.remove, observe)
        # Organisation A's contacts are linked (two partners, two ContactIDs).
        self.run_object("contacts", "import")
        self.alpha = self.partner("Alpha Ltd")
        self.beta = self.partner("Beta Ltd")

    # ---------------------------------------------------------------- helpers
    def partner(self, name):
        partner = self.env["res.partner"].search([("name", "=", name)])
        self.assertEqual(len(partner), 1, name)
        return partner

    def contact_id(self, partner):
        """The partner's ContactID as the form shows it (in the current organisation)."""
        partner.invalidate_recordset(["xero_id"])
        return partner.xero_id

    def chatter(self):
        self.env.flush_all()
        return " ".join(self.account.message_ids.mapped("body"))

    def links(self, tenant_id=None, active=None):
        """Contact links of the account, of every organisation unless ``tenant_id``."""
        domain = [("account_id", "=", self.account.id), ("object_key", "=", "contacts")]
        if tenant_id:
            domain.append(("tenant_id", "=", tenant_id))
        if active is not None:
            domain.append(("active", "=", active))
        return self.env["xero.binding"]._xero_all_tenants().search(domain)

    def xero_id_of(self, partner, tenant_id):
        link = self.links(tenant_id).filtered(lambda b: b.res_id == partner.id)
        self.assertEqual(len(link), 1, (partner.name, tenant_id))
        return link.xero_id

    def reconnect_both(self):
        """Connect again through the code flow; Xero's consent page grants A and B."""
        action = self.account.action_connect()
        self.env.flush_all()
        answer = requests.get(action["url"], allow_redirects=False, timeout=10)
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        self.account._oauth_complete(code)
        self.assertEqual(self.account.state, "select_tenant")
        self.assertEqual(
            sorted(self.account.tenant_ids.mapped("tenant_id")), sorted([self.tenant_a, self.tenant_b])
        )

    def line(self, tenant_id):
        return self.account.tenant_ids.filtered(lambda t: t.tenant_id == tenant_id)

    def switch(self, tenant_id):
        """ "Use this organisation" as a Xero Manager, confirming the wizard it opens."""
        action = self.line(tenant_id).with_user(self.manager).action_use_tenant()
        self.assertEqual(action.get("res_model"), "xero.tenant.switch", action)
        wizard = self.env["xero.tenant.switch"].browse(action["res_id"])
        wizard.with_user(self.manager).action_confirm()
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.tenant_id, tenant_id)
        return wizard

    def contacts(self, tenant_id, name):
        return [c for c in self.sb.records("Contacts", tenant_id) if c["Name"] == name]

    # ------------------------------------------------------------------ tests
    def test_switch_asks_first_and_cancel_changes_nothing(self):
        settings = self.account._xero_settings("contacts")
        cursor = settings.import_cursor
        self.assertTrue(cursor)
        self.reconnect_both()
        # The organisation the links are for: bound at once, nothing reset.
        self.line(self.tenant_a).with_user(self.manager).action_use_tenant()
        self.assertEqual((self.account.state, self.account.tenant_id), ("connected", self.tenant_a))
        self.assertEqual(settings.import_cursor, cursor)
        self.assertEqual(len(self.bindings("contacts")), 2)

        action = self.line(self.tenant_b).with_user(self.manager).action_use_tenant()
        self.assertEqual(action["res_model"], "xero.tenant.switch")
        self.assertEqual(action["target"], "new")
        wizard = self.env["xero.tenant.switch"].browse(action["res_id"])
        self.assertEqual(wizard.link_count, 2)
        self.assertEqual(wizard.link_summary, "Contacts: 2")
        self.assertEqual(wizard.old_tenant_name, self.sb.tenant_names()[self.tenant_a])
        self.assertEqual(wizard.new_tenant_name, "Second Org (Sandbox)")
        # Cancel (the dialog is closed): nothing switched, nothing archived, nothing reset.
        self.env.invalidate_all()
        self.assertEqual((self.account.state, self.account.tenant_id), ("connected", self.tenant_a))
        self.assertEqual(self.links(active=True), self.links())
        self.assertEqual(settings.import_cursor, cursor)
        self.assertEqual(self.contact_id(self.alpha), ALPHA_A)

    def test_confirmed_switch_never_sends_the_old_organisation_ids(self):
        settings = self.account._xero_settings("contacts")
        refused = self.env["xero.mismatch.log"]._log(
            self.account,
            "contacts",
            "export",
            record_name="Alpha Ltd",
            res_model="res.partner",
            res_id=self.alpha.id,
            messages=["A validation error of organisation A"],
        )
        self.reconnect_both()
        self.switch(self.tenant_b)
        # A's links kept for A, archived; none in use for B; cursors start over.
        self.assertEqual(len(self.links(self.tenant_a, active=False)), 2)
        self.assertFalse(self.bindings("contacts"))
        self.assertEqual(self.account.binding_count, 0)
        self.assertFalse(self.contact_id(self.alpha))
        self.assertFalse(settings.import_cursor)
        self.assertFalse(settings.last_full_import_at)
        self.assertEqual(refused.state, "resolved")
        self.assertIn(
            "Organisation changed to Second Org (Sandbox). 2 links of the previous "
            "organisation are kept for it",
            self.chatter(),
        )

        # B's import matches by name, and does not reuse A's links.
        self.run_object("contacts", "import")
        self.assertEqual(self.xero_id_of(self.beta, self.tenant_b), BETA_B)
        self.assertEqual(self.xero_id_of(self.beta, self.tenant_a), BETA_A)
        self.assertEqual(self.contact_id(self.beta), BETA_B)
        self.assertEqual(self.contact_id(self.partner("Gamma Ltd")), GAMMA_B)

        # A changed partner linked in A only: created in B. Run as the command line does
        # (active_test=False in the environment): archived links must stay out of it.
        self.alpha.email = "alpha@example.com"
        run = self.account.with_context(active_test=False)._xero_run_object("contacts", "export")
        self.assertEqual(run.failed_count, 0, run.message)
        in_b = self.contacts(self.tenant_b, "Alpha Ltd")
        self.assertEqual(len(in_b), 1)
        self.assertNotEqual(in_b[0]["ContactID"], ALPHA_A)
        self.assertEqual(in_b[0]["EmailAddress"], "alpha@example.com")
        self.assertEqual(self.xero_id_of(self.alpha, self.tenant_b), in_b[0]["ContactID"])
        self.assertEqual(len(self.contacts(self.tenant_b, "Beta Ltd")), 1)
        to_b = [body for tenant, _m, _p, body in self.sent if tenant == self.tenant_b]
        self.assertTrue(to_b)
        for body in to_b:
            self.assertNotIn(ALPHA_A, body)
            self.assertNotIn(BETA_A, body)
        self.assertFalse([s for s in self.sent if s[0] == self.tenant_a])
        # A itself is untouched.
        in_a = self.contacts(self.tenant_a, "Alpha Ltd")
        self.assertEqual(len(in_a), 1)
        self.assertFalse(in_a[0].get("EmailAddress"))

    def test_switch_back_uses_the_old_links_again(self):
        self.reconnect_both()
        self.switch(self.tenant_b)
        self.alpha.email = "alpha@example.com"
        self.run_object("contacts", "export")
        alpha_b = self.xero_id_of(self.alpha, self.tenant_b)

        # Back to A: B's links are left behind in turn, so it asks again.
        self.switch(self.tenant_a)
        self.assertEqual(
            self.links(self.tenant_a, active=True).mapped("xero_id"),
            self.links(self.tenant_a).mapped("xero_id"),
        )
        self.assertEqual(len(self.links(self.tenant_a, active=True)), 2)
        self.assertFalse(self.links(self.tenant_b, active=True))
        self.assertEqual(self.contact_id(self.alpha), ALPHA_A)
        # The change made while on B reaches A, on A's own contact.
        self.sent.clear()
        self.alpha.phone = "+64 9 555 0101"
        self.run_object("contacts", "export")
        in_a = self.contacts(self.tenant_a, "Alpha Ltd")
        self.assertEqual(len(in_a), 1)
        self.assertEqual(in_a[0]["ContactID"], ALPHA_A)
        self.assertEqual(in_a[0]["EmailAddress"], "alpha@example.com")
        bodies = [
            json.loads(body)
            for tenant, _m, path, body in self.sent
            if tenant == self.tenant_a and path.endswith("/Contacts")
        ]
        sent_ids = [c.get("ContactID") for body in bodies for c in body["Contacts"]]
        self.assertIn(ALPHA_A, sent_ids)
        self.assertNotIn(alpha_b, sent_ids)
        self.assertFalse([s for s in self.sent if s[0] == self.tenant_b])
        self.assertEqual(self.xero_id_of(self.alpha, self.tenant_b), alpha_b)

    def test_reconnect_to_another_organisation_waits_for_confirmation(self):
        self.account.connection_type = "custom"
        self.addCleanup(setattr, self.sb, "custom_connection_tenant", self.sb.custom_connection_tenant)
        settings = self.account._xero_settings("contacts")
        cursor = settings.import_cursor
        # Same organisation: bound again at once (as before).
        self.sb.custom_connection_tenant = self.tenant_a
        self.account.action_connect()
        self.assertEqual((self.account.state, self.account.tenant_id), ("connected", self.tenant_a))
        self.assertEqual(settings.import_cursor, cursor)
        # Xero now binds organisation B: not silently.
        self.sb.custom_connection_tenant = self.tenant_b
        self.account.action_connect()
        self.assertEqual(self.account.state, "select_tenant")
        self.assertEqual(self.account.tenant_id, self.tenant_a)
        self.assertEqual(self.account.tenant_ids.mapped("tenant_id"), [self.tenant_b])
        self.assertIn("Nothing was switched", self.chatter())
        self.assertEqual(len(self.links(self.tenant_a, active=True)), 2)
        self.assertEqual(settings.import_cursor, cursor)
        with self.assertRaisesRegex(UserError, "Use this organisation"):
            self.account._xero_run_object("contacts", "export")
        self.assertFalse(self.sent)
        # Confirmed: now B, with no link in use.
        self.switch(self.tenant_b)
        self.assertFalse(self.bindings("contacts"))
        self.assertFalse(settings.import_cursor)
