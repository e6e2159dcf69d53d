# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Dirty tracking: a write to a synced field queues the record's bindings for export.

Inbound writes (imports) pass ``xero_inbound=True`` in the context and never mark anything,
so an import never bounces back out. The payload hash at export time is the final judge:
a record marked but unchanged in what Xero sees is skipped without an API call.
"""
from odoo import api, models


class XeroSyncMixin(models.AbstractModel):
    _name = "xero.sync.mixin"
    _description = "Xero Dirty Tracking"

    # Fields whose change queues an export. Set by each model.
    _xero_tracked_fields = ()

    def _xero_dirty_targets(self):
        """``{model: ids}`` whose bindings a change of ``self`` makes pending."""
        return {self._name: self.ids}

    def _xero_mark_pending(self):
        Binding = self.env["xero.binding"].sudo()
        for model, ids in self._xero_dirty_targets().items():
            Binding._mark_pending(model, ids)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not self.env.context.get("xero_inbound"):
            # A new record has no binding; what it belongs to (a parent) may have one.
            records._xero_mark_pending()
        return records

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("xero_inbound") and set(vals) & set(self._xero_tracked_fields):
            self._xero_mark_pending()
        return result
