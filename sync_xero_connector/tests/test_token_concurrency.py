# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Token refresh with REAL database cursors (committed data, concurrent workers).

Xero refresh tokens are single use: two workers refreshing at once must not disconnect the
account. Here the registry is NOT in test mode, so every cursor is a real PostgreSQL
connection; the account is committed and deleted again at the end of each test.
"""

import faulthandler
import threading
from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import DummyRLock
from odoo.tools import mute_logger

from .common import CLIENT_ID, CLIENT_SECRET, XeroTestMixin, start_sandbox


@tagged("post_install", "-at_install")
# Its own cursors commit (pylint invalid-commit below): the test needs rows other cursors see.
class TestTokenConcurrency(XeroTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb = start_sandbox(cls)
        # odoo-bin --test-enable runs the tests while holding the Registry class lock, which
        # every other thread needs to build an environment: release it as HttpCase does.
        cls.startClassPatcher(patch.object(Registry, "_lock", DummyRLock()))

    def setUp(self):
        super().setUp()
        self.account_id = None
        self.addCleanup(self.drop_committed_account)

    # ------------------------------------------------------------------ helpers
    def real_env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def commit_connected_account(self, expires_in=1800):
        token = self.sb.issue_token([self.sb.tenant_id])
        connection = requests.get(
            self.sb.url + "/connections",
            headers={"Authorization": "Bearer " + token["access_token"]},
            timeout=10,
        ).json()[0]
        now = fields.Datetime.now()
        with self.registry.cursor() as cr:
            env = self.real_env(cr)
            self.assertFalse(
                env["xero.account"]
                .with_context(active_test=False)
                .search([("company_id", "=", self.env.company.id)]),
                "a committed Xero account already exists for the main company",
            )
            account = env["xero.account"].create(
                {
                    "name": "Xero concurrency test",
                    "company_id": self.env.company.id,
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    **self.sandbox_vals(),
                    "user_id": env.ref("base.user_admin").id,
                }
            )
            account.write(
                {
                    "state": "connected",
                    "tenant_id": connection["tenantId"],
                    "tenant_name": connection["tenantName"],
                    "connection_id": connection["id"],
                    "access_token": token["access_token"],
                    "refresh_token": token["refresh_token"],
                    "token_expires_at": now + timedelta(seconds=expires_in),
                    "refresh_token_at": now,
                }
            )
            cr.commit()  # pylint: disable=invalid-commit
            self.account_id = account.id
        return token

    def drop_committed_account(self):
        if not self.account_id:
            return
        with self.registry.cursor() as cr:
            env = self.real_env(cr)
            account = env["xero.account"].with_context(active_test=False).browse(self.account_id)
            account.activity_ids.unlink()
            account.unlink()  # cascades to its API logs and organisation lines
            cr.commit()  # pylint: disable=invalid-commit

    def committed(self, *names):
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            return {name: account[name] for name in names}

    def run_two_workers(self, force):
        """Two threads, each with its own real cursor, read the account (seeing the same
        token), meet at a barrier, then ask for a token at the same time."""
        barrier = threading.Barrier(2)
        tokens, errors = [None, None], []

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    account = self.real_env(cr)["xero.account"].browse(self.account_id)
                    _seen = (account.access_token, account.token_expires_at, account.state)
                    barrier.wait(timeout=10)
                    tokens[index] = account._get_access_token(force=force)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=45)
        stuck = [t for t in threads if t.is_alive()]
        if stuck:
            faulthandler.dump_traceback(all_threads=True)
        self.assertFalse(stuck, "a worker is stuck")
        self.assertEqual(errors, [])
        return tokens

    def assert_refreshed_once(self, old, tokens, calls_before):
        self.assertEqual(self.token_calls() - calls_before, 1, self.sb.stats())
        self.assertTrue(tokens[0])
        self.assertEqual(tokens[0], tokens[1])
        self.assertNotEqual(tokens[0], old["access_token"])
        stored = self.committed("state", "access_token", "refresh_token")
        self.assertEqual(stored["state"], "connected")
        self.assertEqual(stored["access_token"], tokens[0])
        self.assertNotEqual(stored["refresh_token"], old["refresh_token"])
        # A follow-up API call works with the stored pair, without another refresh.
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            response = account._xero_client().call("GET", "/Organisation")
            cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(response.status, 200)
        self.assertEqual(response.data["Organisations"][0]["OrganisationID"], self.sb.tenant_id)
        self.assertEqual(self.token_calls() - calls_before, 1)

    # -------------------------------------------------------------------- tests
    def test_two_workers_forced_refresh_once(self):
        """Both workers got a 401 with the same token and force a refresh: only the first
        refreshes; the second waits for the row lock and takes the first one's token."""
        old = self.commit_connected_account()
        self.sb.inject_fault("latency", 1, method="POST", path="/connect/token", seconds=1.0)
        before = self.token_calls()
        tokens = self.run_two_workers(force=True)
        self.assert_refreshed_once(old, tokens, before)

    def test_two_workers_expiring_token_refresh_once(self):
        old = self.commit_connected_account(expires_in=30)
        self.sb.inject_fault("latency", 1, method="POST", path="/connect/token", seconds=1.0)
        before = self.token_calls()
        tokens = self.run_two_workers(force=False)
        self.assert_refreshed_once(old, tokens, before)

    def test_refresh_survives_rollback_of_the_caller(self):
        """The new pair is committed before the API call: a sync transaction that fails
        afterwards does not lose the rotated refresh token."""
        old = self.commit_connected_account()
        self.sb.advance_clock(1801)  # the stored access token is now expired in Xero
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            account._xero_client().call("GET", "/Organisation")
            cr.rollback()  # the caller's transaction fails after the call
        self.assertEqual(self.token_calls(), 1)
        stored = self.committed("state", "refresh_token")
        self.assertEqual(stored["state"], "connected")
        self.assertNotEqual(stored["refresh_token"], old["refresh_token"])
        # The rotated token keeps working past the old token's grace period.
        self.sb.advance_clock(3600)
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            account._get_access_token(force=True)
        self.assertEqual(self.token_calls(), 2)
        self.assertEqual(self.committed("state")["state"], "connected")

    @mute_logger("odoo.addons.sync_xero_connector.models.xero_account")
    def test_invalid_grant_committed_despite_rollback(self):
        """invalid_grant: state reconnect and the activity are committed in the token cursor,
        even though the caller's transaction rolls back."""
        old = self.commit_connected_account()
        self.spend_refresh_token(old["refresh_token"])
        self.sb.advance_clock(1801)  # past the 30-minute grace of the spent token
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            with self.assertRaisesRegex(UserError, "Connect"):
                account._get_access_token(force=True)
            cr.rollback()
        with self.registry.cursor() as cr:
            account = self.real_env(cr)["xero.account"].browse(self.account_id)
            self.assertEqual(account.state, "reconnect")
            self.assertFalse(account.refresh_token)
            self.assertEqual(account.activity_ids.user_id, account.user_id)
            self.assertEqual(len(account.activity_ids), 1)
