# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Confirm a change of organisation on an account that has links ("Use this organisation")."""

from odoo import api, fields, models

from ..models.xero_binding import object_selection


class XeroTenantSwitch(models.TransientModel):
    _name = "xero.tenant.switch"
    _description = "Xero: Confirm a Change of Organisation"

    tenant_line_id = fields.Many2one(
        "xero.account.tenant",
        string="New Organisation",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    account_id = fields.Many2one(related="tenant_line_id.account_id")
    new_tenant_name = fields.Char(related="tenant_line_id.tenant_name", string="Switch To")
    old_tenant_name = fields.Char(compute="_compute_summary", string="Links Made For")
    link_count = fields.Integer(compute="_compute_summary", string="Linked Records")
    link_summary = fields.Text(compute="_compute_summary", string="Linked Records per Object")
    mismatch_count = fields.Integer(compute="_compute_summary", string="Open Mismatch Entries")

    @api.depends("tenant_line_id")
    def _compute_summary(self):
        labels = dict(object_selection(self.env))
        for wizard in self:
            line = wizard.tenant_line_id
            counts = line._xero_links_left_behind() if line else {}
            wizard.old_tenant_name = line._xero_old_tenant_name() if line else False
            wizard.link_count = sum(counts.values())
            wizard.link_summary = "\n".join(
                f"{labels.get(key, key)}: {count}"
                for key, count in sorted(
                    counts.items(),
                    key=lambda item: list(labels).index(item[0]) if item[0] in labels else len(labels),
                )
            )
            wizard.mismatch_count = (
                self.env["xero.mismatch.log"]
                .sudo()
                .search_count(
                    [
                        ("account_id", "=", line.account_id.id),
                        ("state", "=", "open"),
                    ]
                )
                if line
                else 0
            )

    def action_confirm(self):
        self.ensure_one()
        return self.tenant_line_id._xero_use_tenant()
