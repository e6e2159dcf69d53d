# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    xero_alert_kind = fields.Char(
        readonly=True,
        copy=False,
        help="A Xero alert (xero.account._xero_activity): one of a kind per account and day.",
    )
