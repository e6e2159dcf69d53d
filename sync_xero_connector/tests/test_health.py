# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The Xero dashboard (counters, the menu, a browser tour through to a mismatch and its
Retry) and the alerts: one activity per kind per account and day."""

import json
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sync_xero_connector.xero.webhooks import signature

from .test_webhooks import XeroHttpCase

KEY = "health-webhook-key-0123456789"


@tagged("post_install", "-at_install")
class TestHealth(XeroHttpCase):
    account_name = "Health Tour Account"

    def cron_alerts(self):
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["xero.account"]._cron_alerts()
        self.env.invalidate_all()

    def alerts(self, kind=None):
        activities = self.account.activity_ids
        return activities.filtered(lambda a: a.xero_alert_kind == kind) if kind else activities

    def refused_export(self, name):
        """A contact Xero refuses (its search fails there): one open mismatch entry."""
        partner = self.env["res.partner"].create({"name": name})
        self.sb.inject_fault("where_refused", count=20, contains=f'"{name.lower()}"')
        run = self.account._xero_run_object("contacts", "export", trigger="cron", records=partner)
        self.assertEqual(run.state, "partial", run.message)
        self.sb.faults.reset()
        return partner

    def test_xero_menu_opens_the_dashboard(self):
        menu = self.env.ref("sync_xero_connector.xero_menu")
        first = menu.child_id.sorted("sequence")[0]
        self.assertEqual(first.action, self.env.ref("sync_xero_connector.xero_health_action"))

    def test_counters(self):
        self.account._xero_run_object("contacts", "import")
        self.refused_export("Refused Name Co")
        self.account.sudo().webhook_key = KEY
        contact = self.sb.records("Contacts")[0]["ContactID"]
        for entropy in ("A", "B"):
            body = json.dumps(
                {
                    "events": [
                        {
                            "resourceUrl": "x",
                            "resourceId": contact,
                            "eventDateUtc": "2026-03-10T10:00:00",
                            "eventType": "UPDATE",
                            "eventCategory": "CONTACT",
                            "tenantId": self.sb.tenant_id,
                            "tenantType": "ORGANISATION",
                        }
                    ],
                    "firstEventSequence": 7,
                    "lastEventSequence": 7,
                    "entropy": entropy,
                }
            ).encode()
            status = (
                self.env["xero.webhook.event"]
                .sudo()
                ._xero_receive(self.account.sudo().webhook_token, body, signature(KEY, body))
            )
            self.assertEqual(status, 200)
        self.account.invalidate_recordset()
        logged = self.env["xero.api.log"].search_count(
            [("account_id", "=", self.account.id), ("url", "not like", "/connect/")]
        )
        self.assertTrue(logged)
        self.assertEqual(self.account.api_calls_today, logged)
        self.assertEqual(self.account.api_day_limit, 5000)
        self.assertEqual(self.account.webhook_deliveries_today, 1)  # the replay is not new
        self.assertEqual(self.account.webhook_events_today, 1)
        self.assertEqual(self.account.webhook_pending, 1)
        self.assertTrue(self.account.webhook_last_at)
        settings = self.account._xero_settings("contacts")
        self.assertEqual(settings.mismatch_count, 1)
        self.assertEqual(settings.last_success_at, settings.last_export_run_id.ended_at)
        action = settings.action_view_mismatches()
        self.assertEqual(
            self.env["xero.mismatch.log"].search(action["domain"]).record_name, "Refused Name Co"
        )

    def test_tour_dashboard_to_mismatch_retry(self):
        partner = self.refused_export("Refused Name Co")
        entry = self.env["xero.mismatch.log"].search([("res_id", "=", partner.id)])
        self.assertEqual(entry.state, "open")
        self.start_tour("/odoo", "sync_xero_connector_health", login="admin")
        self.assertEqual(entry.state, "resolved")
        self.assertTrue(partner.xero_id)
        self.assertIn("Refused Name Co", {c["Name"] for c in self.sb.records("Contacts")})

    # ------------------------------------------------------------------ alerts
    def test_failed_scheduled_runs_alert_once_a_day(self):
        self.account._xero_onboarding_check()
        for __ in range(3):
            self.sb.inject_fault("where_refused", count=5, contains='Type=="ACCREC"')
            run = self.account._xero_run_object("invoices", "import", trigger="cron")
            self.assertEqual(run.state, "failed")
        self.assertEqual(len(self.alerts("failed_run")), 1)
        self.assertEqual(self.alerts("failed_run").user_id, self.manager)
        # Tomorrow's failure is news again.
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(
            "UPDATE mail_activity SET create_date = %s WHERE id = %s",
            [yesterday, self.alerts("failed_run").id],
        )
        self.env.invalidate_all()
        self.sb.inject_fault("where_refused", count=5, contains='Type=="ACCREC"')
        self.account._xero_run_object("invoices", "import", trigger="cron")
        self.assertEqual(len(self.alerts("failed_run")), 2)

    def test_new_mismatches_alert_once_per_object_and_day(self):
        self.refused_export("Refused Name Co")
        alert = self.alerts("mismatches:contacts")
        self.assertEqual(len(alert), 1)
        self.assertIn("Retry", alert.note)
        self.refused_export("Another Refused Co")
        self.assertEqual(len(self.alerts("mismatches:contacts")), 1)
        self.assertEqual(len(self.alerts()), 1)
        # A button run is the user's own: no alert for it.
        self.alerts().unlink()
        partner = self.env["res.partner"].create({"name": "Manual Refused Co"})
        self.sb.inject_fault("where_refused", count=20, contains='"manual refused co"')
        self.account._xero_run_object("contacts", "export", records=partner)
        self.assertFalse(self.alerts())

    def test_refresh_token_ending_and_inactive_account(self):
        self.cron_alerts()
        self.assertFalse(self.alerts())
        # The keep-alive could not renew it for 55 days; nothing ran for 61.
        self.account.sudo().refresh_token_at = fields.Datetime.now() - timedelta(days=55)
        self.env.cr.execute(
            "UPDATE xero_account SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=61), self.account.id],
        )
        self.account.invalidate_recordset()
        for __ in range(2):
            self.cron_alerts()
        self.assertEqual(len(self.alerts("refresh_token")), 1)
        self.assertEqual(len(self.alerts("inactive")), 1)
        self.assertEqual(len(self.alerts()), 2)
        self.account._xero_run_object("contacts", "import")
        self.alerts().unlink()
        self.cron_alerts()
        self.assertEqual(self.alerts().mapped("xero_alert_kind"), ["refresh_token"])

    def test_webhook_secrets_are_not_for_everyone(self):
        """The URL's token is the Xero Managers'; the signing key system administrators'."""
        self.account.sudo().webhook_key = KEY
        url = self.account.with_user(self.manager).webhook_url
        self.assertTrue(url.endswith("/xero/webhook/" + self.account.sudo().webhook_token))
        self.assertGreaterEqual(len(self.account.sudo().webhook_token), 40)
        for user, fields_ in (
            (self.xero_user, ["webhook_url"]),
            (self.xero_user, ["webhook_token"]),
            (self.manager, ["webhook_key"]),
        ):
            with self.assertRaises(AccessError):
                self.account.with_user(user).read(fields_)
        other = self.make_account(company=self.env["res.company"].create({"name": "Other Co"}))
        self.assertNotEqual(other.sudo().webhook_token, self.account.sudo().webhook_token)
