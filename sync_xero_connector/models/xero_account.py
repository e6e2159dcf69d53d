# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One Xero connection per company: credentials, OAuth flows, tokens, tenant binding.

The one place where tokens are refreshed is ``_get_access_token``; the one place where they
are stored is ``_store_token_state`` (a separate cursor, committed at once, under a row lock).
"""

import base64
import hashlib
import logging
import secrets
from datetime import timedelta, timezone

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import Cursor
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..xero import (
    Transport,
    XeroAuthError,
    XeroClient,
    XeroError,
    XeroInvalidGrant,
    XeroNotFound,
    XeroOAuth,
    const,
    normalize_scopes,
)
from .xero_rate_call import registry_for

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

# The Xero objects the connector knows about, in dependency order. Which of them are actually
# implemented is answered by ``xero.object._xero_objects`` (models inheriting xero.object).
SYNC_OBJECT_KEYS = (
    "currencies",
    "taxes",
    "accounts",
    "bank_accounts",
    "contact_groups",
    "contacts",
    "items",
    "tracking_categories",
    "tracking_options",  # the options' links (no object: tracking_categories carries them)
    "invoices",
    "bills",
    "credit_notes",
    "payments",
    "manual_journals",
    "quotes",
    "purchase_orders",
    "attachments",
    "inventory",
)
# Objects implemented by a module of their own (installed with what they need).
OBJECT_MODULES = {"inventory": "sync_xero_connector_stock"}
RESULT_KEYS = ("created", "updated", "skipped", "failed")

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


def pkce_challenge(verifier):
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


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
        return XeroOAuth(
            account.client_id,
            account.client_secret or None,
            transport=transport or self._xero_transport(),
            redirect_uri=account.redirect_uri,
            scopes=account._normalized_scopes(account.scopes or ""),
            **self._xero_endpoints(),
        )

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
        challenge = None
        if not account.client_secret:
            verifier = secrets.token_urlsafe(64)
            vals["pkce_verifier"] = verifier
            challenge = pkce_challenge(verifier)
        account.write(vals)
        state = self._oauth_state_make(nonce, self.env.uid)
        return {
            "type": "ir.actions.act_url",
            "url": oauth.authorization_url(state, code_challenge=challenge),
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
            except XeroError as exc:
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
