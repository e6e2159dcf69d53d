# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.document``: Invoices, bills and credit notes <-> account.move; one engine for the three.

The mapping is in ``xero/mapping/documents.py``. This adapter resolves codes through the
bindings (contacts, items, accounts, taxes), maps statuses through the per-account state table,
checks totals both ways, lock dates and voids, and keeps credit-note allocations in step.

Not an object itself (no key): ``xero.object.invoices``, ``.bills`` and ``.credit_notes`` inherit it.
"""

from decimal import Decimal

from odoo import api, models
from odoo.fields import Command

from ..xero import XeroValidationError, validate
from ..xero.mapping import documents as doc_map
from ..xero.mapping.common import MappingError, normalize_name, payload_hash
from ..xero.mapping.taxes import effective_rate
from ..xero.mapping.tracking import short
from ..xero.objects import collection
from .xero_object import _UNKNOWN

MOVE_TYPES = {
    "ACCREC": "out_invoice",
    "ACCPAY": "in_invoice",
    "ACCRECCREDIT": "out_refund",
    "ACCPAYCREDIT": "in_refund",
}


XERO_TYPES = {value: key for key, value in MOVE_TYPES.items()}


DOCUMENT_KEYS = ("invoices", "bills", "credit_notes")


XERO_STATUSES = [
    ("DRAFT", "Draft"),
    ("SUBMITTED", "Awaiting Approval"),
    ("AUTHORISED", "Awaiting Payment"),
    ("PAID", "Paid"),
    ("VOIDED", "Voided"),
    ("DELETED", "Deleted"),
]


ODOO_STATES = [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled"), ("skip", "Do Not Import")]


DEFAULT_STATE_MAP = {
    "DRAFT": "draft",
    "SUBMITTED": "draft",
    "AUTHORISED": "posted",
    "PAID": "posted",
    "VOIDED": "cancel",
    "DELETED": "skip",
}


# The part of a document that, when Xero changes it, rewrites the Odoo document.
CONTENT_KEYS = (
    "type",
    "number",
    "reference",
    "contact_id",
    "date",
    "due_date",
    "currency",
    "rate",
    "amount_type",
    "lines",
)


def content_hash(neutral):
    return payload_hash({key: neutral.get(key) for key in CONTENT_KEYS})


def _xero_totals(neutral):
    """Xero's subtotal, tax and total of a neutral document (Decimals), its rounding line
    counted as the tax rounding it is (``doc_map.xero_totals``)."""
    return doc_map.xero_totals(neutral)


def _d(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# ====================================================================== engine
class XeroObjectDocument(models.AbstractModel):
    """What invoices, bills and credit notes share. Not an object itself (no key)."""

    _name = "xero.object.document"
    _inherit = "xero.object"
    _description = "Xero Documents (shared)"
    _xero_model = "account.move"
    _xero_number_key = "number"
    _xero_unique_key = "number"
    _xero_unique_field = "InvoiceNumber"
    _xero_xero_types = ()  # e.g. ("ACCREC",)

    # ------------------------------------------------------------ declarations
    @property
    def _xero_import_params(self):
        types = " OR ".join(f'Type=="{t}"' for t in self._xero_xero_types)
        return {"where": types}

    @property
    def _xero_match_keys(self):
        return ()

    def _xero_move_types(self):
        return [MOVE_TYPES[t] for t in self._xero_xero_types]

    def _xero_match_domain(self, sync):
        return [("company_id", "=", sync.company.id), ("move_type", "in", self._xero_move_types())]

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [
            ("state", "in", ("draft", "posted")),
            ("xero_no_sync", "=", False),
        ]

    def _xero_wants(self, sync, xero_record):
        return xero_record.get("Type") in self._xero_xero_types

    def _xero_record_name(self, neutral, record=None):
        """The number; without one (bills often have none), what and whose it is."""
        if record:
            return record.display_name
        if neutral.get("number"):
            return neutral["number"]
        label = {
            "ACCREC": self.env._("Invoice"),
            "ACCPAY": self.env._("Bill"),
            "ACCRECCREDIT": self.env._("Credit note"),
            "ACCPAYCREDIT": self.env._("Vendor credit note"),
        }.get(neutral.get("type"), self.env._("Document"))
        return self.env._(
            "%(label)s of %(contact)s, %(total)s",
            label=label,
            contact=neutral.get("contact_name") or "?",
            total="%.2f" % (neutral.get("total") or 0.0),
        )

    # ------------------------------------------------------------------ lookups
    def _xero_state_map(self, sync):
        cache = sync.cache.setdefault("state_map", {})
        if not cache:
            rows = sync.settings.sudo().state_map_ids
            cache.update(DEFAULT_STATE_MAP)
            cache.update({r.xero_status: r.odoo_state for r in rows})
        return cache

    def _xero_base_currency(self, sync):
        return sync.company.currency_id.name

    def _xero_lock_date(self, sync, neutrals):
        """Xero's lock date (``doc_map.organisation_lock_date``): read once per run, by the
        snapshot, before any payload is built, and only when one of ``neutrals`` is to be
        posted (``doc_map.lock_date_applies``). The payload hook never calls Xero."""
        if "xero_lock" not in sync.cache and any(doc_map.lock_date_applies(n) for n in neutrals):
            sync.cache["xero_lock"] = doc_map.organisation_lock_date(sync.client.organisation())
        return sync.cache.get("xero_lock")

    def _xero_rounding_code(self, sync):
        """The Xero code of the object's rounding account (None: none set, or not in Xero),
        looked up once per run."""
        if "rounding_code" not in sync.cache:
            account = sync.settings.rounding_account_id
            sync.cache["rounding_code"] = (
                self._xero_bindings(sync)._xero_codes_of(sync.account, "accounts", account).get(account.id)
                if account
                else None
            )
        return sync.cache["rounding_code"]

    def _xero_rounding_label(self, sync, move):
        """The rounding line's text in the language of the document's partner (what Xero
        prints on the document), whoever exports it: the payload, and so its hash, is the
        same for every user. Nothing recognises the line by it (``doc_map.rounding_line_index``)."""
        lang = move.partner_id.lang or "en_US"
        labels = sync.cache.setdefault("rounding_labels", {})
        if lang not in labels:
            labels[lang] = self.with_context(lang=lang).env._("Rounding")
        return labels[lang]

    def _xero_check_company(self, sync):
        """Same currency as Xero's base currency, taxes rounded per line: the first-day
        check's guard (xero.account._xero_onboarding_check), before anything is read or sent."""
        sync.account._xero_check_documents(sync.client)

    def _xero_import(self, sync, full=False, xero_ids=None, since=None):
        self._xero_check_company(sync)
        return super()._xero_import(sync, full=full, xero_ids=xero_ids, since=since)

    def _xero_export(self, sync, records=None):
        self._xero_check_company(sync)
        return super()._xero_export(sync, records=records)

    # ================================================================ export
    def _xero_export_dependencies(self, sync, records):
        """Partners, products, accounts and taxes the documents use go to Xero first (accounts
        and taxes only while the account exports its chart: ``_xero_may_export``)."""
        partners = records.mapped("commercial_partner_id")
        lines = records.mapped("invoice_line_ids").filtered(lambda l: l.display_type == "product")
        self._xero_export_needed(
            sync,
            (
                ("contacts", partners),
                ("items", lines.mapped("product_id")),
                ("accounts", lines.mapped("account_id")),
                ("taxes", lines.mapped("tax_ids")),
            ),
        )
        self.env["xero.object.tracking_categories"]._xero_export_line_options(
            sync, lines.mapped("analytic_distribution")
        )

    def _xero_export_needed(self, sync, targets_by_key):
        """Export the ``(object key, records)`` not bound yet (documents, orders)."""
        for key, targets in targets_by_key:
            if not targets:
                continue
            settings = sync.account._xero_settings(key)
            if not sync.account._xero_may_export(key):
                continue  # the document's mapping error says what to do
            bound = set(
                self._xero_bindings(sync)._xero_find(sync.account, key, res_ids=targets.ids).mapped("res_id")
            )
            missing = targets.filtered(lambda r, bound=bound: r.id not in bound)
            if key == "items":
                missing = missing.filtered("default_code") if settings.item_code_source != "name" else missing
            if key == "accounts":
                excluded = self.env["xero.object.accounts"]._xero_export_excluded_types
                missing = missing.filtered(lambda a, excluded=excluded: a.account_type not in excluded)
            if missing:
                sync.account._xero_run_object(key, "export", trigger="dependency", records=missing)

    def _xero_snapshot(self, sync, records):
        lines = records.mapped("invoice_line_ids")
        partners = records.mapped("commercial_partner_id")
        contact_ids = {
            b.res_id: b.xero_id
            for b in self._xero_bindings(sync)._xero_find(
                sync.account, "contacts", res_ids=partners.ids, primary=True
            )
        }
        item_codes = self._xero_bindings(sync)._xero_codes_of(
            sync.account, "items", lines.mapped("product_id")
        )
        account_codes = self._xero_bindings(sync)._xero_codes_of(
            sync.account, "accounts", lines.mapped("account_id")
        )
        tax_codes = self._xero_bindings(sync)._xero_codes_of(sync.account, "taxes", lines.mapped("tax_ids"))
        data = {
            b.res_id: b.xero_data or {}
            for b in self._xero_bindings(sync)._xero_find(
                sync.account, self._xero_key, res_ids=records.ids, primary=True
            )
        }
        allocations = self._xero_wanted_allocations(sync, records)
        out = {}
        for move in records:
            out[move.id] = self._xero_move_neutral(
                sync,
                move,
                contact_ids,
                item_codes,
                account_codes,
                tax_codes,
                data.get(move.id, {}),
                allocations.get(move.id),
            )
        self._xero_lock_date(sync, out.values())
        return out

    def _xero_move_neutral(
        self, sync, move, contact_ids, item_codes, account_codes, tax_codes, data, allocations
    ):
        xero_type = XERO_TYPES[move.move_type]
        errors = []
        lines, flags = [], []
        for line in move.invoice_line_ids.sorted(lambda l: (l.sequence, l.id)):
            if line.display_type in ("line_section", "line_subsection", "line_note"):
                lines.append({"description": line.name or "", "display": "note"})
                continue
            if line.display_type != "product":
                continue
            taxes = line.tax_ids
            flags.append({bool(t.price_include) for t in taxes})
            tax_code = self._xero_line_tax_code(
                sync, line.name or line.product_id.display_name, taxes, tax_codes, errors
            )
            account_code = account_codes.get(line.account_id.id)
            if line.account_id and not account_code:
                errors.append(
                    MappingError(
                        self.env._(
                            "The account %(account)s is not in Xero.", account=line.account_id.display_name
                        ),
                        hint=sync.account._xero_missing_hint("accounts")
                        or self.env._("Export the account (Accounts object), then click Retry."),
                        kind="dependency",
                        missing=("accounts", line.account_id.code),
                        blocking=("account.account", line.account_id.id),
                    )
                )
            label = self.env._(
                "Line %(index)s (%(name)s)",
                index=len(lines) + 1,
                name=short(line.name or line.product_id.display_name or "-"),
            )
            lines.append(
                {
                    "description": line.name or line.product_id.display_name or "",
                    "tracking": self.env["xero.object.tracking_categories"]._xero_line_tracking(
                        sync, line.analytic_distribution, label, errors
                    ),
                    "quantity": line.quantity,
                    "unit_amount": line.price_unit,
                    "discount_rate": line.discount or None,
                    "item_code": item_codes.get(line.product_id.id) if line.product_id else None,
                    "account_code": account_code,
                    "tax_type": tax_code,
                    "tax_rate": self._xero_tax_rate(taxes) if len(taxes) == 1 else 0.0,
                    "display": None,
                }
            )
        amount_type = "Exclusive"
        try:
            amount_type = doc_map.amount_type_of(flags)
        except MappingError as exc:
            errors.append(exc)
        credit = xero_type in doc_map.CREDIT_TYPES
        sales = xero_type in doc_map.SALES_TYPES
        foreign = move.currency_id != sync.company.currency_id
        neutral = {
            "type": xero_type,
            "number": self._xero_move_number(move) if sales else (move.ref or None),
            "reference": (move.ref or None) if sales else None,
            "contact_id": contact_ids.get(move.commercial_partner_id.id),
            "contact_name": move.commercial_partner_id.display_name,
            "contact_blocking": ("res.partner", move.commercial_partner_id.id),
            "date": move.invoice_date or move.date,
            "due_date": None if credit else move.invoice_date_due,
            "status": self._xero_status_for(sync, move, data),
            "rounding_label": self._xero_rounding_label(sync, move),
            "currency": move.currency_id.name,
            "rate": move.invoice_currency_rate if foreign else None,
            "amount_type": amount_type,
            "lines": lines,
            "odoo_totals": [float(move.amount_untaxed), float(move.amount_tax), float(move.amount_total)],
            "allocations_wanted": allocations or {},
            "errors": errors,
            "xero_status": data.get("status"),
            "xero_money": bool(
                data.get("amount_paid")
                or data.get("amount_credited")
                or data.get("allocations")
                or data.get("payments")
            ),
        }
        return neutral

    @api.model
    def _xero_line_tax_code(self, sync, label, taxes, tax_codes, errors):
        """The Xero TaxType of a line's ``taxes`` (documents, orders); what prevents it is
        appended to ``errors``."""
        if len(taxes) > 1:
            errors.append(
                MappingError(
                    self.env._(
                        "Line %(line)s has %(count)s taxes; a Xero line takes one tax rate.",
                        line=label,
                        count=len(taxes),
                    ),
                    hint=self.env._(
                        "Use one tax per line (a group tax maps to a Xero rate with "
                        "several components), then click Retry."
                    ),
                )
            )
            return None
        tax_code = tax_codes.get(taxes.id) if taxes else None
        if taxes and not tax_code:
            errors.append(
                MappingError(
                    self.env._("The tax %(tax)s is not mapped to a Xero tax rate.", tax=taxes.display_name),
                    hint=sync.account._xero_missing_hint("taxes")
                    or self.env._(
                        "Export the tax (Taxes object) or map it in Configuration > Tax "
                        "Mapping, then click Retry."
                    ),
                    kind="dependency",
                    missing=("taxes", taxes.display_name),
                    blocking=("account.tax", taxes.id),
                )
            )
        return tax_code

    @api.model
    def _xero_move_number(self, move):
        """The number a sales document has in Xero: the one chosen for it under Create Under
        Another Number, else Odoo's; a draft never numbered by Odoo gets the connector's
        placeholder, so that Xero does not spend its own sequence on it (Odoo's posting would
        later collide with that number). Posting sends Odoo's number to the same document."""
        if move.xero_number_override:
            return move.xero_number_override
        if move.name and move.name != "/":
            return move.name
        return doc_map.placeholder_number(move.company_id.id, move.id)

    @api.model
    def _xero_tax_rate(self, tax):
        if tax.amount_type == "group":
            components, compound = [], False
            for child in tax.children_tax_ids.sorted("sequence"):
                components.append({"rate": child.amount, "compound": compound})
                compound = compound or child.include_base_amount
            return effective_rate(components)
        return tax.amount if tax.amount_type == "percent" else 0.0

    # ------------------------------------------------------------ tombstones
    def _xero_tombstone_payload(self, sync, binding):
        """A deleted draft: DELETED in Xero, or VOIDED when it was approved there since;
        nothing when Xero voided or deleted it already (read now: the link's status may
        be older than an approval in Xero)."""
        current = sync.client.get_record(self._xero_collection, binding.xero_id)
        status = doc_map.tombstone_status((current or {}).get("Status"))
        if current is None or status is None:
            return None
        return {doc_map.id_field(current.get("Type")): binding.xero_id, "Status": status}

    def _xero_tombstone_settled(self, sync, xero_record):
        return xero_record.get("Status") in ("VOIDED", "DELETED")

    def _xero_status_for(self, sync, move, data):
        return doc_map.status_to_send(move.state, data.get("status"), sync.settings.draft_status)

    def _xero_to_xero(self, sync, neutral, xero_id):
        """``doc_map.export_payload``, the one place where a document becomes its payload,
        with the inputs gathered here: the base currency, Xero's lock date (read by the
        snapshot before the batch), the object's rounding policy and account. What the
        comparison after the export needs of it goes on ``neutral``."""
        if doc_map.lock_date_applies(neutral) and "xero_lock" not in sync.cache:
            raise RuntimeError("Xero's lock date is read by _xero_snapshot, before any payload is built.")
        payload, facts = doc_map.export_payload(
            neutral,
            xero_id,
            base_currency=self._xero_base_currency(sync),
            lock_date=sync.cache.get("xero_lock"),
            rounding_policy=sync.settings.rounding_policy,
            rounding_code=self._xero_rounding_code(sync),
            rounding_label=neutral.get("rounding_label") or "Rounding",
        )
        neutral.update(facts)
        return payload

    def _xero_hash(self, sync, neutral, payload):
        if neutral.get("allocations_wanted"):
            return payload_hash(
                {"payload": payload, "allocations": sorted(neutral["allocations_wanted"].items())}
            )
        return payload_hash(payload)

    def _xero_prepare(self, sync, item):
        if item.record.xero_no_sync:
            sync.recorder.add("skipped", item.record, note=self.env._("do not sync"))
            return False
        if not item.xero_id and item.neutral["status"] in ("VOIDED", "DELETED"):
            return self._xero_nothing_to_send(sync, item)
        return super()._xero_prepare(sync, item)

    def _xero_export_candidates(self, sync):
        return super()._xero_export_candidates(sync) | self._xero_refused_unsent(
            sync, self._xero_match_domain(sync) + [("state", "=", "cancel")]
        )

    def _xero_prematch(self, sync, items):
        """A new sales document whose number Xero already has is linked to that Xero document
        only when it is provably the same one (``doc_map.identity_differences``: type,
        contact, currency, total within the object's tolerance; any total when the number is
        this connector's own draft placeholder for it). Otherwise it is neither linked nor
        sent: a number-conflict entry shows both sides and offers Link / Create Under Another
        Number / Skip. Bills are not matched (Xero does not keep their numbers unique)."""
        if self._xero_unique_key != "number" or self.env.context.get("xero_no_match"):
            return []
        sales = [i for i in items if i.neutral["type"] in doc_map.SALES_TYPES and i.neutral.get("number")]
        if not sales:
            return []
        spec = collection(self._xero_collection)
        remote = {}
        for xero_record in self._xero_remote_records(sync, sales):
            neutral = self._xero_from_xero(sync, xero_record)
            if neutral["type"] in self._xero_xero_types and neutral.get("number"):
                remote.setdefault(normalize_name(neutral["number"]), []).append((xero_record, neutral))
        refused = sync.cache.pop("lookup_refused", set())
        dropped = [item for item in sales if item in refused]
        groups = {}
        for item in sales:
            if item not in refused:
                groups.setdefault(normalize_name(item.neutral["number"]), []).append(item)
        bound = self._xero_bindings_by_xero_id(
            sync, [x.get(spec.id_field) for pairs in remote.values() for x, __ in pairs]
        )
        tolerance = sync.settings.match_tolerance or 0.0
        for value, group in groups.items():
            matches = remote.get(value, [])
            taken = [x for x, __ in matches if x.get(spec.id_field) in bound]
            free = [(x, n) for x, n in matches if x.get(spec.id_field) not in bound]
            if len(group) > 1 or len(free) > 1 or (taken and not free):
                self._xero_log_duplicate(sync, group, matches, taken)
                dropped.extend(group)
                continue
            if not free:
                continue
            item, (xero_record, neutral) = group[0], free[0]
            ours = doc_map.placeholder_ids(item.neutral["number"]) == (sync.company.id, item.record.id)
            differences = doc_map.identity_differences(self._xero_identity(item.neutral), neutral, tolerance)
            if ours:
                # Sent by this connector, maybe edited since: the total may differ, not the
                # type, contact or currency (another database can send the same number).
                differences = [d for d in differences if d[0] != "total"]
            if differences:
                self._xero_log_number_conflict(sync, item, xero_record, neutral, differences)
                dropped.append(item)
                continue
            item.xero_id = xero_record.get(spec.id_field)
            item.payload = self._xero_to_xero(sync, item.neutral, item.xero_id)
            item.hash = self._xero_hash(sync, item.neutral, item.payload)
            item.binding = self._xero_bind(sync, item.record, xero_record, neutral, "export")
            item.binding.state = "pending"
            sync.cache.setdefault("linked_notes", {})[item.record.id] = self.env._(
                "linked to the Xero document %(number)s (same contact, currency and total)",
                number=neutral["number"],
            )
        return dropped

    def _xero_identity(self, neutral):
        """What of an Odoo document ``doc_map.identity_differences`` compares."""
        return {
            "type": neutral["type"],
            "contact_id": neutral.get("contact_id"),
            "currency": neutral.get("currency"),
            "total": (neutral.get("odoo_totals") or [None, None, None])[2],
        }

    def _xero_log_number_conflict(self, sync, item, xero_record, remote, differences):
        """The Xero document with this number is another document: say so with both sides."""
        record = item.record
        labels = {
            "type": self.env._("type"),
            "contact_id": self.env._("contact"),
            "currency": self.env._("currency"),
            "total": self.env._("total"),
        }
        state = dict(record._fields["state"]._description_selection(self.env)).get(record.state, record.state)

        def side(label, number, contact, day, currency, total, status):
            return self.env._(
                "%(side)s: number %(number)s, contact %(contact)s, date %(date)s, currency "
                "%(currency)s, total %(total)s, status %(status)s.",
                side=label,
                number=number or "-",
                contact=contact or "-",
                date=day or "-",
                currency=currency or "-",
                total="%.2f" % total if total is not None else "-",
                status=status or "-",
            )

        number = item.neutral["number"]
        messages = [
            self.env._(
                "Xero already has %(number)s, and it is not this document (the "
                "%(fields)s differ): it was not linked, and nothing was sent to it.",
                number=number,
                fields=", ".join(labels[f] for f, __, __ in differences),
            ),
            side(
                self.env._("Odoo"),
                number,
                item.neutral.get("contact_name"),
                item.neutral.get("date"),
                item.neutral.get("currency"),
                self._xero_identity(item.neutral)["total"],
                state,
            ),
            side(
                self.env._("Xero"),
                remote.get("number"),
                remote.get("contact_name"),
                remote.get("date"),
                remote.get("currency"),
                remote.get("total"),
                remote.get("status"),
            ),
        ]
        sync.mismatch(
            "export",
            kind="number_conflict",
            record_name=record.display_name,
            res_model=record._name,
            res_id=record.id,
            xero_id=xero_record.get(collection(self._xero_collection).id_field),
            messages=messages,
            payload=xero_record,
            payload_hash=item.hash,
            hint=self.env._(
                "Link: it is the same document after all (the next export sends Odoo's "
                "version to it). Create Under Another Number: send the Odoo document to Xero "
                "under a number Xero does not have. Skip: never send this document to Xero."
            ),
        )
        sync.recorder.add(
            "failed",
            record,
            xero_id=xero_record.get(collection(self._xero_collection).id_field),
            note=messages[0][:200],
        )

    def _xero_remote_records(self, sync, items):
        """Xero documents with the numbers of ``items``: through the collection's numbers
        filter (InvoiceNumbers=, up to 100 numbers a read) where it has one, else by `where`
        clauses (so too a number with a comma, or all of them if Xero refuses the filter)."""
        from ..xero import where_equals

        spec = collection(self._xero_collection)
        numbers = (
            {item.neutral["number"].strip() for item in items if "," not in item.neutral["number"]}
            if spec.numbers_filter
            else set()
        )
        found = []
        if numbers:
            try:
                found = [
                    r
                    for r in sync.client.iter_records(self._xero_collection, numbers=sorted(numbers))
                    if not validate.problems(r, spec)
                ]
            except XeroValidationError:
                numbers = set()
        clauses = {}
        for item in items:
            number = item.neutral["number"].strip()
            if number not in numbers:
                clauses.setdefault(where_equals(self._xero_unique_field, number), []).append(item)
        return found + (self._xero_lookup(sync, clauses) if clauses else [])

    def _xero_same_as_remote(self, sync, item, remote_neutral):
        return False

    def _xero_match(self, sync, neutral):
        """A Xero document carrying this connector's draft placeholder is the Odoo document
        it names (sent, then the binding lost: a crash between the two)."""
        ids = doc_map.placeholder_ids(neutral.get("number"))
        if not ids or ids[0] != sync.company.id or self.env.context.get("xero_no_match"):
            return super()._xero_match(sync, neutral)
        move = self.env["account.move"].browse(ids[1]).exists()
        contact = self._xero_bindings(sync)._xero_find(
            sync.account, "contacts", xero_ids=[neutral.get("contact_id")], primary=True
        )
        if (
            move
            and move.company_id == sync.company
            and move.move_type == MOVE_TYPES.get(neutral["type"])
            and contact.res_id == move.commercial_partner_id.id
            and move.id not in self._xero_bound_ids(sync)
        ):
            return move, None
        return None, None

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record and xero_record.get("Type"):
            remote = doc_map.document_from_xero(xero_record)
            data = dict(binding.xero_data or {})
            data.update(
                {
                    "updated_raw": xero_record.get("UpdatedDateUTC"),
                    "status": remote["status"],
                    "totals": [remote["sub_total"], remote["total_tax"], remote["total"]],
                    "amount_due": remote["amount_due"],
                    "amount_paid": remote["amount_paid"],
                    "amount_credited": remote["amount_credited"],
                    "payments": [p["xero_id"] for p in remote["payments"]],
                    "content": content_hash(remote),
                }
            )
            if doc_map.is_credit(remote["type"]):
                data["allocations"] = {}
                for allocation in remote["allocations"]:
                    data["allocations"].setdefault(allocation["invoice_id"], []).append(
                        [allocation["xero_id"], allocation["amount"]]
                    )
            binding.xero_data = data
            if (
                direction == "import"
                and record.state == "cancel"
                and remote["status"] not in ("VOIDED", "DELETED")
            ):
                # Cancelled in Odoo, still open in Xero (the void was refused or not sent
                # yet): the void is still to be exported.
                binding.write({"state": "pending", "payload_hash": False})
        return binding

    def _xero_after_export(self, sync, items):
        for item in items:
            data = item.binding.xero_data or {}
            neutral = item.neutral
            if neutral["status"] in ("VOIDED", "DELETED") or not data.get("totals"):
                continue
            odoo = [_d(x) for x in neutral["odoo_totals"]]
            xero = [_d(x) for x in data["totals"]]
            diff = doc_map.totals_difference(odoo, xero)
            rounded = neutral.get("rounding") is not None
            if rounded and "Total" not in diff:
                continue  # reconciled by the rounding line
            if diff:
                details = ", ".join(
                    f"{field} Odoo {o} / Xero {x}"
                    for field, o, x in zip(("SubTotal", "TotalTax", "Total"), odoo, xero)
                    if field in diff
                )
                expected = neutral.get("expected_totals") or []
                rounding_only = expected and _d(expected[2]) == xero[2]
                sync.mismatch(
                    "export",
                    kind="totals",
                    record_name=item.record.display_name,
                    res_model=item.record._name,
                    res_id=item.record.id,
                    xero_id=item.xero_id,
                    messages=[self.env._("Totals differ after the export: %(details)s.", details=details)],
                    hint=self.env._(
                        "Xero rounds tax per line: set the company's tax rounding "
                        "to 'Round per Line', or the object's rounding policy to "
                        "'rounding line'."
                    )
                    if rounding_only
                    else self.env._(
                        "Compare the lines in Odoo and Xero; correct the document and click Retry."
                    ),
                    payload=item.payload,
                )
        self._xero_sync_allocations(sync, items)

    # ---------------------------------------------------------- allocations
    def _xero_wanted_allocations(self, sync, records):
        return {}

    def _xero_sync_allocations(self, sync, items):
        pass

    # ================================================================ import
    def _xero_import_page(self, sync, records):
        """Dependencies of the whole page first: one read per object, not one per document."""
        records = [r for r in records if self._xero_wants(sync, r)]
        self._xero_import_dependencies(sync, records)
        self.env["xero.object.tracking_categories"]._xero_need_tracking(
            sync,
            [
                (t.get("Name"), t.get("Option"))
                for r in records
                for line in r.get("LineItems") or []
                for t in line.get("Tracking") or []
                if isinstance(t, dict)
            ],
        )
        return super()._xero_import_page(sync, records)

    def _xero_import_dependencies(self, sync, records):
        """The contacts and items of Xero ``records`` (documents, orders) imported first."""
        contacts = {
            (r.get("Contact") or {}).get("ContactID"): (r.get("Contact") or {}).get("Name") for r in records
        }
        contacts.pop(None, None)
        if contacts:
            self._xero_require(sync, "contacts", sorted(contacts), names=contacts)
        item_ids = sorted(
            {(line.get("Item") or {}).get("ItemID") for r in records for line in r.get("LineItems") or []}
            - {None}
        )
        if item_ids:
            known = set(
                self._xero_bindings(sync)
                ._xero_find(sync.account, "items", xero_ids=item_ids, primary=True)
                .mapped("xero_id")
            )
            if set(item_ids) - known:
                self._xero_require(sync, "items", item_ids)

    def _xero_import_one(self, sync, xero_record, binding):
        status = xero_record.get("Status") or "DRAFT"
        if not binding and self._xero_state_map(sync).get(status) == "skip":
            return "skipped", None, None
        if binding:
            record = binding._record()
            if record.exists() and record.xero_no_sync:
                return "skipped", record, self.env._("do not sync")
            raw = (binding.xero_data or {}).get("updated_raw")
            if (
                raw
                and raw != xero_record.get("UpdatedDateUTC")
                and not sync.force
                and binding.xero_hash != payload_hash(xero_record)
            ):
                # Changed within the second the binding's date holds (Xero stamps to the
                # millisecond): the engine's date comparison would take it for unchanged.
                with sync.forcing():
                    return super()._xero_import_one(sync, xero_record, binding)
        return super()._xero_import_one(sync, xero_record, binding)

    def _xero_conflicting(self, sync, xero_record, binding, neutral, odoo):
        """Odoo's edit collides with a change of the content in Xero, with a void there, and
        with the payments or allocations Xero has on the document when the totals differ
        (Xero keeps a paid document as it is: the two sets of books disagree)."""
        data = binding.xero_data or {}
        if data.get("content") != content_hash(neutral):
            return True
        if neutral["status"] in ("VOIDED", "DELETED") and data.get("status") != neutral["status"]:
            return True
        money = (
            neutral.get("amount_paid")
            or neutral.get("amount_credited")
            or neutral.get("payments")
            or neutral.get("allocations")
        )
        return bool(money) and bool(
            doc_map.totals_difference(_xero_totals(neutral), [_d(x) for x in odoo["odoo_totals"]])
        )

    def _xero_conflict_fields(self, sync, binding, odoo, xero, keys):
        data = binding.xero_data or {}
        synced = data.get("totals") or [None] * 3
        rows = [
            (label, _d(mine), theirs, _d(last) if last is not None else _UNKNOWN)
            for label, mine, theirs, last in zip(
                (self.env._("Subtotal"), self.env._("Tax"), self.env._("Total")),
                odoo["odoo_totals"],
                _xero_totals(xero),
                synced,
            )
            if _d(mine) != theirs
        ]
        if odoo.get("status") != xero.get("status"):
            rows.append(
                (self.env._("Status"), odoo.get("status"), xero.get("status"), data.get("status") or _UNKNOWN)
            )
        if xero.get("amount_paid") or xero.get("amount_credited"):
            rows.append(
                (
                    self.env._("Paid or credited in Xero"),
                    None,
                    _d(xero.get("amount_paid")) + _d(xero.get("amount_credited")),
                    _UNKNOWN,
                )
            )
        labels = {
            "contact_id": self.env._("Contact"),
            "date": self.env._("Date"),
            "due_date": self.env._("Due Date"),
            "number": self.env._("Number"),
            "reference": self.env._("Reference"),
            "currency": self.env._("Currency"),
        }
        rows += [
            (label, odoo.get(key), xero.get(key), _UNKNOWN) for key, label in labels.items() if key in keys
        ]
        if "lines" in keys and not rows:
            rows.append((self.env._("Lines"), odoo.get("lines"), xero.get("lines"), _UNKNOWN))
        return rows

    def _xero_from_xero(self, sync, record):
        return doc_map.document_from_xero(record, self._xero_rounding_code(sync))

    def _xero_partner(self, sync, neutral):
        bindings = self._xero_bindings(sync)._xero_find(
            sync.account, "contacts", xero_ids=[neutral["contact_id"]], primary=True
        )
        if not bindings:
            self._xero_require(sync, "contacts", [neutral["contact_id"]])
            bindings = self._xero_bindings(sync)._xero_find(
                sync.account, "contacts", xero_ids=[neutral["contact_id"]], primary=True
            )
        if not bindings:
            entry = self.env["xero.mismatch.log"]._open_entry(
                sync.account, ["contacts"], "import", xero_id=neutral["contact_id"]
            )
            raise MappingError(
                self.env._(
                    "The Xero contact %(name)s could not be imported.",
                    name=neutral.get("contact_name") or neutral.get("contact_id"),
                ),
                hint=self.env._(
                    "Click Open Blocking Record to see why the contact was not "
                    "imported, fix it, then click Retry."
                )
                if entry
                else self.env._(
                    "Xero did not return the contact (archived or deleted there?): "
                    "check it in Xero, then click Retry."
                ),
                kind="dependency",
                missing=("contacts", neutral.get("contact_id")),
                blocking=("xero.mismatch.log", entry.id) if entry else None,
            )
        return self.env["res.partner"].browse(bindings[0].res_id)

    def _xero_currency(self, sync, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code or sync.company.currency_id.name)], limit=1)
        )
        if not currency:
            raise MappingError(self.env._("Odoo has no currency %(code)s.", code=code))
        if not currency.active:
            currency.with_context(xero_inbound=True).active = True
        return currency

    def _xero_tax(self, sync, tax_type, included):
        """The Odoo tax of a Xero TaxType, in its price-included or excluded variant."""
        if not tax_type:
            return self.env["account.tax"]
        if tax_type == "NONE" and not self._xero_bindings(sync)._xero_find(
            sync.account, "taxes", xero_ids=["NONE"]
        ):
            return self.env["account.tax"]
        cache = sync.cache.setdefault("doc_taxes", {})
        key = (tax_type, included)
        if key in cache:
            return cache[key]
        items = self.env["xero.object.items"]
        primary = items._xero_odoo_of(sync, "taxes", tax_type)
        extra = self._xero_bindings(sync)._xero_find(sync.account, "taxes", xero_ids=[tax_type])
        taxes = self.env["account.tax"].browse(extra.mapped("res_id")).exists() | primary
        tax = taxes.filtered(lambda t: bool(t.price_include) == included)[:1]
        if not tax:
            tax = self._xero_tax_twin(sync, primary, tax_type, included)
        cache[key] = tax
        return tax

    def _xero_tax_twin(self, sync, tax, tax_type, included):
        """The price-included (or excluded) twin of a tax, mapped to the same Xero rate."""
        suffix = self.env._("(incl.)") if included else self.env._("(excl.)")
        Tax = self.env["account.tax"].with_context(active_test=False, xero_inbound=True)
        twin = Tax.search(
            [
                ("company_id", "=", sync.company.id),
                ("name", "=", f"{tax.name} {suffix}"),
                ("type_tax_use", "=", tax.type_tax_use),
            ],
            limit=1,
        )
        if not twin:
            if tax.amount_type == "group":
                # One percent tax at the rate's effective percentage: Xero rounds an included
                # tax once per line at that rate, which a group of taxes cannot reproduce.
                source = tax.children_tax_ids.sorted("sequence")[:1]
                vals = {"amount": self._xero_tax_rate(tax), "amount_type": "percent"}
            else:
                source, vals = tax, {}
            vals.update(
                {
                    "name": f"{tax.name} {suffix}",
                    "type_tax_use": tax.type_tax_use,
                    "price_include_override": "tax_included" if included else "tax_excluded",
                }
            )
            twin = source.with_context(xero_inbound=True).copy(vals)
        if not self._xero_bindings(sync)._xero_find(sync.account, "taxes", res_ids=[twin.id]):
            self.env["xero.binding"].sudo().create(
                {
                    "account_id": sync.account.id,
                    "object_key": "taxes",
                    "res_model": "account.tax",
                    "res_id": twin.id,
                    "xero_id": tax_type,
                    "xero_number": tax_type,
                    "is_primary": False,
                    "state": "synced",
                }
            )
        return twin

    def _xero_line_vals(self, sync, neutral, line):
        if line.get("display"):
            return {"display_type": "line_note", "name": line.get("description") or "-"}
        items = self.env["xero.object.items"]
        vals = {
            "name": line.get("description") or "/",
            "quantity": line.get("quantity") or 0.0,
            "price_unit": line.get("unit_amount") or 0.0,
            "discount": line.get("discount_rate") or 0.0,
        }
        if line.get("discount_amount") and not line.get("discount_rate"):
            gross = (line.get("quantity") or 0.0) * (line.get("unit_amount") or 0.0)
            vals["discount"] = (line["discount_amount"] / gross * 100.0) if gross else 0.0
        if line.get("item_id") or line.get("item_code"):
            product = self._xero_product(sync, line)
            if product:
                vals["product_id"] = product.id
        if line.get("account_code"):
            vals["account_id"] = items._xero_odoo_of(sync, "accounts", line["account_code"]).id
        elif vals.get("product_id") is None:
            vals["account_id"] = self._xero_default_account(sync, neutral).id
        amount_type = (neutral.get("amount_type") or "Exclusive").lower()
        if amount_type == "notax":
            vals["tax_ids"] = [Command.clear()]
        else:
            tax = self._xero_tax(sync, line.get("tax_type"), amount_type == "inclusive")
            vals["tax_ids"] = [Command.set(tax.ids)]
        distribution = self.env["xero.object.tracking_categories"]._xero_line_distribution(
            sync,
            line.get("tracking"),
            self.env._("The line %(name)s", name=short(line.get("description") or "-")),
        )
        if distribution:
            vals["analytic_distribution"] = distribution
        return vals

    def _xero_product(self, sync, line):
        cache = sync.cache.setdefault("doc_products", {})
        key = line.get("item_id") or line.get("item_code")
        if key not in cache:
            which = (
                {"xero_ids": [line["item_id"]]} if line.get("item_id") else {"numbers": [line["item_code"]]}
            )
            binding = self._xero_bindings(sync)._xero_find(
                sync.account, "items", primary=True, limit=1, **which
            )
            cache[key] = (
                self.env["product.product"].browse(binding.res_id) if binding else self.env["product.product"]
            )
        return cache[key]

    def _xero_default_account(self, sync, neutral):
        journal = self._xero_journal(sync, neutral)
        account = journal.default_account_id
        if not account:
            raise MappingError(
                self.env._(
                    "A line has no account in Xero and the journal %(journal)s has no default account.",
                    journal=journal.display_name,
                )
            )
        return account

    def _xero_journal(self, sync, neutral):
        kind = "sale" if neutral["type"] in doc_map.SALES_TYPES else "purchase"
        cache = sync.cache.setdefault("doc_journal", {})
        if kind not in cache:
            cache[kind] = self.env["account.journal"].search(
                [("company_id", "=", sync.company.id), ("type", "=", kind)], limit=1
            )
            if not cache[kind]:
                raise MappingError(self.env._("The company has no %(kind)s journal.", kind=kind))
        return cache[kind]

    def _xero_vals(self, sync, neutral, record):
        partner = self._xero_partner(sync, neutral)
        currency = self._xero_currency(sync, neutral.get("currency"))
        sales = neutral["type"] in doc_map.SALES_TYPES
        vals = {
            "partner_id": partner.id,
            "invoice_date": neutral.get("date"),
            "currency_id": currency.id,
            "ref": (neutral.get("reference") if sales else neutral.get("number")) or False,
            "invoice_line_ids": [
                Command.create(self._xero_line_vals(sync, neutral, line))
                for index, line in enumerate(neutral.get("lines") or [])
                # The rounding line is Odoo's own tax rounding: Odoo computes it, not a line.
                if index != neutral.get("rounding_line")
            ],
        }
        if record is None:
            vals["move_type"] = MOVE_TYPES[neutral["type"]]
            vals["journal_id"] = self._xero_journal(sync, neutral).id
            vals["company_id"] = sync.company.id
        else:
            vals["invoice_line_ids"] = [Command.clear()] + vals["invoice_line_ids"]
        if neutral.get("due_date"):
            vals["invoice_date_due"] = neutral["due_date"]
            vals["invoice_payment_term_id"] = False
        if currency != sync.company.currency_id:
            if not neutral.get("rate"):
                raise MappingError(
                    self.env._(
                        "%(name)s is in %(currency)s and Xero sent no exchange rate "
                        "for it: it was not imported (Odoo would post it at a rate "
                        "of its own).",
                        name=neutral.get("number") or neutral.get("reference") or neutral.get("xero_id"),
                        currency=currency.name,
                    ),
                    hint=self.env._("Check the document's currency rate in Xero, then click Retry."),
                )
            vals["invoice_currency_rate"] = neutral["rate"]
        if (
            sales
            and neutral.get("number")
            and not doc_map.placeholder_ids(neutral["number"])
            and not (record and neutral["number"] == record.xero_number_override)
        ):
            # Never the connector's draft placeholder, nor the number chosen for the document
            # in Xero alone (Create Under Another Number): Odoo keeps its own.
            vals["name"] = neutral["number"]
            journal = record.journal_id if record else self._xero_journal(sync, neutral)
            other = self.env["account.move"].search(
                [
                    ("journal_id", "=", journal.id),
                    ("name", "=", neutral["number"]),
                    ("id", "!=", record.id if record else 0),
                ],
                limit=1,
            )
            if other:
                raise MappingError(
                    self.env._(
                        "Odoo already has %(number)s: %(other)s, another document than "
                        "Xero's %(number)s. The Xero document was not imported.",
                        number=neutral["number"],
                        other=other.display_name,
                    ),
                    hint=self.env._(
                        "Give one of the two another number (in Xero, or in Odoo "
                        "with Create Under Another Number on the Odoo document's "
                        "export entry), then click Retry."
                    ),
                )
        return vals

    def _xero_check_lock(self, sync, move, day):
        violated = sync.company._get_violated_lock_dates(day, True, move.journal_id)
        if violated:
            lock = max(d for d, __ in violated)
            raise MappingError(
                self.env._(
                    "%(name)s is dated %(date)s, inside Odoo's lock date %(lock)s: it was not imported.",
                    name=move.ref or move.name,
                    date=day,
                    lock=lock,
                ),
                hint=self.env._(
                    "Move the lock date in Odoo (Accounting > Lock Dates) if the "
                    "document belongs there, or correct its date in Xero; then "
                    "click Retry."
                ),
            )

    def _xero_check_totals(self, neutral, move):
        """Odoo's totals must be Xero's to the cent. Xero rounds tax once per line at the
        rate's effective percentage; Odoo rounds each component of a group tax. A difference
        of that size is put on the tax (as a user would in the totals widget); any other
        difference refuses the document."""
        if neutral.get("total") is None:
            return
        xero = _xero_totals(neutral)

        def odoo():
            return [_d(move.amount_untaxed), _d(move.amount_tax), _d(move.amount_total)]

        diff = doc_map.totals_difference(xero, odoo())
        lines = len(neutral.get("lines") or []) or 1
        if (
            diff
            and set(diff) <= {"TotalTax", "Total"}
            and move.state == "draft"
            and abs(diff.get("TotalTax", 0)) <= Decimal("0.01") * lines * 2
        ):
            totals = move.tax_totals
            for subtotal in totals.get("subtotals") or []:
                for group in subtotal.get("tax_groups") or []:
                    group["tax_amount_currency"] -= float(diff["TotalTax"])
                    break
                break
            move.with_context(xero_inbound=True).tax_totals = totals
            diff = doc_map.totals_difference(xero, odoo())
        if diff:
            raise MappingError(
                self.env._(
                    "Odoo computes %(odoo)s where Xero has %(xero)s (subtotal, tax, "
                    "total): the document was not imported.",
                    odoo=" / ".join(map(str, odoo())),
                    xero=" / ".join(map(str, xero)),
                ),
                hint=self.env._(
                    "Check that the Xero tax rates are mapped to Odoo taxes of the "
                    "same rate and that the company rounds taxes per line."
                ),
            )

    def _xero_set_state(self, sync, neutral, move, new):
        """Apply Xero's status to ``move`` (the rule: ``doc_map.import_transition``)."""
        check_totals, action = doc_map.import_transition(
            neutral["status"],
            self._xero_state_map(sync).get(neutral["status"], "draft"),
            move.state,
            move.payment_state,
            new,
            name=move.display_name,
        )
        if check_totals:
            self._xero_check_totals(neutral, move)
        if action == "post":
            self._xero_check_lock(sync, move, neutral.get("date") or move.date)
            move.with_context(xero_inbound=True).action_post()
            return True
        if action == "cancel":
            if move.state == "posted":
                self._xero_check_lock(sync, move, move.date)
            # Cancelling resets a posted move to draft first, which recomputes its tax lines
            # (Odoo's rounding, not Xero's): a void changes no amount, so no line is synced.
            move.with_context(xero_inbound=True, skip_invoice_sync=True).button_cancel()
            return True
        return False

    _xero_batch_create = True

    def _xero_batchable(self, sync, xero_record):
        # New documents Odoo keeps as drafts or posts (a void or deletion goes one by one).
        return self._xero_state_map(sync).get(xero_record.get("Status") or "DRAFT", "draft") in (
            "draft",
            "posted",
        )

    def _xero_create_batch(self, sync, prepared):
        """One create per move type, the totals and lock checks of each, one post."""
        Move = self.env["account.move"].with_company(sync.company).with_context(xero_inbound=True)
        created = [None] * len(prepared)
        by_type = {}
        for index, (__, __, vals) in enumerate(prepared):
            by_type.setdefault(vals["move_type"], []).append(index)
        for move_type, indexes in by_type.items():
            moves = Move.with_context(default_move_type=move_type).create([prepared[i][2] for i in indexes])
            for index, move in zip(indexes, moves, strict=True):
                created[index] = move
        states = self._xero_state_map(sync)
        to_post = Move.browse()
        for (__, neutral, __), move in zip(prepared, created):
            self._xero_check_totals(neutral, move)
            if states.get(neutral["status"], "draft") == "posted":
                self._xero_check_lock(sync, move, neutral.get("date") or move.date)
                to_post |= move
        if to_post:
            to_post.action_post()
        for (__, neutral, __), move in zip(prepared, created):
            self._xero_import_links(sync, neutral, move)
        return Move.browse([move.id for move in created])

    def _xero_create(self, sync, neutral):
        vals = self._xero_vals(sync, neutral, None)
        move = (
            self.env["account.move"]
            .with_company(sync.company)
            .with_context(xero_inbound=True, default_move_type=vals["move_type"])
            .create(vals)
        )
        self._xero_set_state(sync, neutral, move, True)
        self._xero_import_links(sync, neutral, move)
        return move

    def _xero_apply(self, sync, neutral, record):
        binding = self._xero_binding_of(sync, record)
        data = (binding.xero_data or {}) if binding else {}
        changed = False
        # Xero wins a conflict (the object's setting, or Keep Xero's): its content replaces
        # Odoo's edit even when Xero's content did not change.
        xero_wins = record.id in sync.cache.get("xero_wins", ())
        if (data.get("content") != content_hash(neutral) or xero_wins) and neutral["status"] not in (
            "VOIDED",
            "DELETED",
        ):
            vals = self._xero_vals(sync, neutral, record)
            was_posted = record.state == "posted"
            if was_posted:
                if record.payment_state in ("partial", "in_payment", "paid"):
                    raise MappingError(
                        self.env._(
                            "%(name)s changed in Xero, but Odoo has payments on it.", name=record.display_name
                        ),
                        hint=self.env._("Unreconcile the payments in Odoo, then click Retry."),
                    )
                self._xero_check_lock(sync, record, record.date)
                record.with_context(xero_inbound=True).button_draft()
            if record.state == "cancel":
                record.with_context(xero_inbound=True).button_draft()
            record.with_context(xero_inbound=True).write(vals)
            changed = True
        changed = self._xero_set_state(sync, neutral, record, False) or changed
        changed = self._xero_import_links(sync, neutral, record) or changed
        return changed

    def _xero_import_links(self, sync, neutral, move):
        """Credit notes: allocations (payments come with the Payments object)."""
        return False
