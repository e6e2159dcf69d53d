# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""19.0.1.1.0: one scheduler cron replaces the cron per object and direction."""

from odoo import SUPERUSER_ID, api

OLD_KEYS = (
    "currencies",
    "taxes",
    "accounts",
    "bank_accounts",
    "contact_groups",
    "contacts",
    "items",
    "invoices",
    "bills",
    "credit_notes",
    "payments",
    "manual_journals",
    "quotes",
    "purchase_orders",
    "attachments",
    "tracking_categories",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for key in OLD_KEYS:
        for direction in ("import", "export"):
            cron = env.ref(f"sync_xero_connector.ir_cron_xero_{direction}_{key}", raise_if_not_found=False)
            if cron:
                cron.unlink()
