# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Red team of the one scheduler, the background runs (xero.sync.request) and the import of
Xero's attachments: a request that can no longer run, a worker dying mid-run, Cancel at every
stage, rights and companies over JSON-RPC, hostile attachment listings, files changed on both
sides. Each test names the defect it caught (or the attack that held)."""

import unittest
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MANAGER, USER, XeroTestMixin, start_sandbox
from .test_access import ACCESS_ERROR
from .test_attachments_import import PDF, attach_in_xero, xero_call
from .test_orders import OrderCase
from .test_scheduler import SLICE_PARAM, BackgroundRunCase, SchedulerMixin
from .test_sync_engine import XeroSyncCase

SEED_B = [
    {"ContactID": f"bbbbbbbb-0000-4000-8000-{i:012d}", "Name": f"Company B Customer {i}"} for i in range(2)
]


class Crash(Exception):
    """The worker dies (killed, out of memory) right after a commit."""


@tagged("post_install", "-at_install")
class TestRedTeamBackgroundRuns(BackgroundRunCase):
    login_prefix = "red_bg"

    # ---------------------------------------------------------------- helpers
    def queue(self, direction, keys=None, user=None, account=None):
        # As the scheduler holds it (sudo); queued in the user's name.
        return (
            self.env["xero.sync.request"]
            .with_user(user or self.runner)
            ._xero_queue(account or self.account, direction, keys)
            .sudo()
        )

    def sent(self, prefix):
        return [c["Name"] for c in self.sb.records("Contacts") if c["Name"].startswith(prefix)]

    def crash_at(self, request, processed):
        """Process ``request`` with a commit hook that dies after the batch of ``processed``."""

        def commit(done):
            if done == processed:
                raise Crash()

        # Not assertRaises: it would roll back what stands for committed.
        try:
            request._xero_process(commit=commit)
        except Crash:
            return
        self.fail("the run should have died")

    # ------------------------------------------------------------------ tests
    def test_a_request_that_can_no_longer_run_fails_alone_and_the_queue_goes_on(self):
        """Defect: a request whose plan raised (every object disabled since the click, Export
        Chart unticked since) raised out of the scheduler at every pass: the queue behind it
        and every scheduled run stuck, the cron deactivated after 5 failures."""
        self.account.with_user(self.runner).action_import_all()
        import_all = self.request()
        self.account.export_chart = True
        taxes = self.queue("export", ["taxes"])
        contacts = self.queue("import", ["contacts"], user=self.other_runner)
        # A manager changes the settings before the scheduler's pass.
        self.account._xero_settings("contacts").enabled = False
        self.account.export_chart = False
        self.pass_()  # does not raise
        for request in (import_all, taxes, contacts):
            request.invalidate_recordset()
        self.assertEqual(import_all.state, "failed")
        self.assertIn("Click Enable Recommended Objects", import_all.message)
        self.assertEqual(taxes.state, "failed")
        self.assertIn("tick Export Chart of Accounts and Taxes", taxes.message)
        self.assertEqual(contacts.state, "done", contacts.message)
        self.assertEqual(contacts.run_ids.created_count, 3)
        [notice] = self.run_done_notices(self.runner)[:1]
        self.assertEqual(notice["type"], "danger")

    def request(self):
        return self.env["xero.sync.request"].search(
            [("account_id", "=", self.account.id)], order="id desc", limit=1
        )

    def test_worker_dying_mid_run_the_next_pass_finishes_it_nothing_lost_nothing_twice(self):
        """Defect: the run of a pass that died stayed "running" and counted as finished: the
        next pass skipped the object and called the request Done with 50 of 120 sent."""
        self.account._xero_settings("contacts").write({"direction": "export"})
        self.make_partners(120, prefix="Crash")
        request = self.queue("export", ["contacts"])
        self.crash_at(request, 50)
        self.assertEqual(len(self.sent("Crash")), 50)
        self.assertEqual(request.state, "running")
        [dead] = request.run_ids
        # The next pass.
        request._xero_process()
        self.assertEqual(request.state, "done", request.message)
        names = self.sent("Crash")
        self.assertEqual((len(names), len(set(names))), (120, 120))
        self.assertEqual(len(self.bindings("contacts")), 120)
        self.assertEqual(dead.state, "stopped")
        self.assertIn("interrupted", dead.message)
        self.assertEqual(request.progress, "Contacts (export): 120 of 120")

    # Defect left: outside a background run (a scheduled run, the command line, a button run
    # in a web worker), the run of a pass that died stays "running" in Xero > Sync Runs for
    # good. The next run goes on from what was committed (nothing lost), but the list says a
    # run is in progress. Telling a dead run from a live one in another worker needs the run
    # lock (its owner is a database session) and nested runs of one object share it: not a
    # small fix. Expected: the next run of the object marks it stopped ("interrupted").
    @unittest.expectedFailure
    def test_a_dead_scheduled_run_does_not_stay_running(self):
        settings = self.account._xero_settings("contacts")
        dead = self.env["xero.sync.run"].create(
            {
                "account_id": self.account.id,
                "object_key": "contacts",
                "direction": "import",
                "trigger": "cron",
            }
        )
        settings.write({"next_import_at": False})
        self.pass_()
        self.assertEqual(settings.last_import_run_id.state, "done")
        self.assertNotEqual(dead.state, "running")

    def test_lost_answer_mid_batch_sends_nothing_twice(self):
        """Held: Xero stored the second batch, its answer was lost (the transport, not Odoo):
        the run and the next click create nothing twice."""
        self.account._xero_settings("contacts").write({"direction": "export"})
        self.make_partners(120, prefix="Lost")
        self.sb.inject_fault("drop_after_commit", count=1, method="POST", path="/api.xro/2.0/Contacts")
        request = self.queue("export", ["contacts"])
        request._xero_process()
        self.queue("export", ["contacts"])._xero_process()
        names = self.sent("Lost")
        self.assertEqual((len(names), len(set(names))), (120, 120))
        self.assertEqual(len(self.bindings("contacts")), 120)

    def test_progress_after_time_slices_counts_each_record_once(self):
        """Defect: each pass's run added its own total: 120 partners showed "120 of 210"."""
        self.env["ir.config_parameter"].sudo().set_param(SLICE_PARAM, "0")
        self.account._xero_settings("contacts").write({"direction": "export"})
        self.make_partners(120, prefix="Sliced")
        request = self.queue("export", ["contacts"])
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.progress, "Contacts (export): 50 of 120")
        for __ in range(5):  # each pass one batch; the last one finds nothing left
            self.pass_()
            request.invalidate_recordset()
            if request.state != "running":
                break
        self.assertEqual(request.state, "done")
        self.assertEqual(request.progress, "Contacts (export): 120 of 120")
        self.assertEqual((request.processed_count, request.total_count), (120, 120))

    def test_cancel_before_the_first_object_calls_nothing_and_says_so(self):
        """Defect: Cancel before anything ran said "the run stopped after its last batch"
        twice over (two lines of the notice), though no batch ran."""
        request = self.queue("import", ["contacts"])
        before = self.sb.stats()["total"]

        def commit(done):  # the click lands right after the scheduler took the request
            if not request.cancel_requested and request.state == "running":
                request.with_user(self.runner).action_cancel()

        request._xero_process(commit=commit)
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(request.run_ids)
        self.assertEqual(self.sb.stats()["total"], before)
        [notice] = self.run_done_notices(self.runner)
        self.assertEqual(notice["type"], "warning")
        self.assertEqual(len(notice["lines"]), 1, notice["lines"])
        self.assertIn("nothing was asked of Xero", notice["lines"][0])

    def test_cancel_between_two_objects_runs_no_further_object(self):
        """Held: Cancel while contacts import, the next object (items) never starts."""
        self.account._xero_settings("items").write({"enabled": True, "direction": "import"})
        request = self.queue("import")

        def commit(done):
            if done:  # contacts' one page is committed
                request.with_user(self.runner).action_cancel()

        request._xero_process(commit=commit)
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.run_ids.mapped("object_key"), ["contacts"])
        self.assertEqual(request.run_ids.state, "done")
        self.assertNotIn("GET /Items", self.ops())

    def test_cancel_after_the_last_object_ended_is_done_not_cancelled(self):
        """Defect: a Cancel clicked after the last object's run had ended called a finished
        request Cancelled (the user then runs everything again for nothing)."""
        request = self.queue("import", ["contacts"])
        clicked = []

        def commit(done):
            runs = request.run_ids
            if not clicked and runs and "running" not in runs.mapped("state"):
                clicked.append(done)  # the commit that ends the contacts run
                request.with_user(self.runner).action_cancel()

        request._xero_process(commit=commit)
        self.assertTrue(clicked)
        self.assertEqual(request.state, "done")
        self.assertEqual(request.run_ids.created_count, 3)

    def test_account_archived_meanwhile_says_archived_and_the_notice_stays(self):
        """Defect: an archived (still connected) account's request failed with "is not
        connected (Connected). Open it and click Connect"; a failure before any run was a
        toast that vanished after a few seconds."""
        request = self.queue("import")
        self.account.active = False
        before = self.sb.stats()["total"]
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertNotIn("not connected (Connected)", request.message)
        self.assertIn("archived", request.message)
        self.assertIn("Unarchive", request.message)
        self.assertEqual(self.sb.stats()["total"], before)
        [notice] = self.run_done_notices(self.runner)
        self.assertEqual((notice["type"], notice.get("sticky")), ("danger", True))

    def test_account_disconnected_meanwhile_fails_without_a_call_and_says_where_to_click(self):
        request = self.queue("import")
        self.account.state = "reconnect"
        before = self.sb.stats()["total"]
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertIn("open it and click Connect", request.message)
        self.assertEqual(self.sb.stats()["total"], before)
        [notice] = self.run_done_notices(self.runner)
        self.assertEqual((notice["type"], notice.get("sticky")), ("danger", True))
        self.assertIn("click Connect", notice["lines"][0])

    def test_archived_requester_run_never_starts(self):
        """Defect: an employee archived since the click (left the company) still had their
        queued run carried out in their name."""
        request = self.queue("import")
        self.runner.active = False
        before = self.sb.stats()["total"]
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertIn(self.runner.name, request.message)
        self.assertIn("archived", request.message)
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Xero Customer")]))

    def test_requester_removed_from_the_company_meanwhile_says_so(self):
        """Defect: a user removed from the account's company since the click got "Access to
        unauthorized or invalid companies." (no word of what to do)."""
        company_b = self.env["res.company"].create({"name": "Red Other Company"})
        self.runner.write({"company_ids": [(4, company_b.id)]})
        request = self.queue("import")
        self.runner.write({"company_id": company_b.id, "company_ids": [(6, 0, company_b.ids)]})
        before = self.sb.stats()["total"]
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertIn("no longer has access to", request.message)
        self.assertIn("Allowed Companies", request.message)
        self.assertEqual(self.sb.stats()["total"], before)

    def test_day_limit_inside_a_background_run_stops_every_object_and_says_when(self):
        """Held: the day limit on the first object: no call for the others, a request queued
        meanwhile calls nothing. Defect: the notice said only "the sync will continue from
        where it stopped" (Xero's message): the objects it never got to were not named, nor
        that the button must be clicked again (a background run does not resume by itself)."""
        self.account._xero_settings("items").write({"enabled": True, "direction": "import"})
        self.sb.inject_fault("rate_limit", problem="day", retry_after=3600, path="/api.xro/2.0/Contacts")
        request = self.queue("import")
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertEqual(request.run_ids.mapped("object_key"), ["contacts"])
        self.assertNotIn("GET /Items", self.ops())
        [notice] = self.run_done_notices(self.runner)
        self.assertTrue(any("daily API limit" in line for line in notice["lines"]), notice)
        resume = fields.Datetime.to_string(request.run_ids.resume_at)[:16]
        self.assertIn(
            f"Xero's daily API limit stopped this background run before Items (import). Click the "
            f"button again after {resume} UTC",
            notice["lines"][-1],
        )
        self.assertTrue(notice["sticky"])
        before = self.sb.stats()["total"]
        later = self.queue("import", ["items"])
        self.pass_()
        later.invalidate_recordset()
        self.assertEqual(later.state, "failed")
        self.assertEqual(self.sb.stats()["total"], before)

    def test_a_running_request_cannot_be_deleted(self):
        """Defect: a Xero Manager could delete a running request (the manager's unlink right):
        the scheduler then failed on the missing record in the middle of its run."""
        request = self.queue("import")
        request.sudo().write({"state": "running"})
        with self.assertRaisesRegex(UserError, "Cancel"):
            request.with_user(self.manager).unlink()
        request.sudo().write({"state": "done"})
        request.with_user(self.manager).unlink()  # history may go

    def test_two_users_clicking_the_same_run_both_get_their_notice(self):
        """Defect: a second user's identical click was merged into the first user's waiting
        request: it ran as the first user, and the second, told "you get a notice when it
        ends", never got one (nor could cancel it)."""
        self.account.with_user(self.runner).action_import_all()
        self.account.with_user(self.other_runner).action_import_all()
        self.account.with_user(self.other_runner).action_import_all()  # twice: once
        requests = self.env["xero.sync.request"].search([("account_id", "=", self.account.id)])
        self.assertEqual(sorted(requests.mapped("user_id.login")), ["red_bg_other", "red_bg_runner"])
        self.pass_()
        self.assertEqual(len(self.run_done_notices(self.runner)), 1)
        self.assertEqual(len(self.run_done_notices(self.other_runner)), 1)
        self.assertEqual(len(self.env["res.partner"].search([("name", "like", "Xero Customer")])), 3)


@tagged("post_install", "-at_install")
class TestRedTeamTwoCompanies(SchedulerMixin, XeroSyncCase):
    """Two accounts of two companies, each queued by a user of its own company, in one pass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb_b = start_sandbox(cls)
        cls.company_b = cls.env["res.company"].create({"name": "Red Company B"})
        groups = f"base.group_user,base.group_partner_manager,{USER}"
        cls.runner_a = new_test_user(cls.env, login="red_runner_a", groups=groups)
        cls.runner_b = new_test_user(
            cls.env,
            login="red_runner_b",
            groups=groups,
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()
        self.sb_b.reset()
        self.sb.load_seed(
            {
                "Contacts": [
                    {"ContactID": "aaaaaaaa-0000-4000-8000-000000000001", "Name": "Company A Customer"}
                ]
            }
        )
        self.sb_b.load_seed({"Contacts": SEED_B})
        self.account_b = self.make_account(sandbox=self.sb_b, company=self.company_b, name="B")
        token = self.sb_b.issue_token([self.sb_b.tenant_id])
        self.account_b.sudo().write(
            {
                "state": "connected",
                "tenant_id": self.sb_b.tenant_id,
                "tenant_name": "B",
                "access_token": token["access_token"],
                "refresh_token": token["refresh_token"],
                "token_expires_at": "2099-01-01 00:00:00",
            }
        )
        for account in (self.account, self.account_b):
            account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
            account.sync_setting_ids.write(
                {
                    "next_import_at": fields.Datetime.now() + timedelta(days=1),
                    "next_export_at": fields.Datetime.now() + timedelta(days=1),
                }
            )

    def test_one_pass_two_companies_each_as_its_user_in_its_company(self):
        """Held."""
        self.account.with_user(self.runner_a).action_import_all()
        self.account_b.with_user(self.runner_b).with_company(self.company_b).action_import_all()
        self.pass_()
        requests = self.env["xero.sync.request"].search(
            [("account_id", "in", (self.account | self.account_b).ids)], order="id"
        )
        self.assertEqual(requests.mapped("state"), ["done", "done"])
        a = self.env["res.partner"].search([("name", "=", "Company A Customer")])
        b = self.env["res.partner"].search([("name", "like", "Company B Customer")])
        self.assertEqual((len(a), len(b)), (1, 2))
        self.assertEqual((a.create_uid, a.company_id), (self.runner_a, self.env.company))
        self.assertEqual(set(b.mapped("create_uid")), {self.runner_b})
        self.assertEqual(set(b.mapped("company_id")), {self.company_b})
        self.assertEqual(self.bindings("contacts", self.account_b).mapped("res_id"), sorted(b.ids))
        self.assertEqual(len(self.run_done_notices(self.runner_a)), 1)
        self.assertEqual(len(self.run_done_notices(self.runner_b)), 1)
        self.assertEqual(self.run_done_notices(self.runner_b)[0]["lines"], ["Contacts: 2 created"])


@tagged("post_install", "-at_install")
class TestRedTeamRpc(XeroTestMixin, HttpCase):
    """Over JSON-RPC, as a hostile user would call it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb_b = start_sandbox(cls)
        cls.company_b = cls.env["res.company"].create({"name": "Red RPC Company B"})
        b_only = {"company_id": cls.company_b.id, "company_ids": [cls.company_b.id]}
        cls.user_b = new_test_user(cls.env, login="red_user_b", groups=f"base.group_user,{USER}", **b_only)
        cls.manager_b = new_test_user(
            cls.env,
            login="red_manager_b",
            groups=f"base.group_user,base.group_partner_manager,{MANAGER}",
            **b_only,
        )
        cls.plain = new_test_user(cls.env, login="red_plain", groups="base.group_user")

    def setUp(self):
        super().setUp()
        self.sb_b.reset()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
        self.request_a = (
            self.env["xero.sync.request"]
            .sudo()
            .create({"account_id": self.account.id, "direction": "import", "user_id": self.manager.id})
        )

    def call(self, user, model, method, args, kwargs=None):
        self.authenticate(user.login, user.login)
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
                },
                timeout=60,
            ).json()
        self.env.invalidate_all()
        return response

    def assert_refused(self, response):
        self.assertIn("error", response, response)
        self.assertEqual(response["error"]["data"]["name"], ACCESS_ERROR, response)

    def test_company_b_users_cannot_see_queue_or_cancel_company_a_runs(self):
        """Held: the multi-company rules, for every door a request has."""
        settings = self.account._xero_settings("contacts")
        ids = [self.request_a.id]
        for user in (self.user_b, self.manager_b):
            for model, method, args, kwargs in (
                ("xero.sync.request", "read", [ids, ["state", "user_id"]], {}),
                ("xero.sync.request", "action_cancel", [ids], {}),
                ("xero.sync.request", "unlink", [ids], {}),
                ("xero.account", "action_import_all", [[self.account.id]], {}),
                ("xero.account", "action_cancel_background", [[self.account.id]], {}),
                ("xero.sync.setting", "action_import", [[settings.id]], {}),
                # Asking for company A in the context is refused too.
                (
                    "xero.sync.request",
                    "action_cancel",
                    [ids],
                    {"context": {"allowed_company_ids": [self.env.company.id]}},
                ),
            ):
                with self.subTest(user=user.login, method=method, kwargs=kwargs):
                    self.assert_refused(self.call(user, model, method, args, kwargs))
            found = self.call(user, "xero.sync.request", "search_read", [[]], {"fields": ["id"]})
            self.assertEqual(found.get("result"), [], found)
        self.assertEqual(self.request_a.state, "queued")
        self.assertFalse(self.request_a.cancel_requested)
        self.assertEqual(
            self.env["xero.sync.request"].search_count([("account_id", "=", self.account.id)]), 1
        )

    def test_private_and_orm_methods_are_closed_to_a_xero_user(self):
        """Held: the scheduler's and the queue's methods are private; a Xero User has no write,
        create nor copy on requests (a copy would be a run in someone else's name)."""
        settings = self.account._xero_settings("contacts")
        before = self.sb.stats()["total"]
        for model, method, args in (
            ("xero.sync.request", "_xero_queue", [self.account.id, "import"]),
            ("xero.sync.request", "_xero_process_queue", []),
            ("xero.sync.request", "_xero_process", [[self.request_a.id]]),
            ("xero.sync.request", "_xero_finish", [[self.request_a.id], "done", False]),
            ("xero.sync.request", "_xero_notify_end", [[self.request_a.id]]),
            ("xero.sync.request", "copy", [[self.request_a.id]]),
            ("xero.sync.request", "write", [[self.request_a.id], {"cancel_requested": True}]),
            ("xero.sync.setting", "_cron_xero_scheduler", []),
            ("xero.sync.setting", "_cron_sync", ["contacts", "import"]),
            ("xero.sync.setting", "_xero_run_due", [[]]),
            ("xero.sync.setting", "write", [[settings.id], {"next_import_at": False}]),
            ("xero.account", "_xero_button_run", [[self.account.id], "import"]),
            ("xero.account", "_xero_run", [[self.account.id], "import"]),
        ):
            for user in (self.xero_user, self.plain):
                with self.subTest(method=method, user=user.login):
                    self.assert_refused(self.call(user, model, method, args))
        self.assertEqual(self.request_a.state, "queued")
        self.assertEqual(self.env["xero.sync.request"].search_count([]), 1)
        self.assertEqual(self.sb.stats()["total"], before)

    def test_nobody_hands_a_run_to_another_user_through_the_context(self):
        """Held: default_user_id (and a default state) in the click's context change nothing:
        the run is the clicking user's, and queued."""
        admin = self.env.ref("base.user_admin")
        response = self.call(
            self.xero_user,
            "xero.account",
            "action_import_all",
            [[self.account.id]],
            {
                "context": {
                    "default_user_id": admin.id,
                    "default_state": "done",
                    "default_cancel_requested": True,
                }
            },
        )
        self.assertNotIn("error", response, response)
        request = self.env["xero.sync.request"].search([("id", "!=", self.request_a.id)])
        self.assertTrue(request, response)
        self.assertEqual((request.user_id, request.state), (self.xero_user, "queued"))
        self.assertFalse(request.cancel_requested)

    def test_a_run_cannot_be_attached_to_another_companys_request_through_the_context(self):
        """Defect: ``xero_request_id`` in the context of any run (the Run an Object wizard
        over RPC) filed that run under the given request, even another company's: that
        request then took its object for done and skipped it (and showed the figures of a
        company its users cannot see)."""
        account_b = self.make_account(sandbox=self.sb_b, company=self.company_b, name="B")
        token = self.sb_b.issue_token([self.sb_b.tenant_id])
        account_b.sudo().write(
            {
                "state": "connected",
                "tenant_id": self.sb_b.tenant_id,
                "tenant_name": "B",
                "access_token": token["access_token"],
                "refresh_token": token["refresh_token"],
                "token_expires_at": "2099-01-01 00:00:00",
            }
        )
        self.sb_b.load_seed({"Contacts": SEED_B})
        request_b = (
            self.env["xero.sync.request"]
            .sudo()
            .create(
                {
                    "account_id": account_b.id,
                    "direction": "import",
                    "object_keys": "contacts",
                    "user_id": self.manager_b.id,
                }
            )
        )
        context = {"xero_request_id": request_b.id}
        response = self.call(
            self.xero_user,
            "xero.sync.wizard",
            "create",
            [{"account_id": self.account.id, "object_key": "contacts", "direction": "import"}],
            {"context": context},
        )
        self.assertNotIn("error", response, response)
        wizard_id = response["result"]
        response = self.call(
            self.xero_user, "xero.sync.wizard", "action_run", [[wizard_id]], {"context": context}
        )
        self.assertNotIn("error", response, response)
        self.assertFalse(request_b.run_ids)
        request_b._xero_process()
        self.assertEqual(
            request_b.state,
            "done",
            [(r.object_key, r.state, r.message, r.line_ids.mapped("note")) for r in request_b.run_ids],
        )
        self.assertEqual(request_b.run_ids.account_id, account_b)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "like", "Company B Customer")]),
            2,
            request_b.progress,
        )


@tagged("post_install", "-at_install")
class TestRedTeamAttachments(SchedulerMixin, OrderCase):
    """Hostile listings, files changed on both sides, a crash of a background attachments run."""

    def setUp(self):
        super().setUp()
        self.invoice = self.move("out_invoice", self.customer, [self.line(100.0, tax=self.gst_sale)])
        self.run_object("invoices", "export")
        self.invoice_id = self.xero_doc(self.invoice)["InvoiceID"]
        self.contact_id = self.customer.xero_id
        self.account.attachments_import = True

    def attachment_ops(self):
        return {op: n for op, n in self.ops().items() if "/Attachments" in op}

    def since(self, before):
        return {
            op: n - before.get(op, 0) for op, n in self.attachment_ops().items() if n != before.get(op, 0)
        }

    def files_of(self, record):
        return self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )

    def link_of(self, attachment):
        return self.bindings("attachments").filtered(lambda b: b.res_id == attachment.id)

    def sync_attachments(self):
        export = self.run_object("attachments", "export")
        run = self.env["xero.sync.run"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "attachments"),
                ("direction", "=", "import"),
                ("id", ">", export.id),
            ]
        )
        return run, export

    def dies(self, request, commit):
        """Whether processing ``request`` with ``commit`` died (not assertRaises: it would roll
        back what stands for committed)."""
        try:
            request._xero_process(commit=commit)
        except Crash:
            return True
        return False

    def move_contact_in_xero(self, website):
        xero_call(
            self.sb,
            "POST",
            f"Contacts/{self.contact_id}",
            json_body={"Contacts": [{"ContactID": self.contact_id, "Website": website}]},
        )
        self.run_object("contacts", "import", xero_ids=[self.contact_id])

    def test_one_attachment_id_listed_twice_on_a_record_is_brought_in_once(self):
        """Defect: a listing repeating an AttachmentID under another name and length (a
        hostile or broken Xero) downloaded the same file twice: two Odoo files, the first
        closed as "replaced in Xero"."""
        first = attach_in_xero(self.sb, "Invoices", self.invoice_id, "a.pdf", PDF)
        self.sb.inject_attachment(
            "Invoices", self.invoice_id, "b.pdf", PDF + b"other", attachment_id=first["AttachmentID"]
        )
        self.run_object("invoices", "import", xero_ids=[self.invoice_id])
        before = self.attachment_ops()
        run, __ = self.sync_attachments()
        self.assertEqual((run.created_count, run.failed_count), (1, 1), run.line_ids.mapped("note"))
        self.assertEqual(
            self.since(before), {"GET /Invoices/Attachments": 1, "GET /Invoices/Attachments/{id}": 1}
        )
        [file] = self.files_of(self.invoice)
        self.assertEqual((file.name, self.link_of(file).state), ("a.pdf", "synced"))
        [entry] = self.mismatches("attachments")
        self.assertEqual((entry.kind, entry.xero_id), ("invalid", first["AttachmentID"]))
        self.assertIn("twice", entry.messages)

    def test_two_files_whose_names_differ_by_case_are_both_kept_without_ping_pong(self):
        """Defect: two files of one record whose names differ only by case ("scan.pdf",
        "SCAN.pdf", two AttachmentIDs) were taken for a replacement of one by the other:
        the first closed, and each later look at the record downloaded one of them again,
        one more Odoo file each time."""
        attach_in_xero(self.sb, "Contacts", self.contact_id, "scan.pdf", PDF)
        self.sb.inject_attachment("Contacts", self.contact_id, "SCAN.pdf", PDF + b"second")
        self.run_object("contacts", "import", xero_ids=[self.contact_id])
        run, __ = self.sync_attachments()
        self.assertEqual(run.created_count, 2)
        files = self.files_of(self.customer)
        self.assertEqual(files.mapped("name"), ["scan.pdf", "SCAN.pdf"])
        self.assertEqual([self.link_of(f).state for f in files], ["synced", "synced"])
        self.move_contact_in_xero("https://one.example.com")
        link = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "contacts"),
                ("res_id", "=", self.customer.id),
            ]
        )
        for __ in range(2):
            # Each time the record moves in Xero, Odoo lists its attachments again.
            link.attachments_listed_hash = False
            before = self.attachment_ops()
            run, export = self.sync_attachments()
            self.assertEqual(self.since(before), {"GET /Contacts/Attachments": 1})
            self.assertEqual(len(self.files_of(self.customer)), 2)
            self.assertEqual((export.created_count, export.updated_count), (0, 0))

    def test_a_file_changed_in_both_systems_is_not_sent_over_xeros(self):
        """Defect: a file replaced in Xero (its record did not move: Xero keeps UpdatedDateUTC
        when an attachment changes, as the sandbox does) and edited in Odoo: the export
        POSTed Odoo's version over Xero's, which is lost (Xero keeps no earlier version)."""
        attach_in_xero(self.sb, "Contacts", self.contact_id, "card.txt", b"version 1")
        self.run_object("contacts", "import", xero_ids=[self.contact_id])
        self.sync_attachments()
        [earlier] = self.files_of(self.customer)
        attach_in_xero(self.sb, "Contacts", self.contact_id, "card.txt", b"version 2 from Xero", replace=True)
        earlier.raw = b"version 1, edited in Odoo"
        run, export = self.sync_attachments()
        stored = self.sb.attachments("Contacts", self.contact_id)
        self.assertEqual([a["Content"] for a in stored], [b"version 2 from Xero"])
        self.assertEqual(export.updated_count, 0)
        # Both versions are in Odoo, Xero's linked; what was done is said.
        files = self.files_of(self.customer)
        self.assertEqual(files.mapped("raw"), [b"version 1, edited in Odoo", b"version 2 from Xero"])
        self.assertEqual(self.link_of(files[1]).state, "synced")

    # Defect left: with Import Xero Attachments off, a file replaced in Xero and edited in
    # Odoo is still overwritten by Odoo's version (Xero's is lost). Telling it costs one list
    # call per record with a changed file on every export, and "import off" may well mean
    # "Odoo's files are the master": a product decision, not a small fix. Expected: a conflict
    # entry instead of the overwrite, whose Retry sends Odoo's version.
    @unittest.expectedFailure
    def test_a_file_changed_in_both_systems_with_import_off_is_a_conflict_retry_sends_odoos(self):
        """Import Xero Attachments off: a conflict entry instead of an overwrite; its Retry
        (the user's choice) sends Odoo's version."""
        self.account.attachments_import = False
        odoo_file = self.env["ir.attachment"].create(
            {"name": "terms.txt", "res_model": "res.partner", "res_id": self.customer.id, "raw": b"terms v1"}
        )
        self.sync_attachments()
        [stored] = self.sb.attachments("Contacts", self.contact_id)
        attach_in_xero(
            self.sb, "Contacts", self.contact_id, "terms.txt", b"terms v2, from Xero", replace=True
        )
        odoo_file.raw = b"terms v1, edited in Odoo"
        __, export = self.sync_attachments()
        self.assertEqual(
            [a["Content"] for a in self.sb.attachments("Contacts", self.contact_id)], [b"terms v2, from Xero"]
        )
        [entry] = self.mismatches("attachments")
        self.assertEqual((entry.kind, entry.direction), ("conflict", "export"))
        self.assertIn("changed in Odoo and in Xero", entry.messages)
        self.assertIn("click Retry", entry.hint)
        # A rerun leaves it as it is (no call, no overwrite) until the user decides.
        before = self.attachment_ops()
        self.sync_attachments()
        self.assertEqual(self.since(before), {})
        entry.action_retry()
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(
            [a["Content"] for a in self.sb.attachments("Contacts", self.contact_id)],
            [b"terms v1, edited in Odoo"],
        )
        self.assertEqual(stored["AttachmentID"], self.link_of(odoo_file).xero_id)

    def test_empty_and_nameless_files(self):
        """Held: a zero-byte file and a name that is only an extension come in once, are never
        sent back, and a rerun asks nothing."""
        self.sb.inject_attachment("Invoices", self.invoice_id, "empty.pdf", b"")
        self.sb.inject_attachment("Invoices", self.invoice_id, ".pdf", PDF, "application/pdf")
        self.run_object("invoices", "import", xero_ids=[self.invoice_id])
        run, export = self.sync_attachments()
        self.assertEqual((run.created_count, run.failed_count), (2, 0), run.line_ids.mapped("note"))
        files = self.files_of(self.invoice)
        self.assertEqual(sorted(files.mapped("file_size")), [0, len(PDF)])
        for name in files.mapped("name"):
            self.assertTrue(name.endswith(".pdf") and not name.startswith("."), name)
        self.assertEqual((export.created_count, export.updated_count), (0, 0))
        before = self.attachment_ops()
        self.sync_attachments()
        self.assertEqual(self.since(before), {})

    def test_crash_of_a_background_attachments_run_then_the_next_pass_brings_the_rest_once(self):
        """The worker dies after the first record's files were committed: the next pass
        brings the other record's file, each file once (needs the dead-run fix)."""
        self.registry_enter_test_mode()
        attach_in_xero(self.sb, "Invoices", self.invoice_id, "inv.pdf", PDF)
        attach_in_xero(self.sb, "Contacts", self.contact_id, "card.pdf", PDF + b"card")
        self.run_object("invoices", "import", xero_ids=[self.invoice_id])
        self.run_object("contacts", "import", xero_ids=[self.contact_id])
        request = (
            self.env["xero.sync.request"]
            .with_user(self.manager)
            ._xero_queue(self.account, "export", ["attachments"])
        ).sudo()

        def commit(done):
            if done == 1 and (self.files_of(self.invoice) or self.files_of(self.customer)):
                raise Crash()  # right after the first record's file was committed

        self.assertTrue(self.dies(request, commit), "the run should have died")
        brought = len(self.files_of(self.invoice)) + len(self.files_of(self.customer))
        self.assertEqual(brought, 1)
        before = self.attachment_ops()
        request._xero_process()
        self.assertEqual(request.state, "done", request.message)
        self.assertEqual(len(self.files_of(self.invoice)), 1)
        self.assertEqual(len(self.files_of(self.customer)), 1)
        downloads = sum(n for op, n in self.since(before).items() if op.endswith("/{id}"))
        self.assertEqual(downloads, 1)
        self.assertFalse(self.writes().get("POST /Invoices/Attachments"))
