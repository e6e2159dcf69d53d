# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which Odoo record is which Xero record, per Xero account, organisation and object.

A partner synced to two organisations has two bindings (two ContactIDs); nothing is shared
between accounts, nor between the organisations one account was connected to: a binding
belongs to the organisation (``tenant_id``) it was made for, and only the bindings of the
account's current organisation are active. The others are kept, archived, for the day the
account goes back to their organisation. Every search here only sees active bindings, whatever
the context says about ``active_test`` (see ``_search``): a link made for one organisation is
never used for another. ``state`` drives export: ``pending`` is set by a write to a synced
field (never by an inbound write), ``synced`` after an exchange, ``error`` after a rejection,
``deleted`` when the Odoo record is deleted (a tombstone, until Xero archives or deletes its
record too), ``closed`` afterwards: a closed or deleted link is never imported again.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero.objects import SYNC_OBJECT_KEYS

# Context key under which searches also see the bindings of the account's other organisations.
ALL_TENANTS = "xero_all_tenants"


def open_record_action(res_model, res_id):
    """The window action opening one record (bindings, run lines, mismatch entries)."""
    return {
        "type": "ir.actions.act_window",
        "res_model": res_model,
        "res_id": res_id,
        "view_mode": "form",
    }


# "deleted": the Odoo record was deleted, Xero not told yet (a tombstone, see
# xero.dirty.mixin); "closed": Xero archived or deleted it too. Neither is ever imported again.
BINDING_STATES = [
    ("synced", "Synced"),
    ("pending", "To Export"),
    ("error", "Error"),
    ("deleted", "Deleted in Odoo"),
    ("closed", "Closed"),
    ("inflight", "Being Sent"),
]
TOMBSTONE_STATES = ("deleted", "closed")


def object_selection(env):
    labels = {key: key.replace("_", " ").title() for key in SYNC_OBJECT_KEYS}
    return [(key, labels[key]) for key in SYNC_OBJECT_KEYS]


class XeroBinding(models.Model):
    _name = "xero.binding"
    _description = "Xero Binding"
    _order = "account_id, object_key, id"

    account_id = fields.Many2one(
        "xero.account",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    tenant_id = fields.Char(
        string="Organisation ID",
        compute="_compute_tenant_id",
        store=True,
        precompute=True,
        required=True,
        index=True,
        readonly=True,
        help="The Xero organisation (tenant) this link was made for.",
    )
    active = fields.Boolean(
        default=True,
        index=True,
        readonly=True,
        help="Only the links of the account's current organisation are active; those of an "
        "organisation the account was switched away from are kept, archived, and used "
        "again when the account goes back to it.",
    )
    object_key = fields.Selection(
        lambda self: object_selection(self.env),
        string="Object",
        required=True,
        readonly=True,
    )
    res_model = fields.Char(string="Odoo Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Odoo Record ID",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    record_name = fields.Char(compute="_compute_record_name")
    deleted_name = fields.Char(
        string="Deleted Record",
        readonly=True,
        help="The name of the Odoo record when it was deleted (its link is kept).",
    )
    xero_id = fields.Char(string="Xero ID", index=True, readonly=True)
    xero_number = fields.Char(string="Xero Number / Code", readonly=True)
    xero_updated_at = fields.Datetime(
        string="Xero Updated",
        readonly=True,
        help="Xero's UpdatedDateUTC of the record as last exchanged.",
    )
    xero_hash = fields.Char(
        readonly=True,
        help="Hash of the Xero record as last read (for objects without dates).",
    )
    payload_hash = fields.Char(readonly=True, help="Hash of the last payload sent to Xero.")
    state = fields.Selection(BINDING_STATES, default="synced", required=True, index=True)
    last_error = fields.Text(readonly=True)
    # "inflight": sent to Xero as new, answer not recorded yet (xero_object._xero_mark_inflight).
    inflight_token = fields.Char(
        readonly=True,
        help="What identifies the record in Xero while it is being created "
        "(a token in its Url or Reference, or its name or code).",
    )
    inflight_at = fields.Datetime(readonly=True)
    last_sync_at = fields.Datetime(readonly=True)
    last_direction = fields.Selection(
        [("import", "Import"), ("export", "Export")],
        readonly=True,
    )
    is_primary = fields.Boolean(
        default=True,
        readonly=True,
        help="The binding used when importing the Xero record. Some objects (taxes) allow "
        "other Odoo records to be mapped to the same Xero record for export only.",
    )
    xero_data = fields.Json(readonly=True, help="Object-specific state, e.g. group memberships.")
    synced_values = fields.Json(
        readonly=True,
        help="Field by field, the record as both sides had it after the last "
        "exchange ({'odoo': ..., 'xero': ...}): what tells which side "
        "changed a field when both changed the record.",
    )

    _uniq_record = models.UniqueIndex(
        "(account_id, tenant_id, object_key, res_id)",
        "An Odoo record can be bound to only one Xero record per Xero organisation.",
    )
    _uniq_xero = models.UniqueIndex(
        "(account_id, tenant_id, object_key, xero_id) WHERE is_primary AND xero_id IS NOT NULL",
        "A Xero record can be bound to only one Odoo record per Xero organisation.",
    )

    @api.depends("account_id")
    def _compute_tenant_id(self):
        # Frozen at creation (and, on upgrade, set once for the existing links): the account's
        # organisation of that moment. It never follows later changes of the account.
        for binding in self:
            binding.tenant_id = binding.tenant_id or binding.account_id.tenant_id

    @api.constrains("active", "tenant_id")
    def _check_active_tenant(self):
        for binding in self:
            current = binding.account_id.tenant_id
            if current and binding.active != (binding.tenant_id == current):
                raise ValidationError(
                    self.env._(
                        "The Xero links of %(account)s follow its organisation: those of the "
                        "organisation it is connected to are active, the others archived. To use "
                        "other links, change the organisation on the Xero account (Organisations "
                        "tab > Use this organisation).",
                        account=binding.account_id.display_name,
                    )
                )

    @api.model
    def _search(self, domain, *args, **kwargs):
        """Active bindings only, even under ``active_test=False`` (set for archived partners
        or products, or by the command line, it reaches these searches through the
        environment): links of another organisation are only seen under ALL_TENANTS, or
        when the domain asks for ``active`` explicitly (the Archived filter)."""
        model = self
        if self.env.context.get("active_test") is False and not self.env.context.get(ALL_TENANTS):
            model = self.with_context(active_test=True)
        return super(XeroBinding, model)._search(domain, *args, **kwargs)

    # ----------------------------------------------------------- organisations
    @api.model
    def _xero_all_tenants(self):
        """Bindings of every organisation of the accounts, active or not (sudo)."""
        return self.sudo().with_context(**{ALL_TENANTS: True, "active_test": False})

    @api.model
    def _xero_links_elsewhere(self, account, tenant_id):
        """``{object key: count}`` of the links ``account`` uses now and that were made for
        another organisation than ``tenant_id`` (what switching to it leaves behind)."""
        groups = self.sudo()._read_group(
            [("account_id", "=", account.id), ("tenant_id", "!=", tenant_id)],
            ["object_key"],
            ["__count"],
        )
        return dict(groups)

    @api.model
    def _xero_links_tenant(self, account):
        """The organisation of the links ``account`` uses now (False: none)."""
        return self.sudo().search([("account_id", "=", account.id)], limit=1).tenant_id

    @api.model
    def _xero_follow_tenant(self, account):
        """The account now works with ``account.tenant_id``: archive the links of other
        organisations, use again those made for this one. -> (archived, reactivated)."""
        links = self._xero_all_tenants()
        tenant_id = account.tenant_id
        archived = links.search(
            [("account_id", "=", account.id), ("active", "=", True), ("tenant_id", "!=", tenant_id)]
        )
        reactivated = links.search(
            [("account_id", "=", account.id), ("active", "=", False), ("tenant_id", "=", tenant_id)]
        )
        archived.write({"active": False})
        reactivated.write({"active": True})
        if reactivated:
            # Their company may have been left behind while they were archived (the ORM
            # recomputes active links only: see _search).
            self.env.add_to_compute(self._fields["company_id"], reactivated)
        return archived, reactivated

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for binding in self:
            record = binding._record()
            binding.record_name = record.display_name if record.exists() else binding.deleted_name

    @api.depends("object_key", "xero_number", "xero_id", "record_name")
    def _compute_display_name(self):
        for binding in self:
            binding.display_name = "%s ↔ %s" % (
                binding.record_name or "?",
                binding.xero_number or binding.xero_id or "?",
            )

    def _record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).with_context(active_test=False)

    @api.model
    def _mark_pending(self, model, ids):
        """A synced field of these records changed in Odoo: export them next time, to every
        organisation they are linked in (archived links too: the change must reach an
        organisation the account goes back to)."""
        ids = [i for i in ids if i]
        if not ids:
            return
        self.flush_model(["state", "res_model", "res_id"])
        self.env.cr.execute(
            "UPDATE xero_binding SET state = 'pending' "
            "WHERE res_model = %s AND res_id = ANY(%s) AND state = 'synced'",
            [model, list(ids)],
        )
        self.invalidate_model(["state"])

    def action_open_record(self):
        self.ensure_one()
        return open_record_action(self.res_model, self.res_id)

    # -------------------------------------------------------------- tombstones
    def action_xero_restore(self):
        """Restore in Odoo: forget that the Odoo record was deleted and import the Xero
        record again (a new Odoo record, or the one it matches)."""
        tombstones = self.filtered(lambda b: b.state in TOMBSTONE_STATES)
        if not tombstones:
            raise UserError(
                self.env._(
                    "Only links of records deleted in Odoo (state Deleted in Odoo or Closed) can be "
                    "restored; open Xero > Xero Links and filter on them."
                )
            )
        runs = self.env["xero.sync.run"]
        for (account, key), links in tombstones.grouped(lambda b: (b.account_id, b.object_key)).items():
            account._check_xero_user()
            xero_ids = [x for x in links.mapped("xero_id") if x]
            res_ids = links.mapped("res_id")
            model = links[0].res_model
            links.sudo().unlink()
            self.env["xero.mismatch.log"]._resolve(account, key, "export", res_model=model, res_ids=res_ids)
            if xero_ids:
                runs |= account._xero_run_object(key, "import", trigger="manual", xero_ids=xero_ids)
        return runs[:1].account_id._xero_runs_notification(runs) if runs else False

    def action_xero_close(self):
        """Leave the Xero record as it is: the Odoo record stays deleted, the link closed."""
        tombstones = self.filtered(lambda b: b.state == "deleted")
        for account in tombstones.account_id:
            account._check_xero_user()
        tombstones.sudo().write({"state": "closed", "last_error": False})
        for (account, key), links in tombstones.grouped(lambda b: (b.account_id, b.object_key)).items():
            self.env["xero.mismatch.log"]._resolve(
                account, key, "export", res_model=links[0].res_model, res_ids=links.mapped("res_id")
            )
        return True
