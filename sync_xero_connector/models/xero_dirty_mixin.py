# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Dirty tracking: a write to a synced field queues the record's bindings for export.

Inbound writes (imports) pass ``xero_inbound=True`` in the context and never mark anything,
so an import never bounces back out. The payload hash at export time is the final judge:
a record marked but unchanged in what Xero sees is skipped without an API call.

Deleting a synced record leaves its bindings as tombstones (state ``deleted``, ``res_id``
kept): the next export archives or deletes the Xero record (``xero.object``
``_xero_export_tombstones``), and no import re-creates it. No call to Xero here.
"""

from odoo import api, models
from odoo.exceptions import UserError


class XeroDirtyMixin(models.AbstractModel):
    _name = "xero.dirty.mixin"
    _description = "Xero Dirty Tracking"

    # Fields whose change queues an export. Set by each model.
    _xero_tracked_fields = ()

    def _xero_dirty_targets(self):
        """``{model: ids}`` whose bindings a change of ``self`` makes pending."""
        return {self._name: self.ids}

    def _xero_unlink_targets(self):
        """``{model: ids}`` whose bindings die with ``self`` (a template's variants)."""
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

    def unlink(self):
        if self:
            self._xero_tombstone()
        return super().unlink()

    def _xero_tombstone(self):
        """Keep the bindings of the records being deleted as tombstones, one write per
        model; an import deleting them (Xero deleted them) closes them instead. What they
        were part of (a parent contact) is queued for export."""
        Binding = self.env["xero.binding"]._xero_all_tenants()
        state = "closed" if self.env.context.get("xero_inbound") else "deleted"
        gone = self._xero_unlink_targets()
        for model, ids in gone.items():
            bindings = Binding._xero_links_of(model, ids, not_states=("deleted", "closed"))
            if not bindings:
                continue
            bindings.write({"state": state, "last_error": False})
            # Their names, for the run lines and entries that follow (one query).
            records = self.env[model].browse(set(bindings.mapped("res_id")))
            names = {r.id: r.display_name for r in records.with_context(active_test=False)}
            bindings._xero_keep_names(names)
        if state == "deleted":
            for model, ids in self._xero_dirty_targets().items():
                Binding._mark_pending(model, set(ids) - set(gone.get(model, ())))


def _current_account(env):
    return env["xero.account"].sudo().search([("company_id", "=", env.company.id)], limit=1)


def _export_selected(records, key):
    account = _current_account(records.env)
    if not account:
        raise UserError(
            records.env._(
                "The company %(company)s has no Xero account.",
                company=records.env.company.name,
            )
        )
    account._check_xero_user()
    records.check_access("read")
    run = account._xero_run_object(key, "export", trigger="manual", records=records, force=True)
    return account._xero_runs_notification(run)
