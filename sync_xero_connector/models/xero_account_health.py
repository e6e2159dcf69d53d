# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The health of an account at a glance (the Xero dashboard) and its alerts.

Alerts: a failed scheduled run, an object with new mismatches, a refresh token near Xero's
60-day end, an account without a successful run for 60 days. Each is one activity for the
responsible user (Odoo e-mails it when the user is notified by e-mail), at most one of a kind
per account and day.
"""

from datetime import datetime, time, timedelta

from markupsafe import escape

from odoo import api, fields, models

from ..xero import const
from .xero_binding import object_selection

REFRESH_TOKEN_LIFE = timedelta(days=60)
REFRESH_TOKEN_WARN = timedelta(days=10)  # alert this long before it ends
INACTIVE_AFTER = timedelta(days=60)


class XeroAccount(models.Model):
    _inherit = "xero.account"

    api_calls_today = fields.Integer(string="API Calls Today", compute="_compute_health")
    api_day_limit = fields.Integer(string="Daily API Limit", compute="_compute_health")
    webhook_deliveries_today = fields.Integer(compute="_compute_health")
    webhook_events_today = fields.Integer(compute="_compute_health")
    webhook_last_at = fields.Datetime(string="Last Webhook", compute="_compute_health")
    webhook_pending = fields.Integer(string="Events Waiting", compute="_compute_health")
    last_success_at = fields.Datetime(string="Last Successful Run", compute="_compute_health")

    def _compute_health(self):
        start = datetime.combine(fields.Date.today(), time.min)
        Log = self.env["xero.api.log"].sudo()
        Event = self.env["xero.webhook.event"].sudo()
        Run = self.env["xero.sync.run"].sudo()
        for account in self:
            account.api_calls_today = Log.search_count(
                [
                    ("account_id", "=", account.id),
                    ("create_date", ">=", start),
                    ("url", "not like", "/connect/"),
                ]
            )
            account.api_day_limit = const.DAY_LIMIT
            today = Event.search([("account_id", "=", account.id), ("create_date", ">=", start)])
            account.webhook_events_today = len(today)
            account.webhook_deliveries_today = len(set(today.mapped("delivery")))
            last = Event.search([("account_id", "=", account.id)], order="id desc", limit=1)
            account.webhook_last_at = last.create_date
            account.webhook_pending = Event.search_count(
                [("account_id", "=", account.id), ("state", "=", "new")]
            )
            run = Run.search(
                [("account_id", "=", account.id), ("state", "in", ("done", "partial"))],
                order="ended_at desc, id desc",
                limit=1,
            )
            account.last_success_at = run.ended_at or run.started_at

    def action_open_health(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.account",
            "res_id": self.id,
            "name": self.display_name,
            "view_mode": "form",
            "views": [(self.env.ref("sync_xero_connector.xero_account_view_form_health").id, "form")],
        }

    # ------------------------------------------------------------------ alerts
    def _xero_activity(self, kind, summary, note):
        """Post ``note`` on the account; an activity for the responsible user unless one of
        ``kind`` was scheduled today already (no storm). Returns the activity or None."""
        self.ensure_one()
        account = self.sudo()
        account.message_post(body=escape(note))
        if not account.user_id:
            return None
        start = datetime.combine(fields.Date.today(), time.min)
        if (
            self.env["mail.activity"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", account.id),
                    ("xero_alert_kind", "=", kind),
                    ("create_date", ">=", start),
                ],
                limit=1,
            )
        ):
            return None
        activity = account.activity_schedule(
            "mail.mail_activity_data_warning", user_id=account.user_id.id, summary=summary, note=escape(note)
        )
        activity.xero_alert_kind = kind
        return activity

    def _xero_alert_mismatches(self, run):
        """A scheduled run opened new mismatch entries: say so (once per object and day)."""
        self.ensure_one()
        new = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search_count(
                [("run_id", "=", run.id), ("state", "=", "open"), ("first_seen", ">=", run.started_at)]
            )
        )
        if not new:
            return
        label = dict(object_selection(self.env)).get(run.object_key, run.object_key)
        self._xero_activity(
            f"mismatches:{run.object_key}",
            self.env._("Xero: new mismatches (%(object)s)", object=label),
            self.env._(
                "%(count)s new mismatch entries for %(object)s: open Xero > Dashboard, click "
                "the object's mismatches, fix each record as its hint says and click Retry.",
                count=new,
                object=label,
            ),
        )

    @api.model
    def _cron_alerts(self):
        """Daily: refresh tokens near their 60-day end, accounts inactive for 60 days."""
        now = fields.Datetime.now()
        accounts = self.sudo().search([("state", "=", "connected")])
        for index, account in enumerate(accounts, start=1):
            issued = account.refresh_token_at
            if (
                account.connection_type == "oauth"
                and issued
                and issued + REFRESH_TOKEN_LIFE - REFRESH_TOKEN_WARN < now
            ):
                account._xero_activity(
                    "refresh_token",
                    self.env._("Xero authorisation ends soon"),
                    self.env._(
                        "Xero ends the authorisation of %(name)s on %(when)s (refresh tokens "
                        "live 60 days unused) and the keep-alive could not renew it: click "
                        "Refresh Token on the account, or Reconnect.",
                        name=account.name,
                        when=fields.Datetime.to_string(issued + REFRESH_TOKEN_LIFE),
                    ),
                )
            last = account.last_success_at or account.create_date
            if last and last + INACTIVE_AFTER < now:
                account._xero_activity(
                    "inactive",
                    self.env._("Xero account inactive"),
                    self.env._(
                        "Nothing was synchronised with %(org)s for 60 days. Enable objects in "
                        "the account's Synchronisation tab (or Import All), or Disconnect it "
                        "if it is no longer used.",
                        org=account.tenant_name or account.name,
                    ),
                )
            self.env["ir.cron"]._commit_progress(1, remaining=len(accounts) - index)
        return len(accounts)
