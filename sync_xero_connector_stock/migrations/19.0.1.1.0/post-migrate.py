# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""19.0.1.1.0: the connector's one scheduler runs the inventory object too."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("sync_xero_connector_stock.ir_cron_xero_export_inventory", raise_if_not_found=False)
    if cron:
        cron.unlink()
