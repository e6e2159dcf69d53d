# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every request to Xero and its answer, as the transport hands them over (already redacted)."""

import json
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

_logger = logging.getLogger(__name__)

LOG_LOCK_TIMEOUT = "5s"
ORPHAN_RETENTION_DAYS = 30


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return False


def _as_text(value):
    if value is None or value is False:
        return False
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
    return str(value)


class XeroApiLog(models.Model):
    _name = "xero.api.log"
    _description = "Xero API Log"
    _order = "id desc"
    _rec_name = "url"

    account_id = fields.Many2one("xero.account", ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    tenant_id = fields.Char(string="Tenant ID", readonly=True)
    method = fields.Char(readonly=True)
    url = fields.Char(string="URL", readonly=True)
    status = fields.Integer(readonly=True, help="HTTP status; 0 when Xero could not be reached.")
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    attempt = fields.Integer(readonly=True)
    request_headers = fields.Text(readonly=True)
    request_body = fields.Text(readonly=True)
    response_headers = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)
    min_remaining = fields.Integer(string="Minute Calls Left", readonly=True)
    day_remaining = fields.Integer(string="Day Calls Left", readonly=True)
    problem = fields.Char(string="Rate-Limit Problem", readonly=True)
    error = fields.Text(readonly=True)
    idempotency_key = fields.Char(readonly=True)

    @api.model
    def _values_from_record(self, account_id, record):
        rate = record.get("rate_limits") or {}
        return {
            "account_id": account_id,
            "tenant_id": record.get("tenant_id") or False,
            "method": record.get("method"),
            "url": record.get("url"),
            "status": record.get("status") or 0,
            "duration_ms": round(record.get("duration_ms") or 0),
            "attempt": record.get("attempt") or 1,
            "request_headers": _as_text(record.get("request_headers")),
            "request_body": _as_text(record.get("request_body")),
            "response_headers": _as_text(record.get("response_headers")),
            "response_body": _as_text(record.get("response_body")),
            "min_remaining": _to_int(rate.get("X-MinLimit-Remaining")),
            "day_remaining": _to_int(rate.get("X-DayLimit-Remaining")),
            "problem": rate.get("X-Rate-Limit-Problem") or False,
            "error": record.get("error") or False,
            "idempotency_key": record.get("idempotency_key") or False,
        }

    @api.model
    def _make_log_hook(self, account):
        """The transport's ``log_hook`` for ``account``: writes one row per attempt in a
        separate cursor, so the log survives a rollback of the sync transaction."""
        registry = self.env.registry
        account_id = account.id

        def hook(record):
            try:
                with registry.cursor() as cr:
                    cr.execute("SET LOCAL lock_timeout = %s", [LOG_LOCK_TIMEOUT])
                    # An account created in a transaction not committed yet is invisible
                    # here: log without it rather than wait for that transaction.
                    cr.execute("SELECT 1 FROM xero_account WHERE id = %s", [account_id or 0])
                    linked = account_id if cr.fetchone() else False
                    Log = api.Environment(cr, SUPERUSER_ID, {})["xero.api.log"]
                    Log.create(Log._values_from_record(linked, record))
            except Exception:  # a log must never break a sync
                _logger.warning("Could not write the Xero API log entry", exc_info=True)

        return hook

    @api.autovacuum
    def _gc_xero_api_logs(self):
        """Delete entries older than their account's retention."""
        now = fields.Datetime.now()
        accounts = self.env["xero.account"].with_context(active_test=False).sudo().search([])
        for account in accounts:
            days = account.api_log_retention_days
            if days <= 0:
                continue
            self.env.cr.execute(
                "DELETE FROM xero_api_log WHERE account_id = %s AND create_date < %s",
                [account.id, now - timedelta(days=days)],
            )
        self.env.cr.execute(
            "DELETE FROM xero_api_log WHERE account_id IS NULL AND create_date < %s",
            [now - timedelta(days=ORPHAN_RETENTION_DAYS)],
        )
        self.invalidate_model()
