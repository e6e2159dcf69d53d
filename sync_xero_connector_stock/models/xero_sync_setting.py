# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The scheduler finds the inventory object's cron in this module."""

from odoo import api, models

CRON_KEYS = ("inventory",)


class XeroSyncSetting(models.Model):
    _inherit = "xero.sync.setting"

    @api.model
    def _cron_xmlid(self, key, direction):
        if key in CRON_KEYS:
            return "sync_xero_connector_stock.ir_cron_xero_%s_%s" % (direction, key)
        return super()._cron_xmlid(key, direction)
