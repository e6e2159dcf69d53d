# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Real time: the account's webhook (URL token, signing key), importing the events of its
inbox (``xero.webhook.event``), and noticing that the organisation disconnected the app in
Xero (a 401/403 for it, then ``GET /connections`` without it)."""

import logging
import secrets

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..xero import XeroAuthError, XeroError, XeroForbidden, XeroInvalidGrant, webhooks
from .xero_account import MANAGER_GROUP, SYNC_OBJECT_KEYS, SYSTEM_GROUP

_logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/xero/webhook/"


class XeroAccount(models.Model):
    _inherit = "xero.account"

    state = fields.Selection(
        selection_add=[("xero_revoked", "Disconnected in Xero"), ("disconnected",)],
        ondelete={"xero_revoked": "set default"},
    )
    webhook_token = fields.Char(
        compute="_compute_webhook_token",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        index=True,
        groups=MANAGER_GROUP,
        help="The unguessable part of this account's webhook URL.",
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_webhook_url",
        groups=MANAGER_GROUP,
        help="Paste it as the delivery URL of the app's webhook in Xero's developer portal "
        "(developer.xero.com > My Apps > the app > Webhooks), with the events Contacts, "
        "Invoices and Credit Notes.",
    )
    webhook_key = fields.Char(
        string="Webhook Signing Key",
        groups=SYSTEM_GROUP,
        copy=False,
        help="The webhook key Xero shows under the app's Webhooks. Without it every "
        "delivery is refused (401): changes then reach Odoo at the scheduled imports.",
    )

    @api.depends()
    def _compute_webhook_token(self):
        for account in self:
            if not account.webhook_token:
                account.webhook_token = secrets.token_urlsafe(32)

    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        for account in self:
            account.webhook_url = base_url.rstrip("/") + WEBHOOK_PATH + (account.sudo().webhook_token or "")

    def _not_connected_message(self):
        if self.state == "xero_revoked":
            return self.env._(
                "The organisation %(org)s disconnected this app in Xero (Settings > Connected "
                "apps): nothing is synchronised. Open the Xero account %(name)s and click "
                "Reconnect.",
                org=self.tenant_name or "?",
                name=self.name,
            )
        return super()._not_connected_message()

    # ------------------------------------------------------ disconnected in Xero
    def _xero_connection_lost(self, exc):
        """After a 401/403 of an API call: whether the organisation removed the app in Xero
        (``GET /connections`` leaves it out, or refuses the token). If so the account is
        marked Disconnected in Xero, once, with an activity for its responsible user."""
        self.ensure_one()
        if (
            not isinstance(exc, (XeroAuthError, XeroForbidden))
            or isinstance(exc, XeroInvalidGrant)
            or self.state != "connected"
        ):
            return False
        try:
            token = self._get_access_token()
            connections = self._xero_oauth().connections(token)
        except XeroAuthError:
            gone = True
        except (UserError, XeroError):
            return False  # invalid grant (reconnect, handled there) or Xero unreachable
        else:
            gone = (self.tenant_id or "").lower() not in {(c.tenant_id or "").lower() for c in connections}
        if gone:
            self._xero_mark_revoked()
        return gone

    def _xero_mark_revoked(self):
        self.ensure_one()
        self._store_token_state({"state": "xero_revoked", "access_token": False, "token_expires_at": False})
        message = self._not_connected_message()
        account = self.sudo()
        account.message_post(body=escape(message))
        account._xero_activity("revoked", self.env._("Reconnect Xero"), message)
        _logger.warning("Xero account %s: the organisation disconnected the app in Xero", self.id)

    # ------------------------------------------------------------ the inbox
    def _xero_document_links(self, events):
        """``{Xero ID: invoices or bills}`` of the INVOICE events' documents linked already."""
        invoice_ids = [e.resource_id for e in events if e.category == "INVOICE"]
        if not invoice_ids:
            return {}
        return {
            b.xero_id.lower(): b.object_key
            for b in self.env["xero.binding"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("object_key", "in", ("invoices", "bills")),
                    ("xero_id", "in", invoice_ids),
                ]
            )
        }

    def _xero_event_keys(self, events):
        """``{object key: events}`` in dependency order: CONTACT -> contacts, CREDITNOTE ->
        credit notes, INVOICE -> the object of the document's link (invoices or bills), else
        both (its event does not say which)."""
        self.ensure_one()
        linked = self._xero_document_links(events)
        out = {}
        for event in events:
            keys = webhooks.CATEGORY_KEYS[event.category]
            if event.resource_id in linked:
                keys = (linked[event.resource_id],)
            for key in keys:
                out.setdefault(key, self.env["xero.webhook.event"])
                out[key] |= event
        return {key: out[key] for key in SYNC_OBJECT_KEYS if key in out}

    def _xero_import_events(self, events):
        """Import the records ``events`` name: one run per object, reading them by IDs (50
        per read); events of objects not enabled for import are ignored."""
        self.ensure_one()
        if self.state != "connected" or not self.active:
            events._xero_ignore(
                self.env._(
                    "The Xero account was not connected; the scheduled import reads the change "
                    "once it is reconnected."
                )
            )
            return
        enabled = set(self._xero_keys_for("import"))
        outcome = {}  # event -> runs
        for key, mine in self._xero_event_keys(events).items():
            if key not in enabled or self.state != "connected":
                continue  # (disconnected in Xero by the run of another object)
            if key == "bills":
                # New documents the invoices' run just imported are no bills: not read again.
                taken = self._xero_document_links(mine)
                mine = mine.filtered(lambda e, t=taken: t.get(e.resource_id) != "invoices")
                if not mine:
                    continue
            run = self._xero_run_object(
                key,
                "import",
                trigger="webhook",
                xero_ids=sorted(set(mine.mapped("resource_id"))),
                commit=lambda done: self.env["ir.cron"]._commit_progress(0),
            )
            for event in mine:
                outcome.setdefault(event, []).append(run)
        now = fields.Datetime.now()
        for event in events:
            runs = outcome.get(event)
            if not runs:
                event._xero_ignore(
                    self.env._("Not imported: its object is not enabled for import on this account.")
                    if self.state == "connected"
                    else self._not_connected_message()
                )
                continue
            ok = [r for r in runs if r.state in ("done", "partial")]
            event.write(
                {
                    "state": "done" if ok else "failed",
                    "run_id": (ok or runs)[-1].id,
                    "note": False if ok else (runs[0].message or "")[:250],
                    "processed_at": now,
                }
            )
