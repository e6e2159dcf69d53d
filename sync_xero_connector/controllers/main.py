# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Return point of Xero's consent page (OAuth 2.0 authorization code flow)."""

import logging

from markupsafe import Markup, escape

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.xero_account import CALLBACK_PATH, XeroStateError

_logger = logging.getLogger(__name__)

ACCOUNT_ACTION = "sync_xero_connector.xero_account_action"


def account_url(account_id):
    return f"/odoo/action-{ACCOUNT_ACTION}/{int(account_id)}"


class XeroOAuthController(http.Controller):
    def _page(self, title, message, status, account_id=None):
        link = Markup("")
        if account_id:
            link = Markup('<p><a href="%s">%s</a></p>') % (
                account_url(account_id),
                request.env._("Back to the Xero account"),
            )
        body = Markup(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title></head>"
            "<body style='font-family: sans-serif; margin: 3em;'><h1>%s</h1><p>%s</p>%s"
            "</body></html>"
        ) % (title, title, message, link)
        return request.make_response(
            str(body),
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=status,
        )

    @http.route(CALLBACK_PATH, type="http", auth="user", methods=["GET"], readonly=False)
    def xero_oauth_callback(self, code=None, state=None, error=None, error_description=None, **kwargs):
        Account = request.env["xero.account"]
        title = request.env._("Xero connection")
        try:
            account = Account._oauth_check_state(state)
        except XeroStateError as exc:
            _logger.warning("Refused a Xero OAuth callback (%s): %s", exc.status, exc.message)
            return self._page(title, exc.message, exc.status)
        verifier = account._oauth_consume_state()
        if error:
            message = request.env._(
                "Xero did not grant access (%(error)s%(detail)s). Click Connect on the Xero "
                "account to try again.",
                error=error,
                detail=f": {error_description}" if error_description else "",
            )
            account.message_post(body=escape(message))
            return self._page(title, message, 400, account.id)
        if not code:
            return self._page(
                title,
                request.env._("Xero's answer carries no authorization code. Click Connect again."),
                400,
                account.id,
            )
        try:
            account._oauth_complete(code, code_verifier=verifier)
        except UserError as exc:
            return self._page(title, str(exc), 400, account.id)
        return request.redirect(account_url(account.id), local=True)
