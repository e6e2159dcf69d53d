# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.currencies``: Xero currencies <-> Odoo currencies (``xero/mapping/currencies.py``)."""

from odoo import models

from ..xero.mapping import currencies as currency_map
from .xero_object_contacts import _strip


# ===================================================================== objects
class XeroObjectCurrencies(models.AbstractModel):
    _name = "xero.object.currencies"
    _inherit = "xero.object"
    _description = "Xero Currencies"
    _xero_key = "currencies"
    _xero_collection = "Currencies"
    _xero_model = "res.currency"
    _xero_match_keys = (("code", "name", lambda v: _strip(v).upper()),)
    _xero_unique_key = "code"
    _xero_unique_field = "Code"
    _xero_number_key = "code"
    _xero_updatable = False

    def _xero_from_xero(self, sync, record):
        neutral = currency_map.currency_from_xero(record)
        neutral["xero_id"] = record.get("Code")
        return neutral

    def _xero_to_xero(self, sync, neutral, xero_id):
        return currency_map.currency_to_xero(neutral)

    def _xero_snapshot(self, sync, records):
        return {r.id: {"code": r.name, "name": r.full_name or r.name} for r in records}

    def _xero_vals(self, sync, neutral, record):
        if record:
            return {"active": True}
        return {
            "name": neutral["code"],
            "symbol": neutral["code"],
            "full_name": neutral.get("name") or neutral["code"],
            "active": True,
        }

    def _xero_export_domain(self, sync):
        return [("active", "=", True)]

    def _xero_send(self, sync, payloads):
        return sync.client.write(self._xero_collection, payloads, method="PUT")
