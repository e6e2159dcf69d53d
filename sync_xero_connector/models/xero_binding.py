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
from odoo.tools import SQL

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
    xero_has_attachments = fields.Boolean(
        string="Has Xero Attachments",
        readonly=True,
        help="Xero's HasAttachments of the record as last read.",
    )
    attachments_listed_hash = fields.Char(
        readonly=True,
        help="The version of the Xero record (Xero Hash) whose attachments the attachments "
        "import last listed: its list is asked for again only once the record changes in Xero.",
    )
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

    # ------------------------------------------------------------------ lookups
    # The one place where bindings are searched. Every lookup sees the active links of the
    # account's current organisation only (see _search), runs as superuser (links are technical
    # records: the callers check the user's rights on the action and the records) and takes
    # the object key(s) it is about: a key or a tuple of keys (xero.objects.INVOICE_KEYS...).
    @api.model
    def _xero_domain(
        self,
        account,
        keys=None,
        *,
        records=None,
        res_ids=None,
        xero_ids=None,
        numbers=None,
        res_model=None,
        primary=None,
        states=None,
        not_states=None,
        extra=(),
    ):
        domain = [("account_id", "=", account.id)] + list(extra)
        if keys is not None:
            domain.append(
                ("object_key", "=", keys) if isinstance(keys, str) else ("object_key", "in", list(keys))
            )
        if records is not None:
            res_ids = records.ids
        if res_ids is not None:
            domain.append(("res_id", "in", list(res_ids)))
        if xero_ids is not None:
            domain.append(("xero_id", "in", list(xero_ids)))
        if numbers is not None:
            domain.append(("xero_number", "in", list(numbers)))
        if res_model is not None:
            domain.append(("res_model", "=", res_model))
        if primary is not None:
            domain.append(("is_primary", "=", bool(primary)))
        if states is not None:
            domain.append(("state", "in", list(states)))
        if not_states is not None:
            domain.append(("state", "not in", list(not_states)))
        return domain

    @api.model
    def _xero_find(self, account, keys=None, *, limit=None, **filters):
        """The bindings of ``account`` for ``keys``, filtered by Odoo records (``records`` or
        ``res_ids``, ``res_model``), Xero IDs (``xero_ids``), Xero numbers or codes
        (``numbers``), ``primary`` (True: the one link per Xero record), ``states`` or
        ``not_states``, and ``extra`` domain leaves (a search on the Xero ID, say)."""
        return self.sudo().search(self._xero_domain(account, keys, **filters), limit=limit)

    @api.model
    def _xero_count(self, account, keys=None, **filters):
        return self.sudo().search_count(self._xero_domain(account, keys, **filters))

    @api.model
    def _xero_by_res_id(self, account, keys, res_ids, **filters):
        """``{Odoo id: binding}`` (the last one found when a record has several links)."""
        return {b.res_id: b for b in self._xero_find(account, keys, res_ids=res_ids, **filters)}

    @api.model
    def _xero_by_xero_id(self, account, keys, xero_ids, primary=True, **filters):
        """``{Xero ID: binding}``, primary links by default (one per Xero record)."""
        bindings = self._xero_find(account, keys, xero_ids=xero_ids, primary=primary, **filters)
        return {b.xero_id: b for b in bindings}

    @api.model
    def _xero_ids_of(self, account, key, records, **filters):
        """``{Odoo id: Xero ID}`` of the bound ``records``."""
        return {b.res_id: b.xero_id for b in self._xero_find(account, key, records=records, **filters)}

    @api.model
    def _xero_codes_of(self, account, key, records):
        """``{Odoo id: Xero code}`` (the number or code, else the Xero ID) of the bound
        ``records``: account codes, tax types, item codes."""
        bindings = self._xero_find(account, key, records=records)
        return {b.res_id: b.xero_number or b.xero_id for b in bindings}

    @api.model
    def _xero_data_of(self, account, key, records, **filters):
        """``{Odoo id: the link's xero_data}`` of the bound ``records``."""
        bindings = self._xero_find(account, key, records=records, **filters)
        return {b.res_id: b.xero_data or {} for b in bindings}

    @api.model
    def _xero_bound_res_ids(self, account, keys, res_ids=None, **filters):
        """The Odoo ids among ``res_ids`` (all when None) that ``account`` has a link for."""
        if res_ids is None and not filters and isinstance(keys, str):
            # Every record of one object: one query and no records (objects of 100,000 links).
            self.flush_model(["account_id", "object_key", "res_id", "active"])
            self.env.cr.execute(
                "SELECT res_id FROM xero_binding WHERE account_id = %s AND object_key = %s AND active",
                [account.id, keys],
            )
            return {row[0] for row in self.env.cr.fetchall()}
        return set(self._xero_find(account, keys, res_ids=res_ids, **filters).mapped("res_id"))

    @api.model
    def _xero_bound_xero_ids(self, account, keys, xero_ids, **filters):
        """The Xero IDs among ``xero_ids`` that ``account`` has a link for."""
        return set(self._xero_find(account, keys, xero_ids=xero_ids, **filters).mapped("xero_id"))

    @api.model
    def _xero_known_versions(self, account, key, since=None, exact=False):
        """How many Xero records of ``key`` Odoo holds at a version of ``since`` or later
        (``exact``: of ``since`` itself; None: all)."""
        domain = self._xero_domain(account, key) + [("xero_id", "!=", False)]
        if since:
            domain.append(("xero_updated_at", "=" if exact else ">=", since))
        [(count,)] = self.sudo()._read_group(domain, aggregates=["xero_id:count_distinct"])
        return count

    @api.model
    def _xero_newest_version(self, account, key):
        """The newest Xero version (UpdatedDateUTC) Odoo holds of ``key`` (False: none)."""
        domain = self._xero_domain(account, key) + [
            ("xero_id", "!=", False),
            ("xero_updated_at", "!=", False),
        ]
        return self.sudo().search(domain, order="xero_updated_at desc", limit=1).xero_updated_at

    @api.model
    def _xero_inflight(self, account, key):
        """Links of ``key`` whose sending was interrupted: in flight, or deleted in Odoo while
        in flight (a tombstone still carrying its token)."""
        domain = self._xero_domain(account, key) + [
            "|",
            ("state", "=", "inflight"),
            "&",
            ("state", "=", "deleted"),
            ("inflight_token", "!=", False),
        ]
        return self.sudo().search(domain)

    @api.model
    def _xero_with_parent(self, account, key, refs):
        """Links of ``key`` whose ``xero_data["parent"]`` is one of ``refs`` (attachments)."""
        self.flush_model()
        self.env.cr.execute(
            "SELECT id FROM xero_binding WHERE account_id = %s AND object_key = %s AND active "
            "AND xero_data->>'parent' = ANY(%s)",
            [account.id, key, list(refs)],
        )
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _xero_orphans(self, account, key, table, skip_states=()):
        """Links of ``key`` whose Odoo record (a row of ``table``) no longer exists, in the
        order they were made; links in ``skip_states`` left out."""
        self.env.flush_all()
        query = SQL(
            "SELECT b.id FROM xero_binding b LEFT JOIN %s r ON r.id = b.res_id "
            "WHERE b.account_id = %s AND b.object_key = %s AND b.active AND r.id IS NULL "
            "AND b.state != ALL(%s) ORDER BY b.id",
            SQL.identifier(table),
            account.id,
            key,
            list(skip_states),
        )
        self.env.cr.execute(query)
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

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
    def _xero_links_of(self, model, ids, not_states=()):
        """Every link of these Odoo records: all accounts, all their organisations (sudo)."""
        if not ids:
            return self.browse()
        return self._xero_all_tenants().search(
            [("res_model", "=", model), ("res_id", "in", list(ids)), ("state", "not in", list(not_states))]
        )

    def _xero_keep_names(self, names):
        """Store the names (``{res_id: name}``) of records being deleted on their links."""
        self.flush_recordset()
        self.env.cr.execute(
            "UPDATE xero_binding b SET deleted_name = n.name FROM "
            "(SELECT unnest(%s::int[]) AS id, unnest(%s::varchar[]) AS name) n "
            "WHERE b.id = n.id",
            [self.ids, [names.get(b.res_id) for b in self]],
        )
        self.invalidate_recordset(["deleted_name", "record_name"])

    @api.model
    def _xero_attached_files(self, account, parent_keys, key, ids=None, changed_only=True):
        """``[(attachment id, parent key, parent Xero ID)]`` of the files attached to records
        of ``parent_keys`` linked in ``account``'s organisation (with their Xero ID), in id
        order; ``ids``: these attachments only; ``changed_only``: those without a synced link
        of ``key`` at their current checksum."""
        self.env.flush_all()
        query = """
            SELECT a.id, b.object_key, b.xero_id
              FROM ir_attachment a
              JOIN xero_binding b ON b.res_model = a.res_model AND b.res_id = a.res_id
             WHERE b.account_id = %(account)s AND b.active AND b.is_primary
               AND b.xero_id IS NOT NULL AND b.state NOT IN ('deleted', 'closed', 'inflight')
               AND b.object_key = ANY(%(parents)s)
               AND a.type = 'binary' AND a.res_field IS NULL AND a.res_id IS NOT NULL
        """
        params = {"account": account.id, "parents": list(parent_keys), "key": key}
        if ids is not None:
            query += " AND a.id = ANY(%(ids)s)"
            params["ids"] = list(ids)
        # A closed link of an existing file: replaced in Xero by a newer version (imported as
        # a file of its own): this one is never sent over it.
        query += """
               AND NOT EXISTS (
                   SELECT 1 FROM xero_binding r
                    WHERE r.account_id = b.account_id AND r.object_key = %(key)s AND r.active
                      AND r.res_id = a.id AND r.state = 'closed')
        """
        if changed_only:
            query += """
               AND NOT EXISTS (
                   SELECT 1 FROM xero_binding x
                    WHERE x.account_id = b.account_id AND x.object_key = %(key)s AND x.active
                      AND x.res_id = a.id AND x.state = 'synced'
                      AND x.payload_hash IS NOT DISTINCT FROM a.checksum)
            """
        query += " ORDER BY a.id"
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    @api.model
    def _xero_with_xero_attachments(self, account, parent_keys, changed_only=True, xero_ids=None):
        """Links of ``parent_keys`` (in the account's organisation, with their Xero ID, their
        Odoo record not deleted) whose Xero record has attachments (HasAttachments as last
        read), in id order; ``changed_only``: those whose Xero version moved since their
        attachments were last listed (or never listed: ``attachments_listed_hash``);
        ``xero_ids``: these Xero records only."""
        self.flush_model()
        query = """
            SELECT b.id FROM xero_binding b
             WHERE b.account_id = %(account)s AND b.active AND b.is_primary
               AND b.xero_id IS NOT NULL AND b.state NOT IN ('deleted', 'closed', 'inflight')
               AND b.object_key = ANY(%(parents)s) AND b.xero_has_attachments
        """
        params = {"account": account.id, "parents": list(parent_keys)}
        if changed_only:
            query += """
               AND (b.attachments_listed_hash IS NULL
                    OR b.attachments_listed_hash != COALESCE(b.xero_hash, '-'))
            """
        if xero_ids is not None:
            query += " AND b.xero_id = ANY(%(xero_ids)s)"
            params["xero_ids"] = list(xero_ids)
        self.env.cr.execute(query + " ORDER BY b.id", params)
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _xero_all_xero_ids(self, account, key):
        """Every Xero ID ``account`` has a link of ``key`` for (one query, no records)."""
        self.flush_model()
        self.env.cr.execute(
            "SELECT xero_id FROM xero_binding WHERE account_id = %s AND object_key = %s "
            "AND active AND xero_id IS NOT NULL",
            [account.id, key],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _xero_document_product_lines(self, account, keys, products, company, types, approved):
        """``[(product id, move id, move type, move state, quantity, link state)]``: the product
        lines of the company's posted or cancelled documents (``types``) whose state differs
        from what Xero holds (posted in Odoo but not ``approved`` in Xero through a link of
        ``keys``, or cancelled in Odoo and approved in Xero). For the inventory object."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.product_id, m.id, m.move_type, m.state, SUM(l.quantity), b.state
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              LEFT JOIN xero_binding b
                ON b.account_id = %(account)s AND b.active AND b.is_primary
               AND b.res_model = 'account.move' AND b.res_id = m.id AND b.object_key = ANY(%(keys)s)
             WHERE l.product_id = ANY(%(products)s) AND l.display_type = 'product'
               AND m.company_id = %(company)s AND m.move_type = ANY(%(types)s)
               AND m.state IN ('posted', 'cancel')
             GROUP BY l.product_id, m.id, m.move_type, m.state, b.id
            HAVING (m.state = 'posted') <> COALESCE(
                       b.xero_id IS NOT NULL AND b.xero_data->>'status' IN %(approved)s, FALSE)
            """,
            {
                "account": account.id,
                "keys": list(keys),
                "products": [p.id for p in products],
                "company": company.id,
                "types": list(types),
                "approved": tuple(approved),
            },
        )
        rows = self.env.cr.fetchall()
        return rows

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
