# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


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

    def action_use_tenant(self):
        """Bind the account to this organisation ("Use this organisation")."""
        self.ensure_one()
        account = self.account_id
        account._check_xero_manager()
        if account.state not in ("select_tenant", "connected"):
            return account._reload_action()
        account.sudo().write(self._binding_vals())
        account.message_post(body=self.env._(
            "Connected to the Xero organisation %(name)s.", name=self.tenant_name,
        ))
        return account._reload_action()
