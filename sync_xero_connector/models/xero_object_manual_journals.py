# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.manual_journals``: Manual journals <-> account.move (entry); the export is off unless the settings say so.

Each Xero manual journal becomes a miscellaneous entry in the journal the object's settings
name (default: the company's first miscellaneous journal), one line per journal line by
account code, taxes through the tax mapping (Odoo adds the tax lines; the entry must then move
what Xero's journal moves, to the cent, or it is not imported). Matched by narration and date;
POSTED is posted, DRAFT a draft, VOIDED / DELETED / ARCHIVED cancelled (never imported when new).
The company must keep its books in the organisation's currency (as for documents).
"""

from odoo import models
from odoo.fields import Command

from ..xero.mapping import journals as journal_map
from ..xero.mapping.common import MappingError, payload_hash
from ..xero.mapping.tracking import short

JOURNAL_STATES = {
    "DRAFT": "draft",
    "POSTED": "posted",
    "VOIDED": "cancel",
    "DELETED": "cancel",
    "ARCHIVED": "cancel",
}


CLOSED = ("VOIDED", "DELETED", "ARCHIVED")


class XeroObjectManualJournals(models.AbstractModel):
    _name = "xero.object.manual_journals"
    _inherit = "xero.object"
    _description = "Xero Manual Journals"
    _xero_key = "manual_journals"
    _xero_collection = "ManualJournals"
    _xero_model = "account.move"
    _xero_unique_key = None

    def _xero_docs(self):
        return self.env["xero.object.invoices"]

    def _xero_from_xero(self, sync, record):
        return journal_map.journal_from_xero(record)

    def _xero_record_name(self, neutral, record=None):
        if record:
            return record.display_name
        return self.env._(
            "%(narration)s (%(date)s)",
            narration=neutral.get("narration") or "?",
            date=neutral.get("date") or "?",
        )

    def _xero_remote_name(self, sync, xero_record):
        return self._xero_record_name(self._xero_from_xero(sync, xero_record))

    def _xero_import(self, sync, full=False, xero_ids=None, since=None):
        self._xero_docs()._xero_check_company(sync)
        return super()._xero_import(sync, full=full, xero_ids=xero_ids, since=since)

    def _xero_match_domain(self, sync):
        return [("company_id", "=", sync.company.id), ("move_type", "=", "entry")]

    def _xero_journal(self, sync):
        journal = sync.settings.sudo().manual_journal_id
        if not journal:
            journal = self.env["account.journal"].search(
                [("company_id", "=", sync.company.id), ("type", "=", "general")], limit=1
            )
        if not journal:
            raise MappingError(
                self.env._("The company has no miscellaneous journal to import manual journals into."),
                hint=self.env._(
                    "Create one in Accounting > Configuration > Journals (type "
                    "Miscellaneous), or choose a journal on the Manual Journals "
                    "object's settings; then click Retry."
                ),
            )
        return journal

    def _xero_match(self, sync, neutral):
        """An unbound entry of the journal with the same narration (reference) and date."""
        if self.env.context.get("xero_no_match") or not neutral.get("narration"):
            return None, None
        moves = self.env["account.move"].search(
            self._xero_match_domain(sync)
            + [
                ("journal_id", "=", self._xero_journal(sync).id),
                ("date", "=", neutral["date"]),
                ("ref", "=ilike", neutral["narration"]),
            ]
        )
        bound = self._xero_bound_ids(sync)
        ids = set(moves.ids) - bound
        if len(ids) > 1:
            return None, ids
        return (self.env["account.move"].browse(ids.pop()), None) if ids else (None, None)

    # ---------------------------------------------------------------- import
    def _xero_import_one(self, sync, xero_record, binding):
        if not binding and xero_record.get("Status") in CLOSED:
            return "skipped", None, None
        return super()._xero_import_one(sync, xero_record, binding)

    def _xero_tracking(self):
        return self.env["xero.object.tracking_categories"]

    def _xero_import_page(self, sync, records):
        self._xero_tracking()._xero_need_tracking(
            sync,
            [
                (t.get("Name"), t.get("Option"))
                for r in records
                if isinstance(r, dict)
                for line in r.get("JournalLines") or []
                for t in line.get("Tracking") or []
                if isinstance(t, dict)
            ],
        )
        return super()._xero_import_page(sync, records)

    def _xero_vals(self, sync, neutral, record):
        items, docs = self.env["xero.object.items"], self._xero_docs()
        lines = []
        for line in neutral["lines"]:
            vals = {
                "name": line["description"] or neutral.get("narration") or "/",
                "account_id": items._xero_odoo_of(sync, "accounts", line["account_code"]).id,
                "balance": line["net"],
                "tax_ids": [Command.clear()],
            }
            if line.get("tax_type") and neutral["amount_type"] != "NoTax":
                # The tax excluded from the amount: Odoo adds its line, as Xero computed it.
                tax = docs._xero_tax(sync, line["tax_type"], False)
                vals["tax_ids"] = [Command.set(tax.ids)]
            distribution = self._xero_tracking()._xero_line_distribution(
                sync,
                line.get("tracking"),
                self.env._("The line %(name)s", name=short(line["description"] or "-")),
            )
            if distribution:
                vals["analytic_distribution"] = distribution
            lines.append(Command.create(vals))
        vals = {
            "date": neutral["date"],
            "ref": neutral.get("narration") or False,
            "line_ids": lines if record is None else [Command.clear()] + lines,
        }
        if record is None:
            vals.update(
                {
                    "move_type": "entry",
                    "journal_id": self._xero_journal(sync).id,
                    "company_id": sync.company.id,
                }
            )
        return vals

    def _xero_check_totals(self, neutral, move):
        odoo = [sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))]
        xero = [neutral["debit"], neutral["credit"]]
        if [journal_map._d(x) for x in odoo] != xero:
            raise MappingError(
                self.env._(
                    "The Odoo entry moves %(odoo)s where Xero's journal moves %(xero)s "
                    "(debit / credit): it was not imported.",
                    odoo=" / ".join("%.2f" % x for x in odoo),
                    xero=" / ".join(str(x) for x in xero),
                ),
                hint=self.env._(
                    "Check that the Xero tax rates are mapped to Odoo taxes of the "
                    "same rate and that the company rounds taxes per line, then "
                    "click Retry."
                ),
            )

    def _xero_set_state(self, sync, neutral, move):
        target = JOURNAL_STATES.get(neutral["status"], "draft")
        if move.state == target or (target == "draft" and move.state == "posted"):
            return False  # Xero cannot un-post a journal either
        docs = self._xero_docs()
        inbound = move.with_context(xero_inbound=True)
        if target == "posted":
            docs._xero_check_lock(sync, move, move.date)
            if move.state == "cancel":
                inbound.button_draft()
            inbound.action_post()
        elif target == "cancel":
            if move.state == "posted":
                docs._xero_check_lock(sync, move, move.date)
                inbound.button_draft()
            inbound.button_cancel()
        return True

    def _xero_create(self, sync, neutral):
        vals = self._xero_vals(sync, neutral, None)
        move = (
            self.env["account.move"]
            .with_company(sync.company)
            .with_context(xero_inbound=True, default_move_type="entry")
            .create(vals)
        )
        self._xero_check_totals(neutral, move)
        self._xero_set_state(sync, neutral, move)
        return move

    def _xero_apply(self, sync, neutral, record):
        binding = self._xero_binding_of(sync, record)
        data = (binding.xero_data or {}) if binding else {}
        changed = False
        content = payload_hash({k: neutral[k] for k in ("narration", "date", "amount_type", "lines")})
        if data.get("content") != content and neutral["status"] not in CLOSED:
            inbound = record.with_context(xero_inbound=True)
            if record.state == "posted":
                self._xero_docs()._xero_check_lock(sync, record, record.date)
            if record.state != "draft":
                inbound.button_draft()
            inbound.write(self._xero_vals(sync, neutral, record))
            self._xero_check_totals(neutral, record)
            changed = True
        return self._xero_set_state(sync, neutral, record) or changed

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record and xero_record.get("ManualJournalID"):
            remote = self._xero_from_xero(sync, xero_record)
            binding.xero_data = dict(
                binding.xero_data or {},
                status=remote["status"],
                updated_raw=xero_record.get("UpdatedDateUTC"),
                content=payload_hash({k: remote[k] for k in ("narration", "date", "amount_type", "lines")}),
            )
        return binding

    # ================================================================ export
    # Off unless the object's settings say "Export Miscellaneous Entries": the entries of the
    # import journal without taxes go to Xero as NoTax manual journals.
    def _xero_export(self, sync, records=None):
        if not sync.settings.sudo().export_entries:
            return None
        return super()._xero_export(sync, records=records)

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [
            ("journal_id", "=", self._xero_journal(sync).id),
            ("state", "in", ("draft", "posted")),
        ]

    def _xero_export_dependencies(self, sync, records):
        self._xero_docs()._xero_export_needed(sync, (("accounts", records.mapped("line_ids.account_id")),))
        self._xero_tracking()._xero_export_line_options(
            sync, records.mapped("line_ids.analytic_distribution")
        )

    def _xero_prematch(self, sync, items):
        return []  # Xero keeps nothing of a journal unique: the in-flight token finds it again

    def _xero_snapshot(self, sync, records):
        codes = self._xero_bindings(sync)._xero_codes_of(
            sync.account, "accounts", records.mapped("line_ids.account_id")
        )
        data = {
            b.res_id: b.xero_data or {}
            for b in self._xero_bindings(sync)._xero_find(
                sync.account, self._xero_key, res_ids=records.ids, primary=True
            )
        }
        out = {}
        tracking = self._xero_tracking()
        for move in records:
            errors = []
            xero_status = data.get(move.id, {}).get("status")
            status = {"draft": "DRAFT", "posted": "POSTED"}.get(move.state) or (
                "VOIDED" if xero_status == "POSTED" else "DELETED"
            )
            out[move.id] = {
                "narration": move.ref or move.name or None,
                "date": move.date,
                "status": status,
                "xero_status": xero_status,
                "taxed": bool(move.line_ids.filtered(lambda l: l.tax_ids or l.tax_line_id)),
                "lines": [
                    {
                        "description": line.name or "",
                        "line_amount": line.balance,
                        "account_code": codes.get(line.account_id.id),
                        "account_name": line.account_id.display_name,
                        "tracking": tracking._xero_line_tracking(
                            sync,
                            line.analytic_distribution,
                            self.env._(
                                "Line %(index)s (%(name)s)",
                                index=index,
                                name=short(line.name or line.account_id.display_name),
                            ),
                            errors,
                        ),
                    }
                    for index, line in enumerate(move.line_ids.sorted(lambda l: (l.sequence, l.id)), 1)
                ],
                "errors": errors,
            }
        return out

    def _xero_to_xero(self, sync, neutral, xero_id):
        if neutral["status"] in CLOSED:
            if not xero_id:
                raise MappingError(
                    self.env._("The entry is cancelled and was never sent to Xero: nothing to do.")
                )
            return {"ManualJournalID": xero_id, "Status": neutral["status"]}
        for error in neutral.get("errors") or ():
            raise error
        if neutral.get("taxed"):
            raise MappingError(
                self.env._(
                    "The entry has taxes; only entries without taxes are exported as Xero manual journals."
                ),
                hint=self.env._(
                    "Create the journal in Xero (the next import brings it to "
                    "Odoo), or remove the taxes from the entry; then click Retry."
                ),
            )
        if neutral.get("xero_status") == "POSTED" and neutral["status"] == "DRAFT":
            raise MappingError(
                self.env._(
                    "%(name)s is posted in Xero and a draft in Odoo; Xero cannot turn a "
                    "posted journal back into a draft.",
                    name=neutral["narration"],
                ),
                hint=self.env._(
                    "Post the entry again in Odoo (or cancel it to void the journal "
                    "in Xero), then click Retry."
                ),
            )
        return journal_map.journal_to_xero(neutral, xero_id)

    def _xero_prepare(self, sync, item):
        if not item.xero_id and item.neutral["status"] in CLOSED:
            return self._xero_nothing_to_send(sync, item)
        return super()._xero_prepare(sync, item)
