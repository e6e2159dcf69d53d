# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.contact_groups``: contact groups <-> partner tags."""

from odoo import models

from ..xero.mapping import contacts as contact_map
from ..xero.mapping.common import normalize_name


class XeroObjectContactGroups(models.AbstractModel):
    _name = "xero.object.contact_groups"
    _inherit = "xero.object"
    _description = "Xero Contact Groups"
    _xero_key = "contact_groups"
    _xero_collection = "ContactGroups"
    _xero_model = "res.partner.category"
    _xero_match_keys = (("name", "name", normalize_name),)

    def _xero_from_xero(self, sync, record):
        return contact_map.group_from_xero(record)

    def _xero_to_xero(self, sync, neutral, xero_id):
        return contact_map.group_to_xero(neutral, xero_id)

    def _xero_snapshot(self, sync, records):
        return {r.id: {"name": r.name, "active": r.active} for r in records}

    def _xero_vals(self, sync, neutral, record):
        return {"name": neutral["name"], "active": neutral["active"]}

    def _xero_wants(self, sync, xero_record):
        # A group deleted in Xero that Odoo never had: nothing to do.
        return xero_record.get("Status") != "DELETED" or bool(
            self._xero_bindings_by_xero_id(sync, [xero_record.get("ContactGroupID")])
        )
