# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The one scheduler (ir_cron_xero_scheduler) and the background runs from buttons
(xero.sync.request): what is due runs, in time slices that stop at a batch boundary and go on
at the next pass without duplicating; a button queues a run that the scheduler carries out as
the user who asked, with progress, Cancel and a notice at its end."""

import importlib.util
import json
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import USER, XeroTestMixin
from .test_access import ACCESS_ERROR
from .test_sync_engine import XeroSyncCase

SLICE_PARAM = "sync_xero_connector.scheduler_slice_seconds"
SCHEDULER = "sync_xero_connector.ir_cron_xero_scheduler"


class SchedulerMixin:
    def pass_(self):
        """One scheduler pass, as the cron runs it: its own cursor, commits per batch (a test
        cursor: savepoints)."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ran = env["xero.sync.setting"]._cron_xero_scheduler()
        self.env.invalidate_all()
        return ran

    def triggers(self):
        scheduler = self.env.ref(SCHEDULER)
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", scheduler.id)])

    def posts(self, op="POST /Contacts"):
        return self.ops().get(op, 0)

    def run_done_notices(self, user):
        self.env.cr.precommit.run()
        notices = self.env["bus.bus"].sudo().search([("message", "like", "sync_xero_connector/run_done")])
        out = []
        for notice in notices:
            channel = json.loads(notice.channel)
            if list(channel[-2:]) == ["res.partner", user.partner_id.id]:
                out.append(json.loads(notice.message)["payload"])
        return out


@tagged("post_install", "-at_install")
class TestScheduler(SchedulerMixin, XeroSyncCase):
    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()

    def test_pass_runs_what_is_due_then_triggers_itself_for_the_next_due_time(self):
        settings = self.account._xero_settings("contacts")
        settings.write({"enabled": True, "direction": "export", "export_interval": 30})
        self.make_partners(3, prefix="Due")
        self.triggers().unlink()
        self.assertEqual(self.pass_(), 1)
        self.assertEqual(
            sorted(c["Name"] for c in self.sb.records("Contacts")), ["Due 0000", "Due 0001", "Due 0002"]
        )
        run = settings.last_export_run_id
        self.assertEqual((run.trigger, run.state, run.created_count, run.total_count), ("cron", "done", 3, 3))
        # Next due in 30 minutes: the scheduler is triggered for then, not before.
        expected = fields.Datetime.now() + timedelta(minutes=30)
        self.assertLess(abs((settings.next_export_at - expected).total_seconds()), 120)
        [trigger] = self.triggers()
        self.assertLess(abs((trigger.call_at - settings.next_export_at).total_seconds()), 120)
        # Nothing due: a second pass runs nothing and calls nothing.
        before = self.sb.stats()["total"]
        self.assertEqual(self.pass_(), 0)
        self.assertEqual(self.sb.stats()["total"], before)

    def test_time_slice_stops_at_a_batch_boundary_and_goes_on_without_duplicates(self):
        """A slice of 0 seconds: each pass does one batch of 50, stops cleanly, triggers
        itself at once; three passes send 120 contacts once each."""
        self.env["ir.config_parameter"].sudo().set_param(SLICE_PARAM, "0")
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "export"})
        self.make_partners(120, prefix="Sliced")
        self.triggers().unlink()
        self.pass_()
        self.assertEqual(len(self.sb.records("Contacts")), 50)
        first = self.account._xero_settings("contacts").last_export_run_id
        self.assertEqual(first.state, "stopped")
        self.assertIn("time slice", first.message)
        self.assertEqual((first.created_count, first.total_count), (50, 120))
        # Triggered again at once (not at the next interval).
        self.assertTrue(any(t.call_at <= fields.Datetime.now() for t in self.triggers()))
        self.pass_()
        self.pass_()
        names = [c["Name"] for c in self.sb.records("Contacts")]
        self.assertEqual(len(names), 120)
        self.assertEqual(len(set(names)), 120)
        runs = self.env["xero.sync.run"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", "contacts")], order="id"
        )
        self.assertEqual(runs.mapped("state"), ["stopped", "stopped", "done"])
        self.assertEqual(sum(runs.mapped("created_count")), 120)
        self.assertEqual(self.posts(), 3)
        self.assertEqual(len(self.bindings("contacts")), 120)

    def test_day_limit_waits_and_other_objects_are_not_held_back_by_a_failure(self):
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "export"})
        self.make_partners(2, prefix="Limit")
        self.sb.inject_fault("rate_limit", problem="day", retry_after=3600, path="/api.xro/2.0/Contacts")
        self.pass_()
        run = self.account._xero_settings("contacts").last_export_run_id
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.resume_at)
        before = self.sb.stats()["total"]
        self.pass_()
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertGreaterEqual(self.account._xero_settings("contacts").next_export_at, run.resume_at)

    def test_old_crons_are_removed_by_the_migration(self):
        """19.0.1.1.0: an installation from before keeps its crons per object (noupdate): the
        migration deletes them."""
        cron = self.env["ir.cron"].create(
            {
                "name": "Xero: import contacts",
                "model_id": self.env.ref("sync_xero_connector.model_xero_sync_setting").id,
                "state": "code",
                "code": "model._cron_sync('contacts', 'import')",
                "interval_number": 15,
                "interval_type": "minutes",
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "sync_xero_connector",
                "name": "ir_cron_xero_import_contacts",
                "model": "ir.cron",
                "res_id": cron.id,
                "noupdate": True,
            }
        )
        spec = importlib.util.spec_from_file_location(
            "xero_post_migrate",
            importlib.util.find_spec("odoo.addons.sync_xero_connector").submodule_search_locations[0]
            + "/migrations/19.0.1.1.0/post-migrate.py",
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.0.0")
        self.assertFalse(cron.exists())
        self.assertTrue(self.env.ref(SCHEDULER).exists())


class BackgroundRunCase(SchedulerMixin, XeroSyncCase):
    """Three contacts in Xero, contacts enabled for import, two Xero Users who click (no test
    of its own: the classes below have them)."""

    login_prefix = "xero_bg"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = f"base.group_user,base.group_partner_manager,{USER}"
        cls.runner = new_test_user(cls.env, login=f"{cls.login_prefix}_runner", groups=groups)
        cls.other_runner = new_test_user(cls.env, login=f"{cls.login_prefix}_other", groups=groups)
        cls.sb.load_seed(
            {
                "Contacts": [
                    {"ContactID": f"00000000-0000-4000-8000-{i:012d}", "Name": f"Xero Customer {i}"}
                    for i in range(3)
                ]
            }
        )

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
        # Far in the future: only what the buttons ask for runs in these tests.
        self.account.sync_setting_ids.write(
            {
                "next_import_at": fields.Datetime.now() + timedelta(days=1),
                "next_export_at": fields.Datetime.now() + timedelta(days=1),
            }
        )


@tagged("post_install", "-at_install")
class TestBackgroundRuns(BackgroundRunCase):
    def test_import_slice_keeps_the_cursor_and_reads_on_from_it(self):
        """An import stopped by the slice committed its cursor with the page: the next pass
        does not read again what it imported."""
        self.env["ir.config_parameter"].sudo().set_param(SLICE_PARAM, "0")
        settings = self.account._xero_settings("contacts")
        settings.write({"next_import_at": False})
        self.pass_()
        # Its one page was short, so the last: the run is done, not paused before nothing.
        run = settings.last_import_run_id
        self.assertEqual((run.trigger, run.state, run.created_count), ("cron", "done", 3), run.message)
        self.assertTrue(settings.import_cursor)
        self.assertEqual(len(self.bindings("contacts")), 3)
        # The next pass asks Xero only for what changed since (If-Modified-Since), and
        # creates nothing again.
        settings.write({"next_import_at": False})
        self.pass_()
        self.assertEqual(settings.last_import_run_id.state, "done")
        self.assertEqual(len(self.bindings("contacts")), 3)
        self.assertEqual(settings.last_import_run_id.created_count, 0)
        self.assertEqual(len(self.env["res.partner"].search([("name", "like", "Xero Customer")])), 3)

    def sent(self, prefix):
        return [c["Name"] for c in self.sb.records("Contacts") if c["Name"].startswith(prefix)]

    def request(self):
        return self.env["xero.sync.request"].search(
            [("account_id", "=", self.account.id)], order="id desc", limit=1
        )

    def test_import_all_runs_in_the_background_as_the_user_who_asked(self):
        self.triggers().unlink()
        before = self.sb.stats()["total"]
        action = self.account.with_user(self.runner).action_import_all()
        # The click answers at once: nothing asked of Xero yet, the scheduler is woken.
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertEqual(action["params"]["title"], "Import of the enabled objects started in the background")
        self.assertIn("Background Runs", action["params"]["message"])
        self.assertIn("Cancel", action["params"]["message"])
        self.assertTrue(self.triggers())
        request = self.request()
        self.assertEqual(
            (request.state, request.user_id, request.direction), ("queued", self.runner, "import")
        )
        self.assertEqual(self.account.active_request_id, request)
        self.assertEqual(request.progress, "Waiting for the scheduler.")
        # The same click again while it waits: not queued twice.
        self.account.with_user(self.runner).action_import_all()
        self.assertEqual(
            self.env["xero.sync.request"].search_count([("account_id", "=", self.account.id)]), 1
        )

        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "done")
        run = request.run_ids
        self.assertEqual(
            (run.object_key, run.trigger, run.created_count, run.total_count), ("contacts", "manual", 3, 3)
        )
        self.assertEqual(request.progress, "Contacts (import): 3 of 3")
        partners = self.env["res.partner"].search([("name", "like", "Xero Customer")])
        self.assertEqual(len(partners), 3)
        self.assertEqual(partners.mapped("create_uid"), self.runner)  # as the user, not OdooBot
        self.assertFalse(self.account.active_request_id)
        # The notice at the end: to the user who asked, with the counts and the runs' button.
        notices = self.run_done_notices(self.runner)
        self.assertEqual(len(notices), 1)
        self.assertEqual(notices[0]["lines"], ["Contacts: 3 created"])
        self.assertEqual(notices[0]["runs_action"]["res_model"], "xero.sync.run")

    def test_cancel_a_queued_run_never_calls_xero(self):
        self.account.with_user(self.runner).action_import_all()
        request = self.request()
        before = self.sb.stats()["total"]
        self.account.with_user(self.runner).action_cancel_background()
        self.assertEqual(request.state, "cancelled")
        self.pass_()
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertFalse(request.run_ids)
        with self.assertRaisesRegex(UserError, "already ended"):
            request.with_user(self.runner).action_cancel()

    def test_cancel_while_running_stops_after_the_batch_and_keeps_it(self):
        """Export of 120 partners in batches of 50: Cancel between two batches (as a click
        committed while it runs) ends it after the batch; the 50 sent stay, bound, once."""
        self.account._xero_settings("contacts").write({"direction": "export"})
        self.make_partners(120, prefix="Cancelled")
        self.account.with_user(self.runner).action_export_all()  # the preview
        self.env["xero.sync.request"].with_user(self.runner)._xero_queue(self.account, "export", ["contacts"])
        request = self.request()
        commits = []

        def commit(done):
            commits.append(done)
            if done == 50:  # the user clicks Cancel while the first batch is being sent
                request.with_user(self.runner).action_cancel()

        request._xero_process(commit=commit)
        self.assertEqual(request.state, "cancelled")
        self.assertIn("what it did until then is kept", request.message)
        run = request.run_ids
        self.assertEqual(run.state, "stopped")
        self.assertEqual(run.created_count, 50)
        self.assertEqual(len(self.sent("Cancelled")), 50)
        self.assertEqual(len(self.bindings("contacts")), 50)
        self.assertEqual(self.posts(), 1)
        # A later export sends the other 70, nothing twice.
        self.run_object("contacts", "export")
        names = self.sent("Cancelled")
        self.assertEqual((len(names), len(set(names))), (120, 120))

    def test_only_the_requester_or_a_manager_cancels(self):
        self.account.with_user(self.runner).action_import_all()
        request = self.request()
        with self.assertRaisesRegex(AccessError, "Only .* who started it, or a Xero manager"):
            request.with_user(self.other_runner).action_cancel()
        self.assertEqual(request.state, "queued")
        request.with_user(self.manager).action_cancel()
        self.assertEqual(request.state, "cancelled")

    def test_rights_taken_away_before_the_run_fail_it_without_a_call(self):
        self.account.with_user(self.runner).action_import_all()
        request = self.request()
        self.runner.write({"group_ids": [(3, self.env.ref(USER).id)]})
        before = self.sb.stats()["total"]
        self.pass_()
        request.invalidate_recordset()
        self.assertEqual(request.state, "failed")
        self.assertIn("Xero: User", request.message)
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Xero Customer")]))

    def test_a_disconnected_account_says_so_at_the_click(self):
        self.account.write({"state": "reconnect"})
        with self.assertRaisesRegex(UserError, "must be reconnected: open it and click Connect"):
            self.account.with_user(self.runner).action_import_all()
        self.assertFalse(self.request())


@tagged("post_install", "-at_install")
class TestBackgroundRunRpc(XeroTestMixin, HttpCase):
    """Over JSON-RPC, as the web client calls them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.plain_user = new_test_user(cls.env, login="xero_bg_plain", groups="base.group_user")

    def call(self, user, model, method, args, kwargs=None):
        self.authenticate(user.login, user.login)
        self.env.flush_all()
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

    def test_nobody_redirects_a_background_run_to_another_user(self):
        """A run is carried out as the user who asked: not even a Xero Manager may change
        whose it is (or its objects) over RPC, nor create one by hand."""
        account = self.make_account()
        self.connect_with_issued_token(account)
        request = (
            self.env["xero.sync.request"]
            .sudo()
            .create({"account_id": account.id, "direction": "import", "user_id": self.manager.id})
        )
        admin = self.env.ref("base.user_admin")
        for method, args in (
            ("write", [[request.id], {"user_id": admin.id}]),
            ("write", [[request.id], {"object_keys": "contacts", "state": "queued"}]),
            ("create", [{"account_id": account.id, "direction": "export", "user_id": admin.id}]),
        ):
            with self.subTest(method=method, args=args):
                response = self.call(self.manager, "xero.sync.request", method, args)
                self.assertIn("error", response, response)
                self.assertEqual(response["error"]["data"]["name"], ACCESS_ERROR, response)
        self.assertEqual(request.user_id, self.manager)
        self.assertEqual(
            self.env["xero.sync.request"].sudo().search_count([("account_id", "=", account.id)]), 1
        )

    def test_without_xero_rights_nothing_is_queued_nor_cancelled(self):
        account = self.make_account()
        self.connect_with_issued_token(account)
        account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
        request = (
            self.env["xero.sync.request"]
            .sudo()
            .create({"account_id": account.id, "direction": "import", "user_id": self.manager.id})
        )
        for model, method, ids in (
            ("xero.account", "action_import_all", [account.id]),
            ("xero.account", "action_cancel_background", [account.id]),
            ("xero.sync.request", "action_cancel", [request.id]),
            ("xero.sync.request", "_xero_process", [request.id]),
        ):
            with self.subTest(method=method):
                response = self.call(self.plain_user, model, method, [ids])
                self.assertIn("error", response, response)
                self.assertEqual(response["error"]["data"]["name"], ACCESS_ERROR, response)
        self.env.invalidate_all()
        self.assertEqual(request.state, "queued")
        self.assertEqual(
            self.env["xero.sync.request"].sudo().search_count([("account_id", "=", account.id)]), 1
        )
