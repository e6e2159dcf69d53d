# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``account.move``: dirty tracking, Xero status and the link to the Xero document of invoices, bills
and credit notes (the sync declarations: ``xero_object_document.py`` and its three objects).
"""

from odoo import fields, models

from .xero_object_document import DOCUMENT_KEYS, MOVE_TYPES
from .xero_sync_status_mixin import USER_GROUP

MOVE_TRACKED = (
    "partner_id",
    "invoice_date",
    "invoice_date_due",
    "ref",
    "name",
    "currency_id",
    "invoice_currency_rate",
    "invoice_line_ids",
    "state",
    "line_ids",
)


def _xero_url(move, binding):
    base = "https://go.xero.com"
    if move.move_type in ("out_refund", "in_refund"):
        section = "AccountsReceivable" if move.move_type == "out_refund" else "AccountsPayable"
        return f"{base}/{section}/ViewCreditNote.aspx?creditNoteID={binding.xero_id}"
    section = "AccountsReceivable" if move.move_type == "out_invoice" else "AccountsPayable"
    return f"{base}/{section}/View.aspx?InvoiceID={binding.xero_id}"


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "xero.dirty.mixin", "xero.sync.status.mixin"]
    _xero_tracked_fields = MOVE_TRACKED
    _xero_status_keys = DOCUMENT_KEYS

    xero_no_sync = fields.Boolean(
        string="Do Not Sync with Xero",
        copy=False,
        help="Never export this document to Xero, nor update it from Xero.",
    )
    xero_number_override = fields.Char(
        string="Number in Xero",
        copy=False,
        help="Set by Create Under Another Number: Xero already had this document's number for "
        "another document, so it is sent to Xero under this one (Odoo keeps its own).",
    )
    xero_status = fields.Char(compute="_compute_xero_status", groups=USER_GROUP)
    xero_contact_mismatch_id = fields.Many2one(
        "xero.mismatch.log", compute="_compute_xero_status", groups=USER_GROUP
    )

    def _xero_key(self):
        self.ensure_one()
        if self.move_type in ("out_refund", "in_refund"):
            return "credit_notes"
        return "bills" if self.move_type == "in_invoice" else "invoices"

    def _xero_status_fill(self, bindings):
        """Xero's status of the document, and the contact entry that blocks it (ambiguous)."""
        account = self._xero_status_account()
        contact_mismatches = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("object_key", "=", "contacts"),
                    ("state", "=", "open"),
                    ("kind", "=", "ambiguous"),
                ]
            )
            if account
            else []
        )
        for move in self:
            binding = bindings.get(move.id)
            move.xero_status = (binding.xero_data or {}).get("status") or False if binding else False
            partner_id = move.commercial_partner_id.id
            move.xero_contact_mismatch_id = (
                next(
                    (
                        m
                        for m in contact_mismatches
                        if (m.res_model == "res.partner" and m.res_id == partner_id)
                        or partner_id in (m.candidate_ids or [])
                    ),
                    False,
                )
                if partner_id
                else False
            )

    def _xero_deep_link(self, binding):
        return _xero_url(self, binding)

    def action_xero_export(self):
        from .xero_dirty_mixin import _export_selected

        moves = self.filtered(lambda m: m.move_type in MOVE_TYPES.values())
        notification = None
        for key in DOCUMENT_KEYS:
            subset = moves.filtered(lambda m, k=key: m._xero_key() == k)
            if subset:
                notification = _export_selected(subset, key)
        return notification

    def action_xero_choose_contact(self):
        """The partner matches several Xero contacts (or Odoo partners): pick one."""
        self.ensure_one()
        mismatch = self.xero_contact_mismatch_id
        if not mismatch:
            return False
        return mismatch.action_resolve()
