# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.tracking_categories``: Tracking categories <-> root analytic plans, their options <-> the plans' analytic accounts.

A Xero tracking category is a root analytic plan (matched by name); each of its options an
analytic account of that plan (matched by name in the plan, created otherwise). A plan's link
is a binding of this object; an option's link a binding of ``tracking_options`` (no object of
its own: the category's import and export carry its options). The mapping is in
``xero/mapping/tracking.py``.

Document and journal lines use it both ways: ``_xero_line_distribution`` turns Xero's
``Tracking`` into an analytic distribution (100 % on the option's account, one account per
category), ``_xero_line_tracking`` an Odoo distribution into ``Tracking`` (refused when it
splits a plan linked to a category: never sent wrong).
"""

from odoo import models

from ..xero import CREATED, UPDATED
from ..xero.mapping import tracking as tracking_map
from ..xero.mapping.common import MappingError, payload_hash
from .xero_binding import TOMBSTONE_STATES
from .xero_mapping_messages import mapping_texts, translate_text

OPTION_KEY = "tracking_options"


ACCOUNT_MODEL = "account.analytic.account"


class XeroObjectTrackingCategories(models.AbstractModel):
    _name = "xero.object.tracking_categories"
    _inherit = "xero.object"
    _description = "Xero Tracking Categories"
    _xero_key = "tracking_categories"
    _xero_collection = "TrackingCategories"
    _xero_model = "account.analytic.plan"
    _xero_import_params = {"includeArchived": "true"}
    _xero_match_keys = (("name", "name", tracking_map.key),)
    _xero_number_key = "name"
    # Options and status are compared option by option (``_xero_import_options``).
    _xero_conflict_ignored = ("xero_id", "updated_at", "status", "problem", "options")

    # ------------------------------------------------------------ declarations
    def _xero_match_domain(self, sync):
        return [("parent_id", "=", False)]

    def _xero_export_domain(self, sync):
        # New plans go to Xero once they have analytic accounts (not Odoo's empty Project
        # plan: Xero keeps two active categories at most).
        return self._xero_match_domain(sync) + [("account_ids", "!=", False)]

    def _xero_from_xero(self, sync, record):
        return tracking_map.category_from_xero(record)

    def _xero_category_bindings(self, sync):
        """``{category xero id: binding}`` of the linked plans (cached per run)."""
        if "tracking_categories" not in sync.cache:
            bindings = self._xero_bindings(sync)._xero_find(
                sync.account, self._xero_key, not_states=TOMBSTONE_STATES
            )
            sync.cache["tracking_categories"] = {b.xero_id: b for b in bindings if b.xero_id}
        return sync.cache["tracking_categories"]

    def _xero_option_bindings(self, sync, category_id=None, states=None):
        wanted = {"states": states} if states else {"not_states": TOMBSTONE_STATES}
        bindings = self._xero_bindings(sync)._xero_find(sync.account, OPTION_KEY, **wanted)
        if category_id:
            bindings = bindings.filtered(lambda b: (b.xero_data or {}).get("category_id") == category_id)
        return bindings

    def _xero_forget(self, sync):
        """The links changed: the next line lookups read them again."""
        for name in ("tracking_categories", "tracking_options", "tracking_accounts"):
            sync.cache.pop(name, None)

    # ================================================================= import
    def _xero_import(self, sync, full=False, xero_ids=None, since=None):
        if xero_ids:
            # A retry names an option (or the category): the whole small collection is read
            # again, and looked at even when Xero did not change it.
            sync.force = True  # for the rest of this run (a retry run)
        try:
            return super()._xero_import(sync, full=full, xero_ids=None, since=since)
        finally:
            self._xero_forget(sync)

    def _xero_problem(self, neutral, what):
        raise MappingError(
            self.env._(
                "Xero sent a tracking category Odoo cannot take: %(problem)s.", problem=neutral["problem"]
            ),
            hint=self.env._(
                "Rename %(what)s in Xero (the next import reads it again), then click Retry.", what=what
            ),
        )

    def _xero_vals(self, sync, neutral, record):
        if neutral.get("problem"):
            self._xero_problem(neutral, self.env._("the category"))
        return {"name": neutral["name"]}

    def _xero_create(self, sync, neutral):
        plan = super()._xero_create(sync, neutral)
        self._xero_import_options(sync, neutral, plan)
        return plan

    def _xero_apply(self, sync, neutral, record):
        if neutral.get("problem"):
            self._xero_problem(neutral, self.env._("the category"))
        binding = self._xero_binding_of(sync, record)
        data = (binding.xero_data or {}) if binding else {}
        changed = False
        # Odoo's rename not exported yet stays, unless Xero renamed the category too.
        xero_renamed = data.get("name") != neutral["name"]
        if record.name != neutral["name"] and (xero_renamed or binding.state not in ("pending", "error")):
            record.with_context(xero_inbound=True).name = neutral["name"]
            changed = True
        return self._xero_import_options(sync, neutral, record) or changed

    def _xero_both_sides(self, sync, xero_record, binding, record, neutral):
        """Only a rename on both sides is a conflict; the rest (options, status) is taken
        option by option in ``_xero_apply``."""
        data = binding.xero_data or {}
        renamed_in_xero = data.get("name") != neutral["name"]
        renamed_in_odoo = record.name != data.get("name")
        if (
            renamed_in_xero
            and renamed_in_odoo
            and record.name != neutral["name"]
            and self._xero_local_changed(sync, record, binding)
        ):
            return super()._xero_both_sides(sync, xero_record, binding, record, neutral)
        return None, None

    def _xero_conflicting(self, sync, xero_record, binding, neutral, odoo):
        return True  # only called for a rename on both sides (``_xero_both_sides``)

    def _xero_option_name(self, category, option):
        return "%s / %s" % (tracking_map.short(category), tracking_map.short(option))

    def _xero_import_options(self, sync, neutral, plan):
        """Each option of the category -> an analytic account of ``plan`` (linked, matched
        by name, or created), each in a savepoint: one Odoo cannot take is logged on its own
        and the others go on. Options Xero no longer has archive their accounts.
        -> True when an account was created or changed."""
        settings = sync.settings
        category_id = neutral["xero_id"]
        Account = self.env[ACCOUNT_MODEL].with_context(active_test=False, xero_inbound=True)
        links = {
            b.xero_id: b
            for b in self._xero_option_bindings(
                sync, states=("synced", "pending", "error", "deleted", "closed")
            ).filtered(lambda b: b.xero_id)
        }
        changed = False
        seen = set()
        for option in neutral["options"]:
            name = self._xero_option_name(neutral["name"], option["name"])
            if option.get("xero_id"):
                seen.add(option["xero_id"])
            if option["status"] == "DELETED":
                continue
            if option.get("problem"):
                sync.mismatch(
                    "import",
                    kind="invalid",
                    record_name=name,
                    xero_id=option.get("xero_id"),
                    messages=[
                        self.env._(
                            "Xero sent a tracking option Odoo cannot take: %(problem)s.",
                            problem=option["problem"],
                        )
                    ],
                    payload=option,
                    hint=self.env._(
                        "Rename the option in Xero (the next import reads it "
                        "again); the other options were imported."
                    ),
                )
                sync.recorder.add(
                    "failed", xero_id=option.get("xero_id"), name=name, note=option["problem"][:200]
                )
                continue
            binding = links.get(option["xero_id"])
            if binding and binding.state in TOMBSTONE_STATES:
                sync.recorder.add("skipped")  # deleted in Odoo: never re-created
                continue
            try:
                with self.env.cr.savepoint():
                    result, account = self._xero_import_option(sync, neutral, option, plan, binding, Account)
            except MappingError as exc:
                message, hint = mapping_texts(self.env, exc)
                sync.mismatch(
                    "import",
                    kind=exc.kind,
                    record_name=name,
                    xero_id=option["xero_id"],
                    messages=[message],
                    hint=hint,
                    payload=option,
                )
                sync.recorder.add("failed", xero_id=option["xero_id"], name=name, note=message[:200])
                continue
            self.env["xero.mismatch.log"]._resolve(
                sync.account, self._xero_key, "import", xero_ids=[option["xero_id"]]
            )
            changed = changed or result in ("created", "updated")
            sync.recorder.add(result, account, xero_id=option["xero_id"])
        # Options Xero deleted: their accounts are archived, their links closed.
        for xero_id, binding in links.items():
            if (
                xero_id in seen
                or binding.state in TOMBSTONE_STATES
                or (binding.xero_data or {}).get("category_id") != category_id
            ):
                continue
            account = binding._record()
            if account.exists() and account.active and settings._allows("update"):
                account.with_context(xero_inbound=True).active = False
                sync.recorder.add(
                    "updated", account, xero_id=xero_id, note=self.env._("deleted in Xero: archived")
                )
                changed = True
            binding.write({"state": "closed", "last_direction": "import"})
        self._xero_forget(sync)
        return changed

    def _xero_import_option(self, sync, neutral, option, plan, binding, Account):
        settings = sync.settings
        active = option["status"] == "ACTIVE"
        account = binding._record() if binding else Account
        if account and not account.exists():
            binding.unlink()
            binding, account = None, Account
        if account:
            vals = {}
            # Odoo's rename not exported yet stays, unless Xero renamed the option too.
            odoo_pending = binding.state in ("pending", "error")
            if account.name != option["name"] and (binding.xero_number != option["name"] or not odoo_pending):
                vals["name"] = option["name"]
            if account.active != active and not odoo_pending:
                vals["active"] = active
            if vals and settings._allows("update"):
                account.with_context(xero_inbound=True).write(vals)
            self._xero_bind_option(sync, account, neutral, option, pending=odoo_pending)
            return ("updated" if vals and settings._allows("update") else "skipped"), account
        candidates = Account.search(
            [
                ("root_plan_id", "=", plan.id),
                ("company_id", "in", (sync.company.id, False)),
            ]
        ).filtered(lambda a: tracking_map.key(a.name) == tracking_map.key(option["name"]))
        bound = self._xero_bindings(sync)._xero_bound_res_ids(sync.account, OPTION_KEY, candidates.ids)
        candidates = candidates.filtered(lambda a: a.id not in bound)
        if len(candidates) > 1:
            raise MappingError(
                self.env._(
                    "The Xero option %(name)s matches several analytic accounts of "
                    "%(plan)s: %(names)s. Nothing was linked or created.",
                    name=tracking_map.short(option["name"]),
                    plan=plan.display_name,
                    names=", ".join(candidates.mapped("display_name")),
                ),
                kind="ambiguous",
                hint=self.env._(
                    "Rename or archive all but one of those analytic accounts, then click Retry."
                ),
            )
        if candidates:
            account = candidates
            if settings._allows("update") and (account.name != option["name"] or account.active != active):
                account.write({"name": option["name"], "active": active})
            result = "updated"
        elif settings._allows("create"):
            account = Account.create(
                {"name": option["name"], "plan_id": plan.id, "company_id": sync.company.id, "active": active}
            )
            result = "created"
        else:
            return "skipped", Account
        self._xero_bind_option(sync, account, neutral, option)
        return result, account

    def _xero_bind_option(self, sync, account, neutral, option, pending=False):
        vals = {
            "xero_id": option["xero_id"],
            "xero_number": option["name"],
            "xero_data": {"category_id": neutral["xero_id"], "status": option["status"]},
            "state": "pending" if pending else "synced",
            "last_error": False,
            "last_direction": "import",
        }
        Binding = self._xero_bindings(sync)
        binding = Binding._xero_find(sync.account, OPTION_KEY, records=account, limit=1)
        if binding:
            binding.write(vals)
        else:
            binding = Binding.create(
                dict(
                    vals,
                    account_id=sync.account.id,
                    object_key=OPTION_KEY,
                    res_model=ACCOUNT_MODEL,
                    res_id=account.id,
                )
            )
        return binding

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record and xero_record.get("TrackingCategoryID"):
            remote = self._xero_from_xero(sync, xero_record)
            binding.write(
                {
                    "xero_number": remote["name"],
                    "xero_data": {"name": remote["name"], "status": remote["status"]},
                }
            )
        if direction == "import" and self._xero_local_pending(sync, record, binding):
            # What Odoo has and Xero not yet (a rename, a new account) is still to be sent.
            binding.write({"state": "pending", "payload_hash": False})
        self._xero_forget(sync)
        return binding

    def _xero_local_pending(self, sync, plan, binding):
        """Whether ``plan`` has something Xero does not: its name, an active account
        without option, an account renamed or deleted in Odoo since the last export."""
        if plan.name != (binding.xero_data or {}).get("name", plan.name):
            return True
        options = self._xero_option_bindings(
            sync, binding.xero_id, states=("synced", "pending", "error", "deleted")
        )
        if any(b.state != "synced" for b in options):
            return True
        linked = set(options.mapped("res_id"))
        return any(a.id not in linked and a.active for a in self._xero_plan_accounts(sync, plan))

    # ================================================================= export
    def _xero_plan_accounts(self, sync, plans):
        return (
            self.env[ACCOUNT_MODEL]
            .with_context(active_test=False)
            .search(
                [
                    ("root_plan_id", "in", plans.ids),
                    ("company_id", "in", (sync.company.id, False)),
                ],
                order="id",
            )
        )

    def _xero_export(self, sync, records=None):
        if records is not None and records._name == ACCOUNT_MODEL:
            # A retry of an option's entry: its category goes again, with its options.
            plans = records.exists().root_plan_id
            gone = records - records.exists()
            if gone:
                links = self._xero_bindings(sync)._xero_find(sync.account, OPTION_KEY, records=gone)
                categories = {(b.xero_data or {}).get("category_id") for b in links}
                plans |= self.env[self._xero_model].browse(
                    [b.res_id for x, b in self._xero_category_bindings(sync).items() if x in categories]
                )
            records = plans
        try:
            return super()._xero_export(sync, records=records)
        finally:
            self._xero_forget(sync)

    def _xero_snapshot(self, sync, records):
        accounts = self._xero_plan_accounts(sync, records)
        links = self._xero_bindings(sync)._xero_by_res_id(
            sync.account, OPTION_KEY, accounts.ids, not_states=TOMBSTONE_STATES
        )
        categories = {b.res_id: b.xero_id for b in self._xero_category_bindings(sync).values()}
        out = {}
        for plan in records:
            options = []
            category_id = categories.get(plan.id)
            for account in accounts.filtered(lambda a, p=plan: a.root_plan_id == p):
                link = links.get(account.id)
                # (An account moved in from another category's plan is a new option here.)
                same = link and (not category_id or (link.xero_data or {}).get("category_id") == category_id)
                options.append(
                    {
                        "res_id": account.id,
                        "name": account.name,
                        "active": account.active,
                        "xero_id": link.xero_id if same else None,
                    }
                )
            out[plan.id] = {"xero_id": None, "name": plan.name, "options": options}
        return out

    def _xero_to_xero(self, sync, neutral, xero_id):
        return tracking_map.category_to_xero(neutral, xero_id)

    def _xero_hash(self, sync, neutral, payload):
        return payload_hash(
            {
                "payload": payload,
                "options": [[o["res_id"], o["name"], o["active"], o["xero_id"]] for o in neutral["options"]],
            }
        )

    def _xero_same_as_remote(self, sync, item, remote_neutral):
        return False  # linked by name: sent, so that the options follow

    def _xero_export_candidates(self, sync):
        # Plans with an account deleted in Odoo: the option is archived in Xero.
        plans = super()._xero_export_candidates(sync)
        deleted = self._xero_option_bindings(sync, states=("deleted",))
        categories = {(b.xero_data or {}).get("category_id") for b in deleted}
        return plans | self.env[self._xero_model].browse(
            [b.res_id for x, b in self._xero_category_bindings(sync).items() if x in categories]
        )

    # As the engine does before an update, by the category's content (Xero dates no
    # category): a category Xero changed since the last exchange is imported first.
    _xero_remote_dated = False

    def _xero_remote_known(self, binding):
        return bool(binding.xero_hash)

    def _xero_tombstone_payload(self, sync, binding):
        return {"TrackingCategoryID": binding.xero_id, "Status": "ARCHIVED"}

    def _xero_tombstone_settled(self, sync, xero_record):
        return xero_record.get("Status") in ("ARCHIVED", "DELETED")

    def _xero_after_export(self, sync, items):
        for item in items:
            self._xero_export_options(sync, item)

    def _xero_export_options(self, sync, item):
        """Make the category's options in Xero the plan's analytic accounts: link those Xero
        has by name, create the others (one PUT), rename or (un)archive the changed ones,
        archive those of deleted accounts. What Xero refuses is logged per account and sent
        again on the next export (Retry: at once)."""
        category_id = item.binding.xero_id
        client = sync.client
        current = client.get_record(self._xero_collection, category_id) or {}
        remote = self._xero_from_xero(sync, current)
        changes = tracking_map.option_changes(item.neutral["options"], remote["options"])
        Account = self.env[ACCOUNT_MODEL].with_context(active_test=False)
        names = {o["res_id"]: o["name"] for o in item.neutral["options"]}
        refused = {
            (r["res_id"], r["payload_hash"])
            for r in self.env["xero.mismatch.log"]
            .sudo()
            .search_read(
                [
                    ("account_id", "=", sync.account.id),
                    ("object_key", "=", self._xero_key),
                    ("direction", "=", "export"),
                    ("state", "=", "open"),
                    ("res_model", "=", ACCOUNT_MODEL),
                    ("payload_hash", "!=", False),
                ],
                ["res_id", "payload_hash"],
            )
        }
        failed = False
        remote_by_id = {o["xero_id"]: o for o in remote["options"]}

        def label(res_id):
            return self._xero_option_name(remote["name"] or item.neutral["name"], names.get(res_id, "?"))

        def log_refusal(res_id, messages, payload, xero_id=None):
            sync.mismatch(
                "export",
                kind="validation",
                record_name=label(res_id),
                res_model=ACCOUNT_MODEL,
                res_id=res_id,
                xero_id=xero_id,
                messages=messages,
                payload=payload,
                payload_hash=payload_hash(payload) if payload else None,
                hint=self.env._(
                    "Rename the analytic account in Odoo with Xero's message in "
                    "mind (or archive it), then click Retry."
                ),
            )
            sync.recorder.add(
                "failed", Account.browse(res_id), xero_id=xero_id, note=(messages or [""])[0][:200]
            )

        for res_id, message in changes["refused"]:
            log_refusal(res_id, [translate_text(self.env, message)], None)
            failed = True
        for res_id, xero_id in changes["bind"]:
            option = remote_by_id[xero_id]
            self._xero_bind_option(sync, Account.browse(res_id), remote, option)
            sync.recorder.add(
                "updated",
                Account.browse(res_id),
                xero_id=xero_id,
                note=self.env._("linked to the existing Xero option"),
            )
        # What Xero refused already is not sent again until it changes (or Retry).
        creates = [(r, p) for r, p in changes["create"] if sync.force or (r, payload_hash(p)) not in refused]
        updates = [
            (r, x, p) for r, x, p in changes["update"] if sync.force or (r, payload_hash(p)) not in refused
        ]
        for __ in range(len(changes["create"]) + len(changes["update"]) - len(creates) - len(updates)):
            sync.recorder.add("skipped")
        # Accounts deleted in Odoo: their options are archived in Xero, their links closed.
        tombstones = self._xero_option_bindings(sync, category_id, states=("deleted",))
        closing = []
        for binding in tombstones:
            option = remote_by_id.get(binding.xero_id)
            if option and option["status"] == "ACTIVE":
                updates.append((binding.res_id, binding.xero_id, {"Status": "ARCHIVED"}))
                names.setdefault(binding.res_id, binding.deleted_name or binding.xero_number)
            else:
                closing.append(binding)
        results = ([], [])
        if creates or updates:
            results = client.write_tracking_options(
                category_id, [p for __, p in creates], [(x, p) for __, x, p in updates]
            )
        done = []
        for (res_id, payload), result in zip(creates, results[0]):
            if result.status == CREATED and result.xero_id:
                option = {"xero_id": result.xero_id, "name": payload["Name"], "status": "ACTIVE"}
                self._xero_bind_option(sync, Account.browse(res_id), remote, option)
                sync.recorder.add("created", Account.browse(res_id), xero_id=result.xero_id)
                done.append(res_id)
            else:
                log_refusal(res_id, result.messages, payload)
                failed = True
        dead = {b.res_id: b for b in tombstones}
        for (res_id, xero_id, payload), result in zip(updates, results[1]):
            if result.status not in (CREATED, UPDATED):
                log_refusal(res_id, result.messages, payload, xero_id)
                failed = True
                continue
            if res_id in dead:
                closing.append(dead[res_id])
                sync.recorder.add(
                    "updated",
                    xero_id=xero_id,
                    name=label(res_id),
                    note=self.env._("deleted in Odoo: archived in Xero"),
                )
                done.append(res_id)
                continue
            option = dict(remote_by_id[xero_id], name=payload.get("Name"), status=payload.get("Status"))
            self._xero_bind_option(sync, Account.browse(res_id), remote, option)
            sync.recorder.add("updated", Account.browse(res_id), xero_id=xero_id)
            done.append(res_id)
        for binding in closing:
            binding.write({"state": "closed", "last_error": False, "last_direction": "export"})
            done.append(binding.res_id)
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "export", res_model=ACCOUNT_MODEL, res_ids=done
        )
        if failed:
            # Its entries stay open; a change of the account (or Retry) sends it again.
            item.binding.write({"state": "error"})
        self._xero_forget(sync)

    # ====================================================== lines <-> tracking
    def _xero_line_options(self, sync):
        """``{(category key, option key): analytic account id}`` of the linked options."""
        if "tracking_options" not in sync.cache:
            categories = self._xero_category_bindings(sync)
            index = {}
            for binding in self._xero_option_bindings(sync):
                category = categories.get((binding.xero_data or {}).get("category_id"))
                if category and binding.xero_number:
                    index[(tracking_map.key(category.xero_number), tracking_map.key(binding.xero_number))] = (
                        binding.res_id
                    )
            sync.cache["tracking_options"] = index
        return sync.cache["tracking_options"]

    def _xero_need_tracking(self, sync, pairs):
        """Before lines tracked with ``pairs`` (``(category, option)`` names) are imported:
        the categories are imported from Xero when one of them is not known (once per run)."""
        index = self._xero_line_options(sync)
        unknown = [p for p in pairs if (tracking_map.key(p[0]), tracking_map.key(p[1])) not in index]
        if unknown and not sync.cache.get("tracking_refreshed"):
            sync.cache["tracking_refreshed"] = True
            sync.account._xero_run_object(self._xero_key, "import", trigger="dependency")
            self._xero_forget(sync)

    def _xero_line_distribution(self, sync, tracking, label):
        """The analytic distribution of a Xero line tracked as ``tracking`` (neutral), or
        None without tracking; MappingError when an option has no analytic account."""
        if not tracking:
            return None
        self._xero_need_tracking(sync, [(t.get("category"), t.get("option")) for t in tracking])
        distribution, missing = tracking_map.distribution_from_tracking(
            tracking, self._xero_line_options(sync)
        )
        if missing:
            category, option = missing[0]
            raise MappingError(
                self.env._(
                    "%(line)s is tracked as %(option)s in Xero, an option Odoo has no analytic account for.",
                    line=label,
                    option=self._xero_option_name(category, option),
                ),
                kind="dependency",
                missing=(self._xero_key, option),
                hint=self.env._(
                    "Import the Tracking Categories object (Xero > Synchronisation) "
                    "and look at its open entries, then click Retry."
                ),
            )
        return distribution

    def _xero_line_accounts(self, sync, account_ids):
        """``{analytic account id: info}`` (``tracking_map.tracking_from_distribution``) of
        those of ``account_ids`` whose plan is linked to a tracking category."""
        cache = sync.cache.setdefault("tracking_accounts", {})
        wanted = {int(i) for i in account_ids} - set(cache)
        if wanted:
            categories = {b.res_id: b for b in self._xero_category_bindings(sync).values()}
            accounts = self.env[ACCOUNT_MODEL].with_context(active_test=False).browse(sorted(wanted)).exists()
            links = {
                b.res_id: b
                for b in self._xero_option_bindings(sync).filtered(lambda b: b.res_id in accounts.ids)
            }
            for account_id in wanted:
                cache[account_id] = None
            for account in accounts:
                category = categories.get(account.root_plan_id.id)
                if not category:
                    continue
                link = links.get(account.id)
                same = link and (link.xero_data or {}).get("category_id") == category.xero_id
                cache[account.id] = {
                    "plan": account.root_plan_id.id,
                    "plan_name": account.root_plan_id.name,
                    "name": account.name,
                    "category": category.xero_number,
                    "option": link.xero_number if same else None,
                }
        return {i: cache[i] for i in map(int, account_ids) if cache.get(i)}

    def _xero_distribution_ids(self, distributions):
        ids = set()
        for distribution in distributions:
            for combination in distribution or {}:
                for part in str(combination).split(","):
                    if part.strip().isdigit():
                        ids.add(int(part))
        return ids

    def _xero_line_tracking(self, sync, distribution, label, errors):
        """The Xero ``tracking`` (neutral) of a line's analytic ``distribution``; what
        prevents it is appended to ``errors`` (then no tracking)."""
        if not distribution:
            return []
        accounts = self._xero_line_accounts(sync, self._xero_distribution_ids([distribution]))
        try:
            return tracking_map.tracking_from_distribution(distribution, accounts, label)
        except MappingError as exc:
            errors.append(exc)
            return []

    def _xero_export_line_options(self, sync, distributions):
        """Before lines with ``distributions`` are exported: plans linked to a category
        whose accounts on them are no options yet are exported (when the object may be)."""
        accounts = self._xero_line_accounts(sync, self._xero_distribution_ids(distributions))
        plans = self.env[self._xero_model].browse(
            sorted({info["plan"] for info in accounts.values() if not info["option"]})
        )
        if plans and sync.account._xero_may_export(self._xero_key):
            sync.account._xero_run_object(self._xero_key, "export", trigger="dependency", records=plans)
            self._xero_forget(sync)
