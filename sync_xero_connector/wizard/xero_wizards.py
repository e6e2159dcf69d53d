# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Wizards: run an object for a date range, resolve an ambiguous match or link a name clash
to the Xero record that has the name, map a tax."""

import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.xero_binding import object_selection
from ..models.xero_object import Sync
from ..models.xero_sync_status_mixin import feedback
from ..xero import where_equals
from ..xero.mapping import documents as doc_map
from ..xero.mapping.common import money
from ..xero.objects import collection


class XeroSyncWizard(models.TransientModel):
    _name = "xero.sync.wizard"
    _description = "Xero: Run an Object"

    account_id = fields.Many2one("xero.account", required=True)
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object", required=True)
    direction = fields.Selection(
        [("import", "Import"), ("export", "Export")], required=True, default="import"
    )
    date_from = fields.Datetime(
        string="Changed Since",
        help="Import: Xero records changed since this date (the import cursor is not moved).\n"
        "Export: Odoo records changed since this date, sent again even if Xero has them.",
    )
    full = fields.Boolean(
        string="Read Everything", help="Import everything, not only what changed since the last import."
    )

    def action_run(self):
        self.ensure_one()
        account = self.account_id
        account._check_xero_user()
        if self.direction == "export" and not self.date_from:
            # The whole object, as its Export button: a preview first.
            return account._xero_preview_action("export", [self.object_key])
        kwargs = {}
        if self.direction == "import":
            kwargs = {"full": self.full and not self.date_from, "since": self.date_from or None}
        elif self.date_from:
            obj = self.env["xero.object"]._xero_object(self.object_key)
            records = (
                self.env[obj._xero_model]
                .with_context(active_test=False)
                .search(
                    [
                        ("write_date", ">=", self.date_from),
                    ]
                    + obj._xero_match_domain(Sync.for_lookups(account))
                )
            )
            kwargs = {"records": records, "force": True}
        run = account._xero_run_object(self.object_key, self.direction, trigger="wizard", **kwargs)
        return account._xero_runs_notification(run)


class XeroMismatchResolve(models.TransientModel):
    _name = "xero.mismatch.resolve"
    _description = "Xero: Resolve an Ambiguous Match or a Name Clash"

    mismatch_id = fields.Many2one("xero.mismatch.log", required=True, ondelete="cascade")
    message = fields.Text(related="mismatch_id.messages")
    line_ids = fields.One2many("xero.mismatch.resolve.line", "wizard_id")
    # A name clash: the Xero record that has the name (or code) Xero refused.
    clash_field = fields.Char(related="mismatch_id.clash_field")
    xero_id = fields.Char(string="Xero Record ID", readonly=True)
    xero_number = fields.Char(readonly=True)
    comparison = fields.Html(string="Odoo and Xero", readonly=True, sanitize=True)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            log = wizard.mismatch_id
            records = (
                self.env[log.res_model].browse(log.candidate_ids or []).exists() if log.res_model else []
            )
            wizard.line_ids = [(0, 0, {"res_id": r.id, "name": r.display_name}) for r in records]
            if log.clash_field and log.state == "open":
                wizard._find_clashing()
        return wizards

    def _account(self):
        account = self.mismatch_id.account_id
        account._check_xero_user()
        return account

    def _find_clashing(self):
        """The Xero record that has the refused name or code: one GET with a where clause."""
        log = self.mismatch_id
        field = log.clash_field
        payload = json.loads(log.payload or "{}")
        value = payload.get(field) if isinstance(payload, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise UserError(
                self.env._(
                    "Entry %(name)s does not say which %(field)s Xero refused: click Retry to send "
                    "it again, then Link to Existing Xero Record.",
                    name=log.record_name,
                    field=field,
                )
            )
        obj = self.env["xero.object"]._xero_object(log.object_key)
        spec = collection(obj._xero_collection)
        # Xero's uniqueness ignores case.
        where = where_equals(f"{field}.ToLower()", value.strip().lower())
        found = [
            r
            for r in self._account()._xero_client().iter_records(obj._xero_collection, where=where)
            if r.get("Status") not in ("ARCHIVED", "DELETED")
        ]
        if len(found) != 1:
            self.comparison = Markup("<p>%s</p>") % (
                self.env._(
                    "Xero has no active record with the %(field)s %(value)s (any more): click "
                    "Retry on the entry to send it again.",
                    field=field,
                    value=value,
                )
                if not found
                else self.env._(
                    "Xero has %(count)s records with the %(field)s %(value)s: archive or rename "
                    "the extra ones in Xero, then try again.",
                    count=len(found),
                    field=field,
                    value=value,
                )
            )
            return
        remote = found[0]
        self.xero_id = remote.get(spec.id_field)
        self.xero_number = remote.get(spec.number_field) if spec.number_field else False
        rows = [
            (key, value, remote.get(key))
            for key, value in sorted(payload.items())
            if not isinstance(value, (dict, list)) and key != spec.id_field
        ]
        head = Markup("<tr><th></th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Odoo (sent on Link)"),
            self.env._("Xero now"),
        )
        body = Markup("").join(
            Markup("<tr><th>%s</th><td>%s</td><td>%s</td></tr>")
            % (key, "" if odoo is None else odoo, "" if xero is None else xero)
            for key, odoo, xero in rows
        )
        self.comparison = Markup('<table class="table table-sm">%s%s</table>') % (head, body)

    def action_link_existing(self):
        """Name clash: link the entry's Odoo record to the Xero record that has its name or
        code, then export it (an update of that Xero record, not a create)."""
        self.ensure_one()
        log = self.mismatch_id
        if not self.xero_id:
            raise UserError(self.env._("No Xero record to link to was found: see the message above."))
        record = self.env[log.res_model].browse(log.res_id).exists()
        if not record:
            raise UserError(self.env._("The Odoo record of this entry no longer exists."))
        self._link(record, self.xero_id, self.xero_number)
        return _rerun(log, self._account(), record)

    def _link(self, record, xero_id, number=None):
        account = self._account()
        account._xero_check_company(record)
        log = self.mismatch_id
        Binding = self.env["xero.binding"].sudo()
        holder = Binding._xero_find(account, log.object_key, xero_ids=[xero_id], primary=True, limit=1)
        if holder:
            raise UserError(
                self.env._(
                    "That Xero record is already linked to %(other)s. Merge the two Odoo records, "
                    "or rename one of them.",
                    other=holder.record_name or "?",
                )
            )
        return Binding.create(
            {
                "account_id": account.id,
                "object_key": log.object_key,
                "res_model": record._name,
                "res_id": record.id,
                "xero_id": xero_id,
                "xero_number": number or False,
                "state": "pending",
            }
        )

    def action_create_new(self):
        """Import: create a new Odoo record for the Xero one. Export: send as a new contact."""
        self.ensure_one()
        log = self.mismatch_id
        account = self._account().with_context(xero_no_match=True)
        if log.direction == "import" and not log.xero_id:
            raise UserError(self.env._("This entry names no Xero record."))
        records = self.env[log.res_model].browse(log.candidate_ids or [log.res_id]).exists()
        return _rerun(log, account, records)


class XeroNumberConflictWizard(models.TransientModel):
    """Send a document to Xero under another number: Xero has its number for another one."""

    _name = "xero.number.conflict.wizard"
    _description = "Xero: Create Under Another Number"

    mismatch_id = fields.Many2one("xero.mismatch.log", required=True, ondelete="cascade")
    message = fields.Text(related="mismatch_id.messages")
    number = fields.Char(
        string="Number in Xero",
        required=True,
        help="The number the document gets in Xero (Odoo keeps its own). Xero must not have it yet.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        log = self.env["xero.mismatch.log"].browse(values.get("mismatch_id"))
        record = log._number_conflict_record() if log else None
        if record and "number" in fields_list:
            values["number"] = f"{record.name}-1"
        return values

    def action_confirm(self):
        self.ensure_one()
        log = self.mismatch_id
        record = log._number_conflict_record()
        number = (self.number or "").strip()
        if not number or len(number) > doc_map.NUMBER_MAX or doc_map.placeholder_ids(number):
            raise UserError(
                self.env._(
                    "Type the number the document is to have in Xero (at most %(max)s characters, "
                    "not of the form DRAFT-n-n, which the connector keeps for drafts).",
                    max=doc_map.NUMBER_MAX,
                )
            )
        if number.lower() in ((record.name or "").lower(), (log._conflict_xero_number() or "").lower()):
            raise UserError(self.env._("Xero already has %(number)s: type another number.", number=number))
        record.xero_number_override = number
        return _rerun(log, log.account_id, record)


def _rerun(log, account, records):
    """Run the entry's record again (import: the Xero record; export: ``records``), forced;
    close the entry unless the run refused it again, and say which."""
    if log.direction == "import":
        run = account._xero_run_object(
            log.object_key, "import", trigger="retry", xero_ids=[log.xero_id], force=True
        )
    else:
        run = account._xero_run_object(log.object_key, "export", trigger="retry", records=records, force=True)
    log.invalidate_recordset()
    env = log.env
    if run.state == "failed" or (log.state == "open" and log.run_id == run):
        return feedback(
            env,
            "danger",
            env._("Still failing"),
            "%s: %s" % (log.record_name, run.message if run.state == "failed" else log.messages),
        )
    if log.state == "open":
        log.action_mark_resolved()
    return feedback(
        env,
        "success",
        env._("Resolved"),
        env._("%(name)s is linked and synced with Xero.", name=log.record_name),
    )


class XeroMismatchResolveLine(models.TransientModel):
    _name = "xero.mismatch.resolve.line"
    _description = "Xero: Candidate Record"

    wizard_id = fields.Many2one("xero.mismatch.resolve", required=True, ondelete="cascade")
    res_id = fields.Integer(required=True)
    name = fields.Char()

    def action_link(self):
        """Link this Odoo record to the entry's Xero record, then sync it."""
        self.ensure_one()
        log = self.wizard_id.mismatch_id
        if not log.xero_id:
            raise UserError(
                self.env._(
                    "There is no Xero record to link to: rename the duplicates in Odoo, or use "
                    "Create New to send this one."
                )
            )
        if self.res_id not in (log.candidate_ids or []):
            raise UserError(
                self.env._(
                    "%(name)s is not one of the Odoo records entry %(entry)s found: pick one of "
                    "the lines the wizard lists.",
                    name=self.name or self.res_id,
                    entry=log.record_name,
                )
            )
        record = self.env[log.res_model].browse(self.res_id)
        self.wizard_id._link(record, log.xero_id)
        return _rerun(log, self.wizard_id._account(), record)


class XeroTaxMapWizard(models.TransientModel):
    _name = "xero.tax.map.wizard"
    _description = "Xero: Map an Odoo Tax to a Xero Tax Rate"

    account_id = fields.Many2one("xero.account", required=True)
    xero_binding_id = fields.Many2one(
        "xero.binding",
        string="Xero Tax Rate",
        required=True,
        domain="[('account_id', '=', account_id), ('object_key', '=', 'taxes'), ('is_primary', '=', True)]",
    )
    tax_id = fields.Many2one(
        "account.tax",
        string="Odoo Tax",
        required=True,
        domain="[('amount_type', 'in', ('percent', 'group'))]",
    )

    def action_map(self):
        """Add a mapping line; only a tax charging the same rate can be mapped."""
        self.ensure_one()
        self.account_id._check_xero_manager()
        xero = self.xero_binding_id
        data = xero.xero_data or {}
        odoo = self.env["xero.object.taxes"]._xero_tax_neutral(self.tax_id)
        if data.get("rate") is None or money(data["rate"], 4) != money(odoo["rate"], 4):
            raise ValidationError(
                self.env._(
                    "%(tax)s charges %(odoo)s %%, the Xero rate %(xero)s charges %(rate)s %%: only "
                    "taxes with the same rate can be mapped.",
                    tax=self.tax_id.name,
                    odoo=odoo["rate"],
                    xero=xero.xero_number,
                    rate=data.get("rate"),
                )
            )
        Binding = self.env["xero.binding"].sudo()
        existing = Binding._xero_find(self.account_id, "taxes", records=self.tax_id)
        if existing:
            raise UserError(
                self.env._(
                    "%(tax)s is already mapped to %(xero)s.", tax=self.tax_id.name, xero=existing.xero_number
                )
            )
        Binding.create(
            {
                "account_id": self.account_id.id,
                "object_key": "taxes",
                "res_model": "account.tax",
                "res_id": self.tax_id.id,
                "xero_id": xero.xero_id,
                "xero_number": xero.xero_number,
                "xero_data": data,
                "is_primary": False,
                "state": "synced",
            }
        )
        return {"type": "ir.actions.act_window_close"}
