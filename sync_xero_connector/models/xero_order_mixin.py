# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.order.mixin``: what sale.order and purchase.order show of Xero: the status mixin's fields, Xero's."""

from odoo import fields, models

from .xero_sync_status_mixin import USER_GROUP


class XeroOrderMixin(models.AbstractModel):
    """What sale.order and purchase.order show of Xero: the status mixin's fields, Xero's
    status of the order, "Export to Xero"."""

    _name = "xero.order.mixin"
    _inherit = ["xero.dirty.mixin", "xero.sync.status.mixin"]
    _description = "Xero Order"
    _xero_deep_link_url = None  # e.g. "https://go.xero.com/app/quotes/edit/{id}"

    xero_status = fields.Char(compute="_compute_xero_status", groups=USER_GROUP)

    def _xero_status_fill(self, bindings):
        for order in self:
            binding = bindings.get(order.id)
            order.xero_status = (binding.xero_data or {}).get("status") or False if binding else False

    def _xero_deep_link(self, binding):
        return self._xero_deep_link_url.format(id=binding.xero_id)

    def action_xero_export(self):
        from .xero_dirty_mixin import _export_selected  # noqa: PLC0415 - loaded after this model

        return _export_selected(self, self._xero_status_keys[0])
