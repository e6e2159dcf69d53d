# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""OAuth 2.0 authorization code flow through the real callback controller and the sandbox's
consent page (which auto-consents and redirects back with code and state)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CLIENT_SECRET, XeroTestMixin, start_sandbox

WATCHED = (
    "state",
    "tenant_id",
    "connection_id",
    "access_token",
    "refresh_token",
    "oauth_state_nonce",
    "write_date",
)


@tagged("post_install", "-at_install")
class TestOAuthFlow(XeroTestMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()

    def start_flow(self, account, user=None):
        """Click Connect as ``user`` and follow Xero's consent page: return the callback URL
        the sandbox redirects to."""
        user = user or self.manager
        action = account.with_user(user).action_connect()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(self.sb.url + "/identity/connect/authorize?"))
        self.env.flush_all()
        answer = requests.get(action["url"], allow_redirects=False, timeout=10)
        self.assertEqual(answer.status_code, 302)
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(self.base_url() + "/xero/oauth/callback?"), location)
        return location, parse_qs(urlsplit(action["url"]).query)

    def callback(self, url):
        with mute_logger("odoo.addons.sync_xero_connector.controllers.main"):
            response = self.url_open(url, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def snapshot(self, account):
        account.invalidate_recordset()
        return {name: account.sudo()[name] for name in WATCHED}

    def test_code_flow_connects(self):
        account = self.make_account()
        self.authenticate(self.manager.login, self.manager.login)
        url, params = self.start_flow(account)
        self.assertEqual(params["redirect_uri"], [self.base_url() + "/xero/oauth/callback"])
        self.assertIn("offline_access", params["scope"][0].split())
        self.assertNotIn("code_challenge", params)  # confidential app: no PKCE
        state = params["state"][0]
        self.assertTrue(state.startswith(f"{account.id}.{self.manager.id}."))

        response = self.callback(url)
        self.assertEqual(response.status_code, 303, response.text)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/odoo/action-sync_xero_connector.xero_account_action/{account.id}"
            )
        )
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.tenant_id, self.sb.tenant_id)
        self.assertEqual(account.tenant_name, self.sb.tenant_names()[self.sb.tenant_id])
        self.assertTrue(account.connection_id)
        sudo = account.sudo()
        self.assertTrue(sudo.access_token and sudo.refresh_token)
        self.assertGreater(sudo.token_expires_at, fields.Datetime.now() + timedelta(minutes=25))
        self.assertFalse(sudo.oauth_state_nonce)
        self.assertFalse(sudo.pkce_verifier)
        # connect, then the first-day check (test_onboarding.py): organisation, invoices, chart
        self.assertEqual(
            self.ops(),
            {
                "GET /identity/connect/authorize": 1,
                "POST /connect/token": 1,
                "GET /connections": 1,
                "GET /Organisation": 1,
                "GET /Invoices": 1,
                "GET /Accounts": 1,
            },
        )
        # The stored tokens work.
        org = account._xero_client().call("GET", "/Organisation").data["Organisations"][0]
        self.assertEqual(org["OrganisationID"], self.sb.tenant_id)
        # Every call is logged, and neither the code, the state, the tokens nor the client
        # secret appear in any column of the log.
        logs = self.env["xero.api.log"].search([("account_id", "=", account.id)], order="id")
        self.assertEqual([(log.method, log.status) for log in logs], [("POST", 200)] + [("GET", 200)] * 5)
        code = parse_qs(urlsplit(url).query)["code"][0]
        secrets = [code, state.split(".")[2], sudo.access_token, sudo.refresh_token, CLIENT_SECRET]
        for log in logs:
            for name, field in log._fields.items():
                if field.type in ("char", "text") and field.store:
                    for secret in secrets:
                        self.assertNotIn(secret, log[name] or "", f"leak in {name}")

        # Replaying the same answer is refused and changes nothing.
        before = self.snapshot(account)
        response = self.callback(url)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already used", response.text)
        self.assertEqual(self.snapshot(account), before)
        self.assertEqual(self.token_calls(), 1)

    def test_pkce_without_client_secret(self):
        account = self.make_account(client_secret=False)
        self.authenticate(self.manager.login, self.manager.login)
        url, params = self.start_flow(account)
        self.assertEqual(params["code_challenge_method"], ["S256"])
        self.assertTrue(account.sudo().pkce_verifier)
        response = self.callback(url)
        self.assertEqual(response.status_code, 303, response.text)
        self.assertEqual(account.state, "connected")
        self.assertFalse(account.sudo().pkce_verifier)

    def test_refused_states(self):
        account = self.make_account()
        self.authenticate(self.manager.login, self.manager.login)
        url, params = self.start_flow(account)
        state = params["state"][0]
        code = parse_qs(urlsplit(url).query)["code"][0]
        before = self.snapshot(account)
        callback = "/xero/oauth/callback?code=%s&state=%s"

        tampered = state[:-1] + ("0" if state[-1] != "0" else "1")
        response = self.callback(callback % (code, tampered))
        self.assertEqual(response.status_code, 400)
        self.assertIn("invalid signature", response.text)

        forged_nonce = state.split(".")
        forged_nonce[2] = "x" * len(forged_nonce[2])
        response = self.callback(callback % (code, ".".join(forged_nonce)))
        self.assertEqual(response.status_code, 400)

        response = self.callback(callback % (code, "garbage"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("malformed", response.text)

        # The state of another user (even a Xero Manager) is refused.
        self.authenticate(self.other_manager.login, self.other_manager.login)
        response = self.callback(callback % (code, state))
        self.assertEqual(response.status_code, 403)
        self.assertIn("another user", response.text)

        self.assertEqual(self.snapshot(account), before)
        self.assertEqual(self.token_calls(), 0)

        # Older than 15 minutes: refused too.
        account.sudo().oauth_state_at = fields.Datetime.now() - timedelta(minutes=16)
        self.env.flush_all()
        self.authenticate(self.manager.login, self.manager.login)
        response = self.callback(url)
        self.assertEqual(response.status_code, 400)
        self.assertIn("15 minutes", response.text)
        self.assertEqual(account.state, "draft")
        self.assertEqual(self.token_calls(), 0)

    def test_error_from_xero(self):
        account = self.make_account()
        self.authenticate(self.manager.login, self.manager.login)
        _url, params = self.start_flow(account)
        response = self.callback("/xero/oauth/callback?error=access_denied&state=" + params["state"][0])
        self.assertEqual(response.status_code, 400)
        self.assertIn("access_denied", response.text)
        self.assertEqual(account.state, "draft")
        self.assertFalse(account.sudo().oauth_state_nonce)  # single use
        self.assertEqual(self.token_calls(), 0)

    def test_callback_needs_login(self):
        self.make_account()
        response = self.url_open("/xero/oauth/callback?code=x&state=y", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestTenantSelection(XeroTestMixin, HttpCase):
    """Several organisations authorised at once: the user picks one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb2 = start_sandbox(cls)
        cls.second_tenant = cls.sb2.add_tenant("Second Org (Sandbox)")

    def test_select_tenant(self):
        account = self.make_account(sandbox=self.sb2)
        self.authenticate(self.manager.login, self.manager.login)
        action = account.with_user(self.manager).action_connect()
        self.env.flush_all()
        answer = requests.get(action["url"], allow_redirects=False, timeout=10)
        response = self.url_open(answer.headers["Location"], allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text)
        self.env.invalidate_all()
        self.assertEqual(account.state, "select_tenant")
        self.assertFalse(account.tenant_id)
        self.assertTrue(account.sudo().refresh_token)
        names = self.sb2.tenant_names()
        self.assertEqual(
            sorted(account.tenant_ids.mapped("tenant_id")),
            sorted(names),
        )
        with self.assertRaisesRegex(UserError, "Use this organisation"):
            account._xero_client()
        line = account.tenant_ids.filtered(lambda t: t.tenant_id == self.second_tenant)
        line.with_user(self.manager).action_use_tenant()
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.tenant_id, self.second_tenant)
        self.assertEqual(account.tenant_name, "Second Org (Sandbox)")
        self.assertEqual(account.connection_id, line.connection_id)
        self.assertTrue(line.is_selected)
        org = account._xero_client().call("GET", "/Organisation").data["Organisations"][0]
        self.assertEqual(org["OrganisationID"], self.second_tenant)
        self.assertEqual(org["Name"], "Second Org (Sandbox)")
