# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero's webhook deliveries: signature first, then store and answer (Xero waits 5 seconds
at most); the import runs later, in the scheduler (``xero.webhook.event``).

Xero's POST carries no session cookie: Odoo finds the database by the host name, so the
server must serve one database for it (``--db-filter``), as for any webhook Odoo receives."""

from odoo import http
from odoo.http import request

from ..models.xero_account import WEBHOOK_PATH


class XeroWebhookController(http.Controller):
    @http.route(
        WEBHOOK_PATH + "<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def xero_webhook(self, token, **kwargs):
        status = (
            request.env["xero.webhook.event"]
            .sudo()
            ._xero_receive(
                token,
                request.httprequest.get_data(cache=False),
                request.httprequest.headers.get("x-xero-signature"),
            )
        )
        # Xero wants an empty body (and no cookie) whatever the answer.
        return request.make_response(b"", status=status)
