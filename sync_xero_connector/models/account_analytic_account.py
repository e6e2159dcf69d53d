# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class AccountAnalyticAccount(models.Model):
    """An analytic account linked to a Xero tracking option: a rename, an archive or a
    deletion goes to Xero through its plan's category (a new account of a linked plan
    becomes an option there)."""

    _name = "account.analytic.account"
    _inherit = ["account.analytic.account", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name", "active", "plan_id")

    def _xero_dirty_targets(self):
        return {self._name: self.ids, "account.analytic.plan": self.root_plan_id.ids}
