# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Inventory -> Xero: the quantity on hand of every tracked item in Xero follows Odoo's.

Xero moves a tracked item's quantity only with approved documents: the bills, invoices and
credit notes the documents objects send already move it (a vendor bill adds, a customer invoice
takes out). What no synced document says (inventory counts, scrap, receipts and deliveries
without a bill or invoice in Xero, a document whose quantity differs from what was delivered)
goes as an *inventory adjustment*, Xero's own way: a zero-total bill (increase) or supplier
credit note (decrease) with the item's line at the product's cost on its inventory asset
account, and the opposite line on the account's inventory adjustment account
(``xero/mapping/inventory.py``).

Per storable product bound to a tracked Xero item, one read of Xero's items gives its
``QuantityOnHand``; the adjustment is the difference from Odoo's on-hand quantity (the
company's warehouses), less what documents Odoo will still send (posted, not approved in Xero
yet, of a documents object enabled for export) or void: their quantity is left to them, so
that nothing is counted twice. Reading Xero's quantity first makes a run idempotent by
construction: a rerun finds nothing to change, and after a crash the quantity Xero already
took is not sent again. Each adjustment is an ``xero.inventory.adjustment`` record (with the
done stock moves of the product since its previous adjustment) bound to its Xero document;
new ones are bound "in flight" first, with a token in the document's number that the next run
looks for, and their Idempotency-Key is derived from the product, those moves, the previous
adjustment and the figures, so a retry of the same adjustment replays Xero's answer.
"""

import hashlib
import json
import logging
from datetime import timezone

from odoo import fields, models
from odoo.fields import Command
from odoo.tools import float_is_zero
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sync_xero_connector.models.xero_mapping_messages import mapping_texts
from odoo.addons.sync_xero_connector.models.xero_object import BATCH_SIZE, INFLIGHT_MARGIN, naive_utc
from odoo.addons.sync_xero_connector.xero import (
    CREATED,
    UPDATED,
    XeroConnectionError,
    XeroError,
    XeroServerError,
    validate,
)
from odoo.addons.sync_xero_connector.xero.dates import parse_datetime
from odoo.addons.sync_xero_connector.xero.mapping import inventory as inventory_map
from odoo.addons.sync_xero_connector.xero.mapping.common import MappingError, payload_hash
from odoo.addons.sync_xero_connector.xero.objects import collection as collection_spec

_logger = logging.getLogger(__name__)

ADJUSTMENT_MODEL = "xero.inventory.adjustment"
# The documents objects, per Odoo move type (their quantities move Xero's once approved).
DOCUMENT_KEYS = {
    "out_invoice": "invoices",
    "in_invoice": "bills",
    "out_refund": "credit_notes",
    "in_refund": "credit_notes",
}
APPROVED = ("AUTHORISED", "PAID")
PURCHASE_TYPES = {"Invoices": "ACCPAY", "CreditNotes": "ACCPAYCREDIT"}


class Plan:
    """One product in this run: what Odoo and Xero hold, and the adjustment to send."""

    __slots__ = (
        "product",
        "item",
        "odoo_qty",
        "xero_qty",
        "xero_value",
        "pending",
        "pending_names",
        "quantity",
        "unit_cost",
        "moves",
        "previous",
        "token",
        "collection",
        "payload",
        "hash",
        "adjustment",
        "binding",
    )

    def __init__(self, product, item):
        self.product = product
        self.item = item
        self.adjustment = None
        self.binding = None


class XeroObjectInventory(models.AbstractModel):
    _name = "xero.object.inventory"
    _inherit = "xero.object"
    _description = "Xero Inventory Adjustments"
    _xero_key = "inventory"
    _xero_model = "product.product"
    _xero_can_import = False
    _xero_unique_key = None
    _xero_export_reads_remote = False

    def _xero_match_domain(self, sync):
        return [("company_id", "in", [False, sync.company.id]), ("is_storable", "=", True)]

    # ------------------------------------------------------------ the account
    def _xero_adjustment_account_code(self, sync):
        """The Xero code of the account's inventory adjustment account; None (with a mismatch
        entry saying where to set it) when it is not set or not in Xero."""
        account = sync.account.sudo()
        odoo_account = account.inventory_adjustment_account_id
        where = self.env._(
            "Accounting > Xero > Xero Accounts > %(account)s > Synchronisation tab > Inventory "
            "Adjustment Account",
            account=account.name,
        )
        if not odoo_account:
            message = self.env._(
                "No inventory adjustment account is set on the Xero account %(account)s: Xero "
                "books an inventory adjustment against it, so none was sent.",
                account=account.name,
            )
            hint = self.env._(
                "Set the inventory adjustment account in %(where)s (an account Xero has, e.g. "
                "Cost of Goods Sold or an expense account 'Inventory Adjustments'), then click "
                "Retry.",
                where=where,
            )
        else:
            binding = (
                self.env["xero.binding"]
                .sudo()
                .search(
                    [
                        ("account_id", "=", account.id),
                        ("object_key", "=", "accounts"),
                        ("res_id", "=", odoo_account.id),
                        ("xero_number", "!=", False),
                    ],
                    limit=1,
                )
            )
            if binding:
                self.env["xero.mismatch.log"]._resolve(
                    account, self._xero_key, "export", res_model="xero.account", res_ids=[account.id]
                )
                return binding.xero_number
            message = self.env._(
                "The inventory adjustment account %(name)s is not in Xero, so no adjustment was sent.",
                name=odoo_account.display_name,
            )
            hint = self.env._(
                "Import the Accounts object from Xero (Odoo accounts are linked by code), or choose "
                "an account Xero has in %(where)s; then click Retry.",
                where=where,
            )
        sync.mismatch(
            "export",
            kind="dependency",
            record_name=self.env._("Inventory adjustment account of %(account)s", account=account.name),
            res_model="xero.account",
            res_id=account.id,
            messages=[message],
            hint=hint,
            blocking=("account.account", odoo_account.id) if odoo_account else None,
        )
        return None

    # ---------------------------------------------------------------- export
    def _xero_export(self, sync, records=None):
        # Values go in the company's currency: Xero's base currency must be the same.
        sync.account._xero_check_documents(sync.client)
        if not sync.dry_run:
            self._xero_resolve_inflight(sync)
        products = self._xero_products(sync, records)
        if not products:
            return
        plans = self._xero_plans(sync, products)
        if not plans:
            return
        if not sync.settings._allows("create"):
            for plan in plans:
                sync.recorder.add("skipped")
                sync.recorder.line(
                    "skipped", plan.product, note=self.env._("not sent: the object's Mode creates nothing")
                )
            return
        account_code = self._xero_adjustment_account_code(sync)
        if not account_code:
            for plan in plans:
                sync.recorder.add(
                    "failed",
                    plan.product,
                    note=self.env._("not sent: the inventory adjustment account is missing (see its entry)"),
                )
            return
        sendable = [plan for plan in plans if self._xero_prepare_plan(sync, plan, account_code)]
        for collection in ("Invoices", "CreditNotes"):
            group = [plan for plan in sendable if plan.collection == collection]
            for start in range(0, len(group), BATCH_SIZE):
                self._xero_send_chunk(sync, collection, group[start : start + BATCH_SIZE])

    def _xero_products(self, sync, records):
        """Storable products bound to a Xero item: ``{product: item binding}``."""
        bindings = self._xero_bindings(sync)._xero_find(
            sync.account,
            "items",
            res_model="product.product",
            primary=True,
            not_states=("deleted", "closed", "inflight"),
            extra=[("xero_id", "!=", False)],
        )
        by_product = {b.res_id: b for b in bindings}
        products = (
            self.env["product.product"]
            .with_company(sync.company)
            .with_context(active_test=False)
            .browse(list(by_product))
            .exists()
        )
        if records is not None and records._name == "product.product":
            products &= records
        products = products.filtered(
            lambda p: p.is_storable and (not p.company_id or p.company_id == sync.company)
        )
        return {product: by_product[product.id] for product in products.sorted("id")}

    def _xero_plans(self, sync, products):
        """The plans of the products that are tracked in Xero and whose quantity must change;
        the others are counted (and a line says why when something is wrong)."""
        spec = collection_spec("Items")
        items = {
            item["ItemID"]: item
            for item in sync.client.iter_records("Items")
            if isinstance(item, dict) and not validate.problems(item, spec)
        }
        company = sync.company
        # Xero users need not have Inventory rights: the quantities are read for the sync.
        on_hand = {
            product.id: product.qty_available
            for product in self.env["product.product"]
            .sudo()
            .with_company(company)
            .with_context(allowed_company_ids=[company.id], active_test=False)
            .browse([p.id for p in products])
        }
        pending = self._xero_pending(sync, list(products))
        candidates = []
        for product, binding in products.items():
            item = items.get(binding.xero_id)
            if not item or not item.get("IsTrackedAsInventory"):
                sync.recorder.add("skipped")
                if item and not float_is_zero(on_hand[product.id], precision_digits=4):
                    sync.recorder.line(
                        "skipped",
                        product,
                        xero_id=binding.xero_id,
                        note=self.env._(
                            "Track Inventory is on in Odoo but the Xero item %(code)s is not tracked: "
                            "export the product with the Items object (with its Xero inventory asset "
                            "and COGS accounts) to track it",
                            code=item.get("Code"),
                        ),
                    )
                continue
            plan = Plan(product, item)
            plan.odoo_qty = on_hand[product.id]
            plan.xero_qty = float(item.get("QuantityOnHand") or 0.0)
            plan.xero_value = float(item.get("TotalCostPool") or 0.0)
            plan.pending, plan.pending_names = pending.get(product.id, (0.0, []))
            try:
                inventory_map.check_adjustment(
                    item.get("Code"), plan.odoo_qty, item.get("InventoryAssetAccountCode")
                )
            except MappingError as exc:
                message, hint = mapping_texts(self.env, exc)
                self._xero_plan_failed(sync, plan, [message], hint, exc.kind)
                continue
            target = max(plan.odoo_qty - plan.pending, 0.0)
            plan.quantity = inventory_map.adjustment_quantity(target, plan.xero_qty)
            if not plan.quantity:
                # Xero holds Odoo's quantity (or will, once the pending documents are in).
                self.env["xero.mismatch.log"]._resolve(
                    sync.account, self._xero_key, "export", res_model="product.product", res_ids=[product.id]
                )
                sync.recorder.add("skipped")
                continue
            candidates.append(plan)
        if candidates:
            moves = self._xero_uncovered_moves(sync, [plan.product.id for plan in candidates])
            previous = self._xero_previous(sync, [plan.product.id for plan in candidates])
            for plan in candidates:
                plan.moves = moves.get(plan.product.id, [])
                plan.previous = previous.get(plan.product.id)
        return candidates

    def _xero_prepare_plan(self, sync, plan, account_code):
        """The payload of ``plan``; False when it is not to be sent (refused before, or not
        mappable), counted and logged here."""
        product, item = plan.product, plan.item
        plan.unit_cost = inventory_map.adjustment_unit_cost(
            plan.quantity, product.standard_price, plan.xero_qty, plan.xero_value
        )
        plan.token = self._xero_token(sync, plan)
        neutral = {
            "code": item["Code"],
            "description": item.get("Name") or product.display_name,
            "quantity": plan.quantity,
            "unit_cost": plan.unit_cost,
            "inventory_account_code": item["InventoryAssetAccountCode"],
            "adjustment_account_code": account_code,
            "date": fields.Date.context_today(self),
            "token": plan.token,
            "line_description": self.env._("Inventory adjustment"),
        }
        plan.collection, plan.payload = inventory_map.adjustment_to_xero(neutral)
        # What Xero refused is not sent again until it changes (the date and the token aside).
        plan.hash = payload_hash({"collection": plan.collection, "lines": plan.payload["LineItems"]})
        if not sync.force and (product.id, plan.hash) in self._xero_refused(sync):
            sync.recorder.add("skipped", product)
            return False
        return True

    def _xero_refused(self, sync):
        if "refused" not in sync.cache:
            sync.cache["refused"] = {
                (r["res_id"], r["payload_hash"])
                for r in self.env["xero.mismatch.log"]
                .sudo()
                .search_read(
                    [
                        ("account_id", "=", sync.account.id),
                        ("object_key", "=", self._xero_key),
                        ("direction", "=", "export"),
                        ("state", "=", "open"),
                        ("res_model", "=", "product.product"),
                        ("payload_hash", "!=", False),
                    ],
                    ["res_id", "payload_hash"],
                )
            }
        return sync.cache["refused"]

    def _xero_token(self, sync, plan):
        """Deterministic for the same adjustment (product, moves, previous adjustment, figures):
        a retry sends the same document, under the same Idempotency-Key."""
        basis = json.dumps(
            [
                sync.account.id,
                sync.account.tenant_id,
                plan.product.id,
                plan.previous or "",
                sorted(plan.moves),
                plan.quantity,
                plan.unit_cost,
                plan.xero_qty,
            ]
        )
        return hashlib.sha256(basis.encode()).hexdigest()[:12]

    # ------------------------------------------------------- Odoo's figures
    def _xero_pending(self, sync, products):
        """``{product id: (quantity, [document names])}``: what Odoo's documents will still do
        to Xero's quantity. Posted documents Xero does not hold approved, that their object
        (enabled, direction with export) is to send: their quantity; cancelled ones Xero holds
        approved and the object is to void: the opposite."""
        exporting = {}
        for key in set(DOCUMENT_KEYS.values()):
            settings = sync.account._xero_settings(key)
            if settings.enabled and settings._does("export"):
                exporting[key] = settings
        types = [t for t, key in DOCUMENT_KEYS.items() if key in exporting]
        if not types or not products:
            return {}
        rows = self.env["xero.binding"]._xero_document_product_lines(
            sync.account, list(exporting), products, sync.company, types, APPROVED
        )
        if not rows:
            return {}
        # Posted ones go only if their object's export takes them (its domain and filter).
        to_send = set()
        Move = self.env["account.move"].with_context(active_test=False)
        for key, settings in exporting.items():
            ids = [r[1] for r in rows if r[3] == "posted" and DOCUMENT_KEYS[r[2]] == key]
            if not ids:
                continue
            obj = self.env["xero.object"]._xero_object(key)
            domain = obj._xero_export_domain(sync) + [("id", "in", ids)]
            if settings.export_domain:
                domain += safe_eval(settings.export_domain)
            to_send.update(Move.search(domain).ids)
        lines, names = {}, {}
        moves = Move.browse(sorted({r[1] for r in rows}))
        labels = {m.id: m.display_name for m in moves}
        for product_id, move_id, move_type, state, quantity, binding_state in rows:
            if state == "posted" and move_id in to_send:
                sign = 1
            elif state == "cancel" and binding_state in ("pending", "error"):
                sign = -1  # approved in Xero, cancelled in Odoo: the void is still to go
            else:
                continue
            lines.setdefault(product_id, []).append((move_type, quantity, sign))
            names.setdefault(product_id, []).append(labels[move_id])
        return {
            product_id: (inventory_map.pending_quantity(entries), sorted(names[product_id]))
            for product_id, entries in lines.items()
        }

    def _xero_uncovered_moves(self, sync, product_ids):
        """``{product id: [stock move ids]}``: done moves in or out of the company's internal
        locations that no adjustment of this organisation covers yet."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT m.product_id, m.id
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
             WHERE m.product_id = ANY(%(products)s) AND m.state = 'done'
               AND m.company_id = %(company)s
               AND (src.usage = 'internal') <> (dst.usage = 'internal')
               AND NOT EXISTS (
                   SELECT 1
                     FROM xero_inventory_adjustment_stock_move_rel r
                     JOIN xero_inventory_adjustment a ON a.id = r.adjustment_id
                    WHERE r.move_id = m.id AND a.account_id = %(account)s AND a.tenant_id = %(tenant)s)
             ORDER BY m.id
            """,
            {
                "products": product_ids,
                "company": sync.company.id,
                "account": sync.account.id,
                "tenant": sync.account.tenant_id,
            },
        )
        out = {}
        for product_id, move_id in self.env.cr.fetchall():
            out.setdefault(product_id, []).append(move_id)
        return out

    def _xero_previous(self, sync, product_ids):
        """``{product id: Xero ID of its latest adjustment in this organisation}``."""
        adjustments = (
            self.env[ADJUSTMENT_MODEL]
            .sudo()
            .search(
                [
                    ("account_id", "=", sync.account.id),
                    ("tenant_id", "=", sync.account.tenant_id),
                    ("product_id", "in", product_ids),
                ],
                order="id desc",
            )
        )
        bindings = adjustments._bindings()
        out = {}
        for adjustment in adjustments:
            binding = bindings.get(adjustment.id)
            if adjustment.product_id.id not in out and binding and binding.xero_id:
                out[adjustment.product_id.id] = binding.xero_id
        return out

    # --------------------------------------------------------------- sending
    def _xero_send_chunk(self, sync, collection, chunk):
        if sync.dry_run:
            for plan in chunk:
                sync.recorder.add("created", plan.product, note=self._xero_line_note(plan))
            sync.checkpoint(len(chunk))
            return
        # A clean stop: nothing marked in flight for a batch Xero's day cannot take.
        sync.client.check_day_budget(1)
        self._xero_mark_inflight(sync, chunk)
        # Resending what Xero refused (Retry): not the refusal's Idempotency-Key again (Xero
        # replays the answer of a known key, refusals too).
        refused = self._xero_refused(sync)
        if any((plan.product.id, plan.hash) in refused for plan in chunk):
            sync.client.idempotency_salt = f"retry-{sync.run.id}"
        try:
            results = sync.client.write(
                collection, [plan.payload for plan in chunk], method="PUT", hint="inventory"
            )
        except XeroError as exc:
            # No answer (connection, Xero down): they may be in Xero, the next run looks.
            # Any other answer says they were not created.
            if not isinstance(exc, (XeroConnectionError, XeroServerError)):
                self._xero_drop_inflight(sync, chunk)
            raise
        finally:
            sync.client.idempotency_salt = None
        number_field = inventory_map.NUMBER_FIELDS[collection]
        for plan, result in zip(chunk, results):
            if result.status in (CREATED, UPDATED):
                self._xero_landed(sync, plan, result.record or {}, number_field, result.xero_id)
                continue
            self._xero_drop_inflight(sync, [plan])
            self._xero_plan_failed(
                sync,
                plan,
                [
                    self.env._(
                        "Xero refused the inventory adjustment of %(product)s (%(quantity)+g):",
                        product=plan.product.display_name,
                        quantity=plan.quantity,
                    )
                ]
                + list(result.messages),
                self.env._(
                    "Correct what Xero's message names (the product's cost, the item's accounts in "
                    "Xero, the inventory adjustment account, a lock date), then click Retry."
                ),
                "validation",
                payload=plan.payload,
            )
        sync.checkpoint(len(chunk))

    def _xero_mark_inflight(self, sync, chunk):
        """Each adjustment is recorded, bound "in flight" with its token, before it is sent;
        committed first when the entry point commits per batch, so that a crash after Xero
        created it leaves the trace the next run follows."""
        stamp = fields.Datetime.now()
        if sync.client.server_time:
            stamp = min(stamp, naive_utc(sync.client.server_time))
        Adjustment = self.env[ADJUSTMENT_MODEL].sudo()
        adjustments = Adjustment.create(
            [
                {
                    "account_id": sync.account.id,
                    "tenant_id": sync.account.tenant_id,
                    "product_id": plan.product.id,
                    "date": plan.payload["Date"],
                    "document_type": plan.payload["Type"],
                    "quantity": plan.quantity,
                    "unit_cost": plan.unit_cost,
                    "odoo_quantity": plan.odoo_qty,
                    "xero_quantity": plan.xero_qty,
                    "pending_quantity": plan.pending,
                    "move_ids": [Command.set(plan.moves)],
                    "run_id": sync.run.id,
                    "token": plan.token,
                }
                for plan in chunk
            ]
        )
        bindings = self._xero_bindings(sync).create(
            [
                {
                    "account_id": sync.account.id,
                    "object_key": self._xero_key,
                    "res_model": ADJUSTMENT_MODEL,
                    "res_id": adjustment.id,
                    "state": "inflight",
                    "inflight_token": plan.token,
                    "inflight_at": stamp,
                    "payload_hash": plan.hash,
                    "last_direction": "export",
                    "xero_data": {"collection": plan.collection, "product_id": plan.product.id},
                }
                for plan, adjustment in zip(chunk, adjustments)
            ]
        )
        for plan, adjustment, binding in zip(chunk, adjustments, bindings):
            plan.adjustment, plan.binding = adjustment, binding
        if sync.commit_hook:
            sync.checkpoint(0)

    def _xero_drop_inflight(self, sync, plans):
        for plan in plans:
            if plan.binding:
                plan.binding.unlink()
            if plan.adjustment:
                plan.adjustment.unlink()
            plan.binding = plan.adjustment = None

    def _xero_landed(self, sync, plan, xero_record, number_field, xero_id):
        plan.binding.write(self._xero_landed_vals(xero_record, number_field, xero_id))
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "export", res_model="product.product", res_ids=[plan.product.id]
        )
        sync.recorder.add("created", plan.adjustment, xero_id=xero_id, note=self._xero_line_note(plan))

    def _xero_landed_vals(self, xero_record, number_field, xero_id):
        updated = xero_record.get("UpdatedDateUTC")
        return {
            "xero_id": xero_id,
            "xero_number": xero_record.get(number_field) or False,
            "xero_updated_at": naive_utc(parse_datetime(updated)) if updated else False,
            "xero_hash": payload_hash(xero_record) if xero_record else False,
            "state": "synced",
            "last_error": False,
            "inflight_token": False,
            "inflight_at": False,
            "last_sync_at": fields.Datetime.now(),
            "last_direction": "export",
        }

    def _xero_line_note(self, plan):
        note = self.env._(
            "%(quantity)+g at %(cost)s (Odoo has %(odoo)g on hand, Xero had %(xero)g)",
            quantity=plan.quantity,
            cost=plan.unit_cost,
            odoo=plan.odoo_qty,
            xero=plan.xero_qty,
        )
        if plan.pending:
            note += self.env._(
                "; %(pending)+g left to documents not in Xero yet: %(names)s",
                pending=plan.pending,
                names=", ".join(plan.pending_names[:5]),
            )
        return note

    def _xero_plan_failed(self, sync, plan, messages, hint, kind, payload=None):
        product = plan.product
        sync.mismatch(
            "export",
            kind=kind,
            record_name=product.display_name,
            res_model="product.product",
            res_id=product.id,
            xero_id=plan.item.get("ItemID"),
            messages=messages,
            hint=hint,
            payload=payload,
            payload_hash=plan.hash if payload else None,
        )
        sync.recorder.add(
            "failed", product, xero_id=plan.item.get("ItemID"), note=(messages or [""])[-1][:200]
        )

    # ------------------------------------------------------ after a crash
    def _xero_resolve_inflight(self, sync):
        """First thing of every run: adjustments an interrupted run sent without recording
        Xero's answer. One read per document type of what Xero changed since they were sent
        finds those Xero created, by the token in their number: they are bound. The others
        were not created: their records go (this run sends what is still missing)."""
        inflight = self._xero_bindings(sync)._xero_find(sync.account, self._xero_key, states=["inflight"])
        if not inflight:
            return
        since = (min(inflight.mapped("inflight_at")) - INFLIGHT_MARGIN).replace(tzinfo=timezone.utc)
        found = {}
        for collection, doc_type in PURCHASE_TYPES.items():
            if not any((b.xero_data or {}).get("collection") == collection for b in inflight):
                continue
            spec = collection_spec(collection)
            for record in sync.client.iter_records(
                collection, if_modified_since=since, where=f'Type=="{doc_type}"'
            ):
                if not isinstance(record, dict) or validate.problems(record, spec):
                    continue
                token = inventory_map.token_of(record)
                if token:
                    found.setdefault(token, (collection, record))
        Adjustment = self.env[ADJUSTMENT_MODEL].sudo()
        for binding in inflight:
            adjustment = Adjustment.browse(binding.res_id).exists()
            hit = found.get(binding.inflight_token)
            if not hit or not adjustment:
                binding.unlink()
                adjustment.unlink()
                continue
            collection, record = hit
            spec = collection_spec(collection)
            binding.write(
                self._xero_landed_vals(record, inventory_map.NUMBER_FIELDS[collection], record[spec.id_field])
            )
            sync.recorder.add(
                "created",
                adjustment,
                xero_id=record[spec.id_field],
                note=self.env._("found in Xero after an interrupted export"),
            )
        sync.checkpoint(0)

    # ------------------------------------------------- for the documents objects
    def _xero_is_adjustment(self, sync, xero_record):
        """Whether a Xero bill or supplier credit note is an adjustment this connector sent
        (its number carries the token; or its ID is bound to this object)."""
        if not isinstance(xero_record, dict) or xero_record.get("Type") not in PURCHASE_TYPES.values():
            return False
        if inventory_map.token_of(xero_record):
            return True
        if "inventory_ids" not in sync.cache:
            sync.cache["inventory_ids"] = self.env["xero.binding"]._xero_all_xero_ids(
                sync.account, self._xero_key
            )
        record_id = xero_record.get("InvoiceID") or xero_record.get("CreditNoteID")
        return record_id in sync.cache["inventory_ids"]
