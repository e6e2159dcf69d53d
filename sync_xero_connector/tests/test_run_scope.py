# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What "all" runs, and what it must never do (issue 11: points 3, 5 and 8).

Import All / Export All / ``all`` / ``sync`` / crons run the enabled objects only; the first
connection enables the recommended set (import only); the organisation's setup (chart of
accounts, taxes, currencies, bank accounts) is not exported unless asked; Export All shows a
preview first; ``--dry-run`` only reads; Xero's day limit stops everything at once; toasts
name the objects. Against the sandbox on 127.0.0.1, counted by its stats per operation.
"""

import json
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, tagged

from . import test_cli
from .common import XeroTestMixin
from .test_sync_engine import XeroSyncCase

IMPLEMENTED = [
    "currencies",
    "taxes",
    "accounts",
    "bank_accounts",
    "contact_groups",
    "contacts",
    "items",
    "tracking_categories",
    "invoices",
    "bills",
    "credit_notes",
    "payments",
    "manual_journals",
    "quotes",
    "purchase_orders",
]
SETUP_WRITES = {
    f"{method} /{name}" for method in ("PUT", "POST") for name in ("Accounts", "TaxRates", "Currencies")
}
GROUP_ID = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
MASTER_SEED = {
    "ContactGroups": [{"ContactGroupID": GROUP_ID, "Name": "VIP", "Status": "ACTIVE"}],
    "Contacts": [
        {
            "ContactID": "bbbbbbbb-bbbb-4bbb-8bbb-000000000001",
            "Name": "Alpha Traders",
            "ContactStatus": "ACTIVE",
        },
        {
            "ContactID": "bbbbbbbb-bbbb-4bbb-8bbb-000000000002",
            "Name": "Beta Supplies",
            "ContactStatus": "ACTIVE",
        },
        # make_partners() names its first partners "Partner 0000", "Partner 0001"...
        {
            "ContactID": "bbbbbbbb-bbbb-4bbb-8bbb-000000000003",
            "Name": "Partner 0001",
            "ContactStatus": "ACTIVE",
        },
    ],
    "Items": [{"ItemID": "cccccccc-cccc-4ccc-8ccc-000000000001", "Code": "WID-1", "Name": "Widget"}],
}
DAY_LIMIT_SECONDS = 3 * 3600


def master_seed(env):
    """MASTER_SEED in an organisation keeping its books in the company's currency (as a real
    user of that organisation has it)."""
    seed = json.loads(json.dumps(MASTER_SEED))
    seed["Organisation"] = [{"BaseCurrency": env.company.currency_id.name}]
    return seed


class RunScopeMixin:
    def api_ops(self):
        """Accounting API calls the sandbox received, by operation (token and connections
        calls aside)."""
        return {op: n for op, n in self.ops().items() if not op.endswith(("/connect/token", "/connections"))}

    def new_api_ops(self, before):
        return {op: n - before.get(op, 0) for op, n in self.api_ops().items() if n != before.get(op, 0)}


@tagged("post_install", "-at_install")
class TestRunScope(RunScopeMixin, XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed(master_seed(cls.env))  # kept by every reset of this class's sandbox

    # ------------------------------------------------------------- enabled only
    def test_all_disabled_runs_nothing(self):
        """Every object disabled (a new account): Import All, Export All and sync run nothing,
        call nothing, and say what to do."""
        self.assertFalse(any(self.account.sync_setting_ids.mapped("enabled")))
        before = self.sb.stats()["total"]
        with self.assertRaisesRegex(
            UserError, "No Xero object is enabled for import.*Enable Recommended Objects"
        ):
            self.account.with_user(self.xero_user).action_import_all()
        with self.assertRaisesRegex(UserError, "No Xero object is enabled for export.*Direction"):
            self.account.with_user(self.xero_user).action_export_all()
        with self.assertRaisesRegex(UserError, "No Xero object is enabled"):
            self.account._xero_run("sync")
        self.assertEqual(self.sb.stats()["total"], before)
        self.assertFalse(self.account.run_ids)
        self.assertFalse(self.env["xero.binding"].search([("account_id", "=", self.account.id)]))

    def test_one_enabled_runs_only_it_and_the_toast_names_it(self):
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
        before = self.api_ops()
        action = self.run_background(self.account.action_import_all())
        self.assertEqual(self.account.run_ids.mapped("object_key"), ["contacts"])
        self.assertEqual(self.new_api_ops(before), {"GET /Contacts": 1})
        self.assertEqual(len(self.bindings("contacts")), 3)
        self.assertFalse(self.bindings("items"))
        # The toast: a real title, the object and its counts, a button to the run.
        params = action["params"]
        self.assertEqual(action["tag"], "xero_run_notification")
        self.assertEqual(params["title"], f"Import from {self.account.tenant_name}")
        self.assertEqual(params["lines"], ["Contacts: 3 created"])
        self.assertEqual(params["type"], "success")
        self.assertEqual(params["runs_action"]["res_model"], "xero.sync.run")
        self.assertEqual(params["runs_action"]["domain"], [("id", "in", self.account.run_ids.ids)])
        # Direction import: not part of Export All (which says why).
        with self.assertRaisesRegex(UserError, "No Xero object is enabled for export"):
            self.account.action_export_all()
        # Named explicitly, a disabled object still runs (its own button).
        action = self.run_background(self.account._xero_settings("items").action_import())
        self.assertEqual(len(self.bindings("items")), 1)
        self.assertEqual(action["params"]["lines"], ["Items: 1 created"])
        self.assertEqual(self.new_api_ops(before), {"GET /Contacts": 1, "GET /Items": 1})

    def test_toast_names_every_object_and_each_failure_once(self):
        for key in ("contacts", "items", "invoices"):
            self.account._xero_settings(key).write({"enabled": True, "direction": "import"})
        action = self.run_background(self.account.action_import_all())
        params = action["params"]
        self.assertEqual(
            params["lines"][:3], ["Contacts: 3 created", "Items: 1 created", "Invoices: nothing to do"]
        )
        self.assertEqual(params["message"], " · ".join(params["lines"]))
        self.assertEqual(len(params["runs_action"]["domain"][0][2]), 3)

    # ---------------------------------------------------------- recommended set
    def test_first_connect_enables_the_recommended_set(self):
        company = self.env["res.company"].create({"name": "First Day Ltd"})
        account = self.make_account(company=company, name="First day", connection_type="custom")
        self.assertFalse(account.sync_defaults_applied)
        account.action_connect()
        self.assertEqual(account.state, "connected")
        rows = account.sync_setting_ids
        self.assertEqual(sorted(rows.filtered("enabled").mapped("object_key")), sorted(IMPLEMENTED))
        self.assertEqual(set(rows.filtered("enabled").mapped("direction")), {"import"})
        self.assertFalse(account.export_chart)
        message = account.message_ids.filtered(lambda m: "Enabled for import" in (m.body or ""))
        self.assertEqual(len(message), 1)
        for text in (
            "nothing is written to Xero",
            "Contacts",
            "Invoices",
            "Payments",
            "Direction to Both",
            "Export Chart of Accounts and Taxes",
        ):
            self.assertIn(text, message.body)
        # The scheduler runs the enabled imports, no export.
        due = self.due_pairs(account)
        self.assertIn(("contacts", "import"), due)
        self.assertNotIn(("contacts", "export"), due)
        # A later connection leaves the user's choices alone.
        account._xero_settings("contacts").enabled = False
        account.action_connect()
        self.assertFalse(account._xero_settings("contacts").enabled)
        self.assertEqual(
            len(account.message_ids.filtered(lambda m: "Enabled for import" in (m.body or ""))), 1
        )

    def test_enable_recommended_button_keeps_what_is_enabled(self):
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "both"})
        self.account.with_user(self.manager).action_enable_recommended()
        contacts = self.account._xero_settings("contacts")
        self.assertEqual((contacts.enabled, contacts.direction), (True, "both"))
        others = self.account.sync_setting_ids.filtered("can_import") - contacts
        self.assertEqual(set(others.mapped("enabled")), {True})
        self.assertEqual(set(others.mapped("direction")), {"import"})
        # Export-only objects (attachments) are not among what the recommended set imports.
        self.assertFalse(self.account._xero_settings("attachments").enabled)
        message = self.account.message_ids[0].body
        self.assertIn("Currencies", message)
        self.assertNotIn("Contacts,", message)
        action = self.account.action_enable_recommended()
        self.assertEqual(action["params"]["title"], "Nothing to enable")

    # ------------------------------------------------- the organisation's setup
    def test_export_all_with_defaults_never_pushes_the_chart(self):
        """The recommended set, then export turned on for every object: Export All shows
        what it would send, and neither it nor the documents' dependencies create Odoo's
        chart of accounts, taxes or currencies in Xero."""
        # What the documents' own error asks for (Xero rounds per line).
        self.env.company.tax_calculation_rounding_method = "round_per_line"
        self.account.action_enable_recommended()
        self.account.sync_setting_ids.write({"direction": "both"})
        partner = self.env["res.partner"].create({"name": "Fresh Customer", "customer_rank": 1})
        sale_tax = self.env.company.account_sale_tax_id
        self.assertTrue(sale_tax, "the default chart's sales tax")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "price_unit": 100.0, "tax_ids": [Command.set(sale_tax.ids)]}
                    )
                ],
            }
        )
        invoice.action_post()
        action = self.account.action_export_all()
        self.assertEqual(action["res_model"], "xero.sync.preview")
        wizard = self.env["xero.sync.preview"].browse(action["res_id"])
        self.assertEqual(self.writes(), {})  # the preview sent nothing
        lines = {line.object_key: line for line in wizard.line_ids}
        for key in ("currencies", "taxes", "accounts", "bank_accounts"):
            self.assertTrue(lines[key].held, key)
            self.assertIn("Export Chart of Accounts and Taxes is off", lines[key].notes)
        self.assertGreaterEqual(lines["contacts"].created, 1)
        self.assertIn("Fresh Customer", lines["contacts"].records)
        self.assertEqual((lines["invoices"].created, lines["invoices"].failed), (0, 1))
        self.assertIn(invoice.name, lines["invoices"].notes)
        self.assertIn(invoice.name, lines["invoices"].records)

        self.run_background(wizard.action_confirm())
        writes = self.writes()
        self.assertIn("POST /Contacts", writes)
        self.assertFalse(SETUP_WRITES & set(writes), writes)
        self.assertEqual(self.sb.records("Accounts"), [])
        self.assertEqual(self.sb.records("TaxRates"), [])
        log = self.mismatches("invoices")
        self.assertEqual((log.kind, log.res_id), ("dependency", invoice.id))
        self.assertIn("Export Chart of Accounts and Taxes", log.hint)
        self.assertIn("Tax Mapping", log.hint)
        # Asked for by name, the setup is refused too, with the way to allow it.
        with self.assertRaisesRegex(UserError, "tick Export Chart of Accounts and Taxes"):
            self.account._xero_settings("accounts").action_export()
        with self.assertRaisesRegex(UserError, "Taxes are not exported"):
            self.account._xero_run("export", ["taxes"])
        self.assertFalse(SETUP_WRITES & set(self.writes()))
        self.assertNotIn(("accounts", "export"), self.due_pairs(self.account))

        # Once the user asks for it, the invoice's account and tax go with it.
        self.account.export_chart = True
        self.assertIn(("accounts", "export"), self.due_pairs(self.account))
        action = self.account._xero_settings("invoices").action_export()
        wizard = self.env["xero.sync.preview"].browse(action["res_id"])
        lines = {line.object_key: line for line in wizard.line_ids}
        self.assertEqual(
            lines["invoices"].created,
            1,
            [(line.object_key, line.created, line.failed, line.notes) for line in wizard.line_ids],
        )
        self.assertEqual(lines["accounts"].created, 1)
        self.assertEqual(lines["taxes"].created, 1)
        self.assertFalse(SETUP_WRITES & set(self.writes()))
        self.run_background(wizard.action_confirm())
        self.assertTrue(SETUP_WRITES & set(self.writes()))
        self.assertEqual(len(self.sb.records("Accounts")), 1)
        self.assertTrue(self.bindings("invoices").filtered(lambda b: b.res_id == invoice.id))

    # -------------------------------------------------------------- dry run
    def test_preview_only_reads_and_keeps_nothing(self):
        self.make_partners(3)
        self.account._xero_settings("contacts").write({"enabled": True, "direction": "export"})
        before = self.api_ops()
        rows = self.account._xero_preview("export")
        calls = self.new_api_ops(before)
        self.assertTrue(calls)
        self.assertEqual({op.split()[0] for op in calls}, {"GET"}, calls)
        (row,) = [r for r in rows if r["key"] == "contacts"]
        # Partner 0001 is linked to Xero's contact of that name (an update), the others new.
        self.assertEqual(row["updated"], 1)
        self.assertGreaterEqual(row["created"], 2)
        self.assertIn("Partner 0000", row["names"]["created"])
        self.assertEqual(row["names"]["updated"], ["Partner 0001"])
        # Nothing of it is left in Odoo, nothing was written to Xero.
        self.assertFalse(self.bindings("contacts"))
        self.assertFalse(self.account.run_ids)
        self.assertFalse(self.env["xero.mismatch.log"].search([]))
        self.assertEqual(len(self.sb.records("Contacts")), len(MASTER_SEED["Contacts"]))
        self.assertEqual(self.writes(), {})

    # ------------------------------------------------------------- day limit
    def test_day_limit_stops_the_whole_run(self):
        self.account.action_enable_recommended()
        self.sb.inject_fault(
            "rate_limit", problem="day", retry_after=DAY_LIMIT_SECONDS, path="/api.xro/2.0/Currencies"
        )
        before = self.api_ops()
        action = self.run_background(self.account.action_import_all())
        # The first object hit the limit; no later object's call reached Xero.
        self.assertEqual(self.new_api_ops(before), {"GET /Currencies": 1})
        run = self.account.run_ids
        self.assertEqual((run.object_key, run.state), ("currencies", "failed"))
        expected = fields.Datetime.now() + timedelta(seconds=DAY_LIMIT_SECONDS)
        self.assertLess(abs((run.resume_at - expected).total_seconds()), 120)
        self.assertIn("daily API limit", run.message)
        self.assertEqual(self.account.day_limit_until, run.resume_at)
        params = action["params"]
        self.assertEqual(params["type"], "danger")
        self.assertTrue(params["sticky"])
        failures = [line for line in params["lines"] if "daily API limit" in line]
        # Xero's refusal once, and what the background run never got to, with when to click again.
        self.assertEqual(len(failures), 2, failures)
        self.assertTrue(failures[0].startswith("Currencies failed: "))
        self.assertIn("stopped this background run before Taxes (import)", failures[1])
        self.assertIn("Click the button again after", failures[1])
        # Until then no button calls Xero (the cron: TestRunScopeCli).
        action = self.run_background(self.account._xero_settings("contacts").action_import())
        self.assertTrue(any("used up until" in line for line in action["params"]["lines"]), action["params"])
        self.assertEqual(self.new_api_ops(before), {"GET /Currencies": 1})
        self.assertFalse(self.bindings("contacts"))


@tagged("post_install", "-at_install")
class TestDayLimitInDependency(RunScopeMixin, XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        seed = master_seed(cls.env)
        seed["ContactGroups"][0]["Contacts"] = [{"ContactID": seed["Contacts"][0]["ContactID"]}]
        cls.sb.load_seed(seed)

    def test_day_limit_in_a_dependency_stops_the_run_needing_it(self):
        """Contacts import their groups as a dependency, once per page: the day limit
        there stops the contacts run and Import All, without a call more."""
        for key in ("contacts", "items"):
            self.account._xero_settings(key).write({"enabled": True, "direction": "import"})
        self.sb.inject_fault(
            "rate_limit", problem="day", retry_after=DAY_LIMIT_SECONDS, path="/api.xro/2.0/ContactGroups"
        )
        before = self.api_ops()
        self.run_background(self.account.action_import_all())
        self.assertEqual(self.new_api_ops(before), {"GET /Contacts": 1, "GET /ContactGroups": 1})
        contacts = self.account.run_ids.filtered(lambda r: r.object_key == "contacts")
        self.assertEqual(contacts.state, "failed")
        self.assertTrue(contacts.resume_at)
        self.assertFalse(self.account.run_ids.filtered(lambda r: r.object_key == "items"))
        self.assertFalse(self.mismatches("contacts"))  # not a record's fault


@tagged("post_install", "-at_install")
class TestRunScopeCli(RunScopeMixin, XeroTestMixin, TransactionCase):
    """The command line: ``all`` and ``sync`` run the enabled objects, ``--dry-run`` only
    reads, the day limit exits 1 with when to resume."""

    # The command line's helpers (module attribute: its test class is not collected twice).
    run_cli = test_cli.TestXeroCli.run_cli
    connect_args = test_cli.TestXeroCli.connect_args

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb.load_seed(master_seed(cls.env))

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()

    def account(self):
        return self.env["xero.account"].search([("company_id", "=", self.company.id)])

    def test_all_runs_the_enabled_objects_and_dry_run_only_reads(self):
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        account = self.account()
        self.assertEqual(
            sorted(account.sync_setting_ids.filtered("enabled").mapped("object_key")), sorted(IMPLEMENTED)
        )
        # The recommended set only imports: export all has nothing to run, and says so.
        status, out, err = self.run_cli("export", "all")
        self.assertEqual(status, 1)
        self.assertIn("No Xero object is enabled for export", err)
        self.assertIn("odoo-bin xero export contacts", err)
        self.env["res.partner"].create([{"name": f"Cli Partner {i}", "customer_rank": 1} for i in range(2)])
        account._xero_settings("contacts").direction = "both"
        before = self.api_ops()
        status, out, err = self.run_cli("export", "all", "--dry-run")
        self.assertEqual(status, 0, err)
        self.assertIn("Dry run: nothing was sent to Xero", out)
        self.assertRegex(out, r"contacts export: \d+ to create in Xero")
        self.assertIn("Cli Partner 0", out)
        self.assertNotIn("items export", out)
        calls = self.new_api_ops(before)
        self.assertEqual({op.split()[0] for op in calls}, {"GET"}, calls)
        self.assertFalse(self.env["xero.binding"].search([("account_id", "=", account.id)]))
        self.assertFalse(account.run_ids)
        # sync --dry-run: the imports too, and nothing of them is kept.
        status, out, err = self.run_cli("sync", "--dry-run", "--json")
        self.assertEqual(status, 0, err)
        rows = json.loads(out)
        self.assertEqual([r["key"] for r in rows if r["step"] == "import"][:2], ["currencies", "taxes"])
        contacts = next(r for r in rows if r["step"] == "import" and r["key"] == "contacts")
        self.assertEqual(contacts["created"], len(MASTER_SEED["Contacts"]))
        self.assertEqual({op.split()[0] for op in self.new_api_ops(before)}, {"GET"})
        self.assertFalse(self.env["xero.binding"].search([("account_id", "=", account.id)]))
        # The real run: only contacts go out, the import ran only what is enabled.
        status, out, err = self.run_cli("export", "all")
        self.assertEqual(status, 0, err)
        self.assertEqual(out.splitlines()[0].split(":")[0], "contacts")
        self.assertEqual(len(out.splitlines()), 1, out)
        self.assertIn("POST /Contacts", self.api_ops())

    def test_day_limit_exits_1_with_when_to_resume(self):
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        self.sb.inject_fault(
            "rate_limit", problem="day", retry_after=DAY_LIMIT_SECONDS, path="/api.xro/2.0/Currencies"
        )
        before = self.api_ops()
        status, out, err = self.run_cli("import", "all")
        self.assertEqual(status, 1)
        self.assertIn("currencies import: Xero's daily API limit", err)
        self.assertIn("Calls may resume at", err)
        self.assertEqual(self.new_api_ops(before), {"GET /Currencies": 1})
        run = self.account().run_ids
        self.assertEqual(run.object_key, "currencies")
        self.assertTrue(run.resume_at)
        # Asked again before then: nothing reaches Xero, the answer says until when.
        status, out, err = self.run_cli("import", "contacts")
        self.assertEqual(status, 1)
        self.assertIn("used up until", err)
        self.assertEqual(self.new_api_ops(before), {"GET /Currencies": 1})
        # The cron waits too, and plans its next run for then.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["xero.sync.setting"]._cron_sync("contacts", "import"), 0)
        self.env.invalidate_all()
        self.assertEqual(self.new_api_ops(before), {"GET /Currencies": 1})
        self.assertGreaterEqual(self.account()._xero_settings("contacts").next_import_at, run.resume_at)


@tagged("post_install", "-at_install")
class TestRunToastInBrowser(RunScopeMixin, XeroTestMixin, HttpCase):
    """The toast in the web client: the lines as Odoo renders them, and its button opening
    the run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb.load_seed(master_seed(cls.env))

    def test_toast_shows_the_objects_and_opens_the_run(self):
        account = self.make_account()
        self.connect_with_issued_token(account)
        account._xero_settings("contacts").write({"enabled": True, "direction": "import"})
        action = self.run_background(account.action_import_all(), account)  # partners: created by an admin
        run = account.run_ids
        self.assertEqual(run.created_count, len(MASTER_SEED["Contacts"]))
        code = """(async () => {
            const waitFor = async (selector, text) => {
                for (let i = 0; i < 100; i++) {
                    const found = [...document.querySelectorAll(selector)].find(
                        (el) => !text || el.textContent.includes(text));
                    if (found) { return found; }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error(`not found: ${selector} ${text || ""}`);
            };
            for (let i = 0; i < 100 && !odoo.__WOWL_DEBUG__?.root; i++) {
                await new Promise((resolve) => setTimeout(resolve, 100));  // the web client
            }
            const env = odoo.__WOWL_DEBUG__.root.env;
            await env.services.action.doAction(%(action)s);
            const toast = await waitFor(".o_notification", "Contacts: %(count)s created");
            if (!toast.textContent.includes("Import from %(org)s")) {
                throw new Error("no title in " + toast.textContent);
            }
            const button = await waitFor(".o_notification_buttons button", "View the run");
            button.click();
            await waitFor(".o_form_view .o_field_widget[name=created_count]", "%(count)s");
            console.log("test successful");
        })().catch((error) => console.error(error.message));""" % {
            "action": json.dumps(action),
            "count": len(MASTER_SEED["Contacts"]),
            "org": account.tenant_name,
        }
        self.browser_js("/odoo", code, login=self.manager.login)
