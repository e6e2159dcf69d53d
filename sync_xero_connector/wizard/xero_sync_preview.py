# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Preview of a run (Export All, an object's Export button): what it would create and update,
per object, computed by the engine itself without writing to Xero (``_xero_preview``); its
Confirm button runs it."""

from odoo import api, fields, models
from odoo.fields import Command

from ..models.xero_binding import object_selection

STEPS = [("import", "Import"), ("export", "Export")]


class XeroSyncPreview(models.TransientModel):
    _name = "xero.sync.preview"
    _description = "Xero: Preview a Run"

    account_id = fields.Many2one("xero.account", required=True, readonly=True, ondelete="cascade")
    direction = fields.Selection(STEPS + [("sync", "Import then Export")], required=True, readonly=True)
    object_keys = fields.Char(
        readonly=True, help="The objects to run, comma-separated; empty: the enabled ones."
    )
    line_ids = fields.One2many("xero.sync.preview.line", "wizard_id", readonly=True)
    to_send = fields.Integer(compute="_compute_totals")
    blocked = fields.Integer(compute="_compute_totals")

    @api.depends("account_id", "direction")
    def _compute_display_name(self):
        for wizard in self:
            organisation = wizard.account_id.tenant_name or wizard.account_id.name
            if wizard.direction == "import":
                wizard.display_name = self.env._("Preview: import from %(org)s", org=organisation)
            elif wizard.direction == "export":
                wizard.display_name = self.env._("Preview: export to %(org)s", org=organisation)
            else:
                wizard.display_name = self.env._("Preview: sync with %(org)s", org=organisation)

    @api.depends("line_ids.created", "line_ids.updated", "line_ids.failed")
    def _compute_totals(self):
        for wizard in self:
            lines = wizard.line_ids.filtered(lambda line: line.step == "export")
            wizard.to_send = sum(lines.mapped("created")) + sum(lines.mapped("updated"))
            wizard.blocked = sum(wizard.line_ids.mapped("failed"))

    @api.model
    def _xero_create_for(self, account, direction, keys=None):
        """Compute the preview of ``direction`` on ``account`` and keep it in a wizard."""
        rows = account._xero_preview(direction, keys)
        return self.create(
            {
                "account_id": account.id,
                "direction": direction,
                "object_keys": ",".join(keys) if keys else False,
                "line_ids": [
                    Command.create(self.env["xero.sync.preview.line"]._xero_vals(row)) for row in rows
                ],
            }
        )

    def action_confirm(self):
        """Run what was previewed (the records are those of now, not of the preview)."""
        self.ensure_one()
        account = self.account_id
        account._check_xero_user()
        keys = self.object_keys.split(",") if self.object_keys else None
        return account._xero_button_run(self.direction, keys)


class XeroSyncPreviewLine(models.TransientModel):
    _name = "xero.sync.preview.line"
    _description = "Xero: Preview of One Object"
    _order = "sequence, id"

    wizard_id = fields.Many2one("xero.sync.preview", required=True, ondelete="cascade")
    sequence = fields.Integer()
    step = fields.Selection(STEPS, required=True)
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object", required=True)
    created = fields.Integer(string="Create")
    updated = fields.Integer(
        string="Update / Link",
        help="Records sent as updates, including new Odoo records linked "
        "to the Xero record that has the same name or number.",
    )
    skipped = fields.Integer(string="Unchanged")
    failed = fields.Integer(string="Blocked", help="Records that would not be sent: the Notes say why.")
    held = fields.Boolean(help="Left out of the run by the account's settings.")
    records = fields.Text()
    notes = fields.Text()

    @api.model
    def _xero_vals(self, row):
        """One preview row of ``xero.account._xero_preview`` as line values."""
        words = {
            "created": self.env._("Create"),
            "updated": self.env._("Update / link"),
            "failed": self.env._("Blocked"),
        }
        records = []
        for outcome in ("created", "updated", "failed"):
            names = row["names"].get(outcome) or []
            if not names:
                continue
            text = ", ".join(names)
            more = row[outcome] - len(names)
            if more > 0:
                text += " " + self.env._("and %(count)s more", count=more)
            records.append(f"{words[outcome]}: {text}")
        notes = list(row["problems"])
        if row["message"]:
            notes.insert(0, row["message"])
        return {
            # Imports, then exports, then what the account's settings leave out.
            "sequence": (1000 if row["held"] else 0 if row["step"] == "import" else 100)
            + [key for key, __ in object_selection(self.env)].index(row["key"]),
            "step": row["step"],
            "object_key": row["key"],
            "created": row["created"],
            "updated": row["updated"],
            "skipped": row["skipped"],
            "failed": row["failed"],
            "held": row["held"],
            "records": "\n".join(records) or False,
            "notes": "\n".join(notes) or False,
        }
