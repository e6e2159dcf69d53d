# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Xero Connector",
    "summary": "Two-way synchronisation between Odoo and Xero: contacts, items, invoices, payments",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "sync_xero_connector contributors",
    "website": "https://github.com/sync-xero-connector/sync_xero_connector",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["requests", "python-dateutil"]},
    "data": [
        "security/xero_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/xero_account_views.xml",
        "views/xero_api_log_views.xml",
        "views/xero_menus.xml",
    ],
    "installable": True,
    "application": False,
}
