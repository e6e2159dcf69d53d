# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class AccountAnalyticPlan(models.Model):
    """A root plan linked to a Xero tracking category: a rename goes to Xero."""

    _name = "account.analytic.plan"
    _inherit = ["account.analytic.plan", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name",)
