# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import (
    xero_account,
    xero_account_tenant,
    xero_api_log,
    xero_binding,
    xero_mismatch_log,
    xero_sync_run,
    xero_sync_object,
    xero_object,
    xero_sync_mixin,
    xero_account_sync,
    sync_contacts,
    sync_accounting,
    sync_items,
    sync_documents,
    sync_payments,
)
