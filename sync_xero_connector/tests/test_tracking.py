# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Tracking categories <-> analytic plans and options <-> analytic accounts, and a line's
Tracking <-> its analytic distribution, end to end against the sandbox on 127.0.0.1."""

import copy
from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR
from odoo.addons.sync_xero_connector.xero_sandbox.accounting import seeding

from .test_documents import XeroDocumentCase
from .test_orders import OrdersMixin
from .test_sync_engine import XeroSyncCase


def demo_tracking():
    return copy.deepcopy(seeding.read_seed_dir(DEMO_SEED_DIR)["TrackingCategories"])


class TrackingMixin:
    def plan(self, name, account=None):
        binding = self.env["xero.binding"].search(
            [
                ("account_id", "=", (account or self.account).id),
                ("object_key", "=", "tracking_categories"),
                ("xero_number", "=", name),
            ]
        )
        self.assertEqual(len(binding), 1, name)
        return self.env["account.analytic.plan"].browse(binding.res_id)

    def option(self, category, name, account=None):
        """The analytic account linked to the option ``name`` of ``category``."""
        account = account or self.account
        category_id = next(
            c["TrackingCategoryID"] for c in self.sb.records("TrackingCategories") if c["Name"] == category
        )
        bindings = (
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", account.id),
                    ("object_key", "=", "tracking_options"),
                    ("xero_number", "=", name),
                ]
            )
            .filtered(lambda b: b.xero_data["category_id"] == category_id)
        )
        self.assertEqual(len(bindings), 1, (category, name))
        return self.env["account.analytic.account"].browse(bindings.res_id)

    def tracking_of(self, xero_line):
        return sorted((t["Name"], t["Option"]) for t in xero_line.get("Tracking") or [])


@tagged("post_install", "-at_install")
class TestTrackingDemo(TrackingMixin, XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed(DEMO_SEED_DIR)

    def test_demo_invoices_import_with_their_tracking(self):
        """The demo organisation's tracked invoices and bills import with the analytic
        distribution of their Region / Department options (100 %, the exact accounts); a
        second import changes nothing."""
        self.env.ref("base.NZD").active = True
        self.env.company.currency_id = self.env.ref("base.NZD")
        keys = ["currencies", "taxes", "accounts", "bank_accounts", "contacts", "items", "invoices", "bills"]
        results, errors = self.account._xero_run("import", keys)
        self.assertEqual(errors, [])
        for key in ("invoices", "bills", "tracking_categories"):
            self.assertFalse(self.mismatches(key), self.mismatches(key).mapped("messages"))
        # The categories came with the documents that needed them (a dependency run).
        run = self.env["xero.sync.run"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", "tracking_categories")]
        )
        self.assertEqual((len(run), run.trigger, run.created_count), (1, "dependency", 8))
        for category in self.sb.records("TrackingCategories"):
            plan = self.plan(category["Name"])
            self.assertEqual(plan.name, category["Name"])
            self.assertFalse(plan.parent_id)
            self.assertEqual(
                sorted(plan.account_ids.mapped("name")), sorted(o["Name"] for o in category["Options"])
            )
            for option in category["Options"]:
                account = self.option(category["Name"], option["Name"])
                self.assertEqual(
                    (account.plan_id, account.company_id, account.active), (plan, self.env.company, True)
                )
        Move = self.env["account.move"]
        tracked, both = 0, 0
        for record in self.sb.records("Invoices"):
            binding = self.env["xero.binding"].search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "in", ("invoices", "bills")),
                    ("xero_id", "=", record["InvoiceID"]),
                ]
            )
            if record["Status"] == "DELETED" and not binding:
                continue
            move = Move.browse(binding.res_id)
            lines = move.invoice_line_ids.filtered(lambda l: l.display_type == "product").sorted(
                lambda l: (l.sequence, l.id)
            )
            self.assertEqual(len(lines), len(record["LineItems"]), record["InvoiceNumber"])
            for line, xero_line in zip(lines, record["LineItems"]):
                tracking = xero_line.get("Tracking") or []
                if not tracking:
                    self.assertFalse(line.analytic_distribution, record["InvoiceNumber"])
                    continue
                ids = sorted(self.option(t["Name"], t["Option"]).id for t in tracking)
                self.assertEqual(
                    line.analytic_distribution, {",".join(map(str, ids)): 100.0}, record["InvoiceNumber"]
                )
                tracked += 1
                both += len(tracking) == 2
        self.assertEqual((tracked, both), (160, 54))
        # Nothing changed in Xero: nothing is imported again, nothing is sent.
        writes = self.writes()
        results, errors = self.account._xero_run("import", keys + ["tracking_categories"])
        self.assertEqual(errors, [])
        for key in ("invoices", "bills", "tracking_categories"):
            self.assertEqual(results[key]["created"] + results[key]["updated"], 0, key)
        self.assertEqual(self.writes(), writes)


@tagged("post_install", "-at_install")
class TestTrackingExport(TrackingMixin, XeroDocumentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed({"TrackingCategories": demo_tracking()})

    def setUp(self):
        super().setUp()
        self.run_object("tracking_categories", "import")
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        self.north = self.option("Region", "North")
        self.south = self.option("Region", "South")
        self.sales_dep = self.option("Department", "Sales")

    def invoice(self, *distributions, post=True):
        lines = []
        for index, distribution in enumerate(distributions):
            line = self.line(100 + index, tax=self.gst_sale, name=f"Line {index + 1}")
            if distribution:
                line["analytic_distribution"] = distribution
            lines.append(line)
        return self.move("out_invoice", self.customer, lines, post=post)

    def test_import_of_the_categories(self):
        region, department = self.plan("Region"), self.plan("Department")
        self.assertEqual(sorted(region.account_ids.mapped("name")), ["Central", "North", "South"])
        self.assertEqual(sorted(department.account_ids.mapped("name")), ["Operations", "Sales", "Support"])
        run = self.env["xero.sync.run"].search(
            [("object_key", "=", "tracking_categories"), ("account_id", "=", self.account.id)]
        )
        self.assertEqual(
            (run.created_count, run.failed_count),
            (8, 0),
            self.env["xero.sync.run.line"]
            .search([("run_id", "=", run.id)])
            .read(["result", "record_name", "note"]),
        )
        # Unchanged in Xero: skipped, nothing written anywhere.
        writes = self.writes()
        run = self.run_object("tracking_categories", "import")
        self.assertEqual((run.created_count, run.updated_count, run.skipped_count), (0, 0, 2))
        self.assertEqual(self.writes(), writes)

    def test_invoice_exports_its_tracking_and_the_round_trip_keeps_it(self):
        both = f"{self.north.id},{self.sales_dep.id}"
        move = self.invoice({both: 100.0}, {str(self.south.id): 100.0}, None)
        self.export("invoices")
        self.assertFalse(self.mismatches("invoices"), self.mismatches("invoices").mapped("messages"))
        xero = self.xero_doc(move)
        self.assertEqual(
            [self.tracking_of(line) for line in xero["LineItems"]],
            [[("Department", "Sales"), ("Region", "North")], [("Region", "South")], []],
        )
        # The echo: nothing imported back, nothing sent again.
        writes = self.writes()
        run = self.run_object("invoices", "import")
        self.assertEqual(run.updated_count, 0)
        self.run_object("invoices", "export")
        self.assertEqual(self.writes(), writes)
        # Changed in Xero: the line now goes to Central; Odoo follows.
        line_items = copy.deepcopy(xero["LineItems"])
        line_items[0]["Tracking"] = [{"Name": "Region", "Option": "Central"}]
        for item in line_items:
            item.pop("LineItemID", None)
        [result] = self.account._xero_client().write(
            "Invoices", [{"InvoiceID": xero["InvoiceID"], "LineItems": line_items}], method="POST"
        )
        self.assertTrue(result.ok, result.messages)
        # (An approved invoice is only changed in Xero when its lines keep their amounts.)
        self.run_object("invoices", "import")
        lines = move.invoice_line_ids.sorted(lambda l: (l.sequence, l.id))
        central = self.option("Region", "Central")
        self.assertEqual(
            [l.analytic_distribution or False for l in lines],
            [{str(central.id): 100.0}, {str(self.south.id): 100.0}, False],
        )

    def test_round_trip_into_a_second_company(self):
        both = f"{self.north.id},{self.sales_dep.id}"
        move = self.invoice({both: 100.0}, {str(self.south.id): 100.0}, None)
        self.export("invoices")
        company_b = self.env["res.company"].create(
            {"name": "Company B", "currency_id": self.env.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", company=company_b, install_demo=False)
        self.env.user.company_ids |= company_b
        account_b = self.make_account(company=company_b, name="B")
        self.connect_with_issued_token(account_b)
        results, errors = account_b._xero_run(
            "import", ["currencies", "taxes", "accounts", "contacts", "items", "invoices"]
        )
        self.assertEqual(errors, [])
        xero = self.xero_doc(move)
        twin = self.bound("invoices", xero_id=xero["InvoiceID"], account=account_b)
        self.assertEqual(twin.company_id, company_b)
        # The same plans; company B's own analytic accounts of the same names.
        self.assertEqual(self.plan("Region", account_b), self.plan("Region"))
        lines = twin.invoice_line_ids.sorted(lambda l: (l.sequence, l.id))
        north_b = self.option("Region", "North", account_b)
        sales_b = self.option("Department", "Sales", account_b)
        south_b = self.option("Region", "South", account_b)
        self.assertEqual(
            (north_b.company_id, north_b.name, north_b.plan_id), (company_b, "North", self.north.plan_id)
        )
        self.assertEqual(
            [l.analytic_distribution or False for l in lines],
            [{",".join(map(str, sorted([north_b.id, sales_b.id]))): 100.0}, {str(south_b.id): 100.0}, False],
        )

    def test_split_distribution_is_refused_the_rest_of_the_batch_goes(self):
        split = self.invoice({str(self.north.id): 50.0, str(self.south.id): 50.0})
        same_plan = self.invoice(None, {f"{self.north.id},{self.south.id}": 100.0})
        partial = self.invoice({str(self.north.id): 60.0})
        good = self.invoice({str(self.north.id): 100.0})
        plain = self.invoice(None)
        before = len(self.sb.records("Invoices"))
        run = self.account._xero_run_object("invoices", "export")
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 2, 3))
        self.assertEqual(len(self.sb.records("Invoices")), before + 2)
        logs = {log.res_id: log for log in self.mismatches("invoices")}
        self.assertEqual(set(logs), {split.id, same_plan.id, partial.id})
        self.assertIn(
            "Line 1 (Line 1): its analytic distribution on Region is 50 % North / 50 % South",
            logs[split.id].messages,
        )
        self.assertIn(
            "Line 2 (Line 2): its analytic distribution on Region is 100 % North / 100 % South",
            logs[same_plan.id].messages,
        )
        self.assertIn("60 % North", logs[partial.id].messages)
        self.assertIn("one line per analytic account", logs[split.id].hint)
        self.assertEqual(logs[split.id].kind, "mapping")
        for move in (split, same_plan, partial):
            self.assertFalse(
                self.env["xero.binding"].search(
                    [
                        ("account_id", "=", self.account.id),
                        ("res_model", "=", "account.move"),
                        ("res_id", "=", move.id),
                        ("xero_id", "!=", False),
                    ]
                )
            )
        self.assertEqual(self.tracking_of(self.xero_doc(good)["LineItems"][0]), [("Region", "North")])
        self.assertEqual(self.tracking_of(self.xero_doc(plain)["LineItems"][0]), [])
        # Corrected in Odoo (back to draft, 100 % North): it goes, its entry closes.
        split.button_draft()
        split.invoice_line_ids.analytic_distribution = {str(self.north.id): 100.0}
        split.action_post()
        self.run_object("invoices", "export")
        self.assertNotIn(split.id, self.mismatches("invoices").mapped("res_id"))
        self.assertEqual(self.tracking_of(self.xero_doc(split)["LineItems"][0]), [("Region", "North")])

    def test_odoo_only_plans_are_left_out(self):
        project = self.env["account.analytic.plan"].create({"name": "Internal projects"})
        internal = self.env["account.analytic.account"].create({"name": "Internal", "plan_id": project.id})
        move = self.invoice({f"{self.north.id},{internal.id}": 100.0})
        self.export("invoices")
        self.assertFalse(self.mismatches("invoices"), self.mismatches("invoices").mapped("messages"))
        self.assertEqual(self.tracking_of(self.xero_doc(move)["LineItems"][0]), [("Region", "North")])

    def test_new_analytic_accounts_become_options(self):
        """A new account of a linked plan is added as an option (by the invoice that uses it,
        or by the object's export); renamed and archived in Xero when it is in Odoo; a new
        plan is refused by Xero's two active categories, the rest goes on."""
        region = self.plan("Region")
        east = self.env["account.analytic.account"].create({"name": "East", "plan_id": region.id})
        move = self.invoice({str(east.id): 100.0})
        self.export("invoices")
        self.assertFalse(self.mismatches("invoices"), self.mismatches("invoices").mapped("messages"))
        self.assertEqual(self.tracking_of(self.xero_doc(move)["LineItems"][0]), [("Region", "East")])
        self.assertEqual(self.option("Region", "East"), east)
        west = self.env["account.analytic.account"].create({"name": "West", "plan_id": region.id})
        east.name = "Far East"
        self.north.action_archive()
        channel = self.env["account.analytic.plan"].create({"name": "Channel"})
        self.env["account.analytic.account"].create({"name": "Online", "plan_id": channel.id})
        run = self.account._xero_run_object("tracking_categories", "export")
        self.assertEqual(run.state, "partial", run.message)
        options = {
            o["Name"]: o["Status"]
            for c in self.sb.records("TrackingCategories")
            if c["Name"] == "Region"
            for o in c["Options"]
        }
        self.assertEqual(
            options,
            {
                "North": "ARCHIVED",
                "South": "ACTIVE",
                "Central": "ACTIVE",
                "Far East": "ACTIVE",
                "West": "ACTIVE",
            },
        )
        self.assertEqual(self.option("Region", "West"), west)
        entry = self.mismatches("tracking_categories")
        self.assertEqual(len(entry), 1, entry.read(["record_name", "messages"]))
        self.assertEqual((entry.res_model, entry.res_id), ("account.analytic.plan", channel.id))
        self.assertIn("maximum number of active tracking categories", entry.messages)
        self.assertEqual(len(self.sb.records("TrackingCategories")), 2)
        # Nothing changed since: nothing sent (the refused plan waits for a change or Retry).
        writes = self.writes()
        self.run_object("tracking_categories", "export")
        self.assertEqual(self.writes(), writes)
        # Deleted in Odoo: archived in Xero, its link closed.
        west.unlink()
        self.run_object("tracking_categories", "export")
        options = {
            o["Name"]: o["Status"]
            for c in self.sb.records("TrackingCategories")
            if c["Name"] == "Region"
            for o in c["Options"]
        }
        self.assertEqual(options["West"], "ARCHIVED")

    def test_hostile_names_do_not_crash(self):
        """Control characters and very long names, from Xero and from Odoo: logged, the
        rest imported or sent."""
        long_name = "L" * 5000
        client = self.account._xero_client()
        [made] = client.write("TrackingCategories", [{"Name": "Bad\x07Cat", "Status": "ARCHIVED"}])
        self.assertTrue(made.ok, made.messages)
        category = next(c for c in self.sb.records("TrackingCategories") if c["Name"] == "Region")
        client.write_tracking_options(category["TrackingCategoryID"], [{"Name": long_name}])
        run = self.account._xero_run_object("tracking_categories", "import")
        self.assertEqual(run.state, "partial", run.message)
        entries = self.mismatches("tracking_categories")
        self.assertEqual(len(entries), 2, entries.mapped("messages"))
        texts = "\n".join(entries.mapped("messages"))
        self.assertIn("control character", texts)
        self.assertIn("5000 characters", texts)
        self.assertTrue(all(len(e.record_name) < 200 for e in entries))
        self.assertFalse(self.env["account.analytic.account"].search([("name", "=", long_name)]))
        # An invoice tracked with the long option: its own entry, the other invoice imports.
        contact = self.sb.records("Contacts")[0]["ContactID"]
        [bad, ok] = client.write(
            "Invoices",
            [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact},
                    "Date": "2026-03-01",
                    "DueDate": "2026-03-31",
                    "Status": "DRAFT",
                    "LineItems": [
                        {
                            "Description": "Tracked long",
                            "Quantity": 1,
                            "UnitAmount": 10,
                            "AccountCode": "200",
                            "TaxType": "NONE",
                            "Tracking": [{"Name": "Region", "Option": long_name}],
                        }
                    ],
                },
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contact},
                    "Date": "2026-03-01",
                    "DueDate": "2026-03-31",
                    "Status": "DRAFT",
                    "LineItems": [
                        {
                            "Description": "Tracked south",
                            "Quantity": 1,
                            "UnitAmount": 10,
                            "AccountCode": "200",
                            "TaxType": "NONE",
                            "Tracking": [{"Name": "Region", "Option": "South"}],
                        }
                    ],
                },
            ],
            method="PUT",
        )
        self.assertTrue(bad.ok and ok.ok, bad.messages + ok.messages)
        run = self.account._xero_run_object("invoices", "import")
        self.assertEqual(run.state, "partial", run.message)
        [entry] = self.mismatches("invoices")
        self.assertEqual(entry.xero_id, bad.xero_id)
        self.assertEqual(entry.kind, "dependency")
        self.assertLess(len(entry.messages), 1000)
        imported = self.bound("invoices", xero_id=ok.xero_id)
        self.assertEqual(imported.invoice_line_ids.analytic_distribution, {str(self.south.id): 100.0})
        # From Odoo: names Xero would refuse are refused before sending.
        region = self.plan("Region")
        self.env["account.analytic.account"].create(
            [
                {"name": "N" * 150, "plan_id": region.id},
                {"name": "Tab\x0bbed", "plan_id": region.id},
                {"name": "Fine", "plan_id": region.id},
            ]
        )
        run = self.account._xero_run_object("tracking_categories", "export")
        texts = "\n".join(
            self.mismatches("tracking_categories")
            .filtered(lambda e: e.direction == "export")
            .mapped("messages")
        )
        self.assertIn("at most 100", texts)
        self.assertIn("control character", texts)
        names = [
            o["Name"]
            for o in next(c for c in self.sb.records("TrackingCategories") if c["Name"] == "Region")[
                "Options"
            ]
        ]
        self.assertIn("Fine", names)

    def test_manual_journal_lines_carry_tracking_both_ways(self):
        settings = self.account._xero_settings("manual_journals")
        settings.write({"direction": "both", "export_entries": True})
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "general")], limit=1
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": date(2026, 3, 10),
                "ref": "Tracked accrual",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Rent",
                            "account_id": self.expense.id,
                            "debit": 80.0,
                            "analytic_distribution": {str(self.south.id): 100.0},
                        }
                    ),
                    Command.create({"name": "Rent", "account_id": self.sales.id, "credit": 80.0}),
                ],
            }
        )
        entry.action_post()
        self.run_object("manual_journals", "export")
        self.assertFalse(
            self.mismatches("manual_journals"), self.mismatches("manual_journals").mapped("messages")
        )
        [journal_x] = [j for j in self.sb.records("ManualJournals") if j["Narration"] == "Tracked accrual"]
        self.assertEqual(
            [self.tracking_of(line) for line in journal_x["JournalLines"]], [[("Region", "South")], []]
        )
        # And from Xero: a journal tracked by Department imports with its distribution.
        [made] = self.account._xero_client().write(
            "ManualJournals",
            [
                {
                    "Narration": "From Xero",
                    "Date": "2026-03-11",
                    "Status": "POSTED",
                    "LineAmountTypes": "NoTax",
                    "JournalLines": [
                        {
                            "LineAmount": 30.0,
                            "AccountCode": "429",
                            "TaxType": "NONE",
                            "Tracking": [{"Name": "Department", "Option": "Sales"}],
                        },
                        {"LineAmount": -30.0, "AccountCode": "200", "TaxType": "NONE"},
                    ],
                }
            ],
            method="PUT",
        )
        self.assertTrue(made.ok, made.messages)
        self.run_object("manual_journals", "import")
        imported = self.bound("manual_journals", xero_id=made.xero_id)
        self.assertEqual(
            [
                line.analytic_distribution or False
                for line in imported.line_ids.sorted(lambda l: (l.sequence, l.id))
            ],
            [{str(self.sales_dep.id): 100.0}, False],
        )

    def test_orders_carry_tracking_both_ways(self):
        product = self.bound("items", xero_id=self.sb.records("Items")[0]["ItemID"])
        vendor = self.partner(self.sb.records("Contacts")[1]["Name"])

        def sale(distribution):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": "Widget",
                                "product_uom_qty": 2,
                                "price_unit": 10.0,
                                "tax_ids": [Command.set(self.gst_sale.ids)],
                                "analytic_distribution": distribution,
                            }
                        )
                    ],
                }
            )

        order = sale({str(self.north.id): 100.0})
        split = sale({str(self.north.id): 50.0, str(self.south.id): 50.0})
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Parts",
                            "product_qty": 3,
                            "price_unit": 5.0,
                            "tax_ids": [Command.set(self.gst_purchase.ids)],
                            "analytic_distribution": {str(self.sales_dep.id): 100.0},
                        }
                    )
                ],
            }
        )
        run = self.account._xero_run_object("quotes", "export")
        self.assertEqual((run.created_count, run.failed_count), (1, 1))
        [entry] = self.mismatches("quotes")
        self.assertEqual(entry.res_id, split.id)
        self.assertIn("50 % North / 50 % South", entry.messages)
        self.run_object("purchase_orders", "export")
        quote = OrdersMixin.xero_of(self, "Quotes", order)
        self.assertEqual(self.tracking_of(quote["LineItems"][0]), [("Region", "North")])
        po = OrdersMixin.xero_of(self, "PurchaseOrders", purchase)
        self.assertEqual(self.tracking_of(po["LineItems"][0]), [("Department", "Sales")])
        # From Xero: a quote tracked by Central.
        [made] = self.account._xero_client().write(
            "Quotes",
            [
                {
                    "Contact": {"ContactID": self.sb.records("Contacts")[0]["ContactID"]},
                    "Date": "2026-03-01",
                    "Status": "DRAFT",
                    "LineAmountTypes": "EXCLUSIVE",
                    "LineItems": [
                        {
                            "Description": "Tracked",
                            "Quantity": 1,
                            "UnitAmount": 10,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                            "Tracking": [{"Name": "Region", "Option": "Central"}],
                        }
                    ],
                }
            ],
            method="PUT",
        )
        self.assertTrue(made.ok, made.messages)
        self.run_object("quotes", "import")
        imported = self.bound("quotes", xero_id=made.xero_id)
        central = self.option("Region", "Central")
        self.assertEqual(imported.order_line.analytic_distribution, {str(central.id): 100.0})
