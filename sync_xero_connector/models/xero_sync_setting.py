# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Per Xero account and object: enabled, direction, mode, schedule, import cursor.

The import cursor (newest ``UpdatedDateUTC`` seen) lives here, not on ``xero.account``: the
account row is written by the token cursor, and a sync transaction must not hold it.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from .xero_binding import object_selection

_logger = logging.getLogger(__name__)

DIRECTIONS = [("import", "Import"), ("export", "Export"), ("both", "Both")]
MODES = [("create", "Create Only"), ("update", "Update Only"), ("both", "Create and Update")]
# The organisation's setup: exported only while the account's export_chart is ticked.
SETUP_KEYS = ("currencies", "taxes", "accounts", "bank_accounts")


class XeroSyncSetting(models.Model):
    _name = "xero.sync.setting"
    _description = "Xero Sync Settings of an Object"
    _order = "account_id, sequence, id"
    _rec_name = "object_key"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    object_key = fields.Selection(
        lambda self: object_selection(self.env), string="Object", required=True, readonly=True
    )
    sequence = fields.Integer(default=10)
    enabled = fields.Boolean(
        default=False,
        help="Import All, Export All, the command line's `all` and `sync`, and the scheduled "
        "runs only run enabled objects, in the directions set here. An object run on "
        "its own (its Import / Export button, `odoo-bin xero import contacts`) runs "
        "either way.",
    )
    direction = fields.Selection(
        DIRECTIONS,
        default="both",
        required=True,
        help="What Import All, Export All and the scheduled runs do with this object when it "
        "is enabled. The chart of accounts, bank accounts, taxes and currencies are only "
        "exported while the account's Export Chart of Accounts and Taxes is ticked.",
    )
    mode = fields.Selection(MODES, default="both", required=True)
    can_import = fields.Boolean(compute="_compute_capabilities")
    can_export = fields.Boolean(compute="_compute_capabilities")
    import_interval = fields.Integer(
        string="Import Every (min)",
        default=60,
        help="Minutes between two scheduled imports of this object.",
    )
    export_interval = fields.Integer(
        string="Export Every (min)",
        default=15,
        help="Minutes between two scheduled exports of this object.",
    )
    full_sync_days = fields.Integer(
        string="Full Reconcile Every (days)",
        default=7,
        help="A scheduled import reads everything again after this many days, to catch changes "
        "Xero does not timestamp. 0 disables it.",
    )
    next_import_at = fields.Datetime()
    next_export_at = fields.Datetime()
    import_cursor = fields.Datetime(
        string="Imported Up To",
        help="Newest Xero UpdatedDateUTC imported and committed; the next import asks for "
        "changes since then (with an overlap).",
    )
    last_full_import_at = fields.Datetime()
    import_known_current = fields.Boolean(
        string="Odoo Holds Xero's Versions",
        help="Set by an import that read every change, kept by exports that checked Xero "
        "before and after writing: what Xero changed since the cursor is then exactly "
        "what Odoo holds, so an incremental import can tell it with one read.",
    )
    export_domain = fields.Char(
        string="Export Filter",
        help="Which Odoo records are exported when new (a domain). Empty: the object's default.",
    )
    item_code_source = fields.Selection(
        [("default_code", "Internal Reference"), ("name", "Product Name")],
        string="Item Code From",
        default="default_code",
        help="Items only: the Odoo field that becomes the Xero item Code.",
    )
    draft_status = fields.Selection(
        [("DRAFT", "Draft"), ("SUBMITTED", "Awaiting Approval (Submitted)")],
        string="Odoo Drafts Go to Xero As",
        default="DRAFT",
        help="Invoices, bills and credit notes: the Xero status of an Odoo draft. Posted "
        "documents become AUTHORISED; cancelled ones VOIDED (approved in Xero) or DELETED "
        "(drafts).",
    )
    rounding_policy = fields.Selection(
        [("mismatch", "Mismatch Entry"), ("line", "Rounding Line")],
        string="Tax Rounding Differences",
        default="mismatch",
        help="Xero rounds tax per line. When Odoo's total differs from what Xero will compute "
        "by a rounding amount: add a rounding line on the rounding account, or send the "
        "document as it is and log a mismatch entry with both totals.",
    )
    rounding_account_id = fields.Many2one(
        "account.account",
        help="Account of the rounding line (it must be in Xero).",
    )
    conflict_policy = fields.Selection(
        [("ask", "Ask"), ("odoo", "Odoo Wins"), ("xero", "Xero Wins")],
        string="Changed on Both Sides",
        default="ask",
        required=True,
        help="A record changed in Odoo (not exported yet) and in Xero since the last sync. "
        "Ask: changes to different fields are merged; the same field changed on both "
        "sides opens a conflict entry (nothing is written to either side until you click "
        "Keep Odoo's or Keep Xero's on it). Odoo Wins: the import leaves the record alone "
        "and the export sends Odoo's values. Xero Wins: the import applies Xero's values "
        "and Odoo's change is dropped.",
    )
    match_tolerance = fields.Float(
        default=0.0,
        digits=(16, 2),
        help="Invoices and credit notes: a document Xero already has under the same number is "
        "linked to the Odoo document only when type, contact and currency are the same "
        "and the totals differ by at most this amount; otherwise a Number Conflict entry "
        "asks what to do. 0: totals must be equal.",
    )
    manual_journal_id = fields.Many2one(
        "account.journal",
        string="Import Into Journal",
        check_company=True,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
        help="Manual journals: the miscellaneous journal Xero's manual journals are imported "
        "into. Empty: the company's first miscellaneous journal.",
    )
    export_entries = fields.Boolean(
        string="Export Miscellaneous Entries",
        default=False,
        help="Manual journals: also send the entries of the journal above that have no taxes "
        "to Xero as manual journals (new ones, and changes to those already linked). Off: "
        "Xero's manual journals are only imported.",
    )
    state_map_ids = fields.One2many("xero.document.state.map", "sync_setting_id", string="Status Mapping")
    last_import_run_id = fields.Many2one("xero.sync.run", readonly=True)
    last_export_run_id = fields.Many2one("xero.sync.run", readonly=True)
    binding_count = fields.Integer(compute="_compute_counts")
    mismatch_count = fields.Integer(compute="_compute_counts")
    last_success_at = fields.Datetime(
        string="Last Success",
        compute="_compute_last_success",
        help="End of the last run of this object that succeeded.",
    )

    _uniq_object = models.Constraint(
        "UNIQUE(account_id, object_key)",
        "Each object is set up once per Xero account.",
    )

    @api.depends("object_key")
    def _compute_capabilities(self):
        objects = self.env["xero.object"]._xero_objects()
        for rec in self:
            model = objects.get(rec.object_key)
            rec.can_import = bool(model and self.env[model]._xero_can_import)
            rec.can_export = bool(model and self.env[model]._xero_can_export)

    def _compute_counts(self):
        for rec in self:
            rec.binding_count = self.env["xero.binding"]._xero_count(rec.account_id, rec.object_key)
            rec.mismatch_count = self.env["xero.mismatch.log"].search_count(
                [
                    ("account_id", "=", rec.account_id.id),
                    ("object_key", "=", rec.object_key),
                    ("state", "=", "open"),
                ]
            )

    def _compute_last_success(self):
        Run = self.env["xero.sync.run"].sudo()
        for rec in self:
            run = Run.search(
                [
                    ("account_id", "=", rec.account_id.id),
                    ("object_key", "=", rec.object_key),
                    ("state", "in", ("done", "partial")),
                ],
                order="id desc",
                limit=1,
            )
            rec.last_success_at = run.ended_at or run.started_at

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._update_crons()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"enabled", "direction"} & set(vals):
            self._update_crons()
        return res

    def _does(self, direction):
        self.ensure_one()
        return self.direction in (direction, "both")

    def _allows(self, operation):
        """``operation`` is "create" or "update"."""
        self.ensure_one()
        return self.mode in (operation, "both")

    # ----------------------------------------------------------------- buttons
    def action_import(self):
        self.ensure_one()
        self.account_id._check_xero_user()
        return self.account_id._xero_button_run("import", [self.object_key])

    def action_export(self):
        """Export the whole object: first a preview of what would be sent; Confirm runs it."""
        self.ensure_one()
        self.account_id._check_xero_user()
        return self.account_id._xero_preview_action("export", [self.object_key])

    def action_open_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.sync.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_account_id": self.account_id.id,
                "default_object_key": self.object_key,
                "default_direction": "import" if self.can_import else "export",
            },
        }

    def action_view_bindings(self):
        action = self.account_id._xero_related_action("sync_xero_connector.xero_binding_action")
        action["domain"] = [("account_id", "=", self.account_id.id), ("object_key", "=", self.object_key)]
        return action

    def action_view_mismatches(self):
        action = self.account_id._xero_related_action("sync_xero_connector.xero_mismatch_log_action")
        action["domain"] = [("account_id", "=", self.account_id.id), ("object_key", "=", self.object_key)]
        return action

    # ------------------------------------------------------------------- crons
    @api.model
    def _cron_xmlid(self, key, direction):
        return "sync_xero_connector.ir_cron_xero_%s_%s" % (direction, key)

    def _update_crons(self):
        """A cron per object and direction runs only while some account enables it."""
        for key in set(self.mapped("object_key")):
            for direction in ("import", "export"):
                cron = self.env.ref(self._cron_xmlid(key, direction), raise_if_not_found=False)
                if not cron:
                    continue
                domain = [
                    ("object_key", "=", key),
                    ("enabled", "=", True),
                    ("direction", "in", (direction, "both")),
                    ("account_id.active", "=", True),
                ]
                if direction == "export" and key in SETUP_KEYS:
                    domain.append(("account_id.export_chart", "=", True))
                wanted = bool(self.sudo().search_count(domain))
                if cron.sudo().active != wanted:
                    cron.sudo().active = wanted

    @api.model
    def _cron_sync(self, key, direction):
        """Scheduled run of one object in one direction for every account that enables it
        (not before the time Xero gave after its day limit); returns how many ran."""
        now = fields.Datetime.now()
        domain = [
            ("object_key", "=", key),
            ("enabled", "=", True),
            ("direction", "in", (direction, "both")),
            ("account_id.state", "=", "connected"),
            ("account_id.active", "=", True),
            "|",
            (f"next_{direction}_at", "=", False),
            (f"next_{direction}_at", "<=", now),
        ]
        if direction == "export" and key in SETUP_KEYS:
            domain.append(("account_id.export_chart", "=", True))
        due = self.sudo().search(domain)
        cron = self.env["ir.cron"]
        ran = 0
        for index, settings in enumerate(due):
            if settings.account_id.state != "connected":
                continue  # e.g. disconnected in Xero by an earlier run of this cron
            interval = settings[f"{direction}_interval"]
            next_at = now + timedelta(minutes=max(interval, 1))
            resume_at = settings.account_id._xero_resume_at()
            if resume_at:
                # Xero's day limit: not a call before the time Xero gave.
                settings.write({f"next_{direction}_at": max(next_at, resume_at)})
                cron._commit_progress(0, remaining=len(due) - index - 1)
                continue
            settings.write({f"next_{direction}_at": next_at})
            full = False
            if direction == "import" and settings.full_sync_days:
                last = settings.last_full_import_at
                full = not last or last < now - timedelta(days=settings.full_sync_days)
            settings.account_id.with_company(settings.company_id)._xero_run_object(
                key,
                direction,
                trigger="cron",
                full=full,
                commit=lambda done: cron._commit_progress(done),
            )
            ran += 1
            cron._commit_progress(0, remaining=len(due) - index - 1)
        return ran
