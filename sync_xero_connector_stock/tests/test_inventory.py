# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Inventory -> Xero end to end against the sandbox on 127.0.0.1 (real PostgreSQL, ORM, stock
moves, HTTP): Xero's quantity on hand of a tracked item follows Odoo's after each run, at the
product's cost; documents already in Xero are not counted twice; reruns, crashes and retries
never send an adjustment twice; who may run it."""

import io

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sync_xero_connector.cli import xero as cli
from odoo.addons.sync_xero_connector.tests.common import USER, XeroTestMixin
from odoo.addons.sync_xero_connector.tests.test_access import ACCESS_ERROR
from odoo.addons.sync_xero_connector.tests.test_documents import XeroDocumentCase
from odoo.addons.sync_xero_connector.xero.mapping.inventory import CONTACT_NAME, token_of

COST = 250.0
CODE = "FRIDGE-T"


class InventoryCase(XeroDocumentCase):
    """A storable product exported as a tracked Xero item, a warehouse, a customer, a vendor."""

    def setUp(self):
        super().setUp()
        self.warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.stock_location = self.warehouse.lot_stock_id
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        self.vendor = self.partner(self.sb.records("Contacts")[1]["Name"])
        self.inventory_account = self.bound("accounts", number="630")
        self.cogs = self.bound("accounts", number="310")
        self.product = self.storable(CODE, "Refrigerator", COST)
        self.account.inventory_adjustment_account_id = self.cogs

    # ---------------------------------------------------------------- helpers
    def storable(self, code, name, cost, storable=True):
        product = self.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "type": "consu",
                "is_storable": storable,
                "standard_price": cost,
                "list_price": 1500.0,
                "taxes_id": [Command.set(self.gst_sale.ids)],
                "supplier_taxes_id": [Command.set(self.gst_purchase.ids)],
                "xero_inventory_account_id": self.inventory_account.id if storable else False,
                "xero_cogs_account_id": self.cogs.id if storable else False,
            }
        )
        self.run_object("items", "export", records=product)
        self.assertEqual(self.item(code)["IsTrackedAsInventory"], storable)
        return product

    def item(self, code=CODE):
        return next(i for i in self.sb.records("Items") if i["Code"] == code)

    def count(self, quantity, product=None):
        """A physical count finds ``quantity`` on hand (Inventory > Physical Inventory)."""
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": (product or self.product).id,
                    "location_id": self.stock_location.id,
                    "inventory_quantity": quantity,
                }
            )
        )
        quant.action_apply_inventory()

    def transfer(self, picking_type, quantity, product=None):
        product = product or self.product
        source = picking_type.default_location_src_id
        destination = picking_type.default_location_dest_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": (self.customer if picking_type.code == "outgoing" else self.vendor).id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": quantity, "picked": True})
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        return picking

    def deliver(self, quantity, product=None):
        return self.transfer(self.warehouse.out_type_id, quantity, product)

    def receive(self, quantity, product=None):
        return self.transfer(self.warehouse.in_type_id, quantity, product)

    def on_hand(self, product=None):
        product = product or self.product
        product.invalidate_recordset(["qty_available"])
        return product.qty_available

    def export_inventory(self, **kwargs):
        return self.run_object("inventory", "export", **kwargs)

    def adjustments(self, product=None):
        return self.env["xero.inventory.adjustment"].search(
            [("account_id", "=", self.account.id), ("product_id", "=", (product or self.product).id)],
            order="id",
        )

    def adjustment_documents(self):
        bills = [i for i in self.sb.records("Invoices") if token_of(i)]
        notes = [c for c in self.sb.records("CreditNotes") if token_of(c)]
        return bills, notes

    def new_writes(self, before):
        return {op: n - before.get(op, 0) for op, n in self.writes().items() if n != before.get(op, 0)}

    def assert_xero_matches_odoo(self, product=None, code=CODE):
        product = product or self.product
        item = self.item(code)
        self.assertEqual(item["QuantityOnHand"], self.on_hand(product))
        self.assertAlmostEqual(
            item["TotalCostPool"], self.on_hand(product) * product.standard_price, places=2
        )


@tagged("post_install", "-at_install")
class TestInventory(InventoryCase):
    def test_adjustment_then_delivery_reach_xero_at_cost(self):
        """Done when: an inventory adjustment of +5 and a delivery of 2 in Odoo; after each run
        Xero's QuantityOnHand is Odoo's and its value is quantity times cost."""
        self.count(5)
        self.assertEqual(self.on_hand(), 5)
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual(
            (run.state, run.created_count, run.failed_count), ("done", 1, 0), run.line_ids.mapped("note")
        )
        self.assertEqual(self.new_writes(before), {"PUT /Invoices": 1})
        self.assertEqual(run.api_writes, 1)
        self.assert_xero_matches_odoo()
        self.assertEqual((self.item()["QuantityOnHand"], self.item()["TotalCostPool"]), (5.0, 1250.0))
        # The document is Xero's inventory adjustment: a zero-total approved bill.
        [bill], notes = self.adjustment_documents()
        self.assertEqual(notes, [])
        self.assertEqual(
            (bill["Type"], bill["Status"], bill["Total"], bill["Contact"]["Name"], bill["LineAmountTypes"]),
            ("ACCPAY", "AUTHORISED", 0.0, CONTACT_NAME, "NoTax"),
        )
        self.assertEqual(
            [
                (line.get("ItemCode"), line["Quantity"], line["UnitAmount"], line["AccountCode"])
                for line in bill["LineItems"]
            ],
            [(CODE, 5.0, COST, "630"), (None, 5.0, -COST, "310")],
        )
        [adjustment] = self.adjustments()
        self.assertEqual(
            (adjustment.quantity, adjustment.unit_cost, adjustment.value, adjustment.document_type),
            (5.0, COST, 1250.0, "ACCPAY"),
        )
        self.assertEqual((adjustment.odoo_quantity, adjustment.xero_quantity), (5.0, 0.0))
        self.assertEqual(
            (adjustment.xero_id, adjustment.xero_number, adjustment.state),
            (bill["InvoiceID"], bill["InvoiceNumber"], "synced"),
        )
        self.assertEqual(adjustment.move_ids.mapped("is_inventory"), [True])
        self.assertEqual(adjustment.move_ids.product_qty, 5.0)
        binding = self.bindings("inventory")
        self.assertEqual(
            (binding.res_model, binding.res_id, binding.xero_id, binding.state),
            ("xero.inventory.adjustment", adjustment.id, bill["InvoiceID"], "synced"),
        )
        line = run.line_ids
        self.assertEqual(
            (line.result, line.res_model, line.res_id), ("created", adjustment._name, adjustment.id)
        )
        self.assertIn("+5 at 250.0 (Odoo has 5 on hand, Xero had 0)", line.note)

        # A rerun sends nothing.
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.created_count, run.skipped_count, run.api_writes), (0, 1, 0))
        self.assertEqual(self.writes(), before)

        # The delivery of 2 (no invoice in Xero): a zero-total supplier credit note.
        delivery = self.deliver(2)
        self.assertEqual(self.on_hand(), 3)
        run = self.export_inventory()
        self.assertEqual(self.new_writes(before), {"PUT /CreditNotes": 1})
        self.assert_xero_matches_odoo()
        self.assertEqual((self.item()["QuantityOnHand"], self.item()["TotalCostPool"]), (3.0, 750.0))
        __, [note] = self.adjustment_documents()
        self.assertEqual((note["Type"], note["Status"], note["Total"]), ("ACCPAYCREDIT", "AUTHORISED", 0.0))
        self.assertEqual(
            [(line.get("ItemCode"), line["Quantity"], line["UnitAmount"]) for line in note["LineItems"]],
            [(CODE, 2.0, COST), (None, 2.0, -COST)],
        )
        second = self.adjustments()[1]
        self.assertEqual((second.quantity, second.document_type), (-2.0, "ACCPAYCREDIT"))
        self.assertEqual(second.move_ids, delivery.move_ids)

        before = self.writes()
        self.export_inventory()
        self.assertEqual(self.writes(), before)

        # Neither document comes back into Odoo as a vendor bill or refund.
        for key in ("bills", "credit_notes"):
            run = self.run_object(key, "import")
            self.assertEqual(run.created_count, 0, key)
        self.assertFalse(self.env["account.move"].search_count([("partner_id.name", "=", CONTACT_NAME)]))

    def test_one_run_sends_the_net_change_of_all_moves(self):
        self.count(5)
        self.deliver(2)
        self.receive(4)
        before = self.writes()
        self.export_inventory()
        self.assertEqual(self.new_writes(before), {"PUT /Invoices": 1})
        self.assert_xero_matches_odoo()
        [adjustment] = self.adjustments()
        self.assertEqual(adjustment.quantity, 7.0)
        self.assertEqual(len(adjustment.move_ids), 3)

    def test_synced_documents_are_not_counted_twice(self):
        """A posted and exported customer invoice and its delivery, a vendor bill and its
        receipt: Xero's quantity moved with the documents, no adjustment repeats it. A posted
        invoice not in Xero yet is left to its export."""
        self.count(5)
        self.export_inventory()
        invoice = self.move(
            "out_invoice", self.customer, [self.line(1500.0, qty=2, tax=self.gst_sale, product=self.product)]
        )
        self.run_object("invoices", "export", records=invoice)
        self.assertEqual(self.item()["QuantityOnHand"], 3.0)  # Xero took them out with the invoice
        self.deliver(2)
        bill = self.move(
            "in_invoice",
            self.vendor,
            [self.line(COST, qty=4, tax=self.gst_purchase, account=self.expense, product=self.product)],
        )
        self.run_object("bills", "export", records=bill)
        self.receive(4)
        self.assertEqual((self.on_hand(), self.item()["QuantityOnHand"]), (7.0, 7.0))
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.created_count, run.failed_count), (0, 0))
        self.assertEqual(self.writes(), before)
        self.assertEqual(len(self.adjustments()), 1)

        # The invoices object exports (enabled): a posted invoice not in Xero yet, delivered.
        self.account._xero_settings("invoices").write({"enabled": True, "direction": "both"})
        later = self.move(
            "out_invoice", self.customer, [self.line(1500.0, qty=1, tax=self.gst_sale, product=self.product)]
        )
        self.deliver(1)
        run = self.export_inventory()
        self.assertEqual(self.writes(), before)  # left to the invoice
        self.assertEqual((self.on_hand(), self.item()["QuantityOnHand"]), (6.0, 7.0))
        self.run_object("invoices", "export", records=later)
        self.assertEqual(self.item()["QuantityOnHand"], 6.0)
        self.export_inventory()
        self.assertEqual(self.new_writes(before), {"POST /Invoices": 1})

        # Delivered more than invoiced: the difference is adjusted, once.
        self.deliver(1)
        self.export_inventory()
        self.export_inventory()
        self.assertEqual(self.new_writes(before), {"POST /Invoices": 1, "PUT /CreditNotes": 1})
        self.assert_xero_matches_odoo()

    def test_crash_and_retry_never_send_twice(self):
        self.count(5)
        # Xero takes the bill, the answer is lost; the transport's retry (same
        # Idempotency-Key) gets Xero's stored answer: one bill.
        self.sb.inject_fault("drop_after_commit", count=1, method="PUT", path="/api.xro/2.0/Invoices")
        run = self.export_inventory()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(len(self.adjustment_documents()[0]), 1)

        # Xero takes the next one and no answer ever comes: the run stops with the adjustment
        # in flight; the next run finds it in Xero by its token and sends nothing.
        self.deliver(2)
        self.sb.inject_fault("drop_after_commit", count=5, method="PUT", path="/api.xro/2.0/CreditNotes")
        run = self.account._xero_run_object("inventory", "export")
        self.assertEqual(run.state, "failed", run.message)
        self.assertEqual(
            self.bindings("inventory").filtered(lambda b: b.state == "inflight").inflight_token,
            self.adjustments()[1].token,
        )
        self.sb.faults.reset()
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual(self.writes(), before)
        self.assertEqual(
            (run.created_count, run.line_ids.note), (1, "found in Xero after an interrupted export")
        )
        __, notes = self.adjustment_documents()
        self.assertEqual(len(notes), 1)
        self.assertEqual(set(self.bindings("inventory").mapped("state")), {"synced"})
        self.assertEqual(self.adjustments()[1].xero_id, notes[0]["CreditNoteID"])
        self.assert_xero_matches_odoo()

        # A crash that took Odoo's whole transaction with it (Xero has the document, Odoo
        # knows nothing of it): Xero's quantity already says so, nothing is sent.
        self.count(9)
        self.export_inventory()
        last = self.adjustments()[-1]
        self.bindings("inventory").filtered(lambda b: b.res_id == last.id).unlink()
        last.unlink()
        before = self.writes()
        self.export_inventory()
        self.assertEqual(self.writes(), before)
        self.assert_xero_matches_odoo()

        # In flight, never reached Xero: dropped, and the adjustment goes once.
        self.deliver(1)
        ghost = self.env["xero.inventory.adjustment"].create(
            {
                "account_id": self.account.id,
                "tenant_id": self.account.tenant_id,
                "product_id": self.product.id,
                "date": "2026-03-10",
                "document_type": "ACCPAYCREDIT",
                "quantity": -1,
                "unit_cost": COST,
                "token": "0123456789ab",
            }
        )
        self.env["xero.binding"].create(
            {
                "account_id": self.account.id,
                "object_key": "inventory",
                "res_model": "xero.inventory.adjustment",
                "res_id": ghost.id,
                "state": "inflight",
                "inflight_token": "0123456789ab",
                "inflight_at": "2026-03-10 10:00:00",
                "xero_data": {"collection": "CreditNotes"},
            }
        )
        before = self.writes()
        self.export_inventory()
        self.assertFalse(ghost.exists())
        self.assertEqual(self.new_writes(before), {"PUT /CreditNotes": 1})
        self.assert_xero_matches_odoo()

    def test_non_tracked_products_are_ignored(self):
        plain = self.storable("PLAIN-1", "Consumable", 3.0, storable=False)
        self.deliver(4, product=plain)
        other = self.env["product.product"].create(
            {"name": "Not in Xero", "type": "consu", "is_storable": True}
        )
        self.count(3, product=other)
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.created_count, run.failed_count), (0, 0))
        self.assertEqual(self.writes(), before)
        self.assertFalse(self.env["xero.inventory.adjustment"].search([]))
        self.assertNotIn("QuantityOnHand", self.item("PLAIN-1"))

    def test_missing_adjustment_account_is_a_mismatch_and_nothing_is_sent(self):
        self.account.inventory_adjustment_account_id = False
        self.count(5)
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 0, 1))
        self.assertEqual(self.writes(), before)
        [entry] = self.mismatches("inventory")
        self.assertEqual(
            (entry.kind, entry.res_model, entry.res_id), ("dependency", "xero.account", self.account.id)
        )
        self.assertIn("No inventory adjustment account is set on the Xero account", entry.messages)
        self.assertIn(
            f"Accounting > Xero > Xero Accounts > {self.account.name} > Synchronisation tab > "
            "Inventory Adjustment Account",
            entry.hint,
        )
        self.assertIn("not sent: the inventory adjustment account is missing", run.line_ids.note)
        # An account Xero does not have: its own entry, still nothing sent.
        local = self.env["account.account"].create(
            {"name": "Stock Writedowns", "code": "499999", "account_type": "expense"}
        )
        self.account.inventory_adjustment_account_id = local
        self.export_inventory()
        self.assertEqual(self.writes(), before)
        self.assertIn("is not in Xero", self.mismatches("inventory").messages)
        # Set, then Retry: sent, the entry closes.
        self.account.inventory_adjustment_account_id = self.cogs
        self.mismatches("inventory").action_retry()
        self.assertFalse(self.mismatches("inventory"))
        self.assertEqual(self.new_writes(before), {"PUT /Invoices": 1})
        self.assert_xero_matches_odoo()

    def test_xero_refusal_is_a_mismatch_not_sent_again_until_retry(self):
        self.count(5)
        self.sb.update_organisation(PeriodLockDate="2099-12-31")
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 0, 1))
        self.assertEqual(self.new_writes(before), {"PUT /Invoices": 1})
        self.assertEqual(self.adjustment_documents(), ([], []))
        self.assertFalse(self.adjustments())
        self.assertFalse(self.bindings("inventory"))
        [entry] = self.mismatches("inventory")
        self.assertEqual(
            (entry.kind, entry.res_model, entry.res_id), ("validation", "product.product", self.product.id)
        )
        self.assertIn("Xero refused the inventory adjustment of", entry.messages)
        self.assertIn("lock date (2099-12-31)", entry.messages)
        self.assertIn('"ItemCode": "FRIDGE-T"', entry.payload)
        # The same adjustment is not sent again by the next runs...
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual((run.created_count, run.failed_count, run.skipped_count), (0, 0, 1))
        self.assertEqual(self.writes(), before)
        # ... until the lock date is moved and Retry sends it.
        self.sb.update_organisation(PeriodLockDate=None)
        entry.action_retry()
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(self.new_writes(before), {"PUT /Invoices": 1})
        self.assert_xero_matches_odoo()

    def test_negative_stock_in_odoo_is_a_mismatch(self):
        self.deliver(2)  # nothing on hand: Odoo goes negative
        self.assertEqual(self.on_hand(), -2)
        before = self.writes()
        run = self.export_inventory()
        self.assertEqual(run.failed_count, 1)
        self.assertEqual(self.writes(), before)
        [entry] = self.mismatches("inventory")
        self.assertEqual((entry.kind, entry.res_id), ("unsupported", self.product.id))
        self.assertIn("is negative", entry.messages)
        self.receive(3)
        self.export_inventory()
        self.assertFalse(self.mismatches("inventory"))
        self.assert_xero_matches_odoo()

    def test_scheduler_command_line_and_preview(self):
        self.count(2)
        settings = self.account._xero_settings("inventory")
        self.assertEqual(
            (settings.direction, settings.can_import, settings.can_export), ("export", False, True)
        )
        self.assertEqual(self.account._xero_resolve_objects(["inventory"], "export"), ["inventory"])
        # A preview sends nothing and says what would go.
        before = self.writes()
        [row] = self.account._xero_preview("export", ["inventory"])
        self.assertEqual((row["key"], row["created"]), ("inventory", 1))
        self.assertEqual(self.writes(), before)
        self.assertFalse(self.env["xero.inventory.adjustment"].search([]))
        self.assertNotIn(("inventory", "export"), self.due_pairs(self.account))
        settings.enabled = True
        self.assertIn(("inventory", "export"), self.due_pairs(self.account))
        self.assertIn("inventory", self.account._xero_keys_for("export"))
        self.registry_enter_test_mode()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["xero.sync.setting"]._cron_sync("inventory", "export"), 1)
        self.env.invalidate_all()
        self.assertEqual(settings.last_export_run_id.trigger, "cron")
        self.assertEqual(settings.last_export_run_id.created_count, 1)
        self.assert_xero_matches_odoo()

    def test_command_line(self):
        """``odoo-bin xero export inventory``: one summary line, Xero as Odoo."""
        self.count(4)
        self.registry_enter_test_mode()
        self.env.flush_all()
        ns = cli.build_parser().parse_args(["export", "inventory"])
        out, err = io.StringIO(), io.StringIO()
        with self.registry.cursor() as cr:
            status = cli.dispatch(api.Environment(cr, SUPERUSER_ID, {}), ns, out=out, err=err)
        self.env.invalidate_all()
        self.assertEqual(status, 0, err.getvalue())
        self.assertIn("inventory: 1 created, 0 updated, 0 skipped, 0 failed", out.getvalue())
        self.assert_xero_matches_odoo()


@tagged("post_install", "-at_install")
class TestInventoryAccess(XeroTestMixin, HttpCase):
    """Over JSON-RPC, as users would: without Xero rights nothing reaches Xero."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        from odoo.tests import new_test_user

        cls.plain_user = new_test_user(
            cls.env, login="xero_plain_inv", groups="base.group_user,stock.group_stock_user"
        )
        cls.runner = new_test_user(cls.env, login="xero_inv_runner", groups=f"base.group_user,{USER}")

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)

    def rpc(self, user, model, method, *args, **kwargs):
        self.authenticate(user.login, user.login)
        self.env.flush_all()
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/web/dataset/call_kw",
                timeout=120,
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
                },
            )
        response.raise_for_status()
        self.env.invalidate_all()
        return response.json()

    def test_user_without_xero_rights_cannot_run_it(self):
        settings = self.account._xero_settings("inventory")
        attempts = [
            ("xero.sync.setting", "action_export", [settings.id]),
            ("xero.sync.setting", "action_open_wizard", [settings.id]),
            ("xero.account", "action_export_all", [self.account.id]),
            ("xero.object.inventory", "_xero_export", []),
            ("xero.inventory.adjustment", "search_read", []),
        ]
        calls = self.ops()
        for model, method, args in attempts:
            with self.subTest(model=model, method=method):
                answer = self.rpc(self.plain_user, model, method, args)
                self.assertIn("error", answer, (model, method, answer))
                self.assertEqual(answer["error"]["data"]["name"], ACCESS_ERROR, answer)
        self.assertEqual(self.ops(), calls)

        # A Xero User may: the preview asks Xero, sends nothing.
        answer = self.rpc(self.runner, "xero.sync.setting", "action_export", [settings.id])
        self.assertNotIn("error", answer, answer)
        self.assertEqual(self.sb.stats()["by_operation"].get("PUT /Invoices", 0), 0)
