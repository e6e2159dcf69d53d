# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.account``: dirty tracking of accounts (the sync declaration: ``xero_object_accounts.py``)."""

from odoo import models


class AccountAccount(models.Model):
    _name = "account.account"
    _inherit = ["account.account", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name", "code", "account_type", "description", "active")
