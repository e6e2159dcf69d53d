# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What quotes (sale.order) and purchase orders (purchase.order) share. Not an object itself.

The mapping is in ``xero/mapping/orders.py``. Codes resolve through the bindings with the
documents' helpers (contacts, items, taxes, accounts: ``xero.object.invoices``). A status moves
only along Xero's workflow: a new confirmed order is created SENT (or AUTHORISED) and moved
on in one more write per batch (``_xero_after_export``). Orders are not accounting entries:
the company's currency and tax rounding are not checked, but every imported order must have
Xero's totals to the cent, or it is not imported.
"""

from datetime import datetime, time

from odoo import fields, models
from odoo.fields import Command

from ..xero import CREATED, UPDATED
from ..xero.mapping import documents as doc_map
from ..xero.mapping import orders as order_map
from ..xero.mapping.common import MappingError, normalize_name, payload_hash
from ..xero.mapping.tracking import short
from .xero_object import _UNKNOWN


def _shown_lines(lines):
    keys = ("description", "quantity", "unit_amount", "discount_rate", "item_code", "tax_type")
    return [{k: line.get(k) for k in keys if line.get(k) not in (None, "")} for line in lines or ()]


def order_datetime(day):
    """A Xero date as an Odoo order datetime: noon UTC, the same calendar day in every
    timezone from UTC-11 to UTC+11."""
    return datetime.combine(day, time(12, 0)) if day else False


class XeroObjectOrder(models.AbstractModel):
    _name = "xero.object.order"
    _inherit = "xero.object"
    _description = "Xero Orders (shared)"
    _xero_number_key = "number"
    _xero_unique_key = "number"
    _xero_match_keys = (("number", "name", normalize_name),)
    _xero_kind_name = None  # orders.KINDS key
    _xero_qty_field = "product_uom_qty"

    @property
    def _xero_kind(self):
        return order_map.KINDS[self._xero_kind_name]

    @property
    def _xero_unique_field(self):
        return self._xero_kind.number_field

    def _xero_docs(self):
        """The documents' lookups (contacts, items, taxes, accounts, currencies)."""
        return self.env["xero.object.invoices"]

    def _xero_match_domain(self, sync):
        return [("company_id", "=", sync.company.id)]

    # -------------------------------------------------------- per model hooks
    def _xero_status_for(self, record, xero_status):
        """The Xero status an Odoo order stands for."""
        raise NotImplementedError

    def _xero_header(self, record):
        """The order's header as neutral values (number, dates, texts...)."""
        raise NotImplementedError

    def _xero_header_vals(self, sync, neutral, record):
        raise NotImplementedError

    def _xero_set_status(self, sync, neutral, record):
        """Bring the Odoo order to the state of Xero's status; True when it changed."""
        raise NotImplementedError

    def _xero_line_account(self, sync, line):
        """The Odoo account a line is sent with (its AccountCode, when bound)."""
        raise NotImplementedError

    # ================================================================ import
    def _xero_from_xero(self, sync, record):
        return order_map.order_from_xero(self._xero_kind, record)

    def _xero_import_page(self, sync, records):
        self._xero_docs()._xero_import_dependencies(sync, records)
        self.env["xero.object.tracking_categories"]._xero_need_tracking(
            sync,
            [
                (t.get("Name"), t.get("Option"))
                for r in records
                if isinstance(r, dict)
                for line in r.get("LineItems") or []
                for t in line.get("Tracking") or []
                if isinstance(t, dict)
            ],
        )
        return super()._xero_import_page(sync, records)

    def _xero_import_one(self, sync, xero_record, binding):
        if not binding and xero_record.get("Status") == "DELETED":
            return "skipped", None, None
        return super()._xero_import_one(sync, xero_record, binding)

    def _xero_record_name(self, neutral, record=None):
        if record:
            return record.display_name
        return neutral.get("number") or self.env._(
            "%(label)s of %(contact)s",
            label=self._xero_kind.label,
            contact=neutral.get("contact_name") or "?",
        )

    def _xero_line_vals(self, sync, neutral, line):
        docs = self._xero_docs()
        if line.get("display"):
            return {"display_type": "line_note", "name": line.get("description") or "-"}
        product = None
        if line.get("item_id") or line.get("item_code"):
            product = docs._xero_product(sync, line)
            if not product:
                raise MappingError(
                    self.env._(
                        "The Xero item %(code)s is not in Odoo.",
                        code=line.get("item_code") or line.get("item_id"),
                    ),
                    hint=self.env._(
                        "Import the items from Xero (Items object; its mismatch "
                        "entries say why one was not imported), then click Retry."
                    ),
                    kind="dependency",
                    missing=("items", line.get("item_code")),
                )
        vals = {
            "name": line.get("description") or "/",
            self._xero_qty_field: line.get("quantity") or 0.0,
            "price_unit": line.get("unit_amount") or 0.0,
            "discount": line.get("discount_rate") or 0.0,
            # Lines without a Xero item take the connector's product (Odoo needs one).
            "product_id": (product or self.env.ref("sync_xero_connector.product_xero_line")).id,
        }
        if line.get("discount_amount") and not line.get("discount_rate"):
            gross = (line.get("quantity") or 0.0) * (line.get("unit_amount") or 0.0)
            vals["discount"] = (line["discount_amount"] / gross * 100.0) if gross else 0.0
        amount_type = neutral.get("amount_type") or "Exclusive"
        if amount_type == "NoTax":
            vals["tax_ids"] = [Command.clear()]
        else:
            tax = docs._xero_tax(sync, line.get("tax_type"), amount_type == "Inclusive")
            vals["tax_ids"] = [Command.set(tax.ids)]
        distribution = self.env["xero.object.tracking_categories"]._xero_line_distribution(
            sync,
            line.get("tracking"),
            self.env._("The line %(name)s", name=short(line.get("description") or "-")),
        )
        if distribution:
            vals["analytic_distribution"] = distribution
        return vals

    def _xero_vals(self, sync, neutral, record):
        partner = self._xero_docs()._xero_partner(sync, neutral)
        vals = dict(self._xero_header_vals(sync, neutral, record), partner_id=partner.id)
        lines = [
            Command.create(self._xero_line_vals(sync, neutral, line)) for line in neutral.get("lines") or []
        ]
        if record is None:
            vals["company_id"] = sync.company.id
            vals["order_line"] = lines
        elif record.state in ("draft", "sent", "cancel"):
            vals["order_line"] = [Command.clear()] + lines
        else:
            vals["order_line"] = self._xero_lines_in_place(record, lines)
        return vals

    def _xero_lines_in_place(self, record, creates):
        """A confirmed order's lines are updated in place (Odoo refuses to delete them): the
        n-th line of Xero onto the n-th line of Odoo; lines Xero added are added, lines it
        removed are deleted (Odoo refuses that when they were delivered or invoiced)."""
        current = record.order_line.sorted(lambda l: (l.sequence, l.id))
        commands = []
        for index, command in enumerate(creates):
            if index < len(current):
                # (A line Xero no longer tracks loses its distribution.)
                commands.append(
                    Command.update(current[index].id, dict({"analytic_distribution": False}, **command[2]))
                )
            else:
                commands.append(command)
        commands += [Command.delete(line.id) for line in current[len(creates) :]]
        return commands

    def _xero_create(self, sync, neutral):
        vals = self._xero_vals(sync, neutral, None)
        record = self._xero_records_model(sync).with_context(xero_inbound=True).create(vals)
        self._xero_check_totals(neutral, record)
        self._xero_set_status(sync, neutral, record)
        return record

    def _xero_apply(self, sync, neutral, record):
        binding = self._xero_binding_of(sync, record)
        data = (binding.xero_data or {}) if binding else {}
        xero_wins = record.id in sync.cache.get("xero_wins", ())
        changed = False
        if data.get("content") != payload_hash(order_map.content_of(neutral)) or xero_wins:
            vals = self._xero_vals(sync, neutral, record)
            changed = bool(self._xero_diff(record, vals))
            record.with_context(xero_inbound=True).write(vals)
            self._xero_check_totals(neutral, record)
        return self._xero_set_status(sync, neutral, record) or changed

    def _xero_check_totals(self, neutral, record):
        """Odoo's totals must be Xero's to the cent, or the order is not imported."""
        if neutral.get("total") is None:
            return
        xero = [neutral.get(k) for k in ("sub_total", "total_tax", "total")]
        odoo = [record.amount_untaxed, record.amount_tax, record.amount_total]
        if doc_map.totals_difference(xero, odoo):
            raise MappingError(
                self.env._(
                    "Odoo computes %(odoo)s where Xero has %(xero)s (subtotal, tax, "
                    "total): the order was not imported.",
                    odoo=" / ".join("%.2f" % x for x in odoo),
                    xero=" / ".join("%.2f" % (x or 0.0) for x in xero),
                ),
                hint=self.env._(
                    "Check that the Xero tax rates are mapped to Odoo taxes of the "
                    "same rate (Configuration > Tax Mapping) and that the company "
                    "rounds taxes per line, then click Retry."
                ),
            )

    def _xero_conflict_fields(self, sync, binding, odoo, xero, keys):
        """The fields that differ, lines compared on what both sides have (Xero's carry its
        IDs and amounts too)."""
        rows = []
        for key in keys:
            if key not in order_map.CONTENT_KEYS + ("status",):
                continue
            mine, theirs = odoo.get(key), xero.get(key)
            if key == "lines":
                mine, theirs = _shown_lines(mine), _shown_lines(theirs)
            if mine != theirs:
                rows.append((key.replace("_", " ").capitalize(), mine, theirs, _UNKNOWN))
        return rows

    def _xero_currency_of(self, sync, neutral):
        return self._xero_docs()._xero_currency(sync, neutral.get("currency"))

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record and xero_record.get(self._xero_kind.id_field):
            remote = self._xero_from_xero(sync, xero_record)
            binding.xero_data = dict(
                binding.xero_data or {},
                status=remote["status"],
                updated_raw=xero_record.get("UpdatedDateUTC"),
                totals=[remote["sub_total"], remote["total_tax"], remote["total"]],
                content=payload_hash(order_map.content_of(remote)),
            )
        return binding

    # ================================================================ export
    def _xero_export_dependencies(self, sync, records):
        lines = records.mapped("order_line").filtered(lambda l: not l.display_type)
        products = lines.mapped("product_id") - self.env.ref("sync_xero_connector.product_xero_line")
        self._xero_docs()._xero_export_needed(
            sync,
            (
                ("contacts", records.mapped("partner_id.commercial_partner_id")),
                ("items", products),
                ("taxes", lines.mapped("tax_ids")),
            ),
        )
        self.env["xero.object.tracking_categories"]._xero_export_line_options(
            sync, lines.mapped("analytic_distribution")
        )

    def _xero_snapshot(self, sync, records):
        lines = records.mapped("order_line")
        partners = records.mapped("partner_id.commercial_partner_id")
        contact_ids = {
            b.res_id: b.xero_id
            for b in self._xero_bindings(sync)._xero_find(
                sync.account, "contacts", res_ids=partners.ids, primary=True
            )
        }
        item_codes = self._xero_bindings(sync)._xero_codes_of(
            sync.account, "items", lines.mapped("product_id")
        )
        tax_codes = self._xero_bindings(sync)._xero_codes_of(sync.account, "taxes", lines.mapped("tax_ids"))
        accounts = {line.id: self._xero_line_account(sync, line) for line in lines}
        account_codes = self._xero_bindings(sync)._xero_codes_of(
            sync.account, "accounts", self.env["account.account"].union(*accounts.values())
        )
        data = {
            b.res_id: b.xero_data or {}
            for b in self._xero_bindings(sync)._xero_find(
                sync.account, self._xero_key, res_ids=records.ids, primary=True
            )
        }
        out = {}
        for order in records:
            out[order.id] = self._xero_order_neutral(
                sync,
                order,
                contact_ids,
                item_codes,
                tax_codes,
                {line_id: account_codes.get(account.id) for line_id, account in accounts.items()},
                data.get(order.id, {}),
            )
        return out

    def _xero_order_neutral(self, sync, order, contact_ids, item_codes, tax_codes, line_accounts, data):
        docs = self._xero_docs()
        errors, lines, flags = [], [], []
        for line in order.order_line.sorted(lambda l: (l.sequence, l.id)):
            if line.display_type:
                lines.append({"description": line.name or "", "display": "note"})
                continue
            taxes = line.tax_ids
            flags.append({bool(t.price_include) for t in taxes})
            tax_code = docs._xero_line_tax_code(sync, line.name, taxes, tax_codes, errors)
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
                    "quantity": line[self._xero_qty_field],
                    "unit_amount": line.price_unit,
                    "discount_rate": line.discount or None,
                    "item_code": item_codes.get(line.product_id.id),
                    "account_code": line_accounts.get(line.id),
                    "tax_type": tax_code,
                    "display": None,
                }
            )
        amount_type = "Exclusive"
        try:
            amount_type = doc_map.amount_type_of(flags)
        except MappingError as exc:
            errors.append(exc)
        partner = order.partner_id.commercial_partner_id
        neutral = dict(
            self._xero_header(order),
            **{
                "kind": self._xero_kind_name,
                "contact_id": contact_ids.get(partner.id),
                "contact_name": partner.display_name,
                "contact_blocking": ("res.partner", partner.id),
                "status": self._xero_status_for(order, data.get("status")),
                "xero_status": data.get("status"),
                "currency": order.currency_id.name,
                "foreign": order.currency_id != sync.company.currency_id,
                "rate": order.currency_rate,
                "amount_type": amount_type,
                "lines": lines,
                "odoo_totals": [order.amount_untaxed, order.amount_tax, order.amount_total],
                "errors": errors,
            },
        )
        return neutral

    def _xero_to_xero(self, sync, neutral, xero_id):
        kind = self._xero_kind
        wanted = neutral["status"]
        current = neutral.get("xero_status") if xero_id else None
        if wanted == "DELETED" and xero_id:
            if current == "DELETED":
                return order_map.status_payload(kind, xero_id, "DELETED")
            order_map.status_path(kind, current, wanted)  # refused when Xero cannot
            return order_map.status_payload(kind, xero_id, "DELETED")
        for error in neutral.get("errors") or ():
            raise error
        if not neutral.get("contact_id"):
            raise MappingError(
                self.env._(
                    "The partner %(partner)s is not in Xero yet.", partner=neutral.get("contact_name")
                ),
                hint=self.env._("Export the partner, then click Retry."),
                kind="dependency",
                missing=("contacts", neutral.get("contact_name")),
                blocking=neutral.get("contact_blocking"),
            )
        if current and not kind.transitions.get(current) and current == wanted:
            raise MappingError(
                self.env._(
                    "%(name)s is %(status)s in Xero and cannot be changed there.",
                    name=neutral.get("number"),
                    status=current.lower(),
                ),
                hint=self.env._("Create a new order in Odoo for the changes."),
            )
        path = order_map.status_path(kind, current, wanted)
        # The first status goes with the content; the rest follow (``_xero_after_export``).
        neutral["status_rest"] = path[1:]
        return order_map.order_to_xero(kind, neutral, xero_id, status=path[0])

    def _xero_hash(self, sync, neutral, payload):
        # What Odoo wants in Xero, whatever the steps to get there.
        return payload_hash(dict(payload, Status=neutral["status"]))

    def _xero_prepare(self, sync, item):
        if (
            not item.xero_id
            and item.neutral["status"] in ("DELETED", "DECLINED")
            and item.record.state == "cancel"
        ):
            return self._xero_nothing_to_send(sync, item)
        return super()._xero_prepare(sync, item)

    def _xero_after_export(self, sync, items):
        """The rest of each order's way along Xero's workflow, one write per step for the
        whole batch (e.g. a new confirmed order: created SENT, then ACCEPTED)."""
        kind = self._xero_kind
        pending = [item for item in items if item.neutral.get("status_rest")]
        step = 0
        while pending:
            payloads = [
                order_map.status_payload(kind, item.binding.xero_id, item.neutral["status_rest"][step])
                for item in pending
            ]
            results = self._xero_send(sync, payloads)
            going = []
            for item, result in zip(pending, results):
                if result.status in (CREATED, UPDATED):
                    item.binding = self._xero_bind(
                        sync, item.record, result.record or {}, item.neutral, "export", item.hash
                    )
                    if step + 1 < len(item.neutral["status_rest"]):
                        going.append(item)
                else:
                    item.xero_id = item.binding.xero_id
                    self._xero_export_failed(
                        sync, item, result.messages, self._xero_hint(result.messages), "validation"
                    )
                    item.binding.payload_hash = False  # the status is still to be sent
            pending, step = going, step + 1

    def _xero_remote_records(self, sync, items):
        """Xero's orders, read once per run (Quotes and PurchaseOrders take no ``where``)."""
        if "remote_all" not in sync.cache:
            spec_id = self._xero_kind.id_field
            sync.cache["remote_all"] = [
                r
                for r in sync.client.iter_records(self._xero_collection)
                if isinstance(r, dict) and r.get(spec_id)
            ]
        return sync.cache["remote_all"]

    def _xero_same_as_remote(self, sync, item, remote_neutral):
        return False

    # ------------------------------------------------------------ tombstones
    def _xero_tombstone_payload(self, sync, binding):
        """A deleted Odoo order: DELETED in Xero, unless it is there already or Xero's
        workflow forbids it (an invoiced quote stays)."""
        current = sync.client.get_record(self._xero_collection, binding.xero_id)
        status = (current or {}).get("Status")
        if (
            current is None
            or status == "DELETED"
            or "DELETED" not in self._xero_kind.transitions.get(status, ())
        ):
            return None
        return order_map.status_payload(self._xero_kind, binding.xero_id, "DELETED")

    def _xero_tombstone_settled(self, sync, xero_record):
        return xero_record.get("Status") == "DELETED"

    def _xero_order_date(self, record):
        return fields.Datetime.to_datetime(record.date_order).date() if record.date_order else None
