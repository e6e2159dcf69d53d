# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import base_partner_merge, xero_sync_preview, xero_tenant_switch, xero_wizards
