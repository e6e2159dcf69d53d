# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The account's setting of the inventory object: where Xero books the adjustments."""

from odoo import fields, models


class XeroAccount(models.Model):
    _inherit = "xero.account"

    inventory_adjustment_account_id = fields.Many2one(
        "account.account",
        help="Inventory object: the account (in Xero too) that takes the other side of the "
        "inventory adjustments sent to Xero, e.g. an expense account 'Inventory Adjustments' "
        "or the cost of goods sold. Without it no adjustment is sent.",
    )
