# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero where the user looks: the Xero ID, sync state, last error and link of a synced record.

One mixin for partners, products, documents and payments. Everything comes from the bindings
and the open mismatch entries of the company's Xero account, one query of each per recordset.
An open entry counts before the first link too: a refused first export shows as an error.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

USER_GROUP = "sync_xero_connector.group_xero_user"
SYNC_STATES = [
    ("none", "Not Synced"),
    ("synced", "Synced"),
    ("pending", "To Export"),
    ("error", "Error"),
    ("no_sync", "Do Not Sync"),
    ("inflight", "Being Sent"),
]
STATUS_FIELDS = ("xero_id", "xero_sync_state", "xero_last_error", "xero_url", "xero_mismatch_id")
# "Open in Xero" of the objects whose link depends on the object only (documents: account.move).
DEEP_LINKS = {
    "contacts": "https://go.xero.com/Contacts/View/{id}",
    "items": "https://go.xero.com/Accounts/Inventory/{id}",
    "payments": "https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}


def feedback(env, level, title, message, sticky=None):
    """A toast that says what happened, then reloads the view it came from (banners, states)."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": level,
            "title": title,
            "message": message,
            "sticky": level == "danger" if sticky is None else sticky,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }


def _state(binding, entries):
    if entries or (binding and binding.state == "error"):
        return "error"
    return binding.state if binding else "none"


def _combined(states):
    """One state for a record shown through several bound records (a product's variants)."""
    if not states:
        return "none"
    if "error" in states:
        return "error"
    if len(set(states)) == 1:
        return states[0]
    return "pending"


class XeroSyncStatusMixin(models.AbstractModel):
    _name = "xero.sync.status.mixin"
    _description = "Xero Sync Status"

    # Object keys whose bindings hold these records, e.g. ("contacts",).
    _xero_status_keys = ()
    # The bound model when it is not this one (product templates: their variants).
    _xero_status_model = None

    xero_id = fields.Char(
        string="Xero ID",
        compute="_compute_xero_status",
        search="_search_xero_id",
        groups=USER_GROUP,
        help="ID of this record in the Xero organisation of the current company.",
    )
    xero_sync_state = fields.Selection(
        SYNC_STATES,
        string="Xero Sync",
        compute="_compute_xero_status",
        search="_search_xero_sync_state",
        groups=USER_GROUP,
    )
    xero_last_error = fields.Text(string="Xero Error", compute="_compute_xero_status", groups=USER_GROUP)
    xero_url = fields.Char(string="Open in Xero", compute="_compute_xero_status", groups=USER_GROUP)
    xero_mismatch_id = fields.Many2one("xero.mismatch.log", compute="_compute_xero_status", groups=USER_GROUP)

    # --------------------------------------------------------------- lookups
    def _xero_status_account(self):
        from .xero_dirty_mixin import _current_account  # noqa: PLC0415 - loaded after this model

        return _current_account(self.env)

    def _xero_status_targets(self):
        """``{record id: ids of the bound records}``: itself (product templates: variants)."""
        return {record.id: [record.id] for record in self}

    def _xero_status_domain(self, bound_ids):
        """The records whose bound records are among ``bound_ids``."""
        return [("id", "in", list(bound_ids))]

    def _xero_status_rows(self, account, res_ids=None):
        """``{bound record id: (binding or None, open entries)}`` of ``res_ids`` (None: all the
        records that have a binding or an open entry), in one query of each."""
        model = self._xero_status_model or self._name
        keys = list(self._xero_status_keys)
        base = [("account_id", "=", account.id), ("object_key", "in", keys)]
        bindings = self.env["xero.binding"]._xero_find(account, tuple(keys), res_model=model, res_ids=res_ids)
        by_xero = {b.xero_id: b for b in bindings if b.xero_id}
        own = ("res_id", "in", list(res_ids)) if res_ids is not None else ("res_id", "!=", False)
        # An export entry names the record; an import entry may name only its Xero ID.
        entries = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search(
                base
                + [
                    ("state", "=", "open"),
                    "|",
                    "&",
                    ("res_model", "=", model),
                    own,
                    ("xero_id", "in", list(by_xero)),
                ],
                order="direction, last_seen desc, id desc",
            )
        )
        rows = {b.res_id: (b, []) for b in bindings}
        for entry in entries:
            if entry.res_model == model and entry.res_id:
                res_id = entry.res_id
            else:
                res_id = by_xero[entry.xero_id].res_id
            rows.setdefault(res_id, (None, []))[1].append(entry)
        return rows

    # --------------------------------------------------------------- compute
    @api.depends_context("company")
    def _compute_xero_status(self):
        real = self.filtered(lambda r: isinstance(r.id, int))
        account = real._xero_status_account() if real else None
        targets = real._xero_status_targets() if account else {}
        rows = (
            self._xero_status_rows(account, {i for ids in targets.values() for i in ids}) if account else {}
        )
        bindings = {}
        for record in self:
            found = [(i, *rows.get(i, (None, []))) for i in targets.get(record.id, [])]
            binding = found[0][1] if len(found) == 1 else None
            entries = [(i, entry) for i, __, found_entries in found for entry in found_entries]
            errors = [(i, e.messages) for i, e in entries] + [
                (i, b.last_error) for i, b, __ in found if b and b.state == "error" and b.last_error
            ]
            state = _combined([_state(b, e) for __, b, e in found])
            if "xero_no_sync" in record._fields and record.xero_no_sync:
                state = "no_sync"
            record.xero_sync_state = state
            record.xero_id = binding.xero_id if binding else False
            record.xero_url = record._xero_deep_link(binding) if binding and binding.xero_id else False
            record.xero_mismatch_id = entries[0][1].id if entries else False
            record.xero_last_error = (
                record._xero_error_text(errors, len(found) > 1) if state == "error" else False
            )
            bindings[record.id] = binding
        self._xero_status_fill(bindings)

    def _xero_error_text(self, errors, several):
        """The first error; several bound records (variants) each say whose error it is."""
        if not several:
            return errors[0][1] if errors else False
        model = self.env[self._xero_status_model or self._name]
        names = {r.id: r.display_name for r in model.browse([i for i, __ in errors]).exists()}
        seen, lines = set(), []
        for res_id, message in errors:
            if res_id not in seen:
                seen.add(res_id)
                lines.append(f"{names.get(res_id, '?')}: {message}")
        return "\n".join(lines) or False

    def _xero_status_fill(self, bindings):
        """Model-specific status fields, from ``{record id: binding}`` (documents)."""

    def _xero_deep_link(self, binding):
        template = DEEP_LINKS.get(binding.object_key)
        return template.format(id=binding.xero_id) if template else False

    # ---------------------------------------------------------------- search
    def _search_xero_id(self, operator, value):
        if operator not in ("in", "like", "ilike", "=like", "=ilike"):
            return NotImplemented
        account = self._xero_status_account()
        if not account:
            return Domain.FALSE if operator != "in" or False not in value else Domain.TRUE
        model = self._xero_status_model or self._name
        keys = tuple(self._xero_status_keys)

        def bound(*leaves):
            found = self.env["xero.binding"]._xero_find(account, keys, res_model=model, extra=leaves)
            return found.mapped("res_id")

        if operator != "in":
            return self._xero_status_domain(bound(("xero_id", operator, value)))
        wanted = [v for v in value if v]
        result = Domain(self._xero_status_domain(bound(("xero_id", "in", wanted)) if wanted else []))
        if len(wanted) < len(value):  # also the records without a Xero ID
            result |= ~Domain(self._xero_status_domain(bound(("xero_id", "!=", False))))
        return result

    def _search_xero_sync_state(self, operator, value):
        if operator != "in":
            return NotImplemented
        values = set(value)
        account = self._xero_status_account()
        states = {}
        if account:
            states = {
                res_id: _state(binding, entries)
                for res_id, (binding, entries) in self._xero_status_rows(account).items()
            }
        chosen = Domain(self._xero_status_domain([i for i, state in states.items() if state in values]))
        if "none" in values:
            chosen |= ~Domain(self._xero_status_domain(list(states)))
        if "xero_no_sync" in self._fields:
            chosen &= Domain("xero_no_sync", "=", False)
            if "no_sync" in values:
                chosen |= Domain("xero_no_sync", "=", True)
        return chosen

    # --------------------------------------------------------------- actions
    def action_xero_open(self):
        self.ensure_one()
        if not self.xero_url:
            raise UserError(
                self.env._(
                    "%(name)s is not linked to a Xero record yet: export it to Xero first.",
                    name=self.display_name,
                )
            )
        return {"type": "ir.actions.act_url", "url": self.xero_url, "target": "new"}

    def action_xero_retry(self):
        """Export the record now, even if Xero refused this version before, and say what
        happened: exported, or Xero's new message."""
        self.ensure_one()
        notification = self.action_xero_export()
        self.invalidate_recordset(list(STATUS_FIELDS))
        name = self.display_name
        if self.xero_sync_state == "synced":
            return feedback(
                self.env,
                "success",
                self.env._("Exported to Xero"),
                self.env._("%(name)s is up to date in Xero.", name=name),
            )
        if self.xero_sync_state == "error":
            return feedback(
                self.env,
                "danger",
                self.env._("Xero still refuses %(name)s", name=name),
                self.xero_last_error or "",
            )
        if notification and (notification.get("params") or {}).get("type") == "danger":
            return notification  # the run failed as a whole: its message says why
        return feedback(
            self.env,
            "warning",
            self.env._("Nothing sent to Xero"),
            self.env._(
                "%(name)s was not sent: it is not to be exported (Do Not Sync, cancelled and "
                "never sent, or updates are off for this object).",
                name=name,
            ),
        )

    def action_xero_open_mismatch(self):
        self.ensure_one()
        if not self.xero_mismatch_id:
            return False
        return self.xero_mismatch_id.get_formview_action()
