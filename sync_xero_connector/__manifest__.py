# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Xero Connector",
    "summary": "Two-way synchronisation between Odoo and Xero: contacts, items, invoices, payments",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "sync_xero_connector contributors",
    "website": "https://github.com/sync-xero-connector/sync_xero_connector",
    "license": "LGPL-3",
    "depends": ["account"],
    "external_dependencies": {"python": ["requests", "requests_oauthlib", "dateutil"]},
    "data": [],
    "installable": True,
    "application": False,
}
