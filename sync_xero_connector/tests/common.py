# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Fixtures shared by the Odoo tests: a real in-process Xero sandbox and Xero users.

No mock of the database, the ORM or HTTP: the account talks to the sandbox on 127.0.0.1.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import requests

from odoo import fields
from odoo.tests import new_test_user
from odoo.tests.common import HOST, _super_send

from odoo.addons.sync_xero_connector.xero_sandbox import Sandbox

CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-secret-0123456789"
TOKEN_OP = "POST /connect/token"
MANAGER = "sync_xero_connector.group_xero_manager"
USER = "sync_xero_connector.group_xero_user"


def start_sandbox(case_cls, **kwargs):
    """A started sandbox, stopped when the test class is done."""
    # Xero's 60 calls a minute would make the transport pace these tests; pacing itself is
    # tested in tier 1 (tests/client).
    params = dict(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_ttl=1800,
        refresh_grace=1800,
        minute_limit=100000,
    )
    params.update(kwargs)
    sandbox = Sandbox(**params).start()
    case_cls.addClassCleanup(sandbox.stop)
    return sandbox


class XeroTestMixin:
    """Use in a TransactionCase/HttpCase; call ``setup_xero()`` from setUpClass."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Odoo's test guard on outgoing requests compares ``timeout < 10`` and so breaks on
        the (connect, read) timeout tuple the transport sends. Same policy (only the local
        sandbox is reachable), without that comparison."""
        if urlsplit(r.url).hostname in (HOST, "localhost") and isinstance(kw.get("timeout"), tuple):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setup_xero(cls):
        cls.sb = start_sandbox(cls)
        env = cls.env
        cls.manager = new_test_user(env, login="xero_manager", groups=f"base.group_user,{MANAGER}")
        cls.xero_user = new_test_user(env, login="xero_user", groups=f"base.group_user,{USER}")
        cls.other_manager = new_test_user(env, login="xero_manager2", groups=f"base.group_user,{MANAGER}")
        cls.company = env.company

    def setUp(self):
        super().setUp()
        self.sb.reset()

    # ------------------------------------------------------------------ helpers
    def sandbox_vals(self, sandbox=None):
        """The account talks to the sandbox instead of Xero. That is the one condition the
        tests set by hand, the way a system administrator does it (Endpoints: Custom, only
        writable by base.group_system; the command line does the same with --api-url...):
        an account of a real database talks to Xero's own servers only."""
        sandbox = sandbox or self.sb
        return {
            "endpoint_mode": "custom",
            "login_url": sandbox.url,
            "identity_url": sandbox.url,
            "api_url": sandbox.url,
        }

    def make_account(self, sandbox=None, company=None, **vals):
        values = {
            "name": "Xero test",
            "company_id": (company or self.company).id,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "user_id": self.manager.id,
        }
        values.update(self.sandbox_vals(sandbox))
        values.update(vals)
        account = self.env["xero.account"].create(values)
        self.env.flush_all()
        return account

    def connect_with_issued_token(self, account, expires_in=None):
        """Bind ``account`` to the sandbox's default tenant with a freshly issued OAuth token
        pair (as if the code flow had run)."""
        token = self.sb.issue_token([self.sb.tenant_id])
        response = requests.get(
            self.sb.url + "/connections",
            headers={"Authorization": "Bearer " + token["access_token"]},
            timeout=10,
        )
        response.raise_for_status()
        connection = response.json()[0]
        now = fields.Datetime.now()
        account.sudo().write(
            {
                "state": "connected",
                "tenant_id": connection["tenantId"],
                "tenant_name": connection["tenantName"],
                "connection_id": connection["id"],
                "access_token": token["access_token"],
                "refresh_token": token["refresh_token"],
                "token_expires_at": now + timedelta(seconds=expires_in or token["expires_in"]),
                "refresh_token_at": now,
            }
        )
        self.env.flush_all()
        return token

    def ops(self, sandbox=None):
        return (sandbox or self.sb).stats()["by_operation"]

    def token_calls(self, sandbox=None):
        return self.ops(sandbox).get(TOKEN_OP, 0)

    def spend_refresh_token(self, refresh_token):
        """Use a refresh token outside Odoo (another installation refreshing it)."""
        response = requests.post(
            self.sb.url + "/connect/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def run_background(self, action, account=None):
        """A button queued a background run (``action`` is its notice): carry it out as the
        scheduler does and return the notice of its end (the toast its user gets)."""
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("started in the background", action["params"]["title"])
        return self.process_background(account)

    def process_background(self, account=None):
        """Carry out the queued background runs (of ``account``) as the scheduler does, in
        this transaction (no commit); the notice of the last one's end."""
        domain = [("state", "in", ("queued", "running"))]
        if account is not None:
            domain.append(("account_id", "=", account.id))
        requests = self.env["xero.sync.request"].sudo().search(domain, order="id")
        self.assertTrue(requests, "nothing was queued")
        params = None
        for request in requests:
            request._xero_process()
            params = request._xero_notify_end()
        return {"type": "ir.actions.client", "tag": "xero_run_notification", "params": params}

    def due_pairs(self, account):
        """What the scheduler would run now for ``account``: ``{(key, direction)}``."""
        now = fields.Datetime.now()
        return {
            (settings.object_key, direction)
            for settings, direction in self.env["xero.sync.setting"]._xero_due(now)
            if settings.account_id == account
        }
