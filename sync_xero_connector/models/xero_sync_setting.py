# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Per Xero account and object: enabled, direction, mode, schedule, import cursor.

The import cursor (newest ``UpdatedDateUTC`` seen) lives here, not on ``xero.account``: the
account row is written by the token cursor, and a sync transaction must not hold it.
"""

import logging
import time
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import config

from .xero_binding import object_selection
from .xero_sync_request import SCHEDULER_XMLID
from .xero_sync_run import RunStopped

_logger = logging.getLogger(__name__)

DIRECTIONS = [("import", "Import"), ("export", "Export"), ("both", "Both")]
MODES = [("create", "Create Only"), ("update", "Update Only"), ("both", "Create and Update")]
# The organisation's setup: exported only while the account's export_chart is ticked.
SETUP_KEYS = ("currencies", "taxes", "accounts", "bank_accounts")
# The scheduler's time slice (seconds), unless ir.config_parameter SLICE_PARAM says otherwise.
SLICE_PARAM = "sync_xero_connector.scheduler_slice_seconds"
DEFAULT_SLICE_SECONDS = 300


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

    def write(self, vals):
        res = super().write(vals)
        if {"enabled", "direction"} & set(vals) and any(s.enabled for s in self):
            # Newly enabled: the scheduler looks at once (not at its next interval).
            scheduler = self.env.ref(SCHEDULER_XMLID, raise_if_not_found=False)
            if scheduler:
                scheduler.sudo()._trigger()
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

    # --------------------------------------------------------------- scheduler
    # One cron (ir_cron_xero_scheduler) runs everything that is due: first the background
    # runs asked for from buttons (xero.sync.request), then each enabled object of each
    # connected account whose next run time has come. It works in time slices: a run
    # stops at a batch boundary when the slice is over (a clean point: what it did is
    # committed, cursors included) and the scheduler re-triggers itself at once
    # (ir.cron._trigger); at the end of a pass it triggers itself for the next due time.
    @api.model
    def _xero_slice_seconds(self):
        """How long one pass may run: the configured slice, never more than half the
        worker's real-time limit for crons (a killed pass would count as a time-out)."""
        configured = self.env["ir.config_parameter"].sudo().get_param(SLICE_PARAM)
        try:
            seconds = max(float(configured), 0.0) if configured else DEFAULT_SLICE_SECONDS
        except ValueError:
            seconds = DEFAULT_SLICE_SECONDS
        limit = config.get("limit_time_real_cron")
        if limit is None or limit < 0:
            limit = config.get("limit_time_real") if config.get("workers") else 0
        if limit and limit > 0:
            seconds = min(seconds, limit / 2)
        return seconds

    @api.model
    def _xero_due(self, now, keys=None, directions=("import", "export")):
        """``[(settings, direction)]`` due at ``now``: enabled, of a connected active account,
        next run time passed or never set; the longest waiting first, then in the order of
        the objects (dependencies first), imports before exports."""
        due = []
        for direction in directions:
            domain = [
                ("enabled", "=", True),
                ("direction", "in", (direction, "both")),
                ("account_id.state", "=", "connected"),
                ("account_id.active", "=", True),
                "|",
                (f"next_{direction}_at", "=", False),
                (f"next_{direction}_at", "<=", now),
            ]
            if keys:
                domain.append(("object_key", "in", list(keys)))
            for settings in self.sudo().search(domain):
                if direction == "export" and settings.object_key in SETUP_KEYS:
                    if not settings.account_id.export_chart:
                        continue
                due.append((settings, direction))
        order = {key: index for index, key in enumerate(self.env["xero.object"]._xero_objects())}
        epoch = datetime.min
        due.sort(
            key=lambda pair: (
                pair[0][f"next_{pair[1]}_at"] or epoch,
                order.get(pair[0].object_key, len(order)),
                pair[1] != "import",
                pair[0].id,
            )
        )
        return due

    @api.model
    def _cron_xero_scheduler(self):
        """The one scheduled entry point. Returns how many object runs it made."""
        cron = self.env["ir.cron"]
        scheduler = self.env.ref(SCHEDULER_XMLID, raise_if_not_found=False)
        deadline = time.monotonic() + self._xero_slice_seconds()

        def stopping():
            return time.monotonic() >= deadline

        def commit(done):
            cron._commit_progress(done)

        if not self.env["xero.sync.request"]._xero_process_queue(commit=commit, stopping=stopping):
            if scheduler:
                scheduler._trigger()  # the rest of the background run, at once
            return 0
        ran, finished = self._xero_run_due(self._xero_due(fields.Datetime.now()), stopping)
        if scheduler:
            if not finished:
                scheduler._trigger()
            else:
                upcoming = self._xero_next_due()
                if upcoming:
                    scheduler._trigger(at=max(upcoming, fields.Datetime.now()))
        return ran

    @api.model
    def _xero_next_due(self):
        """The earliest next run time of the enabled objects of connected accounts."""
        times = []
        for direction in ("import", "export"):
            settings = self.sudo().search(
                [
                    ("enabled", "=", True),
                    ("direction", "in", (direction, "both")),
                    ("account_id.state", "=", "connected"),
                    ("account_id.active", "=", True),
                    (f"next_{direction}_at", "!=", False),
                ],
                order=f"next_{direction}_at",
                limit=1,
            )
            if settings:
                times.append(settings[f"next_{direction}_at"])
        return min(times) if times else False

    @api.model
    def _cron_sync(self, key, direction):
        """What the scheduler does for one object in one direction (every account that has it
        due); returns how many ran. For the command line and tests."""
        ran, __ = self._xero_run_due(self._xero_due(fields.Datetime.now(), [key], [direction]))
        return ran

    @api.model
    def _xero_run_due(self, due, stopping=None):
        """Run each due ``(settings, direction)`` (not before the time Xero gave after its day
        limit); ``stopping()`` ends the pass at a batch boundary. Returns ``(ran, finished)``."""
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        ran = 0
        for index, (settings, direction) in enumerate(due):
            if ran and stopping and stopping():
                return ran, False  # each pass does at least one run's first batch
            key = settings.object_key
            if settings.account_id.state != "connected":
                continue  # e.g. disconnected in Xero by an earlier run of this pass
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

            def stop():
                if stopping and stopping():
                    raise RunStopped(
                        self.env._(
                            "Paused at the end of the scheduler's time slice: it goes on at its next pass."
                        ),
                        "slice",
                    )

            run = settings.account_id.with_company(settings.company_id)._xero_run_object(
                key,
                direction,
                trigger="cron",
                full=full,
                commit=lambda done: cron._commit_progress(done),
                stop=stop,
            )
            ran += 1
            if run.resume_at:
                # Xero's day limit: the next run waits for the time Xero gave.
                settings.write({f"next_{direction}_at": max(next_at, run.resume_at)})
            if run.state == "stopped":
                # Due again at once: the next pass goes on from where this one stopped.
                settings.write({f"next_{direction}_at": now})
                cron._commit_progress(0)
                return ran, False
            cron._commit_progress(0, remaining=len(due) - index - 1)
        return ran, True
