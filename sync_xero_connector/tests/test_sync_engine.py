# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sync engine and the master-data objects, end to end against the sandbox on 127.0.0.1:
real PostgreSQL, real ORM, real HTTP. Each "done when" of the issue has a test here (the CLI
one is in test_cli.py)."""

import json

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR

from .common import XeroTestMixin

WRITE_METHODS = ("PUT", "POST", "DELETE")
TOKEN_OP = "POST /connect/token"


@tagged("post_install", "-at_install")
class XeroSyncCase(XeroTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)

    # ---------------------------------------------------------------- helpers
    def run_object(self, key, direction, account=None, **kwargs):
        run = (account or self.account)._xero_run_object(key, direction, **kwargs)
        self.assertNotEqual(run.state, "failed", run.message)
        return run

    def writes(self, sandbox=None):
        """Write calls the sandbox received, by operation (token calls aside)."""
        return {
            op: n for op, n in self.ops(sandbox).items() if op.split()[0] in WRITE_METHODS and op != TOKEN_OP
        }

    def bindings(self, key, account=None):
        return self.env["xero.binding"].search(
            [("account_id", "=", (account or self.account).id), ("object_key", "=", key)]
        )

    def mismatches(self, key, account=None):
        return self.env["xero.mismatch.log"].search(
            [
                ("account_id", "=", (account or self.account).id),
                ("object_key", "=", key),
                ("state", "=", "open"),
            ]
        )

    def make_partners(self, count, prefix="Partner"):
        return self.env["res.partner"].create(
            [
                {"name": f"{prefix} {i:04d}", "email": f"p{i}@example.com", "customer_rank": 1}
                for i in range(count)
            ]
        )


class TestDemoImport(XeroSyncCase):
    def test_demo_seed_imports_once_then_nothing(self):
        """One Odoo record per Xero record for every object; a second import creates and
        updates nothing and writes nothing to Xero."""
        self.sb.load_seed(DEMO_SEED_DIR)
        # The master data; documents and payments of the same seed: test_documents.py.
        keys = [
            key
            for key in self.account._xero_resolve_objects(["all"], "import")
            if key
            not in (
                "invoices",
                "bills",
                "credit_notes",
                "payments",
                "quotes",
                "purchase_orders",
                "manual_journals",
            )
        ]
        self.assertEqual(len(keys), 8)  # tracking categories: test_tracking.py
        results, errors = self.account._xero_run("import", keys)
        self.assertEqual(errors, [])
        xero_accounts = self.sb.records("Accounts")
        expected = {
            "currencies": len(self.sb.records("Currencies")),
            "taxes": len(self.sb.records("TaxRates")),
            "accounts": len([a for a in xero_accounts if a["Type"] != "BANK"]),
            "bank_accounts": len([a for a in xero_accounts if a["Type"] == "BANK"]),
            "contact_groups": len(self.sb.records("ContactGroups")),
            "contacts": len(self.sb.records("Contacts")),
            "items": len(self.sb.records("Items")),
        }
        for key, count in expected.items():
            bindings = self.bindings(key)
            self.assertEqual(len(bindings), count, key)
            self.assertEqual(len(set(bindings.mapped("xero_id"))), count, key)
            self.assertEqual(len(set(bindings.mapped("res_id"))), count, key)
            self.assertEqual(results[key]["failed"], 0, key)
            self.assertEqual(results[key]["created"] + results[key]["updated"], count, key)
        self.assertEqual(self.writes(), {})
        # Contacts really carry Xero's data.
        contact = next(c for c in self.sb.records("Contacts") if c.get("EmailAddress"))
        partner = self.env["res.partner"].search([("xero_id", "=", contact["ContactID"])])
        self.assertEqual(partner.name, contact["Name"])
        self.assertEqual(partner.email, contact["EmailAddress"])
        self.assertEqual(partner.company_id, self.company)
        # Tracked items became storable products; codes and prices as in Xero.
        for item in self.sb.records("Items"):
            product = self.env["product.product"].search([("xero_id", "=", item["ItemID"])])
            self.assertEqual(product.default_code, item["Code"])
            self.assertEqual(product.is_storable, bool(item.get("IsTrackedAsInventory")))
            if (item.get("SalesDetails") or {}).get("UnitPrice") is not None:
                self.assertAlmostEqual(product.lst_price, item["SalesDetails"]["UnitPrice"])

        before = self.sb.stats()["by_operation"]
        results, errors = self.account._xero_run("import", keys)
        self.assertEqual(errors, [])
        for key in keys:
            self.assertEqual(results[key]["created"], 0, key)
            self.assertEqual(results[key]["updated"], 0, key)
        self.assertEqual(self.writes(), {})
        calls = sum(self.sb.stats()["by_operation"].values()) - sum(before.values())
        self.assertLessEqual(calls, len(keys) + 1)  # one read per object (+ a token refresh)
        # An export right after the import sends nothing back out for the imported records.
        for key in ("contact_groups", "contacts", "items"):
            run = self.run_object(key, "export")
            self.assertEqual(run.created_count + run.updated_count + run.failed_count, 0, key)
        self.assertEqual(self.writes(), {})

    def test_interrupted_import_rereads_instead_of_skipping(self):
        """The cursor moves with the committed page only: a run that dies after page 1 keeps
        page 1 and its cursor; the next run reads on from there, with no duplicate."""
        base_ms = 1_700_000_000_000
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": f"00000000-0000-4000-8000-{i:012d}",
                        "Name": f"Contact {i:04d}",
                        "ContactStatus": "ACTIVE",
                        "UpdatedDateUTC": f"/Date({base_ms + i * 3_600_000}+0000)/",
                    }
                    for i in range(1500)
                ]
            }
        )

        class Crash(Exception):
            pass

        seen = []

        def crash_after_first_page(processed):
            # Stands for the commit after page 1, then the worker dying (a test cannot commit).
            seen.append((processed, settings.import_cursor))
            raise Crash()

        settings = self.account._xero_settings("contacts")
        # Not assertRaises: Odoo's rolls the savepoint back, and page 1 stands for committed.
        try:
            self.account._xero_run_object("contacts", "import", commit=crash_after_first_page)
        except Crash:
            self.assertEqual(len(seen), 1, "the run dies at its first commit")
        else:
            self.fail("the run should have died after page 1")
        self.assertEqual(seen[0][0], 1000)
        self.assertFalse(self.mismatches("contacts").mapped("messages"))
        self.assertEqual(len(self.bindings("contacts")), 1000)
        newest_of_page_1 = max(b.xero_updated_at for b in self.bindings("contacts"))
        self.assertEqual(settings.import_cursor, newest_of_page_1)

        run = self.run_object("contacts", "import")
        total = len(self.sb.records("Contacts"))  # the 1500 and whatever the sandbox had
        self.assertEqual(run.created_count, total - 1000)
        self.assertEqual(len(self.bindings("contacts")), total)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=like", "Contact %")]), 1500)
        self.assertEqual(settings.import_cursor, max(b.xero_updated_at for b in self.bindings("contacts")))


class TestContactsExport(XeroSyncCase):
    def test_500_partners_batches_then_only_the_changed_then_no_echo(self):
        partners = self.make_partners(500)
        run = self.run_object("contacts", "export")
        self.assertEqual(run.created_count, 500)
        self.assertEqual(self.writes(), {"POST /Contacts": 10})
        self.assertEqual(len(self.sb.records("Contacts")), 500)
        self.assertEqual(len(self.bindings("contacts")), 500)
        self.assertEqual(run.api_writes, 10)

        # Only a change to a synced field queues an export.
        partners[:3].write({"phone": "+64 9 555 0101"})
        partners[3:10].write({"comment": "internal note, not in Xero"})
        before = dict(self.writes())
        run = self.run_object("contacts", "export")
        after = self.writes()
        self.assertEqual(after["POST /Contacts"] - before["POST /Contacts"], 1)
        self.assertEqual(run.updated_count, 3)
        by_id = {c["ContactID"]: c for c in self.sb.records("Contacts")}
        for partner in partners[:3]:
            phones = by_id[partner.xero_id]["Phones"]
            self.assertIn("+64 9 555 0101", [p.get("PhoneNumber") for p in phones])

        # An import right after sees its own echo and sends nothing back out.
        run = self.run_object("contacts", "import")
        self.assertEqual(run.created_count + run.updated_count, 0)
        run = self.run_object("contacts", "export")
        self.assertEqual(run.created_count + run.updated_count, 0)
        self.assertEqual(self.writes(), after)

    def test_rejected_contact_does_not_block_the_batch(self):
        partners = self.make_partners(3, prefix="Client")
        self.run_object("contacts", "export")
        # Someone creates "Beta Ltd" in Xero; renaming an Odoo partner to it is refused there.
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "11111111-1111-4111-8111-111111111111",
                        "Name": "Beta Ltd",
                        "ContactStatus": "ACTIVE",
                    }
                ]
            }
        )
        partners[0].name = "Beta Ltd"
        partners[1].email = "new1@example.com"
        partners[2].email = "new2@example.com"
        run = self.account._xero_run_object("contacts", "export")
        self.assertEqual(run.state, "partial")
        self.assertEqual(run.updated_count, 2)
        self.assertEqual(run.failed_count, 1)
        log = self.mismatches("contacts")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.res_id, partners[0].id)
        self.assertEqual(log.kind, "validation")
        self.assertIn("already assigned to another contact", log.messages)
        self.assertIn("Resolve", log.hint)
        self.assertFalse(log.clash_field)  # linked already: nothing to link it to
        self.assertEqual(json.loads(log.payload)["Name"], "Beta Ltd")
        by_id = {c["ContactID"]: c for c in self.sb.records("Contacts")}
        self.assertEqual(by_id[partners[1].xero_id]["EmailAddress"], "new1@example.com")
        binding = self.bindings("contacts").filtered(lambda b: b.res_id == partners[0].id)
        self.assertEqual(binding.state, "error")
        # The same refused payload is not sent again; a fix closes the entry.
        writes = self.writes()
        self.run_object("contacts", "export")
        self.assertEqual(self.writes(), writes)
        partners[0].name = "Client 0000 (renamed)"
        run = self.run_object("contacts", "export")
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(log.state, "resolved")

    def test_same_name_twice_is_not_guessed(self):
        """Two partners with the same name and a Xero contact of that name: no duplicate,
        one logged ambiguity, resolved by the user."""
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "22222222-2222-4222-8222-222222222222",
                        "Name": "Acme Ltd",
                        "ContactStatus": "ACTIVE",
                    }
                ]
            }
        )
        twins = self.env["res.partner"].create([{"name": "Acme Ltd"}, {"name": "ACME ltd."}])
        run = self.account._xero_run_object("contacts", "import")
        self.assertEqual(run.failed_count, 1)
        log = self.mismatches("contacts")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.kind, "ambiguous")
        self.assertEqual(sorted(log.candidate_ids), sorted(twins.ids))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=ilike", "acme ltd%")]), 2)
        # Exporting does not create a second Acme in Xero either.
        run = self.account._xero_run_object("contacts", "export", records=twins)
        self.assertEqual(
            len([c for c in self.sb.records("Contacts") if c["Name"].lower().rstrip(".") == "acme ltd"]), 1
        )
        self.assertEqual(self.writes(), {})
        # The user links the first one: bound, the entry closed.
        wizard = self.env["xero.mismatch.resolve"].create({"mismatch_id": log.id})
        self.assertEqual(len(wizard.line_ids), 2)
        wizard.line_ids.filtered(lambda line: line.res_id == twins[0].id).action_link()
        self.assertEqual(twins[0].xero_id, "22222222-2222-4222-8222-222222222222")
        self.assertEqual(log.state, "resolved")

    def test_new_partners_link_by_number_then_by_name_ignoring_case(self):
        """Xero updates the contact owning a ContactNumber, and names are unique whatever
        their case: new partners are linked to those contacts, never duplicated."""
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "55555555-5555-4555-8555-555555555555",
                        "Name": "Old Name",
                        "ContactNumber": "C-77",
                        "ContactStatus": "ACTIVE",
                    },
                    {
                        "ContactID": "66666666-6666-4666-8666-666666666666",
                        "Name": "acme trading",
                        "ContactStatus": "ACTIVE",
                    },
                ]
            }
        )
        before = len(self.sb.records("Contacts"))
        by_number = self.env["res.partner"].create({"name": "New Name", "ref": "C-77"})
        by_name = self.env["res.partner"].create({"name": "ACME Trading"})
        run = self.run_object("contacts", "export", records=by_number | by_name)
        self.assertEqual(run.created_count, 0)
        self.assertEqual(len(self.sb.records("Contacts")), before)
        self.assertEqual(by_number.xero_id, "55555555-5555-4555-8555-555555555555")
        self.assertEqual(by_name.xero_id, "66666666-6666-4666-8666-666666666666")
        names = {c["ContactID"]: c["Name"] for c in self.sb.records("Contacts")}
        self.assertEqual(names["55555555-5555-4555-8555-555555555555"], "New Name")

    def test_groups_come_with_their_contacts(self):
        tag = self.env["res.partner.category"].create({"name": "Wholesale"})
        partner = self.env["res.partner"].create(
            {"name": "Grouped Co", "category_id": [Command.link(tag.id)]}
        )
        self.run_object("contacts", "export")
        groups = self.sb.records("ContactGroups")
        self.assertEqual([g["Name"] for g in groups], ["Wholesale"])
        group_id = groups[0]["ContactGroupID"]
        # The sandbox's stats name operations without their ids.
        self.assertEqual(self.ops().get("PUT /ContactGroups/Contacts"), 1, self.ops())
        self.assertEqual(self.sb.records("ContactGroups")[0]["ContactGroupID"], group_id)
        members = self.account._xero_client().call("GET", f"/ContactGroups/{group_id}").data
        self.assertEqual([c["ContactID"] for c in members["ContactGroups"][0]["Contacts"]], [partner.xero_id])
        # Membership removed in Odoo: removed in Xero, once.
        partner.category_id = [Command.clear()]
        self.run_object("contacts", "export")
        self.assertEqual(self.ops().get("DELETE /ContactGroups/Contacts"), 1, self.ops())
        members = self.account._xero_client().call("GET", f"/ContactGroups/{group_id}").data
        self.assertEqual(members["ContactGroups"][0]["Contacts"], [])


class TestItemsAndTaxes(XeroSyncCase):
    def test_item_with_unmapped_account_names_the_missing_mapping(self):
        income = self.env["account.account"].create(
            {
                "name": "Odoo-only income",
                "code": "ODOO1",
                "account_type": "income",
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        product = self.env["product.product"].create(
            {
                "name": "Widget",
                "default_code": "WID-1",
                "list_price": 12.3456,
                "property_account_income_id": income.id,
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
            }
        )
        run = self.account._xero_run_object("items", "export", records=product)
        self.assertEqual(run.failed_count, 1)
        log = self.mismatches("items")
        self.assertEqual(log.kind, "dependency")
        self.assertIn("Odoo-only income", log.messages)
        self.assertEqual(self.writes(), {})
        # Once the account is exported (the user allows the chart to go to Xero), the item
        # goes, with its code and 4-decimal price.
        self.account.export_chart = True
        self.run_object("accounts", "export", records=income)
        run = self.run_object("items", "export", records=product)
        self.assertEqual(run.created_count, 1)
        item = self.sb.records("Items")[0]
        self.assertEqual(item["Code"], "WID-1")
        self.assertEqual(item["SalesDetails"]["UnitPrice"], 12.3456)
        self.assertEqual(item["SalesDetails"]["AccountCode"], "ODOO1")
        self.assertEqual(log.state, "resolved")

    def test_compound_tax_becomes_a_group(self):
        self.sb.load_seed(
            {
                "TaxRates": [
                    {
                        "Name": "GST + QST",
                        "TaxType": "TAX099",
                        "Status": "ACTIVE",
                        "ReportTaxType": "OUTPUT",
                        "EffectiveRate": 14.975,
                        "TaxComponents": [
                            {"Name": "GST", "Rate": 5.0, "IsCompound": False},
                            {"Name": "QST", "Rate": 9.975, "IsCompound": True},
                        ],
                    }
                ]
            }
        )
        self.run_object("taxes", "import")
        binding = self.bindings("taxes").filtered(lambda b: b.xero_id == "TAX099")
        tax = self.env["account.tax"].browse(binding.res_id)
        self.assertEqual(tax.amount_type, "group")
        self.assertEqual(tax.type_tax_use, "sale")
        children = tax.children_tax_ids.sorted("sequence")
        self.assertEqual(children.mapped("amount"), [5.0, 9.975])
        self.assertEqual(children.mapped("include_base_amount"), [True, False])
        # Odoo computes what Xero does: 5 % then 9.975 % on base + GST.
        taxes = tax.compute_all(100.0)
        self.assertAlmostEqual(taxes["total_included"] - taxes["total_excluded"], 15.47, 2)


class TestMultiCompany(XeroSyncCase):
    def test_two_companies_two_organisations_never_mix(self):
        other_sb = self.__class__.sb.__class__(
            port=0, client_id="sandbox-client", client_secret="sandbox-secret-0123456789", minute_limit=100000
        ).start()
        self.addCleanup(other_sb.stop)
        company_b = self.env["res.company"].create({"name": "Company B"})
        account_b = self.make_account(sandbox=other_sb, company=company_b, name="B")
        token = other_sb.issue_token([other_sb.tenant_id])
        account_b.sudo().write(
            {
                "state": "connected",
                "tenant_id": other_sb.tenant_id,
                "tenant_name": "B",
                "access_token": token["access_token"],
                "refresh_token": token["refresh_token"],
                "token_expires_at": "2099-01-01 00:00:00",
            }
        )
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "33333333-3333-4333-8333-333333333333",
                        "Name": "Shared Name",
                        "ContactStatus": "ACTIVE",
                    }
                ]
            }
        )
        other_sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "44444444-4444-4444-8444-444444444444",
                        "Name": "Shared Name",
                        "ContactStatus": "ACTIVE",
                    }
                ]
            }
        )
        self.run_object("contacts", "import")
        self.run_object("contacts", "import", account=account_b.with_company(company_b))
        partners = self.env["res.partner"].search([("name", "=", "Shared Name")])
        self.assertEqual(len(partners), 2)
        self.assertEqual(sorted(partners.mapped("company_id").ids), sorted([self.company.id, company_b.id]))
        a = partners.filtered(lambda p: p.company_id == self.company)
        b = partners - a
        self.assertEqual(self.bindings("contacts").mapped("res_id"), a.ids)
        self.assertEqual(self.bindings("contacts", account_b).mapped("res_id"), b.ids)
        # Company A's new partner goes to A's organisation only.
        self.env["res.partner"].create({"name": "Only A", "company_id": self.company.id})
        self.run_object("contacts", "export")
        self.run_object("contacts", "export", account=account_b.with_company(company_b))
        self.assertIn("Only A", [c["Name"] for c in self.sb.records("Contacts")])
        self.assertNotIn("Only A", [c["Name"] for c in other_sb.records("Contacts")])


class TestSettingsAndCrons(XeroSyncCase):
    def test_enabling_an_object_makes_it_due_for_the_one_scheduler(self):
        scheduler = self.env.ref("sync_xero_connector.ir_cron_xero_scheduler")
        self.assertTrue(scheduler.active)
        self.assertEqual(scheduler.code, "model._cron_xero_scheduler()")
        # One scheduler for every object and direction: no cron per object is left.
        crons = self.env["ir.model.data"].search(
            [("model", "=", "ir.cron"), ("module", "like", "sync_xero_connector%")]
        )
        self.assertEqual(
            sorted(crons.mapped("name")),
            [
                "ir_cron_xero_alerts",
                "ir_cron_xero_keep_alive",
                "ir_cron_xero_scheduler",
                "ir_cron_xero_webhook_events",
            ],
        )
        self.assertNotIn(("contacts", "import"), self.due_pairs(self.account))
        settings = self.account._xero_settings("contacts")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", scheduler.id)])
        settings.write({"enabled": True, "direction": "import"})
        # Enabling wakes the scheduler at once (not at its next interval).
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", scheduler.id)]), triggers
        )
        due = self.due_pairs(self.account)
        self.assertIn(("contacts", "import"), due)
        self.assertNotIn(("contacts", "export"), due)
        settings.direction = "both"
        self.assertIn(("contacts", "export"), self.due_pairs(self.account))
        settings.enabled = False
        self.assertFalse({pair for pair in self.due_pairs(self.account) if pair[0] == "contacts"})

    def test_mode_create_only_never_updates(self):
        partner = self.env["res.partner"].create({"name": "Kept As Is"})
        self.run_object("contacts", "export")
        settings = self.account._xero_settings("contacts")
        settings.mode = "create"
        partner.email = "changed@example.com"
        run = self.run_object("contacts", "export")
        self.assertEqual(run.updated_count, 0)
        self.assertFalse(self.sb.records("Contacts")[0].get("EmailAddress"))

    def test_tax_mapping_accepts_only_the_same_rate(self):
        self.sb.load_seed(
            {
                "TaxRates": [
                    {
                        "Name": "GST on Expenses 15",
                        "TaxType": "INPUT9",
                        "Status": "ACTIVE",
                        "ReportTaxType": "INPUT",
                        "EffectiveRate": 15.0,
                        "TaxComponents": [{"Name": "GST", "Rate": 15.0, "IsCompound": False}],
                    }
                ]
            }
        )
        self.run_object("taxes", "import")
        xero = self.bindings("taxes").filtered(lambda b: b.xero_id == "INPUT9")
        Tax = self.env["account.tax"]
        same = Tax.create(
            {
                "name": "Odoo 15 purchase B",
                "amount": 15.0,
                "type_tax_use": "purchase",
                "company_id": self.company.id,
            }
        )
        other = Tax.create(
            {
                "name": "Odoo 12.5 purchase",
                "amount": 12.5,
                "type_tax_use": "purchase",
                "company_id": self.company.id,
            }
        )
        Wizard = self.env["xero.tax.map.wizard"]
        with self.assertRaisesRegex(ValidationError, "same rate"):
            Wizard.create(
                {"account_id": self.account.id, "xero_binding_id": xero.id, "tax_id": other.id}
            ).action_map()
        Wizard.create(
            {"account_id": self.account.id, "xero_binding_id": xero.id, "tax_id": same.id}
        ).action_map()
        extra = self.bindings("taxes").filtered(lambda b: b.res_id == same.id)
        self.assertEqual((extra.xero_id, extra.is_primary), ("INPUT9", False))
        # The extra mapping is never exported on its own (Xero has one rate for both), even
        # where taxes are exported.
        self.account.export_chart = True
        same.name = "Odoo 15 purchase B renamed"
        run = self.run_object("taxes", "export", records=same)
        self.assertEqual(run.created_count + run.updated_count, 0)


@tagged("post_install", "-at_install")
class TestCron(XeroTestMixin, TransactionCase):
    """The scheduled path, with its commits (on a test cursor, as the CLI tests do)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()

    def test_cron_exports_enabled_objects_that_are_due(self):
        account = self.make_account()
        self.connect_with_issued_token(account)
        settings = account._xero_settings("contacts")
        settings.write({"enabled": True, "direction": "export"})
        self.env["res.partner"].create([{"name": f"Cron Partner {i}"} for i in range(3)])
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            done = env["xero.sync.setting"]._cron_sync("contacts", "export")
        self.env.invalidate_all()
        self.assertEqual(done, 1)
        self.assertEqual(
            sorted(c["Name"] for c in self.sb.records("Contacts")),
            ["Cron Partner 0", "Cron Partner 1", "Cron Partner 2"],
        )
        self.assertTrue(settings.next_export_at)
        self.assertEqual(settings.last_export_run_id.trigger, "cron")
        self.assertEqual(settings.last_export_run_id.created_count, 3)
        # Not due again before its interval: the next cron run does nothing.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["xero.sync.setting"]._cron_sync("contacts", "export"), 0)
