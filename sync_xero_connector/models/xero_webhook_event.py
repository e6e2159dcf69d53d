# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The webhook inbox: what Xero said changed, stored once, imported by the scheduler.

The controller only checks the signature and calls ``_xero_receive``, which stores the events
(one INSERT, duplicates skipped) and triggers the scheduler: no Xero call in the request.
``_cron_process`` reads the changed records by IDs (up to 50 per read, one read per batch of
50) and runs the normal import for them (``xero.account._xero_run_object``).
"""

import json
import re

from odoo import api, fields, models
from odoo.tools import SQL, consteq

from ..xero import webhooks
from ..xero.client import GUID
from ..xero.dates import parse_datetime
from .xero_object import naive_utc

CRON_XMLID = "sync_xero_connector.ir_cron_xero_webhook_events"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
STATES = [("new", "New"), ("done", "Done"), ("failed", "Failed"), ("ignored", "Ignored")]


class XeroWebhookEvent(models.Model):
    _name = "xero.webhook.event"
    _description = "Xero Webhook Event"
    _order = "id desc"
    _rec_name = "resource_id"

    account_id = fields.Many2one(
        "xero.account",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        help="The account whose webhook URL got it.",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    tenant_id = fields.Char(string="Tenant ID", required=True, readonly=True)
    category = fields.Char(required=True, readonly=True, help="CONTACT, INVOICE, CREDITNOTE...")
    event_type = fields.Char(readonly=True, help="CREATE or UPDATE.")
    resource_id = fields.Char(string="Xero ID", required=True, readonly=True, index=True)
    event_date = fields.Datetime(readonly=True)
    sequence = fields.Integer(readonly=True)
    delivery = fields.Char(readonly=True, help="The delivery (Xero's entropy) it came in.")
    data = fields.Json(readonly=True)
    state = fields.Selection(STATES, default="new", required=True, index=True, readonly=True)
    note = fields.Char(readonly=True)
    run_id = fields.Many2one("xero.sync.run", ondelete="set null", readonly=True)
    processed_at = fields.Datetime(readonly=True)

    _event_uniq = models.Constraint(
        "UNIQUE(tenant_id, category, resource_id, event_date, sequence)",
        "Each Xero event is stored once.",
    )

    # -------------------------------------------------------------- receiving
    @api.model
    def _xero_account_of_token(self, token):
        if not token or not TOKEN_PATTERN.fullmatch(token):
            return self.env["xero.account"]
        account = self.env["xero.account"].sudo().search([("webhook_token", "=", token)], limit=1)
        if account and consteq(account.webhook_token, token):
            return account
        return self.env["xero.account"]

    @api.model
    def _xero_receive(self, token, raw_body, signature):
        """Check and store one delivery; returns the HTTP status to answer (200, 400, 401).

        Fails closed: no account for the token, no signing key, no or a wrong signature: 401,
        nothing stored. A correctly signed payload without events (intent to receive): 200."""
        account = self._xero_account_of_token(token)
        key = account.webhook_key if account else None
        if not webhooks.verify_signature(key, raw_body, signature):
            return 401
        try:
            events, first, __ = webhooks.parse_payload(raw_body)
        except (ValueError, AttributeError, TypeError):
            return 400
        payload = json.loads(raw_body)
        rows = self._xero_rows(account, events, first, payload.get("entropy"))
        if rows and self._xero_store(rows):
            self.env.ref(CRON_XMLID).sudo()._trigger()
        return 200

    @api.model
    def _xero_rows(self, account, events, first_sequence, entropy):
        """Insert values of the events; those of an organisation no account of this key is
        connected to are stored as ignored (never read from Xero)."""
        key = account.webhook_key
        tenants = {str(e.tenant_id or "").lower() for e in events}
        accounts = self.env["xero.account"].sudo().search([("tenant_id", "in", list(tenants))])
        by_tenant = {
            a.tenant_id.lower(): a for a in accounts if a.webhook_key and consteq(a.webhook_key, key)
        }
        base = first_sequence if isinstance(first_sequence, int) else 0
        rows = []
        for index, event in enumerate(events):
            tenant = str(event.tenant_id or "").lower()
            owner = by_tenant.get(tenant)
            state, note = "new", None
            if owner is None:
                state, note = "ignored", "Another organisation than the account's: refused."
            elif event.event_category not in webhooks.CATEGORY_KEYS:
                state, note = "ignored", "Not a category the connector imports."
            elif not GUID.fullmatch(str(event.resource_id or "")):
                state, note = "ignored", "The event names no Xero ID."
            elif not event.event_date:
                state, note = "ignored", "The event has no date."
            date = naive_utc(parse_datetime(event.event_date)) if event.event_date else None
            rows.append(
                {
                    "account_id": (owner or account).id,
                    "company_id": (owner or account).company_id.id,
                    "tenant_id": tenant[:64] or "?",
                    "category": str(event.event_category or "?")[:32],
                    "event_type": str(event.event_type or "")[:32],
                    "resource_id": str(event.resource_id or "?")[:64].lower(),
                    "event_date": date,
                    "sequence": base + index,
                    "delivery": str(entropy or "")[:64],
                    "data": json.dumps(event.data if isinstance(event.data, dict) else {}),
                    "state": state,
                    "note": note,
                }
            )
        return rows

    @api.model
    def _xero_store(self, rows):
        """One INSERT; an event stored already (a replayed delivery) is skipped. Returns the
        number of new events to import."""
        columns = list(rows[0])
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')",
                SQL(", ").join(SQL("%s", row[c]) for c in columns),
                self.env.uid,
                self.env.uid,
            )
            for row in rows
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO xero_webhook_event (%s, create_uid, write_uid, create_date, write_date)"
                " VALUES %s ON CONFLICT (tenant_id, category, resource_id, event_date, sequence)"
                " DO NOTHING RETURNING state",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                values,
            )
        )
        return sum(1 for (state,) in self.env.cr.fetchall() if state == "new")

    # ------------------------------------------------------------- processing
    @api.model
    def _cron_process(self):
        """Import what the new events name, per account and object; one run each."""
        events = self.sudo().search([("state", "=", "new")], order="id")
        cron = self.env["ir.cron"]
        accounts = events.account_id
        for index, account in enumerate(accounts, start=1):
            mine = events.filtered(lambda e, a=account: e.account_id == a)
            account.with_company(account.company_id)._xero_import_events(mine)
            cron._commit_progress(1, remaining=len(accounts) - index)
        return len(events)

    def _xero_ignore(self, note):
        self.write({"state": "ignored", "note": note, "processed_at": fields.Datetime.now()})
