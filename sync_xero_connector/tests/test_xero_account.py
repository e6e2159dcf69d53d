# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""xero.account against the real sandbox: connect, tokens, disconnect, logs, access rights.

The registry is in test mode here, so the account's separate cursors (token cursor, API log
cursor) are test cursors on the test transaction; tests with real concurrent cursors are in
test_token_concurrency.py.
"""

from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sync_xero_connector.xero import const
from odoo.addons.sync_xero_connector.xero.objects import SYNC_OBJECT_KEYS

from .common import CLIENT_SECRET, XeroTestMixin


@tagged("post_install", "-at_install")
class TestXeroAccount(XeroTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()

    def call_organisation(self, account):
        response = account._xero_client().call("GET", "/Organisation")
        return response.data["Organisations"][0]

    # ---------------------------------------------------------------- defaults
    def test_defaults_scopes_and_redirect_uri(self):
        account = self.env["xero.account"].create(
            {
                "name": "Defaults",
                "company_id": self.company.id,
                "client_id": "x",
            }
        )
        self.assertEqual(account.login_url, const.LOGIN_URL)
        self.assertEqual(account.identity_url, const.IDENTITY_URL)
        self.assertEqual(account.api_url, const.API_URL)
        self.assertEqual(account.state, "draft")
        self.assertEqual(account.user_id, self.env.user)
        self.assertEqual(account.api_log_retention_days, 30)
        base_url = self.env["ir.config_parameter"].get_param("web.base.url")
        self.assertEqual(account.redirect_uri, base_url.rstrip("/") + "/xero/oauth/callback")
        self.assertEqual(account.scopes.split(), const.BROAD_SCOPES.split())
        account.scope_preset = "granular"
        self.assertEqual(set(account.scopes.split()), set(const.GRANULAR_SCOPES.split()))
        account.write({"scope_preset": "custom", "scopes": "accounting.contacts openid"})
        self.assertEqual(account.scopes, "accounting.contacts openid offline_access")
        account.connection_type = "custom"
        self.assertNotIn("offline_access", account.scopes.split())
        self.assertNotIn("openid", account.scopes.split())
        self.assertIn("accounting.contacts", account.scopes.split())

    def test_one_account_per_company(self):
        self.make_account()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            self.make_account(name="Second")
        other = self.env["res.company"].create({"name": "Xero Other Co"})
        self.assertTrue(self.make_account(company=other, name="Other company"))

    # ------------------------------------------------------- custom connection
    def test_custom_connection_connect(self):
        account = self.make_account(connection_type="custom")
        account.with_user(self.manager).action_connect()
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.tenant_id, self.sb.tenant_id)
        self.assertEqual(account.tenant_name, self.sb.tenant_names()[self.sb.tenant_id])
        self.assertTrue(account.connection_id)
        self.assertTrue(account.access_token)
        self.assertFalse(account.refresh_token)
        self.assertGreater(account.token_expires_at, fields.Datetime.now() + timedelta(minutes=25))
        self.assertEqual(len(account.tenant_ids), 1)
        # connect, then the first-day check (test_onboarding.py): organisation, invoices, chart
        self.assertEqual(
            self.ops(),
            {
                "POST /connect/token": 1,
                "GET /connections": 1,
                "GET /Organisation": 1,
                "GET /Invoices": 1,
                "GET /Accounts": 1,
            },
        )
        org = self.call_organisation(account)
        self.assertEqual(org["OrganisationID"], self.sb.tenant_id)

    def test_custom_connection_renews_with_client_credentials(self):
        account = self.make_account(connection_type="custom")
        account._xero_connect_custom()
        first = account.access_token
        account.sudo().token_expires_at = fields.Datetime.now() + timedelta(seconds=30)
        self.env.flush_all()
        token = account._get_access_token()
        self.assertNotEqual(token, first)
        self.assertEqual(account.access_token, token)
        self.assertEqual(self.token_calls(), 2)
        self.assertEqual(self.call_organisation(account)["OrganisationID"], self.sb.tenant_id)
        self.assertEqual(self.token_calls(), 2)

    def test_custom_connection_needs_secret(self):
        account = self.make_account(connection_type="custom", client_secret=False)
        with self.assertRaisesRegex(UserError, "client secret"):
            account.action_connect()
        self.assertEqual(self.sb.stats()["total"], 0)

    def test_wrong_client_secret_is_a_user_error(self):
        account = self.make_account(connection_type="custom", client_secret="wrong-secret-xyz")
        with self.assertRaisesRegex(UserError, "Custom Connection"):
            account.action_connect()

    def test_plain_http_only_to_this_machine(self):
        """Custom endpoints may be http:// only for a sandbox on 127.0.0.1, ::1 or localhost:
        any other host is refused before a request leaves, with what to do."""
        account = self.make_account()
        for field_name in ("login_url", "identity_url", "api_url"):
            for connection_type in ("oauth", "custom"):
                account.write({**self.sandbox_vals(), "connection_type": connection_type})
                account.write({field_name: "http://xero.example.com"})
                with self.assertRaisesRegex(UserError, r"http://xero\.example\.com.*https://.*127\.0\.0\.1"):
                    account.with_user(self.manager).action_connect()
                self.assertEqual(account.state, "draft")
                self.assertFalse(account.sudo().oauth_state_nonce)
        self.assertEqual(self.sb.stats()["total"], 0)
        self.assertFalse(self.env["xero.api.log"].search([("account_id", "=", account.id)]))
        # The sandbox on localhost (not only 127.0.0.1) works over plain http.
        local = self.sb.url.replace("127.0.0.1", "localhost")
        account.write({"login_url": local, "identity_url": local, "api_url": local})
        account.with_user(self.manager).action_connect()
        self.assertEqual(account.state, "connected")

    # ------------------------------------------------------------------ tokens
    def test_valid_token_is_reused(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        self.assertEqual(account._get_access_token(), token["access_token"])
        self.call_organisation(account)
        self.assertEqual(self.token_calls(), 0)

    def test_expired_token_refreshed_before_call(self):
        """The sandbox clock passes the expiry: the call gets a 401, the client refreshes once
        (rotating the refresh token) and the call succeeds."""
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        self.sb.advance_clock(1801)
        org = self.call_organisation(account)
        self.assertEqual(org["OrganisationID"], self.sb.tenant_id)
        self.assertEqual(self.token_calls(), 1)
        self.assertEqual(self.ops().get("GET /Organisation"), 2)
        self.assertEqual(self.sb.stats()["by_status"].get("401"), 1)
        self.assertNotEqual(account.access_token, token["access_token"])
        self.assertNotEqual(account.refresh_token, token["refresh_token"])
        self.assertEqual(account.state, "connected")
        # Stored and committed (in the token cursor): a fresh read sees the new pair.
        account.invalidate_recordset()
        self.assertNotEqual(account.sudo().refresh_token, token["refresh_token"])
        self.call_organisation(account)
        self.assertEqual(self.token_calls(), 1)

    def test_token_near_expiry_refreshed_proactively(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account, expires_in=60)
        self.call_organisation(account)
        self.assertEqual(self.token_calls(), 1)
        self.assertNotIn("401", self.sb.stats()["by_status"])
        self.assertNotEqual(account.access_token, token["access_token"])
        self.assertGreater(account.token_expires_at, fields.Datetime.now() + timedelta(minutes=25))
        recently = fields.Datetime.now() - timedelta(minutes=1)
        self.assertGreaterEqual(account.refresh_token_at, recently)

    def test_refresh_button(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        action = account.with_user(self.manager).action_refresh_token()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.token_calls(), 1)
        self.assertNotEqual(account.access_token, token["access_token"])
        with self.assertRaises(AccessError):
            account.with_user(self.xero_user).action_refresh_token()
        self.assertEqual(self.token_calls(), 1)

    @mute_logger("odoo.addons.sync_xero_connector.models.xero_account")
    def test_invalid_grant_needs_reconnect(self):
        """The refresh token is spent elsewhere and its 30-minute grace is over."""
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        self.spend_refresh_token(token["refresh_token"])
        self.sb.advance_clock(1801)
        # Not assertRaises: its savepoint would roll back what the token cursor committed.
        try:
            account._get_access_token(force=True)
        except UserError as exc:
            message = exc.args[0]
        else:
            self.fail("invalid_grant must raise a UserError")
        self.assertIn("Connect", message)
        self.assertNotIn(token["refresh_token"], message)
        account.invalidate_recordset()
        self.assertEqual(account.state, "reconnect")
        self.assertFalse(account.sudo().access_token)
        self.assertFalse(account.sudo().refresh_token)
        activity = account.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_warning"))
        self.assertTrue(account.message_ids.filtered(lambda m: "invalid_grant" in (m.body or "")))
        # Any later use answers with the same clear error, without calling Xero.
        calls = self.sb.stats()["total"]
        with self.assertRaisesRegex(UserError, "reconnect"):
            account._xero_client()
        with self.assertRaisesRegex(UserError, "reconnected"):
            account._get_access_token()
        self.assertEqual(self.sb.stats()["total"], calls)

    def test_keep_alive_cron(self):
        old = self.make_account(name="Old")
        old_token = self.connect_with_issued_token(old)
        recent_company = self.env["res.company"].create({"name": "Xero Recent Co"})
        recent = self.make_account(name="Recent", company=recent_company)
        recent_token = self.connect_with_issued_token(recent)
        custom_company = self.env["res.company"].create({"name": "Xero Custom Co"})
        custom = self.make_account(name="Custom", company=custom_company, connection_type="custom")
        custom.sudo().write(
            {
                "state": "connected",
                "access_token": "custom-token",
                "token_expires_at": fields.Datetime.now() + timedelta(minutes=20),
            }
        )
        old.sudo().refresh_token_at = fields.Datetime.now() - timedelta(days=21)
        recent.sudo().refresh_token_at = fields.Datetime.now() - timedelta(days=19)
        self.env.flush_all()
        # The cron commits per account: run it on a (test) cursor of its own, as the scheduler.
        with self.registry.cursor() as cr:
            done = api.Environment(cr, self.env.uid, {})["xero.account"]._cron_keep_alive()
        self.assertEqual(done, 1)
        self.assertEqual(self.token_calls(), 1)
        self.env.invalidate_all()
        self.assertNotEqual(old.sudo().refresh_token, old_token["refresh_token"])
        recently = fields.Datetime.now() - timedelta(minutes=1)
        self.assertGreater(old.sudo().refresh_token_at, recently)
        self.assertEqual(recent.sudo().refresh_token, recent_token["refresh_token"])
        self.assertEqual(custom.sudo().access_token, "custom-token")

    # -------------------------------------------------------------- disconnect
    def test_disconnect(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        self.env["xero.account.tenant"].create(
            {
                "account_id": account.id,
                "tenant_id": account.tenant_id,
                "tenant_name": account.tenant_name,
                "connection_id": account.connection_id,
            }
        )
        account.with_user(self.manager).action_disconnect()
        ops = self.ops()
        self.assertEqual(ops.get("DELETE /connections"), 1)
        self.assertEqual(ops.get("POST /connect/revocation"), 1)
        account.invalidate_recordset()
        self.assertEqual(account.state, "disconnected")
        for name in ("access_token", "refresh_token", "token_expires_at", "tenant_id", "connection_id"):
            self.assertFalse(account.sudo()[name], name)
        self.assertFalse(account.tenant_ids)
        # The grant is revoked in Xero: the old tokens are dead.
        response = requests.get(
            self.sb.url + "/connections",
            headers={"Authorization": "Bearer " + token["access_token"]},
            timeout=10,
        )
        self.assertEqual(response.status_code, 401)

    def test_disconnect_already_removed_in_xero(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account)
        requests.delete(
            f"{self.sb.url}/connections/{account.connection_id}",
            headers={"Authorization": "Bearer " + token["access_token"]},
            timeout=10,
        ).raise_for_status()
        account.action_disconnect()
        account.invalidate_recordset()
        self.assertEqual(account.state, "disconnected")
        self.assertIn("already removed", account.message_ids[0].body)

    def test_xero_client_requires_connection(self):
        account = self.make_account()
        with self.assertRaisesRegex(UserError, "Connect"):
            account._xero_client()

    # --------------------------------------------------------------- API logs
    def test_api_log_rows_are_redacted(self):
        account = self.make_account(connection_type="custom")
        account._xero_connect_custom()
        access_token = account.access_token
        self.call_organisation(account)
        logs = self.env["xero.api.log"].search([("account_id", "=", account.id)], order="id")
        self.assertEqual(
            [(log.method, log.url.replace(self.sb.url, "").split("?")[0], log.status) for log in logs],
            [
                ("POST", "/connect/token", 200),
                ("GET", "/connections", 200),
                # the first-day check at connect (test_onboarding.py)
                ("GET", "/api.xro/2.0/Organisation", 200),
                ("GET", "/api.xro/2.0/Invoices", 200),
                ("GET", "/api.xro/2.0/Accounts", 200),
                ("GET", "/api.xro/2.0/Organisation", 200),
            ],
        )
        self.assertEqual(logs.company_id, self.company)
        self.assertTrue(logs[2].response_body and "Organisations" in logs[2].response_body)
        self.assertEqual(logs[2].tenant_id, self.sb.tenant_id)
        self.assertGreater(logs[2].min_remaining, 0)
        self.assertGreater(logs[2].day_remaining, 0)
        self.assert_no_secret_in_logs(logs, [access_token, CLIENT_SECRET])

    def test_api_log_of_oauth_refresh_is_redacted(self):
        account = self.make_account()
        token = self.connect_with_issued_token(account, expires_in=60)
        self.call_organisation(account)
        new_access, new_refresh = account.access_token, account.refresh_token
        logs = self.env["xero.api.log"].search([("account_id", "=", account.id)])
        self.assertEqual(len(logs), 2)
        self.assert_no_secret_in_logs(
            logs,
            [
                token["access_token"],
                token["refresh_token"],
                new_access,
                new_refresh,
                CLIENT_SECRET,
            ],
        )

    def assert_no_secret_in_logs(self, logs, secrets):
        self.assertTrue(logs)
        names = [
            name for name, field in logs._fields.items() if field.type in ("char", "text") and field.store
        ]
        for log in logs:
            for name in names:
                value = log[name] or ""
                for secret in secrets:
                    self.assertNotIn(secret, value, f"a secret leaked in xero.api.log.{name}")

    def test_api_log_autovacuum(self):
        account = self.make_account(api_log_retention_days=10)
        Log = self.env["xero.api.log"]
        logs = Log.create(
            [
                {"account_id": account.id, "method": "GET", "url": "/old", "status": 200},
                {"account_id": account.id, "method": "GET", "url": "/recent", "status": 200},
                {"account_id": False, "method": "GET", "url": "/orphan-old", "status": 0},
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE xero_api_log SET create_date = %s WHERE id IN %s",
            [fields.Datetime.now() - timedelta(days=40), (logs[0].id, logs[2].id)],
        )
        self.env.cr.execute(
            "UPDATE xero_api_log SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=5), logs[1].id],
        )
        Log._gc_xero_api_logs()
        self.assertEqual(logs.exists(), logs[1])

    # ---------------------------------------------------------- access rights
    def test_secrets_readable_only_by_system(self):
        account = self.make_account()
        self.connect_with_issued_token(account)
        as_manager = account.with_user(self.manager)
        self.assertEqual(as_manager.tenant_id, self.sb.tenant_id)
        for name in ("client_secret", "access_token", "refresh_token", "oauth_state_nonce", "pkce_verifier"):
            as_manager.invalidate_recordset()
            with self.assertRaises(AccessError, msg=name):
                as_manager.read([name])
        self.assertNotIn("access_token", as_manager.fields_get())
        admin = self.env.ref("base.user_admin")
        self.assertTrue(account.with_user(admin).read(["client_secret", "access_token"]))

    def test_form_views_per_group(self):
        secrets = ("client_secret", "token_expires_at", "refresh_token_at")
        for user, sees_secrets in (
            (self.manager, False),
            (self.xero_user, False),
            (self.env.ref("base.user_admin"), True),
        ):
            views = self.env["xero.account"].with_user(user).get_views([(False, "form"), (False, "list")])
            arch = views["views"]["form"]["arch"]
            self.assertIn('name="tenant_name"', arch)
            for name in secrets:
                self.assertEqual(f'name="{name}"' in arch, sees_secrets, (user.login, name))
            self.assertEqual('name="action_connect"' in arch, user != self.xero_user)
            self.assertNotIn('name="access_token"', arch)  # never shown, even to admins
        logs = (
            self.env["xero.api.log"]
            .with_user(self.manager)
            .get_views([(False, "list"), (False, "form"), (False, "search")])
        )
        self.assertIn('name="errors"', logs["views"]["search"]["arch"])

    def test_api_logs_hidden_from_xero_users(self):
        account = self.make_account(connection_type="custom")
        account._xero_connect_custom()
        self.assertTrue(self.env["xero.api.log"].with_user(self.manager).search([]))
        with self.assertRaises(AccessError):
            self.env["xero.api.log"].with_user(self.xero_user).search([])
        self.assertEqual(account.with_user(self.xero_user).state, "connected")
        self.assertEqual(account.with_user(self.xero_user).api_log_count, 0)
        with self.assertRaises(AccessError):
            account.with_user(self.xero_user).action_connect()
        with self.assertRaises(AccessError):
            account.with_user(self.xero_user).write({"name": "Renamed"})

    def test_multi_company_rule(self):
        other = self.env["res.company"].create({"name": "Xero Hidden Co"})
        hidden = self.make_account(company=other, name="Hidden")
        visible = self.make_account(name="Visible")
        found = self.env["xero.account"].with_user(self.manager).search([])
        self.assertIn(visible, found)
        self.assertNotIn(hidden, found)

    # -------------------------------------------------------------- neutralize
    def test_neutralize(self):
        account = self.make_account()
        self.connect_with_issued_token(account)
        for query in get_neutralization_queries(["sync_xero_connector"]):
            self.env.cr.execute(query)
        account.invalidate_recordset()
        self.assertEqual(account.state, "disconnected")
        for name in ("client_secret", "access_token", "refresh_token", "token_expires_at"):
            self.assertFalse(account.sudo()[name], name)

    # ------------------------------------------------------------ sync hook
    def test_sync_objects_registry(self):
        Account = self.env["xero.account"]
        implemented = Account._xero_sync_settings()
        # The inventory object comes with its own module (sync_xero_connector_stock).
        bridge = ["inventory"] if "xero.object.inventory" in self.env else []
        self.assertEqual(
            sorted(implemented),
            sorted(
                bridge
                + [
                    "currencies",
                    "taxes",
                    "accounts",
                    "bank_accounts",
                    "contact_groups",
                    "contacts",
                    "items",
                    "tracking_categories",
                    "invoices",
                    "bills",
                    "credit_notes",
                    "payments",
                    "manual_journals",
                    "quotes",
                    "purchase_orders",
                    "attachments",
                ]
            ),
        )
        self.assertIn("contacts", SYNC_OBJECT_KEYS)
        with self.assertRaisesRegex(UserError, "not supported yet"):
            Account._xero_resolve_objects(["attachments"], "import")
        with self.assertRaisesRegex(UserError, "Unknown Xero object"):
            Account._xero_resolve_objects(["nope"], "import")
        # Dependency order: what others need comes first.
        self.assertEqual(
            Account._xero_resolve_objects(["all"], "export"),
            [
                "currencies",
                "taxes",
                "accounts",
                "bank_accounts",
                "contact_groups",
                "contacts",
                "items",
                "tracking_categories",
                "invoices",
                "bills",
                "credit_notes",
                "payments",
                "manual_journals",
                "quotes",
                "purchase_orders",
                "attachments",
            ]
            + bridge,
        )
        if not bridge:
            # Without its module, the inventory object says which module it needs.
            with self.assertRaisesRegex(UserError, "needs the module sync_xero_connector_stock"):
                Account._xero_resolve_objects(["inventory"], "export")
        # Every account has the settings of every object, off until the user enables them.
        account = self.make_account()
        self.assertEqual(sorted(account.sync_setting_ids.mapped("object_key")), sorted(implemented))
        self.assertFalse(any(account.sync_setting_ids.mapped("enabled")))
