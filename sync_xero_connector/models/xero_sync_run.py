# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One run of one object in one direction: what it did, how long, how many API calls.

``xero.sync.run``, and ``RunRecorder``, which writes a run and its lines as the engine goes.
"""

from collections import Counter

from odoo import api, fields, models

from .xero_binding import object_selection

RESULTS = [("created", "Created"), ("updated", "Updated"), ("skipped", "Skipped"), ("failed", "Failed")]
RESULT_KEYS = tuple(key for key, __ in RESULTS)


class RunStopped(Exception):  # noqa: N818 (a stop, not an error)
    """Raised by a run's commit hook right after a commit, at a batch boundary: the run ends
    there, cleanly (what was committed stays, the rest is done by a later run). ``reason``:
    "cancelled" (a user's Cancel) or "slice" (the scheduler's time slice is over)."""

    def __init__(self, message, reason="slice"):
        super().__init__(message)
        self.reason = reason


class RunRecorder:
    """Counts and lines of a run while it goes; written to the run at each checkpoint.

    Skipped records are counted, not listed (an incremental run skips thousands).
    """

    def __init__(self, run):
        self.run = run
        self.counts = Counter()
        self.lines = []
        self.calls = Counter()
        self.total = 0  # how many elements the run has to go through, when known

    def add(self, result, record=None, xero_id=None, name=None, note=None):
        self.counts[result] += 1
        if result == "skipped":
            return
        self.line(result, record, xero_id, name, note)

    def line(self, result, record=None, xero_id=None, name=None, note=None):
        """A run line, not counted (``add`` counts): e.g. why a record was skipped."""
        self.lines.append(
            {
                "run_id": self.run.id,
                "result": result,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "record_name": name
                or (record.display_name if record else None)
                or self.run.env["xero.mismatch.log"]._unnamed(self.run.object_key, xero_id),
                "xero_id": xero_id or False,
                "note": note or False,
            }
        )

    def log_hook(self, inner):
        """Wrap the transport's log hook to count the calls of this run."""

        def hook(record):
            method = (record.get("method") or "GET").upper()
            self.calls["write" if method in ("PUT", "POST", "DELETE") else "read"] += 1
            if inner is not None:
                inner(record)

        return hook

    def flush(self):
        if self.lines:
            self.run.env["xero.sync.run.line"].sudo().create(self.lines)
            self.lines = []
        self.run.sudo().write(
            {
                "created_count": self.counts["created"],
                "updated_count": self.counts["updated"],
                "skipped_count": self.counts["skipped"],
                "failed_count": self.counts["failed"],
                "api_calls": self.calls["read"] + self.calls["write"],
                "api_writes": self.calls["write"],
                "total_count": self.total,
            }
        )


class XeroSyncRun(models.Model):
    _name = "xero.sync.run"
    _description = "Xero Sync Run"
    _order = "started_at desc, id desc"
    _rec_name = "display_name"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    object_key = fields.Selection(lambda self: object_selection(self.env), string="Object", required=True)
    direction = fields.Selection([("import", "Import"), ("export", "Export")], required=True)
    trigger = fields.Selection(
        [
            ("manual", "Button"),
            ("cron", "Scheduled"),
            ("cli", "Command Line"),
            ("wizard", "Wizard"),
            ("retry", "Retry"),
            ("dependency", "Dependency"),
            ("webhook", "Webhook"),
        ],
        default="manual",
        required=True,
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with Errors"),
            ("stopped", "Stopped"),
            ("failed", "Failed"),
        ],
        default="running",
        required=True,
        index=True,
    )
    started_at = fields.Datetime(default=fields.Datetime.now, required=True)
    ended_at = fields.Datetime()
    duration = fields.Float(string="Duration (s)", digits=(16, 2))
    created_count = fields.Integer(string="Created")
    updated_count = fields.Integer(string="Updated")
    skipped_count = fields.Integer(string="Skipped")
    failed_count = fields.Integer(string="Failed")
    total_count = fields.Integer(
        string="To Process",
        help="How many records the run had to go through, when known (Xero's count for an "
        "import, the candidate records for an export).",
    )
    processed_count = fields.Integer(string="Processed", compute="_compute_processed_count")
    request_id = fields.Many2one(
        "xero.sync.request",
        string="Background Run",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    api_calls = fields.Integer(string="API Calls")
    api_writes = fields.Integer(string="API Write Calls")
    message = fields.Text()
    resume_at = fields.Datetime(
        string="Can Resume At",
        readonly=True,
        index="btree_not_null",
        help="Xero's daily API limit stopped this run: no call is made for this organisation "
        "before this time (scheduled runs wait for it).",
    )
    line_ids = fields.One2many("xero.sync.run.line", "run_id")
    mismatch_ids = fields.One2many("xero.mismatch.log", "run_id")
    mismatch_count = fields.Integer(compute="_compute_mismatch_count")

    @api.depends("account_id", "object_key", "direction", "started_at")
    def _compute_display_name(self):
        labels = dict(object_selection(self.env))
        for run in self:
            run.display_name = "%s %s %s" % (
                labels.get(run.object_key, run.object_key),
                run.direction or "",
                fields.Datetime.to_string(run.started_at) if run.started_at else "",
            )

    @api.depends("created_count", "updated_count", "skipped_count", "failed_count")
    def _compute_processed_count(self):
        for run in self:
            run.processed_count = sum(run._counts().values())

    def _compute_mismatch_count(self):
        for run in self:
            run.mismatch_count = len(run.mismatch_ids)

    def _counts(self):
        self.ensure_one()
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "skipped": self.skipped_count,
            "failed": self.failed_count,
        }

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sync_xero_connector.xero_sync_run_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def action_view_mismatches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sync_xero_connector.xero_mismatch_log_action")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action
