# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Xero Connector: Inventory",
    "summary": "Tracked inventory in Xero follows Odoo's stock: inventory adjustments for what no synced "
    "bill or invoice brings",
    "version": "19.0.1.1.0",
    "category": "Accounting/Accounting",
    "author": "sync_xero_connector contributors",
    "website": "https://github.com/sync-xero-connector/sync_xero_connector",
    "license": "LGPL-3",
    "depends": ["sync_xero_connector", "stock"],
    "data": [
        "security/xero_inventory_security.xml",
        "security/ir.model.access.csv",
        "views/xero_inventory_adjustment_views.xml",
        "views/xero_account_views.xml",
        "data/xero_sync_data.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
