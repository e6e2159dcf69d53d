# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Wizards: run an object for a date range, resolve an ambiguous match, map a tax."""
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.xero_binding import object_selection
from ..xero.mapping.common import money


class XeroSyncWizard(models.TransientModel):
    _name = "xero.sync.wizard"
    _description = "Xero: Run an Object"

    account_id = fields.Many2one("xero.account", required=True)
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object",
                                  required=True)
    direction = fields.Selection([("import", "Import"), ("export", "Export")], required=True,
                                 default="import")
    date_from = fields.Datetime(
        string="Changed Since",
        help="Import: Xero records changed since this date (the import cursor is not moved).\n"
             "Export: Odoo records changed since this date, sent again even if Xero has them.",
    )
    full = fields.Boolean(string="Read Everything",
                          help="Import everything, not only what changed since the last import.")

    def action_run(self):
        self.ensure_one()
        account = self.account_id
        account._check_xero_manager()
        kwargs = {}
        if self.direction == "import":
            kwargs = {"full": self.full and not self.date_from, "since": self.date_from or None}
        elif self.date_from:
            obj = self.env["xero.object"]._xero_object(self.object_key)
            records = self.env[obj._xero_model].with_context(active_test=False).search([
                ("write_date", ">=", self.date_from),
            ] + obj._xero_match_domain(_FakeSync(account)))
            kwargs = {"records": records, "force": True}
        run = account._xero_run_object(self.object_key, self.direction, trigger="wizard",
                                       **kwargs)
        return account._xero_runs_notification(run)


class _FakeSync:
    """The little of a Sync that the match domains read."""

    def __init__(self, account):
        self.account = account
        self.company = account.company_id


class XeroMismatchResolve(models.TransientModel):
    _name = "xero.mismatch.resolve"
    _description = "Xero: Resolve an Ambiguous Match"

    mismatch_id = fields.Many2one("xero.mismatch.log", required=True, ondelete="cascade")
    message = fields.Text(related="mismatch_id.messages")
    line_ids = fields.One2many("xero.mismatch.resolve.line", "wizard_id")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            log = wizard.mismatch_id
            records = self.env[log.res_model].browse(log.candidate_ids or []).exists() \
                if log.res_model else []
            wizard.line_ids = [(0, 0, {"res_id": r.id, "name": r.display_name})
                               for r in records]
        return wizards

    def _account(self):
        account = self.mismatch_id.account_id
        account._check_xero_manager()
        return account

    def action_create_new(self):
        """Import: create a new Odoo record for the Xero one. Export: send as a new contact."""
        self.ensure_one()
        log = self.mismatch_id
        account = self._account().with_context(xero_no_match=True)
        if log.direction == "import" and not log.xero_id:
            raise UserError(self.env._("This entry names no Xero record."))
        records = self.env[log.res_model].browse(log.candidate_ids or [log.res_id]).exists()
        return _rerun(log, account, records)


def _rerun(log, account, records):
    """Run the entry's record again (import: the Xero record; export: ``records``), forced,
    and close the entry."""
    if log.direction == "import":
        run = account._xero_run_object(log.object_key, "import", trigger="retry",
                                       xero_ids=[log.xero_id], force=True)
    else:
        run = account._xero_run_object(log.object_key, "export", trigger="retry",
                                       records=records, force=True)
    log.action_mark_resolved()
    return account._xero_runs_notification(run)


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
        account = self.wizard_id._account()
        if not log.xero_id:
            raise UserError(self.env._(
                "There is no Xero record to link to: rename the duplicates in Odoo, or use "
                "Create New to send this one."))
        Binding = self.env["xero.binding"].sudo()
        if Binding.search_count([("account_id", "=", account.id),
                                 ("object_key", "=", log.object_key),
                                 ("xero_id", "=", log.xero_id), ("is_primary", "=", True)]):
            raise UserError(self.env._("That Xero record is already linked to another record."))
        Binding.create({
            "account_id": account.id, "object_key": log.object_key,
            "res_model": log.res_model, "res_id": self.res_id, "xero_id": log.xero_id,
            "state": "pending",
        })
        return _rerun(log, account, self.env[log.res_model].browse(self.res_id))


class XeroTaxMapWizard(models.TransientModel):
    _name = "xero.tax.map.wizard"
    _description = "Xero: Map an Odoo Tax to a Xero Tax Rate"

    account_id = fields.Many2one("xero.account", required=True)
    xero_binding_id = fields.Many2one(
        "xero.binding", string="Xero Tax Rate", required=True,
        domain="[('account_id', '=', account_id), ('object_key', '=', 'taxes'), "
               "('is_primary', '=', True)]",
    )
    tax_id = fields.Many2one("account.tax", string="Odoo Tax", required=True,
                             domain="[('amount_type', 'in', ('percent', 'group'))]")

    def action_map(self):
        """Add a mapping line; only a tax charging the same rate can be mapped."""
        self.ensure_one()
        self.account_id._check_xero_manager()
        xero = self.xero_binding_id
        data = xero.xero_data or {}
        odoo = self.env["xero.object.taxes"]._xero_tax_neutral(self.tax_id)
        if data.get("rate") is None or money(data["rate"], 4) != money(odoo["rate"], 4):
            raise ValidationError(self.env._(
                "%(tax)s charges %(odoo)s %%, the Xero rate %(xero)s charges %(rate)s %%: only "
                "taxes with the same rate can be mapped.", tax=self.tax_id.name,
                odoo=odoo["rate"], xero=xero.xero_number, rate=data.get("rate")))
        Binding = self.env["xero.binding"].sudo()
        existing = Binding.search([("account_id", "=", self.account_id.id),
                                   ("object_key", "=", "taxes"),
                                   ("res_id", "=", self.tax_id.id)])
        if existing:
            raise UserError(self.env._("%(tax)s is already mapped to %(xero)s.",
                                       tax=self.tax_id.name, xero=existing.xero_number))
        Binding.create({
            "account_id": self.account_id.id, "object_key": "taxes",
            "res_model": "account.tax", "res_id": self.tax_id.id,
            "xero_id": xero.xero_id, "xero_number": xero.xero_number,
            "xero_data": data, "is_primary": False, "state": "synced",
        })
        return {"type": "ir.actions.act_window_close"}
