# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.journal``: dirty tracking of bank journals (sync declaration: ``xero_object_bank_accounts.py``)."""

from odoo import models


class AccountJournal(models.Model):
    _name = "account.journal"
    _inherit = ["account.journal", "xero.dirty.mixin"]
    _xero_tracked_fields = ("name", "bank_account_id", "currency_id", "default_account_id", "active")
