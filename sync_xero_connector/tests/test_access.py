# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may make the connector talk to Xero, attacked over real JSON-RPC as a user would.

Xero User runs syncs, Xero Manager configures the connection, and only a system administrator
chooses the servers the connector sends its client secret and tokens to.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.sync_xero_connector.xero import const

from .common import USER, XeroTestMixin
from .test_documents import MASTER_KEYS, master_seed

URL_FIELDS = ("login_url", "identity_url", "api_url")
ACCESS_ERROR = "odoo.exceptions.AccessError"
XERO_HOSTS = {urlsplit(url).hostname for url in (const.LOGIN_URL, const.IDENTITY_URL, const.API_URL)}


class Listener:
    """An HTTP server on 127.0.0.1 standing for the attacker's: it records every request."""

    def __init__(self):
        self.requests = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                listener.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": self.rfile.read(length).decode(),
                    }
                )
                body = b'{"error": "invalid_client"}'
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True, name="xero-test-listener"
        )
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("post_install", "-at_install")
class TestAccess(XeroTestMixin, HttpCase):
    xero_requests = []  # (method, URL) of the requests meant for Xero's real servers

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        env = cls.env
        cls.plain_user = new_test_user(env, login="xero_plain", groups="base.group_user")
        cls.invoicing_user = new_test_user(
            env, login="xero_invoicing", groups="base.group_user,account.group_account_invoice"
        )
        # A Xero User who keeps the books: Import All creates partners, products, accounts
        # and taxes with the caller's own Odoo rights (without Products/Create, the items
        # would be refused one by one as mismatch entries).
        cls.accountant = new_test_user(
            env,
            login="xero_accountant",
            groups=f"base.group_user,base.group_partner_manager,account.group_account_manager,"
            f"product.group_product_manager,{USER}",
        )
        # Accounts on Xero's own servers, in a company of their own (one account a company).
        cls.company_b = env["res.company"].create({"name": "Access Production Co"})
        cls.manager.write({"company_ids": [Command.link(cls.company_b.id)]})
        cls.listener = Listener()
        cls.addClassCleanup(cls.listener.stop)

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Xero's real servers are out of reach in tests, and the sandbox cannot stand in
        for them here (the point is which host is called): note the request and answer as
        Xero does to an unknown app, at once."""
        if urlsplit(r.url).hostname in XERO_HOSTS:
            cls.xero_requests.append((r.method, r.url.split("?")[0]))
            response = requests.Response()
            response.status_code = 400 if r.url.startswith(const.IDENTITY_URL) else 403
            response._content = b'{"error": "invalid_client"}'
            response.headers["Content-Type"] = "application/json"
            response.url, response.request = r.url, r
            return response
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.listener.requests.clear()
        type(self).xero_requests = []
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        self.partner = self.env["res.partner"].create({"name": "Access Test Partner"})
        self.calls_before = self.sb.stats()["by_operation"]

    # ---------------------------------------------------------------- helpers
    def rpc(self, user, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` through /web/dataset/call_kw as ``user``; the
        decoded JSON-RPC answer."""
        self.authenticate(user.login, user.login)
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw",
                timeout=120,
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
                },
            )
        response.raise_for_status()
        self.env.invalidate_all()
        return response.json()

    def refused(self, user, model, method, *args, **kwargs):
        answer = self.rpc(user, model, method, *args, **kwargs)
        self.assertIn("error", answer, f"{user.login} ran {model}.{method}: {answer}")
        self.assertEqual(answer["error"]["data"]["name"], ACCESS_ERROR, answer)
        return answer["error"]["data"]["message"]

    def allowed(self, user, model, method, *args, **kwargs):
        answer = self.rpc(user, model, method, *args, **kwargs)
        self.assertNotIn("error", answer, f"{user.login} could not run {model}.{method}")
        return answer["result"]

    def new_calls(self):
        """API calls the sandbox received since setUp, by operation."""
        after = self.sb.stats()["by_operation"]
        return {
            op: n - self.calls_before.get(op, 0)
            for op, n in after.items()
            if n != self.calls_before.get(op, 0)
        }

    def contacts_in_xero(self):
        return sorted(c["Name"] for c in self.sb.records("Contacts"))

    def xero_hosted_account(self, **vals):
        """An account as a Xero Manager makes it: Xero's own servers, not connected."""
        account = self.env["xero.account"].create(
            dict(
                {
                    "name": "Xero production",
                    "company_id": self.company_b.id,
                    "client_id": "prod-client",
                    "client_secret": "prod-secret-0123456789",
                    "user_id": self.manager.id,
                },
                **vals,
            )
        )
        self.env.flush_all()
        return account

    def store_urls_in_database(self, account, url):
        """Simulate a database where a Xero Manager stored the URLs before this fix: written
        below the ORM, since the ORM now refuses such values on an account using Xero's
        servers."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE xero_account SET login_url = %s, identity_url = %s, api_url = %s WHERE id = %s",
            [url, url, url, account.id],
        )
        self.env.invalidate_all()

    def bill(self):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.partner.id,
                "invoice_date": "2026-03-10",
                "invoice_line_ids": [
                    Command.create({"name": "Paper", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
        bill.action_post()
        return bill

    def payment(self):
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.partner.id,
                "amount": 10.0,
                "journal_id": journal.id,
            }
        )
        payment.action_post()
        return payment

    # ------------------------------------------------ a plain internal user
    def test_internal_user_cannot_reach_xero(self):
        """The issue's case 6: every entry point refuses an Internal User without Xero
        rights; the sandbox receives no call and Xero is unchanged."""
        product = self.env["product.product"].create({"name": "Access Widget", "default_code": "AW-1"})
        mismatch = self.env["xero.mismatch.log"]._log(
            self.account,
            "contacts",
            "export",
            record_name=self.partner.name,
            messages="Xero refused the contact.",
            res_model="res.partner",
            res_id=self.partner.id,
        )
        contacts = self.contacts_in_xero()
        user = self.plain_user
        attempts = [
            ("res.partner", "action_xero_export", [self.partner.id]),
            ("product.template", "action_xero_export", [product.product_tmpl_id.id]),
            ("product.product", "action_xero_export", [product.id]),
            ("account.move", "action_xero_export", [self.bill().id]),
            ("account.payment", "action_xero_export", [self.payment().id]),
            ("xero.account", "action_import_all", [self.account.id]),
            ("xero.account", "action_export_all", [self.account.id]),
            ("xero.mismatch.log", "action_retry", [mismatch.id]),
        ]
        for model, method, ids in attempts:
            with self.subTest(model=model, method=method):
                message = self.refused(user, model, method, ids)
                if model in ("res.partner", "product.template", "product.product"):
                    # Records the user may read: the connector's own refusal, not an ACL's.
                    self.assertIn("Xero: User", message)
                    self.assertIn("Settings > Users", message)
        self.assertEqual(self.new_calls(), {})
        self.assertEqual(self.contacts_in_xero(), contacts)
        self.assertFalse(self.env["xero.sync.run"].search([("account_id", "=", self.account.id)]))
        self.assertEqual(mismatch.state, "open")

    def test_invoicing_user_cannot_export_bills(self):
        """An invoicing user without Xero rights can read and post bills, not send them."""
        bill = self.bill()
        message = self.refused(self.invoicing_user, "account.move", "action_xero_export", [bill.id])
        self.assertIn("Xero: User", message)
        self.assertEqual(self.new_calls(), {})
        self.assertFalse(
            self.env["xero.binding"].search(
                [("account_id", "=", self.account.id), ("res_model", "=", "account.move")]
            )
        )

    # ------------------------------------------------------- a Xero User
    def test_xero_user_runs_syncs_but_does_not_configure(self):
        """A Xero User runs Export to Xero, Retry and Import All end to end (their internals
        write bindings, runs and mismatch entries), and cannot configure the connection."""
        self.sb.load_seed(master_seed())
        user = self.accountant
        result = self.allowed(user, "res.partner", "action_xero_export", [self.partner.id])
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertIn("Access Test Partner", self.contacts_in_xero())
        self.assertEqual(
            self.new_calls().get("PUT /Contacts", 0) + self.new_calls().get("POST /Contacts", 0), 1
        )
        binding = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "contacts"),
                ("res_id", "=", self.partner.id),
            ]
        )
        self.assertEqual(binding.state, "synced")
        runs = self.env["xero.sync.run"].search([("account_id", "=", self.account.id)])
        self.assertTrue(runs)
        self.assertEqual(runs.create_uid, user)

        # Retry of a mismatch entry: sent again, entry closed.
        other = self.env["res.partner"].create({"name": "Access Retry Partner"})
        mismatch = self.env["xero.mismatch.log"]._log(
            self.account,
            "contacts",
            "export",
            record_name=other.name,
            messages="Xero refused the contact.",
            res_model="res.partner",
            res_id=other.id,
        )
        self.allowed(user, "xero.mismatch.log", "action_retry", [mismatch.id])
        self.assertIn("Access Retry Partner", self.contacts_in_xero())
        self.assertEqual(mismatch.state, "resolved")

        # Import All: the master data of the organisation arrives, created by the user.
        self.account.sync_setting_ids.write({"enabled": True})
        self.allowed(user, "xero.account", "action_import_all", [self.account.id])
        self.process_background(self.account)
        runs = self.env["xero.sync.run"].search(
            [
                ("account_id", "=", self.account.id),
                ("direction", "=", "import"),
                ("object_key", "in", MASTER_KEYS),
            ]
        )
        self.assertEqual(sorted(runs.mapped("object_key")), sorted(MASTER_KEYS))
        for run in runs:
            problems = (
                self.env["xero.mismatch.log"]
                .search(
                    [
                        ("account_id", "=", self.account.id),
                        ("object_key", "=", run.object_key),
                        ("state", "=", "open"),
                    ],
                    limit=3,
                )
                .mapped("messages")
            )
            self.assertEqual(
                (run.state, run._counts()["failed"]), ("done", 0), (run.object_key, run.message, problems)
            )
        contacts = self.env["xero.binding"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", "contacts")]
        )
        self.assertEqual(len(contacts), len(self.sb.records("Contacts")))
        imported = self.env["res.partner"].browse(contacts.mapped("res_id")) - self.partner - other
        self.assertEqual(set(imported.mapped("create_uid")), {user})

        # ... but configuring is a Xero Manager's.
        for method in ("action_connect", "action_disconnect", "action_refresh_token"):
            with self.subTest(method=method):
                self.assertIn("Xero: Manager", self.refused(user, "xero.account", method, [self.account.id]))
        for name in URL_FIELDS:
            with self.subTest(field=name):
                self.refused(
                    self.xero_user, "xero.account", "write", [self.account.id], {name: self.listener.url}
                )
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.sudo().api_url, self.sb.url)
        self.assertEqual(self.listener.requests, [])

    # ------------------------------------ a Xero Manager who is no administrator
    def test_manager_cannot_change_endpoints(self):
        """The issue's case 7, first half: the URLs (and the mode that allows other ones)
        are a system administrator's."""
        account = self.xero_hosted_account()
        for vals in (
            {"login_url": self.listener.url},
            {"identity_url": self.listener.url},
            {"api_url": self.listener.url},
        ):
            with self.subTest(vals=vals):
                self.refused(self.manager, "xero.account", "write", [account.id], vals)
        self.refused(
            self.manager,
            "xero.account",
            "write",
            [account.id],
            {"endpoint_mode": "custom", "identity_url": self.listener.url},
        )
        # Nor through a new account of another company (which they may create).
        other = self.env["res.company"].create({"name": "Access Other Co"})
        self.manager.write({"company_ids": [Command.link(other.id)]})
        vals = {"name": "Mine", "company_id": other.id, "client_id": "x"}
        context = {"allowed_company_ids": [other.id]}
        self.refused(
            self.manager,
            "xero.account",
            "create",
            [dict(vals, identity_url=self.listener.url)],
            context=context,
        )
        self.allowed(self.manager, "xero.account", "create", [vals], context=context)
        account.invalidate_recordset()
        self.assertEqual(
            [account.sudo()[name] for name in URL_FIELDS],
            [const.LOGIN_URL, const.IDENTITY_URL, const.API_URL],
        )
        # The fields are not even shown to the manager.
        arch = self.allowed(self.manager, "xero.account", "get_views", [[False, "form"]])["views"]["form"][
            "arch"
        ]
        for name in URL_FIELDS + ("endpoint_mode",):
            self.assertNotIn(f'name="{name}"', arch)
        # A system administrator can set a test server up.
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.company_b.id)]})
        self.allowed(
            admin,
            "xero.account",
            "write",
            [account.id],
            {"endpoint_mode": "custom", "identity_url": self.sb.url},
            context={"allowed_company_ids": [self.company_b.id]},
        )
        self.assertEqual(account._xero_endpoints()["identity_url"], self.sb.url)
        # Back to Xero: back to Xero's URLs.
        account.with_user(admin).endpoint_mode = "xero"
        self.assertEqual(
            account._xero_endpoints(),
            {"login_url": const.LOGIN_URL, "identity_url": const.IDENTITY_URL, "api_url": const.API_URL},
        )
        self.assertEqual(account.sudo().identity_url, const.IDENTITY_URL)

    def test_stored_urls_receive_no_credentials(self):
        """The issue's case 7, second half: even with the listener's URL stored (a database
        from before this fix), Connect, Refresh Token and an export send the client secret
        and tokens only to Xero's servers, never to the listener."""
        # Custom Connection: Connect posts client id and secret (client credentials).
        custom = self.xero_hosted_account(connection_type="custom")
        self.store_urls_in_database(custom, self.listener.url)
        answer = self.rpc(self.manager, "xero.account", "action_connect", [custom.id])
        self.assertIn("error", answer)
        self.assertEqual(self.listener.requests, [])
        self.assertEqual(self.xero_requests, [("POST", const.IDENTITY_URL + const.TOKEN_PATH)])
        self.assertNotEqual(custom.state, "connected")

        # OAuth: Connect sends the browser to Xero's login page, not to the stored URL.
        custom.unlink()
        oauth = self.xero_hosted_account()
        self.store_urls_in_database(oauth, self.listener.url)
        action = self.allowed(self.manager, "xero.account", "action_connect", [oauth.id])
        self.assertTrue(action["url"].startswith(const.LOGIN_URL + const.AUTHORIZE_PATH + "?"), action["url"])

        # A connected account: Refresh Token posts the refresh token and the client secret,
        # an export the access token.
        oauth.unlink()
        self.account.sudo().endpoint_mode = "xero"
        self.store_urls_in_database(self.account, self.listener.url)
        self.xero_requests.clear()
        self.rpc(self.manager, "xero.account", "action_refresh_token", [self.account.id])
        self.rpc(self.manager, "res.partner", "action_xero_export", [self.partner.id])
        self.assertEqual(self.listener.requests, [])
        hosts = {urlsplit(url).netloc for _method, url in self.xero_requests}
        self.assertEqual(
            hosts, {urlsplit(const.IDENTITY_URL).netloc, urlsplit(const.API_URL).netloc}, self.xero_requests
        )

    def test_manager_reads_no_secret(self):
        """Client secret and tokens stay out of every read a Xero Manager can make."""
        account = self.account
        secret_values = [account.sudo()[name] for name in ("client_secret", "access_token", "refresh_token")]
        self.assertTrue(all(secret_values))
        manager = self.manager
        for name in ("client_secret", "access_token", "refresh_token"):
            with self.subTest(field=name):
                self.refused(manager, "xero.account", "read", [account.id], [name])
                self.refused(manager, "xero.account", "search_read", [("id", "=", account.id)], [name])
                self.refused(manager, "xero.account", "web_read", [account.id], {name: {}})
                self.refused(
                    manager, "xero.account", "search_count", [(name, "=like", secret_values[0][:1] + "%")]
                )
        fields = self.allowed(manager, "xero.account", "fields_get", [])
        for name in (
            "client_secret",
            "access_token",
            "refresh_token",
            "oauth_state_nonce",
            "pkce_verifier",
        ) + URL_FIELDS:
            self.assertNotIn(name, fields)
        everything = self.allowed(
            manager,
            "xero.account",
            "web_read",
            [account.id],
            {
                name: {}
                for name in fields
                if fields[name]["type"] not in ("one2many", "many2many", "many2one", "binary")
            },
        )
        self.assertFalse([v for v in secret_values if v in repr(everything)])
