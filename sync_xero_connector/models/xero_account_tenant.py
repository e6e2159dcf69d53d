# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The organisations an account's grant reaches, and what changing organisation does.

Links (``xero.binding``) belong to the organisation they were made for. An account switched to
another organisation keeps the links of the old one, archived, and uses them again if it comes
back; the switch itself is confirmed by the user when links would be left behind
(``xero.tenant.switch``), never done silently.
"""

from odoo import api, fields, models


class XeroAccountTenant(models.Model):
    """One organisation returned by Xero's /connections for an account's grant."""

    _name = "xero.account.tenant"
    _description = "Xero Organisation Available to an Account"
    _order = "tenant_name, id"
    _rec_name = "tenant_name"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    connection_id = fields.Char(string="Connection ID", readonly=True)
    tenant_id = fields.Char(string="Tenant ID", required=True, readonly=True)
    tenant_name = fields.Char(string="Organisation", readonly=True)
    tenant_type = fields.Char(readonly=True)
    is_selected = fields.Boolean(compute="_compute_is_selected")

    def _compute_is_selected(self):
        for line in self:
            line.is_selected = bool(line.tenant_id) and line.tenant_id == line.account_id.tenant_id

    def _binding_vals(self):
        self.ensure_one()
        return {
            "state": "connected",
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "connection_id": self.connection_id,
        }

    def _xero_links_left_behind(self):
        """``{object key: count}`` of the account's links that using this organisation would
        leave behind (made for another one). Empty: switching needs no confirmation."""
        self.ensure_one()
        return self.env["xero.binding"]._xero_links_elsewhere(self.account_id, self.tenant_id)

    def _xero_connect_vals(self):
        """Account values after Xero granted this single organisation (reconnect, Custom
        Connection): bound at once when no link is left behind; otherwise the account waits
        in "Choose organisation" until the user confirms the switch."""
        self.ensure_one()
        if not self._xero_links_left_behind():
            return self._binding_vals()
        account = self.account_id
        account.message_post(
            body=self.env._(
                "Xero connected the organisation %(new)s, but the links of this account were made "
                "for %(old)s. Nothing was switched: to work with %(new)s, click Use this "
                "organisation in the Organisations tab (you will be told what happens to the "
                "links first); to stay with %(old)s, click Connect and choose it in Xero.",
                new=self.tenant_name,
                old=self._xero_old_tenant_name(),
            )
        )
        # The account still names the organisation its links are for.
        return {"state": "select_tenant", "connection_id": False}

    def _xero_old_tenant_name(self):
        """Name of the organisation the account's links were made for."""
        self.ensure_one()
        account = self.account_id
        old = self.env["xero.binding"]._xero_links_tenant(account)
        if old and old == account.tenant_id and account.tenant_name:
            return account.tenant_name
        line = account.tenant_ids.filtered(lambda t: t.tenant_id == old)[:1]
        if line.tenant_name:
            return line.tenant_name
        return self.env._("the previous organisation (ID %(tenant)s)", tenant=old or "?")

    def action_use_tenant(self):
        """Bind the account to this organisation ("Use this organisation"); when that leaves
        links behind, ask first (xero.tenant.switch)."""
        self.ensure_one()
        account = self.account_id
        account._check_xero_manager()
        if account.state not in ("select_tenant", "connected"):
            return account._reload_action()
        if self._xero_links_left_behind():
            wizard = self.env["xero.tenant.switch"].create({"tenant_line_id": self.id})
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Change the Xero organisation"),
                "res_model": "xero.tenant.switch",
                "res_id": wizard.id,
                "view_mode": "form",
                "target": "new",
            }
        return self._xero_use_tenant()

    def _xero_use_tenant(self):
        """Switch the account to this organisation (confirmed, or nothing left behind)."""
        self.ensure_one()
        account = self.account_id
        account._check_xero_manager()
        if account.state not in ("select_tenant", "connected"):
            return account._reload_action()
        account.sudo().write(self._binding_vals())
        account.message_post(
            body=self.env._(
                "Connected to the Xero organisation %(name)s.",
                name=self.tenant_name,
            )
        )
        account._xero_on_connected()  # first connection: the recommended objects
        return account._reload_action()

    @api.model
    def _xero_tenant_changed(self, account, previous):
        """``account.tenant_id`` was just set, ``previous`` being its value before (False
        when unknown): links, import cursors and open mismatch entries follow the
        organisation. Called by ``xero.account.write``; does nothing when the organisation
        did not change."""
        Binding = self.env["xero.binding"]
        previous = previous or Binding._xero_links_tenant(account)
        if previous == account.tenant_id:
            return
        archived, reactivated = Binding._xero_follow_tenant(account)
        # Cursors are dates of the old organisation's records: read the new one in full.
        settings = account.sudo().sync_setting_ids.filtered(
            lambda s: s.import_cursor or s.last_full_import_at or s.import_known_current
        )
        settings.write({"import_cursor": False, "last_full_import_at": False, "import_known_current": False})
        mismatches = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("state", "=", "open"),
                ]
            )
        )
        mismatches.write({"state": "resolved", "resolved_at": fields.Datetime.now()})
        if not (archived or reactivated or settings or mismatches):
            return
        account.message_post(
            body=self.env._(
                "Organisation changed to %(new)s. %(archived)s links of the previous organisation "
                "are kept for it and not used for %(new)s; %(reactivated)s links made earlier for "
                "%(new)s are used again. Import cursors start over (the next import reads "
                "everything), and %(closed)s open mismatch entries were closed.",
                new=account.tenant_name or account.tenant_id,
                archived=len(archived),
                reactivated=len(reactivated),
                closed=len(mismatches),
            )
        )
