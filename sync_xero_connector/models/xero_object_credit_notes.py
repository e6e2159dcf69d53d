# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.credit_notes``: credit notes <-> ``out_refund`` / ``in_refund`` moves, with their
allocations to invoices and bills.
"""

from odoo import models

from ..xero.mapping import documents as doc_map
from ..xero.mapping.common import MappingError
from ..xero.objects import INVOICE_KEYS


class XeroObjectCreditNotes(models.AbstractModel):
    _name = "xero.object.credit_notes"
    _inherit = "xero.object.document"
    _description = "Xero Credit Notes"
    _xero_key = "credit_notes"
    _xero_collection = "CreditNotes"
    _xero_xero_types = ("ACCRECCREDIT", "ACCPAYCREDIT")
    _xero_unique_field = "CreditNoteNumber"

    def _xero_partials(self, move):
        """``{invoice move: amount in document currency}`` Odoo reconciled with the note."""
        out = {}
        lines = move.line_ids.filtered(
            lambda l: l.account_id.account_type in ("asset_receivable", "liability_payable")
        )
        for line in lines:
            for partial in line.matched_debit_ids | line.matched_credit_ids:
                other = partial.debit_move_id if partial.credit_move_id == line else partial.credit_move_id
                target = other.move_id
                if target.move_type not in ("out_invoice", "in_invoice"):
                    continue
                amount = (
                    partial.debit_amount_currency
                    if partial.credit_move_id == line
                    else partial.credit_amount_currency
                )
                out[target] = out.get(target, 0.0) + abs(amount)
        return out

    def _xero_wanted_allocations(self, sync, records):
        partials = {move.id: self._xero_partials(move) for move in records if move.state == "posted"}
        targets = self.env["account.move"]
        for found in partials.values():
            for invoice in found:
                targets |= invoice
        bindings = self._xero_bindings(sync)._xero_by_res_id(
            sync.account, INVOICE_KEYS, targets.ids, primary=True
        )
        out = {}
        for move_id, found in partials.items():
            wanted = {}
            for invoice, amount in found.items():
                if invoice.id in bindings:
                    wanted[bindings[invoice.id].xero_id] = round(amount, 2)
            if wanted:
                out[move_id] = wanted
        return out

    def _xero_sync_allocations(self, sync, items):
        for item in items:
            if item.neutral["status"] != "AUTHORISED":
                continue
            binding = item.binding
            data = dict(binding.xero_data or {})
            current = data.get("allocations") or {}
            wanted = item.neutral.get("allocations_wanted") or {}
            to_delete, to_add = doc_map.allocation_changes(current, wanted)
            if not to_delete and not to_add:
                continue
            note_id = binding.xero_id
            errors = []
            for allocation_id in to_delete:
                try:
                    sync.client.delete_allocation(note_id, allocation_id)
                except Exception as exc:  # noqa: BLE001 - reported in the mismatch log below
                    errors.append(str(exc))
            if to_add:
                from datetime import date

                day = item.record.invoice_date or date.today()
                body = {
                    "Allocations": [
                        doc_map.allocation_to_xero(invoice_id, amount, day) for invoice_id, amount in to_add
                    ]
                }
                try:
                    results = sync.client.allocate_credit_note(note_id, body["Allocations"])
                except Exception as exc:  # noqa: BLE001 - reported in the mismatch log below
                    errors.append(getattr(exc, "message", None) or str(exc))
                    for message in getattr(exc, "messages", None) or []:
                        errors.append(message)
                else:
                    errors.extend(m for result in results if not result.ok for m in result.messages)
            # What Xero holds now, read back once: the allocations and the note's state.
            fresh = sync.client.get_record(self._xero_collection, note_id)
            if fresh:
                self._xero_bind(sync, item.record, fresh, item.neutral, "export", item.hash)
                self._xero_refresh_invoices(
                    sync,
                    [a["invoice_id"] for a in doc_map.document_from_xero(fresh)["allocations"]]
                    + list(wanted),
                )
            if errors:
                sync.mismatch(
                    "export",
                    kind="validation",
                    record_name=item.record.display_name,
                    res_model=item.record._name,
                    res_id=item.record.id,
                    xero_id=note_id,
                    messages=errors,
                    payload=body if to_add else None,
                    hint=self.env._(
                        "Check the amounts still due on the invoices in Xero; "
                        "reconcile in Odoo only what Xero can allocate."
                    ),
                )

    def _xero_refresh_invoices(self, sync, invoice_ids):
        """Allocations change what is due on invoices: note it on their bindings."""
        bindings = self._xero_bindings(sync)._xero_find(
            sync.account, INVOICE_KEYS, xero_ids=set(invoice_ids), primary=True
        )
        if bindings:
            for binding in bindings:
                data = dict(binding.xero_data or {})
                data["stale"] = True
                binding.xero_data = data

    def _xero_import_page(self, sync, records):
        invoice_ids = sorted(
            {a.get("Invoice", {}).get("InvoiceID") for r in records for a in r.get("Allocations") or []}
            - {None}
        )
        if invoice_ids:
            Binding = self._xero_bindings(sync)
            known = Binding._xero_bound_xero_ids(sync.account, INVOICE_KEYS, invoice_ids)
            missing = sorted(set(invoice_ids) - known)
            for key in INVOICE_KEYS:
                if missing and sync.account._xero_settings(key)._does("import"):
                    self._xero_require(sync, key, missing)
                    known |= Binding._xero_bound_xero_ids(sync.account, key, missing, primary=True)
                    missing = sorted(set(missing) - known)
        return super()._xero_import_page(sync, records)

    def _xero_import_links(self, sync, neutral, move):
        if move.state != "posted":
            return False
        wanted = {}
        for allocation in neutral.get("allocations") or []:
            wanted[allocation["invoice_id"]] = wanted.get(allocation["invoice_id"], 0.0) + (
                allocation["amount"] or 0.0
            )
        bindings = self._xero_bindings(sync)._xero_find(
            sync.account, INVOICE_KEYS, xero_ids=wanted, primary=True
        )
        by_move = {self.env["account.move"].browse(b.res_id): b.xero_id for b in bindings}
        have = self._xero_partials(move)
        changed = False
        note_line = move.line_ids.filtered(
            lambda l: l.account_id.account_type in ("asset_receivable", "liability_payable")
        )
        for invoice, xero_id in by_move.items():
            want = round(wanted.get(xero_id, 0.0), 2)
            got = round(have.get(invoice, 0.0), 2)
            if abs(want - got) < 0.005:
                continue
            if want < got:
                raise MappingError(
                    self.env._(
                        "Xero allocates %(want)s of %(note)s to %(invoice)s; Odoo reconciles %(got)s.",
                        want=want,
                        note=move.display_name,
                        invoice=invoice.display_name,
                        got=got,
                    ),
                    hint=self.env._("Unreconcile them in Odoo, then click Retry."),
                )
            if invoice.state != "posted":
                raise MappingError(
                    self.env._(
                        "Xero allocates %(note)s to %(invoice)s, which is not posted in Odoo.",
                        note=move.display_name,
                        invoice=invoice.display_name,
                    ),
                    hint=self.env._("Post the invoice in Odoo, then click Retry."),
                )
            invoice_line = invoice.line_ids.filtered(
                lambda l, a=note_line.account_id: l.account_id == a and not l.reconciled
            )
            self._xero_reconcile_amount(note_line, invoice_line, want - got)
            changed = True
        return changed

    def _xero_reconcile_amount(self, note_line, invoice_line, amount):
        """Reconcile ``amount`` (document currency) of a credit note with an invoice."""
        note_line = note_line.filtered(lambda l: not l.reconciled)
        if not note_line or not invoice_line:
            raise MappingError(
                self.env._("Nothing is left to reconcile on the credit note or the invoice in Odoo.")
            )
        note_left = abs(sum(note_line.mapped("amount_residual_currency")))
        invoice_left = abs(sum(invoice_line.mapped("amount_residual_currency")))
        currency = invoice_line.currency_id
        Lines = (note_line | invoice_line).with_context(xero_inbound=True)
        if currency.is_zero(min(note_left, invoice_left) - amount):
            Lines.reconcile()
            return
        debit = invoice_line if invoice_line.balance > 0 else note_line
        credit = note_line if debit == invoice_line else invoice_line
        rate = (
            abs(invoice_line.balance / invoice_line.amount_currency) if invoice_line.amount_currency else 1.0
        )
        self.env["account.partial.reconcile"].with_context(xero_inbound=True).create(
            {
                "debit_move_id": debit[:1].id,
                "credit_move_id": credit[:1].id,
                "amount": invoice_line.company_currency_id.round(amount * rate),
                "debit_amount_currency": amount,
                "credit_amount_currency": amount,
            }
        )
