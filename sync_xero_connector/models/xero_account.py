# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One Xero connection per company: credentials, OAuth flows, tokens, tenant binding.

The one place where tokens are refreshed is ``_get_access_token``; the one place where they
are stored is ``_store_token_state`` (a separate cursor, committed at once, under a row lock).
"""

import logging
import secrets
import time
from datetime import datetime, timedelta, timezone
from datetime import time as day_time

import psycopg2.errors
from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import Cursor
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..xero import (
    Transport,
    XeroAuthError,
    XeroClient,
    XeroDayLimitError,
    XeroError,
    XeroForbidden,
    XeroInsecureEndpoint,
    XeroInvalidGrant,
    XeroNotFound,
    XeroOAuth,
    const,
    new_code_verifier,
    normalize_scopes,
    onboarding,
    webhooks,
)
from ..xero.objects import INVOICE_KEYS, OBJECT_MODULES, SYNC_OBJECT_KEYS
from .xero_binding import object_selection
from .xero_object import Sync, naive_utc
from .xero_rate_call import registry_for
from .xero_sync_run import RESULT_KEYS, RunStopped
from .xero_sync_setting import SETUP_KEYS

_logger = logging.getLogger(__name__)

CALLBACK_PATH = "/xero/oauth/callback"
STATE_HMAC_SCOPE = "sync_xero_connector-oauth"
STATE_MAX_AGE = timedelta(minutes=15)
# A token valid for less than this is refreshed before use.
TOKEN_MARGIN = timedelta(minutes=2)
# How long a worker waits for another worker's token refresh before giving up.
TOKEN_LOCK_TIMEOUT = "20s"
IDENTITY_SCOPES = ("openid", "profile", "email", const.OFFLINE_ACCESS)
USER_GROUP = "sync_xero_connector.group_xero_user"
MANAGER_GROUP = "sync_xero_connector.group_xero_manager"
SYSTEM_GROUP = "base.group_system"
# The servers an account talks to. They receive the client secret and the tokens: Xero's own
# hosts, unless a system administrator sets the account to custom endpoints (endpoint_mode).
XERO_ENDPOINTS = {
    "login_url": const.LOGIN_URL,
    "identity_url": const.IDENTITY_URL,
    "api_url": const.API_URL,
}
ENDPOINT_FIELDS = ("endpoint_mode",) + tuple(XERO_ENDPOINTS)


# Fields written only through _store_token_state / the connect flows.
TOKEN_FIELDS = ("access_token", "refresh_token", "token_expires_at", "refresh_token_at")


class XeroStateError(Exception):
    """An OAuth ``state`` that must be refused; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def _naive_utc(value):
    """Aware datetime -> naive UTC datetime as Odoo stores it."""
    if value is None:
        return False
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


# Session-level advisory lock namespace: one run per (account, object) at a time.
RUN_LOCK_NAMESPACE = 74_820

# Records named per object and outcome in a preview.
PREVIEW_NAMES = 5

# When Xero stops on its day limit without saying until when.
DAY_LIMIT_FALLBACK = timedelta(hours=1)

DOCUMENT_KEYS = ("invoices", "bills", "credit_notes", "payments")

LEVEL_CLASSES = {"blocking": "danger", "warning": "warning", "info": "info"}

WEBHOOK_PATH = "/xero/webhook/"

REFRESH_TOKEN_LIFE = timedelta(days=60)

REFRESH_TOKEN_WARN = timedelta(days=10)  # alert this long before it ends

INACTIVE_AFTER = timedelta(days=60)


class XeroAccount(models.Model):
    _name = "xero.account"
    _description = "Xero Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, id"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Receives the notifications of this connection (e.g. when it must be reconnected).",
    )
    connection_type = fields.Selection(
        [("oauth", "OAuth 2.0"), ("custom", "Custom Connection")],
        required=True,
        default="oauth",
        tracking=True,
        help="OAuth 2.0: a user of the organisation grants access in Xero's consent page.\n"
        "Custom Connection: a premium Xero app bound to one organisation, connected with "
        "its client id and secret only (client credentials).",
    )
    client_id = fields.Char(string="Client ID", tracking=True)
    client_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Leave empty for an app of type 'Auth Code with PKCE' (OAuth 2.0 only).",
    )
    scope_preset = fields.Selection(
        [("broad", "Broad scopes"), ("granular", "Granular scopes"), ("custom", "Custom")],
        required=True,
        default="broad",
        help="Broad: apps created before 2 March 2026. Granular: apps created since then. "
        "Custom: edit the scopes yourself.",
    )
    scopes = fields.Char(
        compute="_compute_scopes",
        store=True,
        readonly=False,
        precompute=True,
        help="Space-separated scopes requested from Xero. offline_access is always added for "
        "OAuth 2.0 so that a refresh token is issued.",
    )
    endpoint_mode = fields.Selection(
        [("xero", "Xero"), ("custom", "Custom (sandbox / test server)")],
        string="Endpoints",
        required=True,
        default="xero",
        groups=SYSTEM_GROUP,
        copy=False,
        tracking=True,
        help="Xero: the connector talks to Xero's own servers only. Custom: to the URLs below "
        "(a sandbox or test server); they receive the client secret and the tokens, so "
        "only a system administrator can set them.",
    )
    login_url = fields.Char(
        string="Login URL", required=True, default=const.LOGIN_URL, groups=SYSTEM_GROUP, copy=False
    )
    identity_url = fields.Char(
        string="Identity URL", required=True, default=const.IDENTITY_URL, groups=SYSTEM_GROUP, copy=False
    )
    api_url = fields.Char(
        string="API URL", required=True, default=const.API_URL, groups=SYSTEM_GROUP, copy=False
    )
    redirect_uri = fields.Char(
        string="Redirect URI",
        compute="_compute_redirect_uri",
        help="Register this exact URI in the Xero app (developer.xero.com > My Apps).",
    )
    state = fields.Selection(
        [
            ("draft", "Not connected"),
            ("select_tenant", "Choose organisation"),
            ("connected", "Connected"),
            ("reconnect", "Reconnect needed"),
            ("xero_revoked", "Disconnected in Xero"),
            ("disconnected", "Disconnected"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    tenant_id = fields.Char(string="Tenant ID", readonly=True, copy=False)
    tenant_name = fields.Char(string="Organisation", readonly=True, copy=False, tracking=True)
    connection_id = fields.Char(string="Connection ID", readonly=True, copy=False)
    tenant_ids = fields.One2many(
        "xero.account.tenant",
        "account_id",
        string="Organisations",
        readonly=True,
        copy=False,
    )
    tenant_count = fields.Integer(compute="_compute_tenant_count")
    access_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    refresh_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    token_expires_at = fields.Datetime(
        string="Token Expiry",
        groups="base.group_system",
        copy=False,
        readonly=True,
    )
    refresh_token_at = fields.Datetime(
        string="Refresh Token Issued",
        groups="base.group_system",
        copy=False,
        readonly=True,
        help="When the current refresh token was issued (Xero expires unused ones after 60 days).",
    )
    oauth_state_nonce = fields.Char(groups="base.group_system", copy=False, readonly=True)
    oauth_state_at = fields.Datetime(groups="base.group_system", copy=False, readonly=True)
    pkce_verifier = fields.Char(
        string="PKCE Verifier",
        groups="base.group_system",
        copy=False,
        readonly=True,
    )
    api_log_retention_days = fields.Integer(
        string="Keep API Logs (days)",
        default=30,
        help="API log entries older than this are deleted by the daily clean-up (0 keeps them).",
    )
    token_keep_alive_days = fields.Integer(
        string="Refresh Token Keep-Alive (days)",
        default=20,
        help="The daily keep-alive refreshes OAuth tokens whose refresh token is older than "
        "this (Xero expires refresh tokens unused for 60 days).",
    )
    api_log_count = fields.Integer(compute="_compute_api_log_count")

    _company_uniq = models.Constraint(
        "unique(company_id)",
        "A company can have only one Xero account.",
    )

    # ---------------------------------------------------------------- computes
    @api.depends("scope_preset", "connection_type")
    def _compute_scopes(self):
        for account in self:
            if account.scope_preset == "custom" and account.scopes:
                account.scopes = account._normalized_scopes(account.scopes)
                continue
            preset = const.GRANULAR_SCOPES if account.scope_preset == "granular" else None
            if account.connection_type == "custom":
                base = preset or const.CUSTOM_CONNECTION_SCOPES
            else:
                base = preset or const.BROAD_SCOPES
            account.scopes = account._normalized_scopes(base)

    def _normalized_scopes(self, scopes):
        """offline_access always for OAuth; no identity scopes for Custom Connections."""
        if self.connection_type == "custom":
            items = [s for s in normalize_scopes(scopes, offline=False).split() if s not in IDENTITY_SCOPES]
            return " ".join(items)
        return normalize_scopes(scopes, offline=True)

    def _compute_redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        for account in self:
            account.redirect_uri = base_url.rstrip("/") + CALLBACK_PATH

    @api.depends("tenant_ids")
    def _compute_tenant_count(self):
        for account in self:
            account.tenant_count = len(account.tenant_ids)

    def _compute_api_log_count(self):
        counts = {}
        if self.env["xero.api.log"].has_access("read"):
            groups = self.env["xero.api.log"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
            counts = {account.id: count for account, count in groups}
        for account in self:
            account.api_log_count = counts.get(account.id, 0)

    @api.constrains(*ENDPOINT_FIELDS)
    def _check_endpoints(self):
        for account in self.sudo():
            if account.endpoint_mode == "xero" and any(
                account[name] != url for name, url in XERO_ENDPOINTS.items()
            ):
                raise ValidationError(
                    self.env._(
                        "The Xero account %(name)s talks to Xero's own servers: its URLs must be "
                        "%(urls)s. For a sandbox or test server, set Endpoints to Custom first "
                        "(Advanced tab, system administrators only).",
                        name=account.name,
                        urls=", ".join(XERO_ENDPOINTS.values()),
                    )
                )

    # ------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("scopes"):
                vals["scopes"] = " ".join(vals["scopes"].split())
        vals_list = [self._xero_endpoint_vals(vals) for vals in vals_list]
        accounts = super().create(vals_list)
        accounts._fix_scopes()
        accounts._xero_ensure_sync_settings()
        return accounts

    def write(self, vals):
        vals = self._xero_endpoint_vals(vals)
        previous = {account: account.tenant_id for account in self} if vals.get("tenant_id") else {}
        res = super().write(vals)
        if "scopes" in vals or "connection_type" in vals:
            self._fix_scopes()
        for account, tenant_id in previous.items():
            if account.tenant_id != tenant_id:
                # Links, cursors and mismatch entries follow the organisation.
                self.env["xero.account.tenant"]._xero_tenant_changed(account, tenant_id)
        return res

    def _xero_endpoint_vals(self, vals):
        """Endpoints are a system administrator's (checked on the real user, even under
        sudo); back to Xero's mode means back to Xero's URLs."""
        if not set(ENDPOINT_FIELDS) & set(vals):
            return vals
        self._check_xero_system()
        if vals.get("endpoint_mode") == "xero":
            return dict(vals, **XERO_ENDPOINTS)
        return vals

    def _fix_scopes(self):
        for account in self:
            fixed = account._normalized_scopes(account.scopes or "")
            if fixed != account.scopes:
                super(XeroAccount, account).write({"scopes": fixed})
        return True

    # ---------------------------------------------------------- the helpers
    def _xero_transport(self):
        """The HTTP chokepoint for this account: every request is logged in xero.api.log."""
        self.ensure_one()
        secret = self.sudo().client_secret
        return Transport(
            log_hook=self.env["xero.api.log"]._make_log_hook(self),
            # Xero's limits per organisation across every process (models/xero_rate_call.py).
            limiters=registry_for(self.env.cr.dbname),
            secrets=(secret,) if secret else (),
        )

    def _xero_endpoints(self):
        """The URLs this account sends its requests (and so its secret and tokens) to:
        Xero's own, unless a system administrator set the account to custom endpoints."""
        self.ensure_one()
        account = self.sudo()
        if account.endpoint_mode != "custom":
            return dict(XERO_ENDPOINTS)
        return {name: account[name] for name in XERO_ENDPOINTS}

    def _xero_oauth(self, transport=None):
        self.ensure_one()
        account = self.sudo()
        if not account.client_id:
            raise UserError(
                self.env._(
                    "Set the client ID of the Xero account %(name)s first (developer.xero.com > My Apps).",
                    name=account.name,
                )
            )
        try:
            return XeroOAuth(
                account.client_id,
                account.client_secret or None,
                transport=transport or self._xero_transport(),
                redirect_uri=account.redirect_uri,
                scopes=account._normalized_scopes(account.scopes or ""),
                **self._xero_endpoints(),
            )
        except XeroInsecureEndpoint as exc:
            raise UserError(
                self.env._(
                    "The Xero account %(name)s cannot use %(url)s: that URL would receive its client "
                    "secret and tokens. Use an https:// URL without user name, password, spaces or "
                    "backslashes (plain http:// is accepted only for a sandbox on this machine: "
                    "127.0.0.1, ::1 or localhost). A system administrator sets the URLs on the "
                    "account's Advanced tab.",
                    name=account.name,
                    url=exc.url,
                )
            ) from None

    def _xero_client(self):
        """Accounting API client of the bound organisation."""
        self.ensure_one()
        if self.state != "connected" or not self.tenant_id:
            raise UserError(self._not_connected_message())
        return XeroClient(
            self._xero_transport(),
            self.tenant_id,
            self._get_access_token,
            api_url=self._xero_endpoints()["api_url"],
        )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(self.state)

    # ---------------------------------------------------------- access checks
    # Every entry point that reaches Xero calls one of these. They check the real caller
    # (``self.env.user``: sudo keeps it), so an account read with sudo() proves nothing; the
    # superuser (crons, the command line) passes.
    def _xero_caller_is_superuser(self):
        return self.env.uid == SUPERUSER_ID

    def _check_xero_user(self):
        """Running a sync (import, export, retry): Xero User (Manager implies it)."""
        if self._xero_caller_is_superuser():
            return
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._(
                    'Running a Xero synchronisation needs the access right "Xero: User" (or '
                    '"Xero: Manager"). An administrator grants it in Settings > Users & '
                    "Companies > Users, on your user's Access Rights tab (Xero)."
                )
            )
        self.sudo(False).check_access("read")

    def _check_xero_manager(self):
        """Configuring the connection (connect, disconnect, organisation, settings, mapping
        tables): Xero Manager."""
        if self._xero_caller_is_superuser():
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Configuring the Xero connection (connect, disconnect, organisation, settings, "
                    'mappings) needs the access right "Xero: Manager". An administrator grants '
                    "it in Settings > Users & Companies > Users, on your user's Access Rights tab "
                    "(Xero)."
                )
            )
        self.sudo(False).check_access("write")

    def _check_xero_system(self):
        """The endpoints receive the client secret and the tokens: system administrators."""
        if self._xero_caller_is_superuser() or self.env.user.has_group(SYSTEM_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only a system administrator can change the servers of a Xero account (Endpoints, "
                "Login, Identity and API URLs): they receive its client secret and tokens. Ask an "
                "administrator (Settings > Users & Companies > Users, Administration: Settings)."
            )
        )

    # ------------------------------------------------------------- OAuth flow
    def action_connect(self):
        self.ensure_one()
        self._check_xero_manager()
        if self.connection_type == "custom":
            self._xero_connect_custom()
            return self._reload_action()
        account = self.sudo()
        oauth = self._xero_oauth()
        nonce = secrets.token_urlsafe(24)
        vals = {
            "oauth_state_nonce": nonce,
            "oauth_state_at": fields.Datetime.now(),
            "pkce_verifier": False,
        }
        if not account.client_secret:
            vals["pkce_verifier"] = new_code_verifier()
        account.write(vals)
        state = self._oauth_state_make(nonce, self.env.uid)
        return {
            "type": "ir.actions.act_url",
            "url": oauth.authorization_url(state, code_verifier=vals["pkce_verifier"] or None),
            "target": "self",
        }

    def _oauth_state_make(self, nonce, uid):
        payload = f"{self.id}.{uid}.{nonce}"
        signature = odoo_hmac(self.env(su=True), STATE_HMAC_SCOPE, payload)
        return f"{payload}.{signature}"

    @api.model
    def _oauth_check_state(self, state):
        """Verify an OAuth ``state`` sent back by Xero and return the account.

        Raises XeroStateError (400/403) without touching any record when it must be refused.
        The nonce is single use: the caller clears it (``_oauth_consume_state``).
        """
        parts = (state or "").split(".")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            raise XeroStateError(self.env._("The state of this Xero answer is malformed."), 400)
        account_id, uid, nonce, signature = int(parts[0]), int(parts[1]), parts[2], parts[3]
        expected = odoo_hmac(self.env(su=True), STATE_HMAC_SCOPE, f"{account_id}.{uid}.{nonce}")
        if not consteq(expected, signature):
            raise XeroStateError(
                self.env._(
                    "The state of this Xero answer has an invalid signature: it was not issued "
                    "by this database. Start again with Connect on the Xero account."
                ),
                400,
            )
        if uid != self.env.uid:
            raise XeroStateError(
                self.env._(
                    "This Xero authorisation was started by another user. Log in as that user, "
                    "or click Connect yourself."
                ),
                403,
            )
        account = self.browse(account_id).exists()
        if not account:
            raise XeroStateError(self.env._("The Xero account of this answer does not exist."), 400)
        try:
            account.check_access("write")
            account._check_xero_manager()
        except AccessError:
            raise XeroStateError(
                self.env._("You are not allowed to connect this Xero account."), 403
            ) from None
        stored = account.sudo()
        if not stored.oauth_state_nonce or not consteq(stored.oauth_state_nonce, nonce):
            raise XeroStateError(
                self.env._(
                    "This Xero answer was already used or replaced by a newer Connect. Click "
                    "Connect again on the Xero account."
                ),
                400,
            )
        oldest = fields.Datetime.now() - STATE_MAX_AGE
        if not stored.oauth_state_at or stored.oauth_state_at < oldest:
            raise XeroStateError(
                self.env._("This Xero authorisation is older than 15 minutes. Click Connect again."), 400
            )
        return account

    def _oauth_consume_state(self):
        """Single use: forget the nonce (and return the PKCE verifier it came with)."""
        self.ensure_one()
        account = self.sudo()
        verifier = account.pkce_verifier or None
        account.write({"oauth_state_nonce": False, "oauth_state_at": False, "pkce_verifier": False})
        return verifier

    def _oauth_complete(self, code, code_verifier=None):
        """Exchange the authorization code, list the organisations and bind one (or let the
        user choose when there are several)."""
        self.ensure_one()
        oauth = self._xero_oauth()
        try:
            tokens = oauth.exchange_code(code, code_verifier=code_verifier)
            connections = oauth.connections(tokens.access_token)
        except XeroError as exc:
            raise UserError(
                self.env._(
                    "Xero refused the connection of %(name)s: %(error)s",
                    name=self.name,
                    error=exc,
                )
            ) from None
        self._bind_connections(tokens, connections)

    def _xero_connect_custom(self):
        """Custom Connection: client credentials, then bind the (single) organisation."""
        self.ensure_one()
        account = self.sudo()
        if not account.client_secret:
            raise UserError(
                self.env._(
                    "A Custom Connection needs the client secret of the Xero app. A system "
                    "administrator must set it on %(name)s.",
                    name=account.name,
                )
            )
        oauth = self._xero_oauth()
        try:
            tokens = oauth.client_credentials(account._normalized_scopes(account.scopes or ""))
            connections = oauth.connections(tokens.access_token)
        except XeroError as exc:
            raise UserError(
                self.env._(
                    "Xero refused the Custom Connection of %(name)s: %(error)s",
                    name=account.name,
                    error=exc,
                )
            ) from None
        self._bind_connections(tokens, connections)

    def _token_vals(self, tokens):
        now = fields.Datetime.now()
        vals = {
            "access_token": tokens.access_token,
            "token_expires_at": _naive_utc(tokens.expires_at),
        }
        if tokens.refresh_token:
            vals.update(refresh_token=tokens.refresh_token, refresh_token_at=now)
        return vals

    def _bind_connections(self, tokens, connections):
        self.ensure_one()
        if not connections:
            raise UserError(
                self.env._(
                    "Xero granted access to no organisation. Connect again and tick an "
                    "organisation on Xero's consent page."
                )
            )
        vals = self._token_vals(tokens)
        if self.connection_type == "custom":
            vals.update(refresh_token=False, refresh_token_at=False)
        self.tenant_ids.sudo().unlink()
        lines = (
            self.env["xero.account.tenant"]
            .sudo()
            .create(
                [
                    {
                        "account_id": self.id,
                        "connection_id": connection.id,
                        "tenant_id": connection.tenant_id,
                        "tenant_name": connection.tenant_name,
                        "tenant_type": connection.tenant_type,
                    }
                    for connection in connections
                ]
            )
        )
        if len(connections) == 1:
            # Another organisation than the one of the account's links: the user confirms.
            vals.update(lines._xero_connect_vals())
        else:
            vals.update(state="select_tenant", tenant_id=False, tenant_name=False, connection_id=False)
        self.sudo().write(vals)
        if self.state == "connected":
            self.message_post(
                body=self.env._(
                    "Connected to the Xero organisation %(name)s.",
                    name=self.tenant_name,
                )
            )
            self._xero_on_connected()  # first connection: the recommended objects

    def _reload_action(self):
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------------ tokens
    def _get_access_token(self, force=False):
        """A valid access token; the token provider of XeroClient.

        Refreshes when the token is valid for less than two minutes, or when ``force`` is set
        (after a 401). The refresh happens under a row lock in a separate cursor committed at
        once, so two workers never spend the same single-use refresh token.
        """
        self.ensure_one()
        account = self.sudo()
        if account.state != "connected":
            raise UserError(self._not_connected_message())
        seen = account.access_token
        if seen and not force and account._token_is_fresh(account.token_expires_at):
            return seen
        return self._refresh_locked(seen, force)

    def _token_is_fresh(self, expires_at):
        return bool(expires_at) and expires_at - TOKEN_MARGIN > fields.Datetime.now()

    def _not_connected_message(self):
        if self.state == "xero_revoked":
            return self.env._(
                "The organisation %(org)s disconnected this app in Xero (Settings > Connected "
                "apps): nothing is synchronised. Open the Xero account %(name)s and click "
                "Reconnect.",
                org=self.tenant_name or "?",
                name=self.name,
            )
        if self.state == "reconnect":
            return self.env._(
                "The Xero account %(name)s must be reconnected: open it and click Connect.",
                name=self.name,
            )
        if self.state == "select_tenant":
            return self.env._(
                "Choose the organisation of the Xero account %(name)s: open it and click Use "
                "this organisation on one of them.",
                name=self.name,
            )
        return self.env._(
            "The Xero account %(name)s is not connected (%(state)s). Open it and click Connect.",
            name=self.name,
            state=self._state_label(),
        )

    def _refresh_locked(self, seen, force):
        """The one place where tokens are refreshed (see _get_access_token)."""
        with self._token_cursor() as locked:
            if locked.state != "connected":
                self._sync_token_cache(locked)
                raise UserError(locked._not_connected_message())
            current = locked.access_token
            if current and locked._token_is_fresh(locked.token_expires_at) and (current != seen or not force):
                # Another worker refreshed while we waited for the lock: use its token.
                self._sync_token_cache(locked)
                return current
            oauth = locked._xero_oauth()
            try:
                if locked.connection_type == "custom":
                    tokens = oauth.client_credentials(locked._normalized_scopes(locked.scopes or ""))
                else:
                    if not locked.refresh_token:
                        raise XeroInvalidGrant("no refresh token")
                    tokens = oauth.refresh(locked.refresh_token)
            except XeroInvalidGrant:
                locked._mark_reconnect()
                locked.env.cr.commit()
                self._sync_token_cache(locked)
                raise UserError(
                    self.env._(
                        "Xero no longer accepts the authorisation of %(name)s (the refresh token "
                        "expired or was revoked). Open the Xero account and click Connect to "
                        "reconnect it.",
                        name=locked.name,
                    )
                ) from None
            except XeroAuthError as exc:
                raise UserError(
                    self.env._(
                        "Xero refused to renew the access token of %(name)s: %(error)s",
                        name=locked.name,
                        error=exc,
                    )
                ) from None
            except XeroError as exc:
                raise UserError(
                    self.env._(
                        "Could not renew the Xero access token of %(name)s: %(error)s",
                        name=locked.name,
                        error=exc,
                    )
                ) from None
            vals = self._token_vals(tokens)
            if locked.connection_type == "custom":
                vals.update(refresh_token=False, refresh_token_at=False)
            locked.write(vals)
            # Commit before any API call: the old refresh token is spent.
            locked.env.cr.commit()
            self._sync_token_cache(locked)
            return tokens.access_token

    def _token_cursor(self):
        """Context manager: this account, sudo, in a separate cursor holding its row lock.

        Waits (up to TOKEN_LOCK_TIMEOUT) while another worker holds the lock, so that it
        then sees that worker's committed token. Commit inside the block to keep changes.
        """
        account = self

        class _Locked:
            def __enter__(self_):
                self_.cr = account.env.registry.cursor()
                try:
                    cr = self_.cr
                    if isinstance(cr, Cursor):
                        # Read committed: after waiting for the lock, see the row (and the
                        # tokens) that the other worker committed. A test cursor shares the
                        # test's transaction and cannot change its isolation.
                        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute("SET LOCAL lock_timeout = %s", [TOKEN_LOCK_TIMEOUT])
                    cr.execute(
                        "SELECT id FROM xero_account WHERE id = %s FOR NO KEY UPDATE",
                        [account.id],
                    )
                    if not cr.fetchone():
                        raise UserError(
                            account.env._(
                                "The Xero account %(name)s is not saved yet: save it first.",
                                name=account.name,
                            )
                        )
                except psycopg2.errors.LockNotAvailable:
                    self_.cr.close()
                    raise UserError(
                        account.env._(
                            "Another process is renewing the Xero token of %(name)s. Try again in a moment.",
                            name=account.name,
                        )
                    ) from None
                except Exception:
                    self_.cr.close()
                    raise
                env = api.Environment(self_.cr, account.env.uid, account.env.context, su=True)
                return env["xero.account"].browse(account.id)

            def __exit__(self_, exc_type, exc, tb):
                # Nothing is committed implicitly: the block commits what it wants to keep.
                self_.cr.close()
                return False

        return _Locked()

    def _sync_token_cache(self, locked, names=()):
        """Show the values committed by the token cursor to this transaction's cache (whose
        snapshot may predate that commit)."""
        names = set(TOKEN_FIELDS) | {"state"} | set(names)
        vals = {name: locked[name] for name in names}
        self.sudo()._update_cache(vals, validate=False)

    def _store_token_state(self, vals):
        """Write token/state values in the token cursor and commit them at once."""
        self.ensure_one()
        with self._token_cursor() as locked:
            locked.write(vals)
            locked.env.cr.commit()
            self._sync_token_cache(locked, vals)

    def _mark_reconnect(self):
        """The grant is dead: state reconnect, tokens cleared, responsible user told."""
        self.ensure_one()
        self.write(
            {
                "state": "reconnect",
                "access_token": False,
                "refresh_token": False,
                "token_expires_at": False,
            }
        )
        message = self.env._(
            "Xero refused the refresh token of this account (invalid_grant): it expired, was "
            "revoked or was used elsewhere. Click Connect to reconnect the organisation."
        )
        self.message_post(body=message)
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                user_id=self.user_id.id,
                summary=self.env._("Reconnect Xero"),
                note=message,
            )
        _logger.warning("Xero account %s needs to be reconnected (invalid_grant)", self.id)

    # ----------------------------------------------------------------- buttons
    def action_refresh_token(self):
        self.ensure_one()
        self._check_xero_manager()
        self._get_access_token(force=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The Xero access token was renewed."),
                "next": self._reload_action(),
            },
        }

    def action_disconnect(self):
        self._check_xero_manager()
        for account in self:
            account._xero_disconnect()
        return self._reload_action()

    def _xero_disconnect(self):
        """Remove the organisation's connection in Xero, revoke the grant, forget tokens."""
        self.ensure_one()
        account = self.sudo()
        notes = []
        if account.state == "connected" and account.connection_id:
            try:
                token = self._get_access_token()
                account._xero_oauth().delete_connection(token, account.connection_id)
            except XeroNotFound:
                notes.append(self.env._("The connection was already removed in Xero (not found)."))
            except (UserError, XeroError) as exc:
                notes.append(
                    self.env._(
                        "The connection could not be removed in Xero (%(error)s); remove the app "
                        "under Settings > Connected apps in Xero if needed.",
                        error=exc,
                    )
                )
        refresh_token = account.refresh_token
        if refresh_token and account.connection_type == "oauth":
            try:
                account._xero_oauth().revoke(refresh_token)
            except (UserError, XeroError) as exc:
                notes.append(
                    self.env._(
                        "The refresh token could not be revoked (%(error)s).",
                        error=exc,
                    )
                )
        self._store_token_state(
            {
                "state": "disconnected",
                "access_token": False,
                "refresh_token": False,
                "token_expires_at": False,
                "refresh_token_at": False,
                "oauth_state_nonce": False,
                "oauth_state_at": False,
                "pkce_verifier": False,
                "tenant_id": False,
                "tenant_name": False,
                "connection_id": False,
            }
        )
        account.tenant_ids.unlink()
        self.message_post(
            body=" ".join([self.env._("Disconnected from Xero.")] + [str(note) for note in notes])
        )
        return notes

    def action_view_api_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sync_xero_connector.xero_api_log_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # -------------------------------------------------------------------- cron
    @api.model
    def _cron_keep_alive(self):
        """Refresh OAuth tokens before Xero's 60-day expiry of unused refresh tokens.

        Each account in its own try, committed one by one (crons own their commits).
        """
        accounts = self.sudo().search(
            [
                ("connection_type", "=", "oauth"),
                ("state", "=", "connected"),
            ]
        )
        now = fields.Datetime.now()
        due = accounts.filtered(
            lambda a: (
                not a.refresh_token_at
                or a.refresh_token_at < now - timedelta(days=a.token_keep_alive_days or 20)
            )
        )
        done = 0
        for processed, account in enumerate(due, start=1):
            try:
                account._get_access_token(force=True)
            except (UserError, XeroError) as exc:
                # invalid_grant was already committed (state reconnect) by the token cursor.
                _logger.warning("Xero keep-alive of account %s failed: %s", account.id, exc)
                self.env.cr.rollback()
            else:
                done += 1
                _logger.info("Xero keep-alive: token of account %s renewed", account.id)
            self.env["ir.cron"]._commit_progress(1, remaining=len(due) - processed)
        return done

    sync_setting_ids = fields.One2many("xero.sync.setting", "account_id", string="Objects")

    run_ids = fields.One2many("xero.sync.run", "account_id")

    run_count = fields.Integer(compute="_compute_sync_counts")
    sync_request_ids = fields.One2many("xero.sync.request", "account_id", string="Background Runs")
    active_request_id = fields.Many2one(
        "xero.sync.request", string="Background Run", compute="_compute_active_request"
    )
    active_request_state = fields.Selection(
        lambda self: self.env["xero.sync.request"]._fields["state"].selection,
        string="Background Run State",
        compute="_compute_active_request",
    )
    active_request_progress = fields.Text(string="Progress", compute="_compute_active_request")
    active_request_summary = fields.Char(string="Background Run Summary", compute="_compute_active_request")

    mismatch_count = fields.Integer(compute="_compute_sync_counts")

    binding_count = fields.Integer(compute="_compute_sync_counts")

    export_chart = fields.Boolean(
        string="Export Chart of Accounts and Taxes",
        help="Off (the default): Odoo's accounts, bank accounts, taxes and currencies are never "
        "sent to Xero: not by Export All, not by their own Export button, not as what an "
        "exported document needs. Documents then use what the organisation already has "
        "(import its chart of accounts and taxes: Odoo's accounts are linked by code; map "
        "other taxes in Configuration > Tax Mapping).\n"
        "On: they are exported like the other objects, creating Odoo's chart in Xero.",
    )

    attachments_include_online = fields.Boolean(
        string="Show Attachments on Online Invoices",
        help="Attachments object: the files of customer invoices and customer credit notes are "
        "uploaded with Xero's IncludeOnline, so that the customer sees them with the "
        "online invoice. Applies to the files uploaded from then on. Off (the default): "
        "they are only visible inside Xero.",
    )

    attachments_import = fields.Boolean(
        string="Import Xero Attachments",
        help="Attachments object: its runs also bring into Odoo the files attached in Xero to "
        "the invoices, bills, credit notes, contacts, quotes and purchase orders linked to Odoo "
        "records, each file once, on its Odoo record (in a run of their own, before the "
        "uploads; the files Odoo sent are never brought back, the files brought in never sent "
        "back). Only records whose Xero version says they have attachments, and changed since "
        "they were last looked at, are asked for their files. A file replaced in Xero comes "
        "again (the earlier one stays in Odoo); files of more than 25 MB or of a type Xero does "
        "not take are mismatch entries. Off (the default): nothing is read from Xero's "
        "attachments.",
    )

    day_limit_until = fields.Datetime(
        compute="_compute_day_limit_until",
        help="Xero's daily API limit for this organisation is used up: no call is made before this time.",
    )

    sync_defaults_applied = fields.Boolean(
        string="Recommended Objects Applied",
        readonly=True,
        copy=False,
        help="Set at the first connection (or by Enable Recommended Objects): the recommended "
        "objects are not enabled again by a later connection.",
    )

    def _compute_sync_counts(self):
        for account in self:
            account.run_count = self.env["xero.sync.run"].search_count([("account_id", "=", account.id)])
            account.mismatch_count = self.env["xero.mismatch.log"].search_count(
                [("account_id", "=", account.id), ("state", "=", "open")]
            )
            account.binding_count = self.env["xero.binding"]._xero_count(account)

    def _compute_day_limit_until(self):
        for account in self:
            account.day_limit_until = account._xero_resume_at() if account.id else False

    @api.model
    def _xero_ensure_all_sync_settings(self):
        """Install / upgrade: every account gets the settings of every implemented object."""
        self.with_context(active_test=False).search([])._xero_ensure_sync_settings()

    def _xero_ensure_sync_settings(self):
        """One settings row per implemented object (new objects appear on upgrade)."""
        objects = self.env["xero.object"]._xero_objects()
        Settings = self.env["xero.sync.setting"].sudo()
        for account in self:
            have = set(account.sudo().sync_setting_ids.mapped("object_key"))
            missing = [key for key in SYNC_OBJECT_KEYS if key in objects and key not in have]
            if missing:
                Settings.create(
                    [
                        {
                            "account_id": account.id,
                            "object_key": key,
                            "sequence": SYNC_OBJECT_KEYS.index(key) + 1,
                            "direction": "both"
                            if (
                                self.env[objects[key]]._xero_can_import
                                and self.env[objects[key]]._xero_can_export
                            )
                            else ("import" if self.env[objects[key]]._xero_can_import else "export"),
                        }
                        for key in missing
                    ]
                )
        self.env["xero.document.state.map"].sudo()._xero_ensure_defaults(self)

    def _xero_settings(self, key):
        self.ensure_one()
        settings = self.sudo().sync_setting_ids.filtered(lambda s: s.object_key == key)
        if not settings:
            self._xero_ensure_sync_settings()
            settings = self.sudo().sync_setting_ids.filtered(lambda s: s.object_key == key)
        if not settings:
            raise UserError(self.env._("Xero object %(key)s is not implemented.", key=key))
        return settings[:1]

    def _xero_on_connected(self):
        """The account was just connected (Connect, "Use this organisation"): on its first
        connection, enable the recommended objects (unless its objects were set up or run
        already); then check the company against the organisation."""
        for account in self:
            stored = account.sudo()
            if stored.sync_defaults_applied:
                continue
            stored.sync_defaults_applied = True
            if stored.sync_setting_ids.filtered("enabled") or stored.run_ids:
                continue
            account._xero_enable_recommended()
        for account in self:
            account._xero_onboarding_check()
        return True

    def _xero_enable_recommended(self):
        """Enable every importable object for import (Xero to Odoo: nothing is written to
        Xero) and say so in the chatter; objects already enabled keep their settings.
        Returns the settings rows that were enabled."""
        self.ensure_one()
        self.sudo().sync_defaults_applied = True
        rows = self.sudo().sync_setting_ids.filtered(lambda s: s.can_import and not s.enabled)
        if not rows:
            return rows
        rows.write({"enabled": True, "direction": "import"})
        labels = dict(object_selection(self.env))
        names = ", ".join(labels[key] for key in SYNC_OBJECT_KEYS if key in rows.mapped("object_key"))
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Enabled for import from Xero (nothing is written to Xero): %(names)s.", names=names
                ),
                self.env._("Import All and the scheduled imports now read them into Odoo."),
                self.env._(
                    "To send Odoo records to Xero too, set Direction to Both (or Export) on their "
                    "line in the Synchronisation tab: Export All shows what it would send and asks "
                    "before sending. The chart of accounts, bank accounts, taxes and currencies are "
                    "only exported once Export Chart of Accounts and Taxes is ticked."
                ),
            )
        )
        return rows

    def action_enable_recommended(self):
        self.ensure_one()
        self._check_xero_manager()
        rows = self._xero_enable_recommended()
        if not rows:
            return self._xero_notify(
                self.env._("Nothing to enable"),
                self.env._(
                    "Every object that can be imported is enabled already: see the Synchronisation tab."
                ),
                "info",
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------- what may run
    def _xero_keys_for(self, step, held=False):
        """Keys of the enabled objects whose direction includes ``step`` (import or export),
        in dependency order. Organisation setup objects are left out of exports while
        ``export_chart`` is off; ``held=True`` returns those left out instead."""
        self.ensure_one()
        implemented = self._xero_sync_settings()
        enabled = {
            s.object_key
            for s in self.sudo().sync_setting_ids
            if s.enabled and s._does(step) and step in implemented.get(s.object_key, {})
        }
        keep_out = set(SETUP_KEYS) if step == "export" and not self.sudo().export_chart else set()
        wanted = enabled & keep_out if held else enabled - keep_out
        return [key for key in SYNC_OBJECT_KEYS if key in wanted]

    def _xero_may_export(self, key):
        """Whether ``key`` may be exported as what another record needs (a document's
        partner, account or tax): its direction includes export, and for the organisation's
        setup only while ``export_chart`` is ticked."""
        self.ensure_one()
        if key in SETUP_KEYS and not self.sudo().export_chart:
            return False
        return self._xero_settings(key)._does("export")

    def _xero_missing_hint(self, key):
        """How to fix a document whose account or tax is not in Xero while the organisation's
        setup is not exported; None while it is (the dependency was exported, or refused)."""
        self.ensure_one()
        if self.sudo().export_chart:
            return None
        if key == "taxes":
            return self.env._(
                "Map the tax to a Xero tax rate in Xero > Configuration > Tax Mapping (import "
                "the Taxes object first), or tick Export Chart of Accounts and Taxes on the "
                "Xero account %(account)s to create it in Xero; then click Retry.",
                account=self.name,
            )
        return self.env._(
            "Import the Accounts object from Xero (Odoo accounts with the same code are linked) "
            "or use an account Xero has on the line, or tick Export Chart of Accounts and Taxes "
            "on the Xero account %(account)s to create it in Xero; then click Retry.",
            account=self.name,
        )

    def _xero_check_setup_export(self, keys):
        """Refuse to export the organisation's setup while ``export_chart`` is off."""
        self.ensure_one()
        refused = [key for key in keys if key in SETUP_KEYS]
        if refused and not self.sudo().export_chart:
            labels = dict(object_selection(self.env))
            raise UserError(
                self.env._(
                    "%(objects)s are not exported to Xero: the Xero account %(account)s keeps "
                    "Odoo's chart of accounts, bank accounts, taxes and currencies out of the "
                    "organisation. To create them in Xero, tick Export Chart of Accounts and Taxes "
                    "in the account's Synchronisation tab, then export again.",
                    objects=", ".join(labels[key] for key in refused),
                    account=self.name,
                )
            )

    def _xero_check_company(self, records):
        """Refuse records of another company (a user with both ticked in the company
        switcher, a wizard given an id): they are never sent to or linked with this
        company's organisation."""
        self.ensure_one()
        # Deleted ones (a tombstone's Retry) are checked by their link, of this account.
        foreign = records.exists().filtered(
            lambda r: "company_id" in r._fields and r.company_id and r.company_id != self.company_id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "%(names)s belong to %(company)s, not to %(current)s, the company of the "
                    "Xero account %(account)s: nothing was sent or linked. Switch to %(company)s "
                    "in the company switcher (top right) to sync them with its own Xero account.",
                    names=", ".join(foreign[:5].mapped("display_name")),
                    company=foreign[0].company_id.name,
                    current=self.company_id.name,
                    account=self.name,
                )
            )

    def _xero_plan(self, direction, keys=None):
        """``[(step, key)]`` a run of ``direction`` (import, export, or sync: import then
        export) goes through. ``keys`` None means "all": the enabled objects per step."""
        self.ensure_one()
        steps = ("import", "export") if direction == "sync" else (direction,)
        implemented = self._xero_sync_settings()
        plan = []
        for step in steps:
            if keys is None:
                step_keys = self._xero_keys_for(step)
            else:
                step_keys = [k for k in SYNC_OBJECT_KEYS if k in keys and step in implemented.get(k, {})]
                if step == "export":
                    self._xero_check_setup_export(step_keys)
            plan.extend((step, key) for key in step_keys)
        if keys is None and not plan:
            raise UserError(self._xero_nothing_enabled_message(direction))
        return plan

    def _xero_nothing_enabled_message(self, direction):
        if direction == "import":
            return self.env._(
                "No Xero object is enabled for import on %(account)s, so Import All has nothing "
                "to run. Click Enable Recommended Objects on the account (every object, imported "
                "from Xero; nothing is written to Xero), or tick Enabled on the objects to "
                "import in its Synchronisation tab.",
                account=self.name,
            )
        if direction == "export":
            held = self._xero_keys_for("export", held=True)
            return self.env._(
                "No Xero object is enabled for export on %(account)s, so Export All has nothing "
                "to send. In the account's Synchronisation tab, tick Enabled and set Direction "
                "to Export or Both on the objects Xero should receive.%(held)s",
                account=self.name,
                held=(
                    " "
                    + self.env._(
                        "The chart of accounts, bank accounts, taxes and currencies are only sent "
                        "once Export Chart of Accounts and Taxes is ticked."
                    )
                )
                if held
                else "",
            )
        return self.env._(
            "No Xero object is enabled on %(account)s, so there is nothing to synchronise. "
            "Click Enable Recommended Objects on the account, or tick Enabled on the objects "
            "in its Synchronisation tab.",
            account=self.name,
        )

    # ------------------------------------------------------------------ runs
    def _xero_run_object(
        self,
        key,
        direction,
        trigger="manual",
        records=None,
        xero_ids=None,
        force=False,
        full=False,
        since=None,
        commit=None,
        stop=None,
    ):
        """Run one object in one direction; returns the ``xero.sync.run``.

        ``stop()``, with ``commit``, is called after each batch's commit and may raise
        RunStopped: the run ends there in state "stopped" (a Cancel, a time slice).

        ``commit(processed)`` is called after each batch by entry points that own their
        transaction (crons, the CLI); buttons and wizards pass none. With the context key
        ``xero_dry_run`` (``_xero_preview``) nothing is written to Xero: the client refuses
        writes and exports count what they would send; the caller rolls Odoo back.

        Once Xero's day limit is reached, no call is made until the time Xero gave (the run
        records it in ``resume_at``); a dependency run raises it, so that the run needing it
        stops too.
        """
        self.ensure_one()
        account = self.with_company(self.company_id)
        obj = self.env["xero.object"]._xero_object(key).with_company(self.company_id)
        if not obj._xero_supports(self, direction):
            raise UserError(obj._xero_unsupported_message(self, direction))
        if direction == "export":
            self._xero_check_setup_export([key])
            if records is not None:
                self._xero_check_company(records)
        dry_run = bool(self.env.context.get("xero_dry_run"))
        if dry_run:
            commit = None
        settings = account._xero_settings(key)
        client = account._xero_client()
        client.read_only = dry_run
        Run = self.env["xero.sync.run"].sudo()
        run = Run.create(
            {
                "account_id": self.id,
                "object_key": key,
                "direction": direction,
                "trigger": trigger,
                # A background run (xero.sync.request) and the dependency runs it starts.
                "request_id": self._xero_request_of_run(),
            }
        )
        sync = Sync(self.env, account, settings, run, client, commit=commit, force=force, stop=stop)
        sync.dry_run = dry_run
        client.transport.log_hook = sync.recorder.log_hook(client.transport.log_hook)
        started = time.monotonic()
        if not self._xero_try_lock(settings):
            run.write(
                {
                    "state": "failed",
                    "ended_at": fields.Datetime.now(),
                    "message": self.env._(
                        "Another run of this object is in progress: wait for it to end "
                        "(Xero > Sync Runs), then run it again."
                    ),
                }
            )
            return run
        state, message, day_limit, stopped = "done", False, None, None
        resume_at = self._xero_resume_at()
        try:
            if resume_at:
                raise XeroDayLimitError(
                    self.env._(
                        "Xero's daily API limit for this organisation is used up until %(when)s "
                        "UTC: nothing was asked of Xero. Run it again after that time (scheduled "
                        "runs wait for it).",
                        when=fields.Datetime.to_string(resume_at),
                    ),
                    resume_at=resume_at,
                )
            if direction == "import":
                obj._xero_import(sync, full=full, xero_ids=xero_ids, since=since)
            else:
                obj._xero_export(sync, records=records)
        except XeroError as exc:
            state, message = "failed", str(exc)
            _logger.warning("Xero %s of %s failed for account %s: %s", direction, key, self.id, exc)
            if isinstance(exc, XeroDayLimitError):
                day_limit = exc
            if self._xero_connection_lost(exc):
                message = self._not_connected_message()  # said once, by its own activity
            # A day limit is news once (not again for each run it holds back).
            elif (day_limit and not resume_at) or trigger in ("cron", "webhook"):
                self._xero_alert(run, message)
        except UserError as exc:
            state, message = "failed", exc.args[0] if exc.args else str(exc)
        except RunStopped as exc:
            # Right after a commit, at a batch boundary: what was done stays, a later run
            # goes on from there (cursors and in-flight marks were committed with it).
            state, message, stopped = "stopped", str(exc), exc
        finally:
            self._xero_unlock(settings)
        if state == "done":
            # Finished: what it went through is the whole (Xero's count may include records
            # another object reads, such as bank accounts among the accounts).
            sync.recorder.total = sum(sync.recorder.counts[k] for k in RESULT_KEYS)
        sync.recorder.flush()
        if state == "done" and sync.recorder.counts["failed"]:
            state = "partial"
        resume = self._xero_resume_of(day_limit) if day_limit else False
        if day_limit and not (day_limit.resume_at or day_limit.retry_after) and not resume_at:
            message = self.env._(
                "%(message)s Xero counts its day over 24 hours: calls resume about %(when)s "
                "UTC (24 hours after the oldest call of the last day); scheduled runs wait "
                "for it, or run it again then.",
                message=message,
                when=fields.Datetime.to_string(resume),
            )
        run.write(
            {
                "state": state,
                "message": message,
                "ended_at": fields.Datetime.now(),
                "duration": time.monotonic() - started,
                "resume_at": resume,
            }
        )
        settings.write({f"last_{direction}_run_id": run.id})
        if trigger in ("cron", "webhook") and state != "failed":
            self._xero_alert_mismatches(run)
        if commit:
            commit(0)
        if day_limit and trigger == "dependency":
            raise day_limit
        if stopped and trigger == "dependency":
            raise stopped
        return run

    def _xero_request_of_run(self):
        """The background run (``xero_request_id`` in the context, set by
        ``xero.sync.request._xero_process``) a new run of this account belongs to: only a
        running request of this account carried out as this user. A context is the caller's
        to choose (any RPC call): a run must never be filed under another request, which would
        then take its object for done."""
        request_id = self.env.context.get("xero_request_id")
        if not request_id or not isinstance(request_id, int):
            return False
        request = self.env["xero.sync.request"].sudo().browse(request_id).exists()
        if request and request.account_id == self and request.state == "running":
            if request.user_id.id == self.env.uid:
                return request.id
        return False

    def _xero_resume_of(self, exc):
        """When calls may resume after ``exc`` (naive UTC, as Odoo stores datetimes)."""
        if exc.resume_at:
            return naive_utc(exc.resume_at)
        if exc.retry_after:
            return fields.Datetime.now() + timedelta(seconds=exc.retry_after)
        # Stopped before Xero said when (its last answer left no call): Xero's rolling day
        # frees its first call 24 hours after the oldest call of the last 24 hours.
        now = fields.Datetime.now()
        oldest = (
            self.env["xero.api.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("status", ">", 0),
                    ("create_date", ">", now - timedelta(days=1)),
                ],
                order="create_date",
                limit=1,
            )
        )
        if oldest:
            return max(oldest.create_date + timedelta(days=1), now + timedelta(minutes=1))
        return now + DAY_LIMIT_FALLBACK

    def _xero_resume_at(self):
        """Until when Xero's day limit stops this account's calls (False: it does not)."""
        self.ensure_one()
        run = (
            self.env["xero.sync.run"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("resume_at", ">", fields.Datetime.now()),
                ],
                order="resume_at desc",
                limit=1,
            )
        )
        return run.resume_at

    def _xero_try_lock(self, settings):
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])
        return self.env.cr.fetchone()[0]

    def _xero_unlock(self, settings):
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, settings.id])

    def _xero_alert(self, run, message):
        """Something needs a human: a message on the account and an activity for its owner."""
        self.ensure_one()
        body = self.env._(
            "Xero %(direction)s of %(object)s failed: %(message)s",
            direction=run.direction,
            object=run.object_key,
            message=message,
        )
        # The caller may be a Xero User, who runs syncs but cannot write the account.
        self.sudo()._xero_activity("failed_run", self.env._("Xero sync failed"), body)

    @api.model
    def _xero_sync_settings(self):
        """``{key: {"import": fn, "export": fn}}`` of the implemented objects."""
        found = {}
        for key, name in self.env["xero.object"]._xero_objects().items():
            model = self.env[name]
            found[key] = {}
            if model._xero_can_import:
                found[key]["import"] = True
            if model._xero_can_export:
                found[key]["export"] = True
        return found

    @api.model
    def _xero_resolve_objects(self, objects, direction):
        """Object keys named by ``objects``, checked and in dependency order; ``["all"]``
        lists every implemented one (what "all" may cover; which of them run is the
        account's choice: ``_xero_plan`` with ``keys=None``)."""
        implemented = self._xero_sync_settings()
        wanted = list(objects or ["all"])
        if "all" in wanted:
            keys = [
                k
                for k in SYNC_OBJECT_KEYS
                if direction in implemented.get(k, {}) or (direction == "sync" and implemented.get(k))
            ]
            if not keys:
                raise UserError(
                    self.env._(
                        "No Xero object supports %(direction)s yet.",
                        direction=direction,
                    )
                )
            return keys
        unknown = [k for k in wanted if k not in SYNC_OBJECT_KEYS]
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown Xero object(s): %(unknown)s. Known objects: %(known)s.",
                    unknown=", ".join(unknown),
                    known=", ".join(SYNC_OBJECT_KEYS),
                )
            )
        missing = [
            k
            for k in wanted
            if not implemented.get(k) or (direction != "sync" and direction not in implemented[k])
        ]
        absent = [k for k in missing if k in OBJECT_MODULES and not implemented.get(k)]
        if absent:
            raise UserError(
                self.env._(
                    "The %(object)s object needs the module %(module)s, which is not installed: "
                    "install it (Apps), then run again.",
                    object=absent[0],
                    module=OBJECT_MODULES[absent[0]],
                )
            )
        if missing:
            raise UserError(
                self.env._(
                    "Xero %(direction)s of %(objects)s is not supported yet.",
                    direction=direction,
                    objects=", ".join(missing),
                )
            )
        return [k for k in SYNC_OBJECT_KEYS if k in wanted]

    def _xero_run_plan(self, plan, trigger, commit=None):
        """Run ``plan`` (``_xero_plan``) in order; stops at once on Xero's day limit.
        Returns the runs, in order."""
        self.ensure_one()
        runs = self.env["xero.sync.run"]
        for step, key in plan:
            run = self._xero_run_object(key, step, trigger=trigger, commit=commit)
            runs |= run
            if run.resume_at or self.state != "connected":
                break  # nothing else may call Xero before then (or at all)
        return runs

    def _xero_run(self, direction, keys=None, trigger="cli", commit=None):
        """Run ``direction`` (import, export or sync: import then export) of ``keys`` in
        dependency order (None: the enabled objects); returns ``{key: counts}`` plus
        ``errors``: failed runs' messages."""
        self.ensure_one()
        runs = self._xero_run_plan(self._xero_plan(direction, keys), trigger, commit=commit)
        return self._xero_results(runs)

    def _xero_results(self, runs):
        """-> (counts per object, errors): one error per failure message, naming every
        object it stopped (a currency mismatch stops all documents: said once)."""
        results, failures = {}, {}
        for run in runs:
            counts = results.setdefault(run.object_key, dict.fromkeys(RESULT_KEYS, 0))
            for name, value in run._counts().items():
                counts[name] += value
            if run.state == "failed":
                keys = failures.setdefault((run.direction, run.message), [])
                if run.object_key not in keys:
                    keys.append(run.object_key)
        errors = [
            f"{', '.join(keys)} {direction}: {message}" for (direction, message), keys in failures.items()
        ]
        return results, errors

    def _xero_last_runs(self):
        """Last run end per object and direction, e.g. ``{"contacts import": datetime}``."""
        self.ensure_one()
        out = {}
        for settings in self.sudo().sync_setting_ids:
            for direction in ("import", "export"):
                run = settings[f"last_{direction}_run_id"]
                if run:
                    out[f"{settings.object_key} {direction}"] = run.ended_at or run.started_at
        return out

    # --------------------------------------------------------------- preview
    def _xero_preview(self, direction, keys=None):
        """What a run of ``direction`` would do, without doing it: the same runs with the
        context key ``xero_dry_run`` (read calls only; exports count what they would send,
        pre-matching included), inside a savepoint rolled back at the end, so nothing is
        kept in Odoo either. Returns one dict per (step, object) of the plan:
        ``{step, key, label, created, updated, skipped, failed, names: {outcome: [...]},
        problems: [...], message, held}``."""
        self.ensure_one()
        plan = self._xero_plan(direction, keys)
        Run = self.env["xero.sync.run"].sudo()
        self.env.flush_all()
        before = Run.search([], order="id desc", limit=1).id or 0
        with self.env.cr.savepoint() as savepoint:
            self.with_context(xero_dry_run=True)._xero_run_plan(plan, "manual")
            self.env.flush_all()
            runs = Run.search([("account_id", "=", self.id), ("id", ">", before)], order="id")
            rows = self._xero_preview_rows(plan, runs)
            savepoint.close(rollback=True)
        if keys is None and direction in ("export", "sync"):
            labels = dict(object_selection(self.env))
            rows.extend(
                {
                    "step": "export",
                    "key": key,
                    "label": labels[key],
                    "held": True,
                    "created": 0,
                    "updated": 0,
                    "skipped": 0,
                    "failed": 0,
                    "names": {},
                    "problems": [],
                    "message": self.env._("Not exported: Export Chart of Accounts and Taxes is off."),
                }
                for key in self._xero_keys_for("export", held=True)
            )
        return rows

    def _xero_preview_rows(self, plan, runs):
        labels = dict(object_selection(self.env))
        rows, by_key = [], {}

        def new_row(step, key):
            return {
                "step": step,
                "key": key,
                "label": labels[key],
                "held": False,
                **dict.fromkeys(RESULT_KEYS, 0),
                "names": {"created": [], "updated": [], "failed": []},
                "problems": [],
                "message": False,
            }

        for step, key in plan:
            by_key[(step, key)] = row = new_row(step, key)
            rows.append(row)
        for run in runs:
            row = by_key.get((run.direction, run.object_key))
            if row is None:  # a dependency of another object, outside the plan
                by_key[(run.direction, run.object_key)] = row = new_row(run.direction, run.object_key)
                rows.append(row)
            for name, value in run._counts().items():
                row[name] += value
            for line in run.line_ids:
                names = row["names"].get(line.result)
                if names is not None and len(names) < PREVIEW_NAMES and line.record_name not in names:
                    names.append(line.record_name)
                if line.result == "failed" and line.note and len(row["problems"]) < 3:
                    problem = f"{line.record_name}: {line.note}"
                    if problem not in row["problems"]:
                        row["problems"].append(problem)
            if run.state == "failed" and run.message:
                row["message"] = run.message
        return rows

    def _xero_preview_action(self, direction, keys=None):
        """The preview wizard of a run (Export All, an object's Export button)."""
        self.ensure_one()
        wizard = self.env["xero.sync.preview"]._xero_create_for(self, direction, keys)
        return {
            "type": "ir.actions.act_window",
            "name": wizard.display_name,
            "res_model": "xero.sync.preview",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    # --------------------------------------------------------------- buttons
    def _xero_button_run(self, direction, keys=None):
        """Run from a button (``keys`` None: the enabled objects), in the background: the
        scheduler carries it out at once (a long first import never holds the browser) and
        the account shows its progress, with Cancel. The caller checked the user's rights."""
        self.ensure_one()
        if self.state != "connected":
            raise UserError(self._not_connected_message())
        self._xero_plan(direction, keys)  # what cannot run says so now, not in the background
        request = self.env["xero.sync.request"]._xero_queue(self, direction, keys)
        return request._xero_queued_notification()

    @api.depends("sync_request_ids.state")
    def _compute_active_request(self):
        for account in self:
            active = account.sync_request_ids.filtered(lambda r: r.state in ("queued", "running"))
            request = active.sorted("id")[:1]
            account.active_request_id = request
            account.active_request_state = request.state
            account.active_request_progress = request.progress
            states = dict(request._fields["state"]._description_selection(self.env))
            account.active_request_summary = (
                self.env._(
                    "%(run)s: %(state)s. You can go on working; you get a notice when it ends.",
                    run=request.display_name,
                    state=states.get(request.state, request.state).lower(),
                )
                if request
                else False
            )

    def action_cancel_background(self):
        self.ensure_one()
        self._check_xero_user()
        if self.active_request_id:
            self.active_request_id.action_cancel()
        return True

    def action_refresh_background(self):
        return True

    def _xero_runs_notification(self, runs):
        """A toast naming each object with its counts, failed runs' messages once each, and
        a button to these runs (and the dependency runs they started)."""
        runs = runs.sudo()
        if not runs:
            return self._xero_notify(self.env._("Xero"), self.env._("Nothing was run."), "info")
        account = runs[:1].account_id
        labels = dict(object_selection(self.env))
        totals, order, failed = {}, [], []
        for run in runs:
            slot = (run.object_key, run.direction)
            if slot not in totals:
                totals[slot] = dict.fromkeys(RESULT_KEYS, 0)
                order.append(slot)
            for name, value in run._counts().items():
                totals[slot][name] += value
            if run.state == "failed":
                failed.append(run)
        words = {
            "created": self.env._("created"),
            "updated": self.env._("updated"),
            "skipped": self.env._("unchanged"),
            "failed": self.env._("failed"),
        }
        both = len({run.direction for run in runs}) > 1
        lines = []
        for key, direction in order:
            counts = totals[(key, direction)]
            text = ", ".join(
                f"{counts[name]} {words[name]}" for name in RESULT_KEYS if counts[name]
            ) or self.env._("nothing to do")
            label = labels.get(key, key)
            if both:
                label = f"{label} ({direction})"
            lines.append(f"{label}: {text}")
        seen = set()
        for run in failed:
            if run.message and run.message not in seen:
                seen.add(run.message)
                lines.append(
                    self.env._(
                        "%(object)s failed: %(message)s",
                        object=labels.get(run.object_key, run.object_key),
                        message=run.message,
                    )
                )
        organisation = account.tenant_name or account.name
        directions = set(runs.mapped("direction"))
        if directions == {"import"}:
            title = self.env._("Import from %(org)s", org=organisation)
        elif directions == {"export"}:
            title = self.env._("Export to %(org)s", org=organisation)
        else:
            title = self.env._("Sync with %(org)s", org=organisation)
        record_failures = any(counts["failed"] for counts in totals.values())
        # These runs and the dependency runs they started (created after them).
        related = (
            self.env["xero.sync.run"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("id", ">=", min(runs.ids)),
                    ("trigger", "in", list(set(runs.mapped("trigger")) | {"dependency"})),
                ]
            )
            | runs
        )
        runs_action = self.env["ir.actions.act_window"]._for_xml_id(
            "sync_xero_connector.xero_sync_run_action"
        )
        runs_action.update(
            {
                "domain": [("id", "in", related.ids)],
                "context": {},
                "name": title,
                "target": "current",
            }
        )
        if len(related) == 1:
            runs_action.update({"res_id": related.id, "view_mode": "form", "views": [(False, "form")]})
        return {
            "type": "ir.actions.client",
            "tag": "xero_run_notification",
            "params": {
                "type": "danger" if failed else ("warning" if record_failures else "success"),
                "title": title,
                "message": " · ".join(lines),
                "lines": lines,
                "sticky": bool(failed or record_failures),
                "button": self.env._("View the runs") if len(related) > 1 else self.env._("View the run"),
                "runs_action": runs_action,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _xero_notify(self, title, message, kind="info"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_import_all(self):
        self.ensure_one()
        self._check_xero_user()
        return self._xero_button_run("import")

    def action_export_all(self):
        """Export All: first a preview of what would be sent; its Confirm runs it."""
        self.ensure_one()
        self._check_xero_user()
        return self._xero_preview_action("export")

    def action_view_runs(self):
        return self._xero_related_action("sync_xero_connector.xero_sync_run_action")

    def action_view_mismatches(self):
        return self._xero_related_action("sync_xero_connector.xero_mismatch_log_action")

    def action_view_bindings(self):
        return self._xero_related_action("sync_xero_connector.xero_binding_action")

    def _xero_related_action(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("account_id", "=", self.id)]
        return action

    onboarding_state = fields.Selection(
        [("unchecked", "Not Checked"), ("ok", "Ready"), ("warning", "Warnings"), ("blocking", "Blocked")],
        string="First-Day Check",
        default="unchecked",
        required=True,
        readonly=True,
        copy=False,
        help="The comparison of the company with the Xero organisation, made at connect (and "
        "with Check Again). Blocked: documents are not synchronised until it is fixed.",
    )

    onboarding_findings = fields.Json(readonly=True, copy=False)

    onboarding_checked_at = fields.Datetime(string="Checked On", readonly=True, copy=False)

    onboarding_tenant_id = fields.Char(
        readonly=True, copy=False, help="The organisation the check was made for."
    )

    xero_base_currency = fields.Char(
        readonly=True,
        copy=False,
        help="The currency the Xero organisation keeps its books in (read by the check).",
    )

    onboarding_html = fields.Html(compute="_compute_onboarding", sanitize=False)

    onboarding_banner = fields.Html(compute="_compute_onboarding", sanitize=False)

    onboarding_fix_currency = fields.Boolean(compute="_compute_onboarding")

    onboarding_fix_rounding = fields.Boolean(compute="_compute_onboarding")

    def _compute_onboarding(self):
        for account in self:
            findings = account.onboarding_findings or []
            actions = {f.get("action") for f in findings}
            account.onboarding_fix_currency = onboarding.USE_XERO_CURRENCY in actions
            account.onboarding_fix_rounding = onboarding.ROUND_PER_LINE in actions
            account.onboarding_html = (
                account._onboarding_render(findings)
                if findings
                else (
                    Markup("<p>%s</p>")
                    % self.env._("No difference found: the company and the organisation agree.")
                    if account.onboarding_state == "ok"
                    else False
                )
            )
            account.onboarding_banner = (
                account._onboarding_render([f for f in findings if f["level"] == "blocking"]) or False
            )

    def _onboarding_render(self, findings):
        labels = dict(self._onboarding_level_labels())
        items = Markup().join(
            Markup('<li class="mb-2"><span class="badge text-bg-%s">%s</span> %s%s</li>')
            % (
                LEVEL_CLASSES[f["level"]],
                labels[f["level"]],
                f["message"],
                Markup("<br/><i>%s</i>") % f["fix"] if f.get("fix") else "",
            )
            for f in findings
        )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % items if items else ""

    def _onboarding_level_labels(self):
        return [
            ("blocking", self.env._("Blocking")),
            ("warning", self.env._("Warning")),
            ("info", self.env._("Info")),
        ]

    def _xero_onboarding_check(self, client=None, strict=False):
        """Run the check and store its findings. A check that cannot read the organisation
        is itself a (warning) finding, so that connect never fails for it; ``strict`` (a run
        that needs the result) lets the Xero error through instead, to fail or stop the run."""
        self.ensure_one()
        vals = {"onboarding_checked_at": fields.Datetime.now(), "onboarding_tenant_id": self.tenant_id}
        try:
            client = client or self._xero_client()
            organisation = client.organisation()
            invoices = next(
                client.iter_pages(
                    "Invoices",
                    where='Type=="ACCREC"',
                    order="InvoiceNumber DESC",
                    page_size=100,
                    params={"summaryOnly": "true"},
                ),
                [],
            )
            xero_accounts = list(client.iter_records("Accounts"))
        except (XeroError, UserError) as exc:
            if strict:
                raise
            message = exc.args[0] if isinstance(exc, UserError) and exc.args else str(exc)
            findings = [onboarding.check_failed(message, _=self.env._)]
        else:
            vals["xero_base_currency"] = organisation.get("BaseCurrency") or False
            company = self._onboarding_company_facts()
            adopted = self._xero_adopt(onboarding.adoptions(company))
            if onboarding.ROUND_PER_LINE in adopted:
                company["tax_rounding"] = "round_per_line"
            numbers = [i["InvoiceNumber"] for i in invoices if i.get("InvoiceNumber")]
            findings = onboarding.check(
                organisation,
                company,
                xero_invoice_numbers=numbers,
                odoo_numbers_in_xero=self._onboarding_number_clashes(invoices),
                xero_accounts=xero_accounts,
                odoo_accounts=self._onboarding_odoo_accounts(),
                type_map=self.env["xero.account.type.map"].sudo()._xero_maps()[0],
                adopted=adopted,
                _=self.env._,
            )
        vals.update(onboarding_findings=findings, onboarding_state=onboarding.state_of(findings))
        self.sudo().write(vals)
        return findings

    def _onboarding_company_facts(self):
        company = self.company_id.sudo()
        Move = self.env["account.move"].sudo()
        journal = (
            self.env["account.journal"]
            .sudo()
            .search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        )
        upcoming = False
        if journal:
            draft = Move.with_company(company).new(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "company_id": company.id,
                }
            )
            # What _set_next_sequence would give, without its lock and its write.
            pattern, values = draft._get_next_sequence_format()
            upcoming = pattern.format(**dict(values, seq=values["seq"] + 1))
        locks = [
            company[f]
            for f in ("fiscalyear_lock_date", "hard_lock_date", "sale_lock_date", "purchase_lock_date")
            if company[f]
        ]
        return {
            "name": company.name,
            "currency": company.currency_id.name,
            "tax_rounding": company.tax_calculation_rounding_method,
            "price_include": company.account_price_include,
            "has_entries": company._existing_accounting(),
            "has_posted_entries": self._onboarding_has_posted_entries(),
            "lock_date": max(locks) if locks else None,
            "invoice_journal": journal.name,
            "next_invoice_number": upcoming,
        }

    def _onboarding_has_posted_entries(self):
        return bool(
            self.env["account.move"]
            .sudo()
            .search_count([("company_id", "child_of", self.company_id.id), ("state", "=", "posted")], limit=1)
        )

    def _onboarding_number_clashes(self, invoices):
        """Odoo sales documents named like a Xero invoice that is not theirs."""
        by_number = {i["InvoiceNumber"]: i.get("InvoiceID") for i in invoices if i.get("InvoiceNumber")}
        if not by_number:
            return []
        moves = (
            self.env["account.move"]
            .sudo()
            .search_read(
                [
                    ("company_id", "=", self.company_id.id),
                    ("name", "in", list(by_number)),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["name"],
            )
        )
        bound = {
            (b.res_id, b.xero_id)
            for b in self.env["xero.binding"]._xero_find(self, "invoices", res_ids=[m["id"] for m in moves])
        }
        return [m["name"] for m in moves if (m["id"], by_number[m["name"]]) not in bound]

    def _onboarding_odoo_accounts(self):
        return (
            self.env["account.account"]
            .sudo()
            .with_company(self.company_id)
            .search_read([("company_ids", "in", self.company_id.id)], ["code", "name", "account_type"])
        )

    # ---------------------------------------------------------------- adoption
    def _xero_adopt(self, fixes):
        """Apply the fixes the connector takes on itself; say so in the chatter."""
        if onboarding.ROUND_PER_LINE not in fixes:
            return []
        company = self.company_id
        company.sudo().tax_calculation_rounding_method = "round_per_line"
        # The connector's own decision (no user choice involved): noted as such, whoever ran it.
        self.sudo().message_post(
            body=self.env._(
                "The company %(company)s now rounds taxes per line (%(path)s: Round per Line), "
                "as Xero does: rounded globally, the totals of imported invoices and bills would "
                "differ from Xero's by a cent. The company had no posted journal entries, so "
                "nothing already posted changes.",
                company=company.name,
                path=onboarding.ROUNDING_PATH,
            )
        )
        return [onboarding.ROUND_PER_LINE]

    # ------------------------------------------------------------- the guard
    def _xero_check_documents(self, client=None):
        """Before a run of invoices, bills, credit notes or payments: the company must keep
        its books in Xero's base currency and round taxes per line (adopted where nothing
        is posted yet). Raises UserError with what to do otherwise."""
        self.ensure_one()
        if self.onboarding_tenant_id != self.tenant_id or not self.xero_base_currency:
            # Never checked for this organisation (connected before the check existed, or
            # switched since): check now, as connect does.
            self._xero_onboarding_check(client, strict=True)
            if not self.xero_base_currency:
                raise UserError(
                    self.env._(
                        "Xero did not say in which currency the organisation %(org)s keeps its "
                        "books, which documents need: click Check Again on the Xero account, then "
                        "run again.",
                        org=self.tenant_name,
                    )
                )
        company = self.company_id
        if self.xero_base_currency and company.currency_id.name != self.xero_base_currency:
            raise UserError(self._xero_currency_message())
        if company.tax_calculation_rounding_method != "round_per_line":
            if self._onboarding_has_posted_entries():
                raise UserError(
                    self.env._(
                        "The company %(company)s rounds taxes globally; Xero rounds them per "
                        "line, so invoice totals would differ. Set %(path)s to 'Round per Line' "
                        "(or click Round Taxes per Line on the Xero account), then run again.",
                        company=company.name,
                        path=onboarding.ROUNDING_PATH,
                    )
                )
            self._xero_adopt([onboarding.ROUND_PER_LINE])

    def _xero_currency_message(self):
        company = self.company_id
        fix = (
            self.env._(
                "Open the Xero account and click 'Use %(xero)s as the company currency' (the "
                "company has no journal entries yet).",
                xero=self.xero_base_currency,
            )
            if not company.sudo()._existing_accounting()
            else self.env._(
                "Connect this organisation to a company whose currency is %(xero)s instead.",
                xero=self.xero_base_currency,
            )
        )
        return self.env._(
            "Documents are not synchronised: the Xero organisation %(org)s keeps its books in "
            "%(xero)s and the company %(company)s in %(odoo)s, so they would be posted at "
            "made-up exchange rates. %(fix)s",
            org=self.tenant_name,
            xero=self.xero_base_currency,
            company=company.name,
            odoo=company.currency_id.name,
            fix=fix,
        )

    # ----------------------------------------------------------------- buttons
    def action_onboarding_check(self):
        self.ensure_one()
        self._check_xero_manager()
        self._xero_onboarding_check()
        return self._reload_action()

    def action_onboarding_round_per_line(self):
        self.ensure_one()
        self._check_xero_manager()
        company = self._onboarding_company_for_fix()
        company.tax_calculation_rounding_method = "round_per_line"
        self.message_post(
            body=self.env._(
                "%(user)s set the tax rounding of %(company)s to Round per Line, as Xero rounds "
                "taxes (%(path)s).",
                user=self.env.user.name,
                company=company.name,
                path=onboarding.ROUNDING_PATH,
            )
        )
        self._xero_onboarding_check()
        return self._reload_action()

    def action_onboarding_use_xero_currency(self):
        self.ensure_one()
        self._check_xero_manager()
        company = self._onboarding_company_for_fix()
        code = self.xero_base_currency
        currency = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
            if code
            else False
        )
        if not currency:
            raise UserError(
                self.env._(
                    "Odoo has no currency %(code)s: click Check Again to read the organisation's "
                    "base currency.",
                    code=code or "?",
                )
            )
        if company.sudo()._existing_accounting():
            raise UserError(
                self.env._(
                    "The company %(company)s already has journal entries, so Odoo cannot change "
                    "its currency. Connect this organisation to a company whose currency is "
                    "%(code)s.",
                    company=company.name,
                    code=code,
                )
            )
        previous = company.currency_id.name
        currency.active = True
        company.currency_id = currency
        self.message_post(
            body=self.env._(
                "%(user)s changed the currency of %(company)s from %(old)s to %(new)s, the base "
                "currency of the Xero organisation %(org)s.",
                user=self.env.user.name,
                company=company.name,
                old=previous,
                new=code,
                org=self.tenant_name,
            )
        )
        self._xero_onboarding_check()
        return self._reload_action()

    def _onboarding_company_for_fix(self):
        """The company, as the user: changing its settings needs the rights to do so."""
        company = self.company_id.with_user(self.env.user)
        if not self.env.su and not company.has_access("write"):
            raise AccessError(
                self.env._(
                    "Changing the settings of the company %(company)s needs the Administration / "
                    "Settings rights: ask an administrator to click this button.",
                    company=self.company_id.name,
                )
            )
        return company

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
            for b in self.env["xero.binding"]._xero_find(self, INVOICE_KEYS, xero_ids=invoice_ids)
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

    api_calls_today = fields.Integer(string="API Calls Today", compute="_compute_health")

    api_day_limit = fields.Integer(string="Daily API Limit", compute="_compute_health")

    webhook_deliveries_today = fields.Integer(compute="_compute_health")

    webhook_events_today = fields.Integer(compute="_compute_health")

    webhook_last_at = fields.Datetime(string="Last Webhook", compute="_compute_health")

    webhook_pending = fields.Integer(string="Events Waiting", compute="_compute_health")

    last_success_at = fields.Datetime(string="Last Successful Run", compute="_compute_health")

    def _compute_health(self):
        start = datetime.combine(fields.Date.today(), day_time.min)
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
        start = datetime.combine(fields.Date.today(), day_time.min)
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
