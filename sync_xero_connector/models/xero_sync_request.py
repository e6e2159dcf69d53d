# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A run asked for from a button (Import All, an object's Import, the preview's Confirm),
carried out in the background by the scheduler (``xero.sync.setting._cron_xero_scheduler``),
so that a long first import never holds the browser. The account shows its progress
(processed / total per object) and a Cancel button; the user who asked gets a notice when it
ends, with a button to its runs.
"""

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

from .xero_binding import object_selection
from .xero_sync_run import RunStopped

SCHEDULER_XMLID = "sync_xero_connector.ir_cron_xero_scheduler"
ACTIVE_STATES = ("queued", "running")


class XeroSyncRequest(models.Model):
    _name = "xero.sync.request"
    _description = "Xero Background Run"
    _order = "id desc"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Asked By", required=True, default=lambda self: self.env.user, readonly=True
    )
    direction = fields.Selection(
        [("import", "Import"), ("export", "Export"), ("sync", "Import and Export")],
        required=True,
        readonly=True,
    )
    object_keys = fields.Char(readonly=True, help="Comma-separated object keys; empty: every enabled object.")
    objects_label = fields.Char(string="Objects", compute="_compute_objects_label")
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with Errors"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="queued",
        required=True,
        index=True,
        readonly=True,
    )
    cancel_requested = fields.Boolean(readonly=True)
    started_at = fields.Datetime(readonly=True)
    ended_at = fields.Datetime(readonly=True)
    message = fields.Text(readonly=True)
    run_ids = fields.One2many("xero.sync.run", "request_id", string="Runs", readonly=True)
    progress = fields.Text(compute="_compute_progress")
    processed_count = fields.Integer(string="Processed", compute="_compute_progress")
    total_count = fields.Integer(string="To Process", compute="_compute_progress")

    @api.depends("object_keys")
    def _compute_objects_label(self):
        labels = dict(object_selection(self.env))
        for request in self:
            keys = request._xero_keys()
            request.objects_label = (
                ", ".join(labels.get(key, key) for key in keys) if keys else self.env._("Enabled objects")
            )

    @api.depends("run_ids.total_count", "run_ids.processed_count", "run_ids.state")
    def _compute_progress(self):
        labels = dict(object_selection(self.env))
        directions = dict(self.env["xero.sync.run"]._fields["direction"]._description_selection(self.env))
        for request in self:
            per_object = {}
            for run in request.sudo().run_ids.sorted("id"):
                # A run stopped by a time slice (or a dead pass) is followed by one that goes
                # on from there and counts only what is left: the whole is what the earlier
                # runs went through plus the last one's total.
                slot = per_object.setdefault((run.object_key, run.direction), [0, 0])
                slot[1] = slot[0] + max(run.total_count, run.processed_count)
                slot[0] += run.processed_count
            lines = []
            for (key, direction), (done, total) in per_object.items():
                label = labels.get(key, key)
                lines.append(
                    self.env._(
                        "%(object)s (%(direction)s): %(done)s of %(total)s",
                        object=label,
                        direction=directions.get(direction, direction).lower(),
                        done=done,
                        total=total,
                    )
                )
            request.progress = "\n".join(lines) or (
                self.env._("Waiting for the scheduler.") if request.state == "queued" else False
            )
            request.processed_count = sum(done for done, __ in per_object.values())
            request.total_count = sum(total for __, total in per_object.values())

    @api.depends("direction", "object_keys")
    def _compute_display_name(self):
        for request in self:
            objects = request.objects_label if request._xero_keys() else self.env._("the enabled objects")
            if request.direction == "export":
                request.display_name = self.env._("Export of %(objects)s", objects=objects)
            elif request.direction == "sync":
                request.display_name = self.env._("Import and export of %(objects)s", objects=objects)
            else:
                request.display_name = self.env._("Import of %(objects)s", objects=objects)

    def _xero_keys(self):
        self.ensure_one()
        return [key for key in (self.object_keys or "").split(",") if key]

    # ------------------------------------------------------------------ queue
    @api.model
    def _xero_queue(self, account, direction, keys=None):
        """Queue a background run of ``direction`` of ``keys`` (None: the enabled objects)
        for ``account`` and wake the scheduler; the same run already waiting is not queued
        twice. The caller has checked the user's rights (``_check_xero_user``)."""
        account.ensure_one()
        keys_value = ",".join(keys) if keys else False
        Request = self.sudo()
        waiting = Request.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", direction),
                ("object_keys", "=", keys_value),
                ("state", "=", "queued"),
                # Another user's identical click is their own run: it is theirs to cancel,
                # and theirs is the notice at its end.
                ("user_id", "=", self.env.user.id),
            ],
            limit=1,
        )
        request = waiting or Request.create(
            {
                "account_id": account.id,
                "direction": direction,
                "object_keys": keys_value,
                "user_id": self.env.user.id,
            }
        )
        self.env.ref(SCHEDULER_XMLID).sudo()._trigger()
        return request.with_env(self.env)

    def _xero_queued_notification(self):
        """What the button answers: where the run's progress is and how to stop it."""
        self.ensure_one()
        account = self.account_id
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("%(run)s started in the background", run=self.display_name),
                "message": self.env._(
                    "You can go on working. Its progress is on the Xero account %(account)s "
                    "(Background Runs), where Cancel stops it; you get a notice when it ends.",
                    account=account.display_name,
                ),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ---------------------------------------------------------------- buttons
    def _check_can_stop(self):
        user = self.env.user
        for request in self:
            request.account_id._check_xero_user()
            if request.user_id != user and not user.has_group("sync_xero_connector.group_xero_manager"):
                raise AccessError(
                    self.env._(
                        "Only %(user)s, who started it, or a Xero manager can cancel this run.",
                        user=request.user_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        if any(request.state == "running" for request in self):
            raise UserError(
                self.env._(
                    "A background run cannot be deleted while it runs: click Cancel on it, and "
                    "delete it once it has stopped."
                )
            )

    def action_cancel(self):
        """Cancel: a queued run never starts; a running one stops at its next batch boundary
        (what it already did stays: cursors and bindings were committed with it)."""
        self._check_can_stop()
        for request in self.sudo():
            if request.state == "queued":
                request.write({"state": "cancelled", "ended_at": fields.Datetime.now()})
            elif request.state == "running":
                request.cancel_requested = True
            else:
                raise UserError(self.env._("This run has already ended (%(state)s).", state=request.state))
        return True

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sync_xero_connector.xero_sync_run_action")
        action.update({"domain": [("request_id", "=", self.id)], "context": {}})
        return action

    # -------------------------------------------------------------- processing
    @api.model
    def _xero_process_queue(self, commit=None, stopping=None):
        """Carry out the waiting requests, oldest first (scheduler). ``commit(done)`` commits
        (each run's batches end with it); ``stopping()`` says when the scheduler's time slice
        is over, checked after each commit. Returns True when every request got to its end,
        False when the slice ended first (the unfinished one goes on at the next pass)."""
        for request in self.sudo().search([("state", "in", ACTIVE_STATES)], order="id"):
            if not request._xero_process(commit=commit, stopping=stopping):
                return False
        return True

    def _xero_process(self, commit=None, stopping=None):
        """Run this request's plan, skipping the steps an earlier pass finished; returns
        False when the time slice stopped it (it stays running), else True. What can no
        longer run (rights, account, settings changed since the click) fails this request
        alone, with its message: never the scheduler's pass, nor the requests behind it."""
        self.ensure_one()
        # As the user who asked, as a run from the button would (their rights, their name on
        # what it creates), in the account's company.
        account = (
            self.account_id.with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(xero_request_id=self.id, lang=self.user_id.lang)
        )
        if self.state == "queued":
            self.write({"state": "running", "started_at": fields.Datetime.now()})
            if commit:
                commit(0)
        else:
            self._xero_close_dead_runs()

        def stop():
            self.invalidate_recordset(["cancel_requested"])
            if self.cancel_requested:
                raise RunStopped(
                    self.env._("Cancelled by a user: the run stopped after its last batch."), "cancelled"
                )
            if stopping and stopping():
                raise RunStopped(
                    self.env._(
                        "Paused at the end of the scheduler's time slice: it goes on at its next pass."
                    ),
                    "slice",
                )

        refusal = self._xero_refusal(account)
        if refusal:
            return self._xero_finish("failed", refusal, commit=commit)
        finished = {
            (run.direction, run.object_key)
            for run in self.run_ids
            if run.state != "stopped" and run.trigger != "dependency"
        }
        cancelled, held_back = False, None
        try:
            plan = account._xero_plan(self.direction, self._xero_keys() or None)
            for index, (step, key) in enumerate(plan):
                if (step, key) in finished:
                    continue
                self.invalidate_recordset(["cancel_requested"])
                if self.cancel_requested:
                    cancelled = True  # steps were left: Cancel stopped something
                    break
                run = account._xero_run_object(key, step, trigger="manual", commit=commit, stop=stop)
                if run.state == "stopped":
                    if self.cancel_requested:
                        cancelled = True
                        break
                    return False
                if run.resume_at or account.state != "connected":
                    # Nothing else may call Xero before then (or at all): what was left is said.
                    if run.resume_at:
                        held_back = (plan[index + 1 :], run.resume_at)
                    break
                if stopping and stopping():
                    return False
        except UserError as exc:  # AccessError, MissingError and ValidationError too
            return self._xero_finish("failed", exc.args[0] if exc.args else str(exc), commit=commit)
        if cancelled:
            return self._xero_finish(
                "cancelled",
                self.env._("Cancelled: the run stopped after its last batch; what it did until then is kept.")
                if self.run_ids
                else self.env._("Cancelled before it started: nothing was asked of Xero."),
                commit=commit,
            )
        runs = self.run_ids.filtered(lambda r: r.trigger != "dependency")
        if any(run.state == "failed" for run in runs):
            state = "failed"
        elif any(run.state == "partial" for run in runs):
            state = "partial"
        else:
            state = "done"
        return self._xero_finish(state, self._xero_held_back_message(held_back), commit=commit)

    def _xero_held_back_message(self, held_back):
        """What Xero's day limit left undone, and when to click again (False: nothing)."""
        if not held_back:
            return False
        left, resume_at = held_back
        labels = dict(object_selection(self.env))
        steps = dict(self.env["xero.sync.run"]._fields["direction"]._description_selection(self.env))
        return self.env._(
            "Xero's daily API limit stopped this background run%(left)s. Click the button again "
            "after %(when)s UTC: it goes on from where it stopped (the scheduled runs of the "
            "enabled objects wait for that time by themselves).",
            left=(
                self.env._(
                    " before %(objects)s",
                    objects=", ".join(
                        f"{labels.get(key, key)} ({steps.get(step, step).lower()})" for step, key in left
                    ),
                )
                if left
                else ""
            ),
            when=fields.Datetime.to_string(resume_at)[:16],
        )

    def _xero_refusal(self, account):
        """Why the request can no longer run at all (since the click), or False."""
        user = self.user_id
        # OdooBot (the superuser: a server action, the shell) is archived by design.
        if not user.active and user.id != SUPERUSER_ID:
            return self.env._(
                "Not run: %(user)s, who asked for it, has been archived since. Ask a user who "
                "works with Xero to click it again.",
                user=user.name,
            )
        if self.company_id not in user.company_ids:
            return self.env._(
                "Not run: %(user)s, who asked for it, no longer has access to %(company)s. An "
                "administrator gives it back (Settings > Users & Companies > Users, Allowed "
                "Companies), or a user of %(company)s clicks it again.",
                user=user.name,
                company=self.company_id.name,
            )
        try:
            account._check_xero_user()  # rights taken away since the click
        except AccessError as exc:
            return str(exc)
        if not account.active:
            return self.env._(
                "Not run: the Xero account %(account)s was archived since the click. A Xero "
                "manager unarchives it (Xero > Configuration > Xero Accounts, filter Archived, "
                "Action > Unarchive), then click it again.",
                account=account.name,
            )
        if account.state != "connected":
            return account._not_connected_message()
        return False

    def _xero_close_dead_runs(self):
        """Runs of this request still "running" when a pass takes it up again were left by a
        pass that died (worker killed, restarted): only the scheduler runs requests, one pass
        at a time. They are stopped, so that their objects run again from what was committed
        (cursors, bindings, in-flight marks), instead of counting as done."""
        dead = self.run_ids.filtered(lambda r: r.state == "running")
        if dead:
            dead.sudo().write(
                {
                    "state": "stopped",
                    "ended_at": fields.Datetime.now(),
                    "message": self.env._(
                        "Run interrupted (the scheduler's worker stopped during it): what was "
                        "committed is kept; the background run went on from there."
                    ),
                }
            )

    def _xero_finish(self, state, message, commit=None):
        self.write({"state": state, "message": message, "ended_at": fields.Datetime.now()})
        self._xero_notify_end()
        if commit:
            commit(0)
        return True

    def _xero_notify_end(self):
        """The notice to the user who asked: the same toast as a run from a button, with a
        button to the runs."""
        self.ensure_one()
        runs = self.run_ids.filtered(lambda r: r.trigger != "dependency").sorted("id")
        account = self.account_id.with_company(self.company_id).with_context(lang=self.user_id.lang)
        if runs:
            action = account._xero_runs_notification(runs)
            params = dict(action["params"])
        else:
            params = {"type": "warning", "title": self.display_name, "lines": [self.message or ""]}
        if self.state == "cancelled" and runs:
            params["type"] = "warning"
            params["lines"] = [self.env._("Cancelled: what ran until then is kept.")] + list(
                params.get("lines") or []
            )
        elif self.state == "failed" and not runs:
            # Nothing ran: the message says what to do; it stays until read.
            params.update(type="danger", sticky=True)
        elif runs and self.message:  # e.g. what Xero's day limit left undone
            params["lines"] = list(params.get("lines") or []) + [self.message]
            params["sticky"] = True
        params.pop("next", None)
        self.user_id._bus_send("sync_xero_connector/run_done", params)
        return params
