# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.payments``: Payments <-> account.payment, on invoices, bills and credit notes (cash refunds).

The mapping is in ``xero/mapping/payments.py``. A Xero payment is always on one document, in
the document's currency, from a bank account; an imported one is registered on the Odoo
document as Odoo's own payment wizard registers it, so reconciliation follows: the new
payments of a page together (the wizard's vals, one create, one post, one reconciliation,
their documents imported first, once per page), the wizard itself for each payment of a
batch Odoo refuses and for what the batch leaves to it. Reversal both ways:
Xero DELETED <-> Odoo payment cancelled. Prepayment and overpayment payments are recognised by
their PaymentType and logged, never taken for document payments.
"""

from odoo import Command, models

from ..xero import REJECTED, UPDATED, ElementResult, XeroDayLimitError, XeroError
from ..xero.mapping import payments as pay_map
from ..xero.mapping.common import MappingError
from ..xero.objects import DOCUMENT_KEYS

DOCUMENT_OBJECTS = {
    "ACCREC": "invoices",
    "ACCPAY": "bills",
    "ACCRECCREDIT": "credit_notes",
    "ACCPAYCREDIT": "credit_notes",
}


class BatchRefused(Exception):
    """A payment of a page's batch that the wizard must see: the batch goes one by one."""


PAYMENT_DOCUMENT_TYPES = {
    "ACCRECPAYMENT": "ACCREC",
    "ACCPAYPAYMENT": "ACCPAY",
    "ARCREDITPAYMENT": "ACCRECCREDIT",
    "APCREDITPAYMENT": "ACCPAYCREDIT",
}


class XeroObjectPayments(models.AbstractModel):
    _name = "xero.object.payments"
    _inherit = "xero.object"
    _description = "Xero Payments"
    _xero_key = "payments"
    _xero_collection = "Payments"
    # A payment is never edited through the API, only deleted: no Xero edit to lose.
    _xero_export_reads_remote = False
    _xero_model = "account.payment"
    _xero_match_keys = ()

    def _xero_match_domain(self, sync):
        return [("company_id", "=", sync.company.id)]

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [
            ("state", "in", ("in_process", "paid")),
            ("invoice_ids", "!=", False),
        ]

    def _xero_record_name(self, neutral, record=None):
        """ "Payment 12.50 on INV-0012" (no number: the payment's date)."""
        if record:
            return record.display_name
        amount = "%.2f" % (neutral.get("amount") or 0.0)
        if neutral.get("document_number"):
            return self.env._(
                "Payment %(amount)s on %(number)s", amount=amount, number=neutral["document_number"]
            )
        return self.env._("Payment %(amount)s of %(date)s", amount=amount, date=neutral.get("date") or "?")

    def _xero_from_xero(self, sync, record):
        return pay_map.payment_from_xero(record)

    def _xero_import(self, sync, **kwargs):
        sync.account._xero_check_documents(sync.client)  # as for their documents
        return super()._xero_import(sync, **kwargs)

    def _xero_export(self, sync, records=None):
        sync.account._xero_check_documents(sync.client)
        return super()._xero_export(sync, records=records)

    # ---------------------------------------------------------------- helpers
    def _xero_document_binding(self, sync, xero_id, doc_type=None, require=True):
        """The primary link of the document ``xero_id`` (imported first when ``require``)."""
        keys = (DOCUMENT_OBJECTS[doc_type],) if doc_type in DOCUMENT_OBJECTS else DOCUMENT_KEYS
        Binding = self._xero_bindings(sync)
        binding = Binding._xero_find(sync.account, keys, xero_ids=[xero_id], primary=True, limit=1)
        if not binding and require and xero_id not in sync.cache.get("documents_tried", ()):
            for key in keys:
                if sync.account._xero_settings(key)._does("import"):
                    self._xero_require(sync, key, [xero_id])
            binding = Binding._xero_find(sync.account, keys, xero_ids=[xero_id], primary=True, limit=1)
        return binding

    def _xero_journal_of(self, sync, neutral):
        Binding = self._xero_bindings(sync)
        which = (
            {"xero_ids": [neutral["account_id"]]}
            if neutral.get("account_id")
            else {"numbers": [neutral.get("account_code")]}
        )
        binding = Binding._xero_find(sync.account, "bank_accounts", primary=True, limit=1, **which)
        if not binding and not sync.cache.get("bank_accounts_tried"):
            sync.account._xero_run_object("bank_accounts", "import", trigger="dependency")
            binding = Binding._xero_find(sync.account, "bank_accounts", primary=True, limit=1, **which)
        if not binding:
            raise MappingError(
                self.env._(
                    "The Xero bank account %(code)s is not mapped to an Odoo journal.",
                    code=neutral.get("account_code") or neutral.get("account_id"),
                ),
                hint=self.env._("Import the bank accounts from Xero (or map the journal), then click Retry."),
                kind="dependency",
                missing=("bank_accounts", neutral.get("account_code")),
            )
        return self.env["account.journal"].browse(binding.res_id)

    # ================================================================= import
    def _xero_import_page(self, sync, records):
        """The documents of the page first, one read per object, before its batch."""
        by_key = {}
        for neutral in map(pay_map.payment_from_xero, records):
            doc_type = _document_type(neutral)
            if neutral["document_id"] and doc_type in DOCUMENT_OBJECTS:
                by_key.setdefault(DOCUMENT_OBJECTS[doc_type], {})[neutral["document_id"]] = neutral.get(
                    "document_number"
                )
        Binding = self._xero_bindings(sync)
        for key, numbers in by_key.items():
            bound = Binding._xero_bound_xero_ids(sync.account, key, numbers)
            missing = sorted(set(numbers) - bound)
            if missing and sync.account._xero_settings(key)._does("import"):
                self._xero_require(sync, key, missing, names=numbers)
                # Tried once for the page: not again for each of its payments.
                sync.cache.setdefault("documents_tried", set()).update(missing)
        return super()._xero_import_page(sync, records)

    def _xero_import_batch(self, sync, records):
        """The documents and the journals of the page's new payments, one query each (and
        one import of the bank accounts when one is not linked), before the batch."""
        neutrals = [pay_map.payment_from_xero(r) for r in records if self._xero_batchable(sync, r)]
        by_key = {}
        for neutral in neutrals:
            doc_type = _document_type(neutral)
            if neutral["document_id"] and doc_type in DOCUMENT_OBJECTS:
                by_key.setdefault(DOCUMENT_OBJECTS[doc_type], set()).add(neutral["document_id"])
        documents = {}
        for key, xero_ids in by_key.items():
            bindings = self._xero_bindings(sync)._xero_find(
                sync.account, key, xero_ids=sorted(xero_ids), primary=True
            )
            for binding in bindings:
                documents.setdefault((key, binding.xero_id), binding.res_id)
        # One recordset: the documents and their lines are read together.
        moves = self.env["account.move"].browse(sorted(set(documents.values())))
        by_id = {move.id: move for move in moves}
        sync.cache["page_documents"] = {ref: by_id[res_id] for ref, res_id in documents.items()}
        sync.cache["page_journals"] = self._xero_page_journals(sync, neutrals)
        return super()._xero_import_batch(sync, records)

    def _xero_page_journals(self, sync, neutrals):
        """``{journal reference: journal}`` of the bank accounts of ``neutrals``
        (``_journal_ref``); when one is not linked, the bank accounts are imported first,
        once per run."""
        refs = {_journal_ref(n) for n in neutrals} - {None}
        if not refs:
            return {}

        def linked():
            Binding = self._xero_bindings(sync)
            found = {}
            for kind, key in (("id", "xero_ids"), ("code", "numbers")):
                values = sorted(value for ref_kind, value in refs if ref_kind == kind)
                if not values:
                    continue
                for binding in Binding._xero_find(
                    sync.account, "bank_accounts", primary=True, **{key: values}
                ):
                    # The first link of a value, as ``_xero_journal_of`` takes it.
                    found.setdefault(
                        (kind, binding.xero_id if kind == "id" else binding.xero_number), binding
                    )
            return found

        found = linked()
        if set(found) != refs and not sync.cache.get("bank_accounts_tried"):
            sync.account._xero_run_object("bank_accounts", "import", trigger="dependency")
            sync.cache["bank_accounts_tried"] = True
            found = linked()
        journals = self.env["account.journal"].browse([b.res_id for b in found.values()])
        by_id = {journal.id: journal for journal in journals}
        return {ref: by_id[binding.res_id] for ref, binding in found.items()}

    # ----------------------------------------------------------- batch import
    # The new payments of a page are registered together: one create, one post, one
    # reconciliation of all of them (Odoo's payment wizard does it payment by payment).
    _xero_batch_create = True

    def _xero_batchable(self, sync, xero_record):
        neutral = pay_map.payment_from_xero(xero_record)
        return pay_map.is_document_payment(neutral) and neutral["status"] != "DELETED"

    def _xero_batch_vals(self, sync, neutral):
        """-> ``{"move", "journal", "lines", "vals"}``: the document, the journal, the open
        lines it pays and the payment's vals, as the wizard would have them; None when the
        wizard must see the payment (its document or journal missing, the document not
        posted or with nothing left to pay...): the normal path then logs why."""
        doc_type = _document_type(neutral)
        if (
            doc_type not in DOCUMENT_OBJECTS
            or not neutral.get("date")
            or not (neutral.get("amount") or 0) > 0
        ):
            return None
        move = sync.cache.get("page_documents", {}).get((DOCUMENT_OBJECTS[doc_type], neutral["document_id"]))
        journal = sync.cache.get("page_journals", {}).get(_journal_ref(neutral))
        if not move or not journal or move.state != "posted":
            return None
        lines = self._xero_open_lines(move)
        vals = self._xero_register_vals(sync, neutral, move, lines, journal)
        if vals is None:
            return None
        return {"move": move, "journal": journal, "lines": lines, "vals": vals}

    def _xero_open_lines(self, move):
        """The lines of ``move`` the wizard would pay (its ``default_get``)."""
        types = self.env["account.payment"]._get_valid_payment_account_types()
        return move.line_ids.filtered(
            lambda line: (
                line.account_type in types
                and not (
                    line.currency_id.is_zero(line.amount_residual_currency)
                    if line.currency_id
                    else line.company_currency_id.is_zero(line.amount_residual)
                )
            )
        )

    def _xero_register_vals(self, sync, neutral, move, lines, journal):
        """The vals of the payment Odoo's register wizard creates for ``neutral`` on ``move``
        (``account.payment.register._create_payment_vals_from_wizard`` in its edit mode, the
        difference left open), or None when the wizard would not create it that way."""
        if not lines or len(set(lines.mapped("account_type"))) != 1 or len(lines.company_id) != 1:
            return None
        if len({(line.partner_id, line.account_id, line.currency_id) for line in lines}) != 1:
            return None  # several batches: not the wizard's edit mode
        company = lines.company_id
        payment_type = "inbound" if sum(lines.mapped("balance")) > 0.0 else "outbound"
        document_bank = (
            move.partner_bank_id._origin
            if move.is_invoice(include_receipts=True)
            else move.partner_bank_id.browse()
        )
        if payment_type == "inbound":
            banks = journal.bank_account_id
        else:
            banks = lines.partner_id.bank_ids.filtered(
                lambda b: b.company_id.id in (False, company.id)
            )._origin
        bank = document_bank if document_bank and document_bank.id in banks.ids else banks[:1]
        methods = journal._get_available_payment_method_lines(payment_type)
        preferred = lines.move_id.preferred_payment_method_line_id
        method = preferred if len(preferred) == 1 and preferred.id in methods.ids else methods[:1]._origin
        Payment = self.env["account.payment"]
        if not method or method.code in Payment._get_method_codes_needing_bank_account():
            return None  # the wizard checks the recipient's bank account: let it
        return {
            "date": neutral["date"],
            "amount": neutral["amount"],
            "payment_type": payment_type,
            "partner_type": "customer" if lines[0].account_type == "asset_receivable" else "supplier",
            "memo": neutral.get("reference") or move.name,
            "journal_id": journal.id,
            "company_id": company.id,
            "currency_id": move.currency_id.id,
            "partner_id": lines[0].partner_id.id,
            "partner_bank_id": bank.id,
            "payment_method_line_id": method.id,
            "destination_account_id": lines[0].account_id.id,
        }

    def _xero_create_batch(self, sync, prepared):
        """The payments of ``prepared`` created in one create, posted in one post and
        reconciled with their documents in one reconciliation, as the wizard does each
        (``_create_payments``: create, post, reconcile), in the page's order (so they are
        numbered as one by one). The second payment of a document in the page is
        reconciled in a second pass, and so on: it pays what the first left, and only if
        the wizard would then register it the same way."""
        Payment = (
            self.env["account.payment"]
            .with_company(sync.company)
            .with_context(xero_inbound=True, skip_invoice_sync=True)
        )
        # The wizard links the document after reconciling (matched_payment_ids); the same
        # link (the other side of that relation) is made here at once.
        payments = Payment.create(
            [dict(info["vals"], invoice_ids=[Command.link(info["move"].id)]) for __, __, info in prepared]
        )
        payments.with_context(skip_sale_auto_invoice_send=True).action_post()
        passes, seen = [], {}
        for index, (__, __, info) in enumerate(prepared):
            number = seen[info["move"].id] = seen.get(info["move"].id, -1) + 1
            if number == len(passes):
                passes.append([])
            passes[number].append(index)
        domain = [
            ("parent_state", "=", "posted"),
            ("account_type", "in", Payment._get_valid_payment_account_types()),
            ("reconciled", "=", False),
        ]
        for number, indexes in enumerate(passes):
            plan = []
            for index in indexes:
                __, neutral, info = prepared[index]
                lines = info["lines"]
                if number:
                    # What is left open once the earlier payments of the page reconciled.
                    lines = self._xero_open_lines(info["move"])
                    vals = self._xero_register_vals(sync, neutral, info["move"], lines, info["journal"])
                    if vals != info["vals"]:  # e.g. nothing left to pay: the wizard says so
                        raise BatchRefused(info["move"].display_name)
                payment_lines = payments[index].move_id.line_ids.filtered_domain(domain)
                for account in payment_lines.account_id:
                    plan.append(
                        (payment_lines + lines).filtered_domain(
                            [("account_id", "=", account.id), ("reconciled", "=", False)]
                        )
                    )
            if plan:
                # In the payments' context, as the wizard reconciles (``reconcile()`` of each).
                Payment.env["account.move.line"]._reconcile_plan(plan)
        # What the wizard's write of matched_payment_ids also does to each document (no
        # line changes: their synchronisation, costly for a batch of documents, is skipped).
        Move = (
            self.env["account.move"]
            .with_company(sync.company)
            .with_context(xero_inbound=True, skip_invoice_sync=True)
        )
        Move.browse(sorted({info["move"].id for __, __, info in prepared})).write(
            {"is_manually_modified": True}
        )
        return payments

    def _xero_bind_batch(self, sync, prepared, created):
        """The links of the payments just created, in one create (one snapshot of them all
        for their export hashes)."""
        snapshots = self._xero_snapshot(sync, created)
        vals_list = []
        for (xero_record, neutral, __), payment in zip(prepared, created, strict=True):
            snapshot = snapshots[payment.id]
            try:
                hash_ = self._xero_hash(
                    sync, snapshot, self._xero_to_xero(sync, snapshot, xero_record["PaymentID"])
                )
            except MappingError:
                hash_ = None
            vals = self._xero_bind_vals(sync, payment, xero_record, neutral, "import", hash_)
            vals.update(self._xero_new_binding_vals(sync, payment))
            vals_list.append(vals)
        bindings = self._xero_bindings(sync).create(vals_list)
        self._xero_remember(sync, bindings)
        sync.cache.setdefault("bound", set()).update(created.ids)
        return bindings

    def _xero_import_one(self, sync, xero_record, binding):
        neutral = pay_map.payment_from_xero(xero_record)
        if not pay_map.is_document_payment(neutral):
            kind = (neutral.get("payment_type") or "").replace("PAYMENT", "").lower()
            sync.mismatch(
                "import",
                kind="unsupported",
                xero_id=neutral["xero_id"],
                record_name=self._xero_record_name(neutral),
                payload=xero_record,
                messages=[
                    self.env._(
                        "Payment %(id)s is a %(type)s payment (%(kind)s), not a payment of an "
                        "invoice, bill or credit note: it was not imported.",
                        id=neutral["xero_id"],
                        type=neutral.get("payment_type"),
                        kind=kind,
                    )
                ],
                hint=self.env._(
                    "Record the prepayment or overpayment in Odoo by hand; "
                    "allocate it there to the invoices it pays."
                ),
            )
            return "skipped", None, self.env._("prepayment/overpayment payment")
        if not binding and neutral["status"] == "DELETED":
            return "skipped", None, None
        return super()._xero_import_one(sync, xero_record, binding)

    def _xero_create(self, sync, neutral):
        doc_type = _document_type(neutral)
        doc_binding = self._xero_document_binding(sync, neutral["document_id"], doc_type)
        if not doc_binding:
            raise self._xero_missing_document(sync, neutral, doc_type)
        move = self.env["account.move"].browse(doc_binding.res_id)
        if move.state != "posted":
            raise MappingError(
                self.env._(
                    "Xero has a payment on %(move)s, which is %(state)s in Odoo.",
                    move=move.display_name,
                    state=move.state,
                ),
                hint=self.env._("Post the document in Odoo (or import it again), then click Retry."),
            )
        journal = self._xero_journal_of(sync, neutral)
        Register = (
            self.env["account.payment.register"]
            .with_company(sync.company)
            .with_context(active_model="account.move", active_ids=move.ids, xero_inbound=True)
        )
        wizard = Register.create(
            {
                "payment_date": neutral["date"],
                "journal_id": journal.id,
                "amount": neutral["amount"],
                "currency_id": move.currency_id.id,
                "payment_difference_handling": "open",
                "communication": neutral.get("reference") or move.name,
            }
        )
        payments = wizard._create_payments()
        return payments[:1]

    def _xero_missing_document(self, sync, neutral, doc_type):
        """The error of a payment whose document is not in Odoo, pointing at what blocks it:
        the document's own mismatch entry, else the setting or Xero."""
        keys = (
            [DOCUMENT_OBJECTS[doc_type]]
            if doc_type in DOCUMENT_OBJECTS
            else sorted(set(DOCUMENT_OBJECTS.values()))
        )
        number = neutral.get("document_number") or neutral["document_id"]
        entry = self.env["xero.mismatch.log"]._open_entry(
            sync.account, keys, "import", xero_id=neutral["document_id"]
        )
        if entry:
            hint = self.env._(
                "The import of %(number)s failed: click Open Blocking Record to see why, fix it "
                "and retry it there, then click Retry here.",
                number=number,
            )
        elif not any(sync.account._xero_settings(key)._does("import") for key in keys):
            hint = self.env._(
                "Importing %(objects)s is off for this Xero account: turn it on (Xero account > "
                "Synchronisation tab), then click Retry.",
                objects=", ".join(key.replace("_", " ") for key in keys),
            )
        else:
            hint = self.env._(
                "Xero did not return %(number)s (deleted or archived there?): check it in "
                "Xero, then click Retry.",
                number=number,
            )
        return MappingError(
            self.env._("The document %(number)s of this payment is not in Odoo.", number=number),
            hint=hint,
            kind="dependency",
            missing=(keys[0], neutral.get("document_number")),
            blocking=("xero.mismatch.log", entry.id) if entry else None,
        )

    def _xero_apply(self, sync, neutral, record):
        if neutral["status"] == "DELETED" and record.state not in ("canceled", "rejected"):
            record = record.with_context(xero_inbound=True)
            if record.state != "draft":
                record.action_draft()
            record.action_cancel()
            return True
        return False

    def _xero_vals(self, sync, neutral, record):
        return {}

    # ================================================================= export
    def _xero_snapshot(self, sync, records):
        docs = records.mapped("invoice_ids")
        Binding = self._xero_bindings(sync)
        doc_bindings = Binding._xero_by_res_id(sync.account, DOCUMENT_KEYS, docs.ids, primary=True)
        journals = Binding._xero_by_res_id(sync.account, "bank_accounts", records.mapped("journal_id").ids)
        out = {}
        for payment in records:
            invoices = payment.invoice_ids
            neutral = {
                "status": "DELETED" if payment.state in ("canceled", "rejected") else "AUTHORISED",
                "date": payment.date,
                "amount": payment.amount,
                "reference": payment.memo or None,
                "journal": payment.journal_id.display_name,
                "errors": [],
            }
            journal = journals.get(payment.journal_id.id)
            neutral["account_code"] = journal.xero_number if journal else None
            neutral["account_id"] = journal.xero_id if journal else None
            if len(invoices) != 1:
                neutral["errors"].append(
                    MappingError(
                        self.env._(
                            "The payment %(name)s pays %(count)s documents; a Xero payment pays one.",
                            name=payment.display_name,
                            count=len(invoices),
                        ),
                        hint=self.env._(
                            "Register one payment per document (or use Xero's batch payments by hand)."
                        ),
                    )
                )
            move = invoices[:1]
            binding = doc_bindings.get(move.id) if move else None
            neutral["document_number"] = move.name if move else None
            if binding:
                data = binding.xero_data or {}
                neutral.update(
                    {
                        "document_id": binding.xero_id,
                        "document_kind": "credit_note" if binding.object_key == "credit_notes" else "invoice",
                        "amount_due": None if data.get("stale") else data.get("amount_due"),
                        "document_status": data.get("status"),
                    }
                )
            elif move:
                neutral["errors"].append(
                    MappingError(
                        self.env._(
                            "%(doc)s, the document of this payment, is not in Xero.", doc=move.display_name
                        ),
                        hint=self.env._(
                            "Export %(doc)s first (Open Blocking Record: its banner says "
                            "why it is not in Xero), then click Retry.",
                            doc=move.display_name,
                        ),
                        kind="dependency",
                        missing=("invoices", move.display_name),
                        blocking=("account.move", move.id),
                    )
                )
            if move and payment.currency_id != move.currency_id:
                neutral["errors"].append(
                    MappingError(
                        self.env._(
                            "The payment is in %(pay)s and %(doc)s in %(cur)s; Xero takes "
                            "payments in the document's currency.",
                            pay=payment.currency_id.name,
                            doc=move.display_name,
                            cur=move.currency_id.name,
                        ),
                        hint=self.env._("Register the payment in the document's currency."),
                    )
                )
            if move and move.currency_id != sync.company.currency_id:
                neutral["foreign"] = True
                neutral["rate"] = move.invoice_currency_rate
            out[payment.id] = neutral
        return out

    def _xero_to_xero(self, sync, neutral, xero_id):
        if neutral["status"] == "DELETED":
            if not xero_id:
                raise MappingError(
                    self.env._("The payment is cancelled and was never sent to Xero: nothing to do.")
                )
            return {"PaymentID": xero_id, "Status": "DELETED"}
        for error in neutral["errors"]:
            raise error
        amount_due = neutral.get("amount_due") if not xero_id else None
        if neutral.get("document_status") in ("DRAFT", "SUBMITTED", "VOIDED", "DELETED"):
            raise MappingError(
                self.env._(
                    "%(doc)s is %(status)s in Xero; Xero takes payments on approved documents only.",
                    doc=neutral.get("document_number"),
                    status=neutral["document_status"],
                ),
                hint=self.env._("Export the posted document first, then click Retry."),
            )
        return pay_map.payment_to_xero(neutral, amount_due=amount_due)

    def _xero_prepare(self, sync, item):
        if not item.xero_id and item.neutral["status"] == "DELETED":
            return self._xero_nothing_to_send(sync, item)
        return super()._xero_prepare(sync, item)

    def _xero_export_candidates(self, sync):
        return super()._xero_export_candidates(sync) | self._xero_refused_unsent(
            sync, self._xero_match_domain(sync) + [("state", "in", ("canceled", "rejected"))]
        )

    def _xero_prematch(self, sync, items):
        return []

    def _xero_export_dependencies(self, sync, records):
        """Their documents go first (a payment needs its invoice in Xero; a cancelled one,
        never sent or only to be reversed, does not)."""
        docs = records.filtered(lambda p: p.state not in ("canceled", "rejected")).mapped("invoice_ids")
        for key, types in (
            ("invoices", ("out_invoice",)),
            ("bills", ("in_invoice",)),
            ("credit_notes", ("out_refund", "in_refund")),
        ):
            subset = docs.filtered(lambda m, t=types: m.move_type in t)
            if not subset or not sync.account._xero_settings(key)._does("export"):
                continue
            bound = self._xero_bindings(sync)._xero_bound_res_ids(
                sync.account, key, subset.ids, states=["synced"]
            )
            missing = subset.filtered(lambda m, bound=bound: m.id not in bound)
            if missing:
                sync.account._xero_run_object(key, "export", trigger="dependency", records=missing)

    def _xero_tombstone_payload(self, sync, binding):
        return {"PaymentID": binding.xero_id, "Status": "DELETED"}

    def _xero_tombstone_settled(self, sync, xero_record):
        return xero_record.get("Status") == "DELETED"

    def _xero_send(self, sync, payloads):
        """New payments in one PUT; reversals one by one (Xero's only payment change)."""
        results = [None] * len(payloads)
        new = [(i, p) for i, p in enumerate(payloads) if not p.get("PaymentID")]
        if new:
            written = sync.client.write("Payments", [p for __, p in new], method="PUT")
            for (index, __), result in zip(new, written):
                result.index = index
                results[index] = result
        for index, payload in enumerate(payloads):
            if results[index] is not None:
                continue
            if payload.get("Status") != "DELETED":
                results[index] = ElementResult(
                    index,
                    REJECTED,
                    payload,
                    messages=[
                        self.env._(
                            "Xero payments cannot be edited; only reversed. Cancel this payment in Odoo "
                            "and register a new one."
                        )
                    ],
                )
                continue
            try:
                record = sync.client.delete_payment(payload["PaymentID"])
            except XeroDayLimitError:
                raise  # the day limit stops the whole run
            except XeroError as exc:
                results[index] = ElementResult(
                    index, REJECTED, payload, messages=getattr(exc, "messages", None) or [str(exc)]
                )
                continue
            results[index] = ElementResult(
                index, UPDATED, payload, record=record, xero_id=payload["PaymentID"]
            )
        return results

    def _xero_after_export(self, sync, items):
        """What is due on the documents changed: keep it on their bindings."""
        self._xero_note_documents(sync, [item.binding for item in items])

    def _xero_bind_vals(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        vals = super()._xero_bind_vals(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record:
            document = xero_record.get("Invoice") or xero_record.get("CreditNote") or {}
            vals["xero_data"] = {
                "status": xero_record.get("Status"),
                "document_id": document.get("InvoiceID") or document.get("CreditNoteID"),
                "document_due": document.get("AmountDue", document.get("RemainingCredit")),
                "document_status": document.get("Status"),
                "document_paid": document.get("AmountPaid"),
                "document_credited": document.get("AmountCredited"),
            }
        return vals

    def _xero_note_documents(self, sync, bindings):
        """One search for the documents of all the payments just exchanged."""
        notes = {}
        for binding in bindings:
            data = binding.xero_data or {}
            if data.get("document_id") and data.get("document_due") is not None:
                notes.setdefault(data["document_id"], []).append((binding, data))
        if not notes:
            return
        docs = self._xero_bindings(sync)._xero_find(sync.account, DOCUMENT_KEYS, xero_ids=notes, primary=True)
        for doc in docs:
            doc_data = dict(doc.xero_data or {})
            payments = set(doc_data.get("payments") or [])
            for binding, data in notes[doc.xero_id]:
                for field in ("paid", "credited"):
                    if data.get(f"document_{field}") is not None:
                        doc_data[f"amount_{field}"] = data[f"document_{field}"]
                doc_data.update(
                    {
                        "amount_due": data["document_due"],
                        "status": data.get("document_status") or doc_data.get("status"),
                    }
                )
                if data.get("status") == "DELETED":
                    payments.discard(binding.xero_id)
                else:
                    payments.add(binding.xero_id)
            doc_data["payments"] = sorted(payments)
            doc_data.pop("stale", None)
            doc.xero_data = doc_data


def _document_type(neutral):
    """The Xero type of the document ``neutral`` pays (ACCREC...)."""
    return PAYMENT_DOCUMENT_TYPES.get(neutral["payment_type"]) or neutral.get("document_type")


def _journal_ref(neutral):
    """How ``_xero_journal_of`` finds the payment's bank account: by Xero ID, else by code."""
    if neutral.get("account_id"):
        return ("id", neutral["account_id"])
    if neutral.get("account_code"):
        return ("code", neutral["account_code"])
    return None
