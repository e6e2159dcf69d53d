# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import (
    xero_account,
    xero_inventory_adjustment,
    xero_object_inventory,
    xero_object_document,
)
