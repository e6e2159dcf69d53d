# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The first day on a database made with Odoo's defaults: connect runs the first-day check
(xero.account._xero_onboarding_check), adopts per-line tax rounding where nothing is posted, and
documents are refused while the company's currency is not Xero's base currency.

Nothing is set by hand but what a real user of the organisation has: where the test needs the
company in Xero's base currency, it changes the currency of a company without entries, as
Odoo allows and as the check's own button does."""

import io
import json

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.sync_xero_connector.cli import xero as cli
from odoo.addons.sync_xero_connector.xero import onboarding
from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR

from .common import CLIENT_ID, CLIENT_SECRET, XeroTestMixin

DOC_KEYS = ("invoices", "bills", "credit_notes", "payments")
ROUNDING_NOTE = "now rounds taxes per line"


class OnboardingCase(XeroTestMixin, TransactionCase):
    seed = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb.load_seed(cls.seed)

    def connect(self):
        """What a Xero Manager does on the first day: a Custom Connection, Connect."""
        account = self.make_account(connection_type="custom")
        account.with_user(self.manager).action_connect()
        self.assertEqual(account.state, "connected")
        return account

    def findings(self, account):
        return {f["code"]: f for f in account.onboarding_findings or []}

    def notes(self, account, text):
        return account.message_ids.filtered(lambda m: text in (m.body or ""))

    def use_xero_currency(self):
        """The company keeps its books in the organisation's currency, as its users do."""
        nzd = self.env.ref("base.NZD")
        nzd.active = True
        self.company.currency_id = nzd


@tagged("post_install", "-at_install")
class TestOnboardingDemo(OnboardingCase):
    seed = DEMO_SEED_DIR

    def test_connect_then_import_all_from_defaults(self):
        """Done when: default company (in the organisation's NZD), connect, import all: every
        document equals Xero's to the cent, no error, no setting touched by hand."""
        self.assertEqual(self.company.tax_calculation_rounding_method, "round_globally")
        self.use_xero_currency()
        account = self.connect()
        self.assertEqual(self.company.tax_calculation_rounding_method, "round_per_line")
        self.assertEqual(len(self.notes(account, ROUNDING_NOTE)), 1)
        found = self.findings(account)
        self.assertEqual(found["tax_rounding"]["level"], "info")
        self.assertNotIn("base_currency", found)
        self.assertEqual(account.xero_base_currency, "NZD")
        self.assertEqual(account.onboarding_state, "warning")  # numbering, see below

        results, errors = account._xero_run("import", account._xero_resolve_objects(["all"], "import"))
        self.assertEqual(errors, [])
        for key in DOC_KEYS:
            self.assertEqual(results[key]["failed"], 0, key)
        Move = self.env["account.move"]
        checked = 0
        for collection, field, keys in (
            ("Invoices", "InvoiceID", ("invoices", "bills")),
            ("CreditNotes", "CreditNoteID", ("credit_notes",)),
        ):
            for record in self.sb.records(collection):
                binding = self.env["xero.binding"].search(
                    [
                        ("account_id", "=", account.id),
                        ("object_key", "in", keys),
                        ("xero_id", "=", record[field]),
                    ]
                )
                if record["Status"] == "DELETED" and not binding:
                    continue
                move = Move.browse(binding.res_id)
                number = record.get("InvoiceNumber") or record.get("CreditNoteNumber")
                self.assertEqual(
                    (move.amount_untaxed, move.amount_tax, move.amount_total),
                    (record["SubTotal"], record["TotalTax"], record["Total"]),
                    number,
                )
                self.assertEqual(move.currency_id.name, record["CurrencyCode"], number)
                if record["CurrencyCode"] != "NZD":
                    self.assertEqual(move.invoice_currency_rate, record["CurrencyRate"], number)
                if move.state == "posted":
                    due = record.get("AmountDue", record.get("RemainingCredit"))
                    self.assertAlmostEqual(move.amount_residual, due, 2, number)
                checked += 1
        self.assertEqual(checked, 184)
        self.assertEqual(
            len(
                self.env["xero.binding"].search(
                    [("account_id", "=", account.id), ("object_key", "=", "payments")]
                )
            ),
            len(self.sb.records("Payments")),
        )
        # Adopted once, at connect: the document runs found nothing more to change.
        self.assertEqual(len(self.notes(account, ROUNDING_NOTE)), 1)

    def test_other_currency_imports_master_data_and_refuses_documents(self):
        """Done when: company in USD, Xero in NZD: master data imports, documents are refused
        with one message naming both currencies, and nothing is posted."""
        account = self.connect()
        self.assertEqual(account.onboarding_state, "blocking")
        blocking = self.findings(account)["base_currency"]
        self.assertEqual((blocking["level"], blocking["action"]), ("blocking", onboarding.USE_XERO_CURRENCY))
        self.assertIn("NZD", account.onboarding_banner)
        self.assertTrue(account.onboarding_fix_currency)
        before = self.ops()

        results, errors = account._xero_run("import", account._xero_resolve_objects(["all"], "import"))
        message = account._xero_currency_message()
        self.assertIn("USD", message)
        self.assertIn("NZD", message)
        self.assertIn("Use NZD as the company currency", message)
        # One message, naming every document object it stopped.
        # (manual journals are books in the company's currency too)
        self.assertEqual(errors, [f"{', '.join(DOC_KEYS + ('manual_journals',))} import: {message}"])
        self.assertEqual(self.env["account.move"].search_count([("company_id", "=", self.company.id)]), 0)
        self.assertEqual(self.env["account.payment"].search_count([("company_id", "=", self.company.id)]), 0)
        # Refused before reading them: no document was even fetched.
        ops = self.ops()
        for op in ("GET /Invoices", "GET /CreditNotes", "GET /Payments", "GET /ManualJournals"):
            self.assertEqual(ops.get(op, 0), before.get(op, 0), op)
        for key, collection in (("contacts", "Contacts"), ("items", "Items"), ("taxes", "TaxRates")):
            self.assertEqual(results[key]["failed"], 0, key)
            self.assertEqual(
                len(
                    self.env["xero.binding"].search(
                        [("account_id", "=", account.id), ("object_key", "=", key)]
                    )
                ),
                len(self.sb.records(collection)),
                key,
            )

        # The fix: a Xero Manager without the company's settings rights is told who can.
        with self.assertRaisesRegex(AccessError, "ask an administrator"):
            account.with_user(self.manager).action_onboarding_use_xero_currency()
        self.assertEqual(self.company.currency_id.name, "USD")
        admin = self.env.ref("base.user_admin")  # a Xero Manager too, by default
        account.with_user(admin).action_onboarding_use_xero_currency()
        self.assertEqual(self.company.currency_id.name, "NZD")
        self.assertNotIn("base_currency", self.findings(account))
        self.assertNotEqual(account.onboarding_state, "blocking")
        self.assertTrue(self.notes(account, "from USD to NZD"))
        run = account._xero_run_object("invoices", "import")
        self.assertNotEqual(run.state, "failed", run.message)

    def test_connect_finds_the_numbering_overlap_in_three_calls(self):
        """Xero's invoices are INV-0001..INV-0159, Odoo's next INV/2026/00001: both INV."""
        self.use_xero_currency()
        account = self.connect()
        self.assertEqual(
            self.ops(),
            {
                "POST /connect/token": 1,
                "GET /connections": 1,
                # the check: the organisation, one page of invoice numbers, the chart
                "GET /Organisation": 1,
                "GET /Invoices": 1,
                "GET /Accounts": 1,
            },
        )
        numbering = self.findings(account)["numbering_overlap"]
        self.assertEqual(numbering["level"], "warning")
        self.assertIn("INV-0159", numbering["message"])
        self.assertRegex(numbering["message"], r"INV/\d{4}/00001")
        self.assertIn("Invoice settings", numbering["fix"])
        self.assertIn("INV-0159", account.onboarding_html)

    def test_check_failing_does_not_fail_connect(self):
        """Xero refuses the check's invoice read: connected anyway, with a warning; Check
        Again makes the check."""
        self.sb.inject_fault("where_refused", contains='Type=="ACCREC"')
        account = self.connect()
        self.assertEqual(account.onboarding_state, "warning")
        self.assertEqual(list(self.findings(account)), ["check_failed"])
        self.assertFalse(account.xero_base_currency)
        account.with_user(self.manager).action_onboarding_check()
        self.assertEqual(account.xero_base_currency, "NZD")
        self.assertIn("base_currency", self.findings(account))

    def test_cli_connect_and_status_print_the_checks(self):
        self.registry_enter_test_mode()
        args = [
            "connect",
            "--company",
            str(self.company.id),
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--login-url",
            self.sb.url,
            "--identity-url",
            self.sb.url,
            "--api-url",
            self.sb.url,
            "--json",
        ]
        status, out, err = self.run_cli(args)
        self.assertEqual(status, 0, err)
        row = json.loads(out)
        self.assertEqual(row["checks_state"], "blocking")
        codes = [check["code"] for check in row["checks"]]
        self.assertEqual(codes[0], "base_currency")
        self.assertIn("numbering_overlap", codes)
        status, out, err = self.run_cli(["status"])
        self.assertEqual(status, 0, err)
        self.assertIn("blocking (base_currency): ", out)
        self.assertIn("fix: The company has no journal entries yet", out)

    def run_cli(self, argv):
        ns = cli.build_parser().parse_args(argv)
        out, err = io.StringIO(), io.StringIO()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            status = cli.dispatch(api.Environment(cr, SUPERUSER_ID, {}), ns, out=out, err=err)
        self.env.invalidate_all()
        return status, out.getvalue(), err.getvalue()


@tagged("post_install", "-at_install")
class TestOnboardingPostedEntries(OnboardingCase):
    seed = {"Organisation": [{"Name": "US Books", "BaseCurrency": "USD"}]}

    def test_posted_entries_keep_their_rounding(self):
        """The company invoiced before connecting: the connector does not change its rounding;
        a warning says what to do, document runs refuse naming the setting, the button fixes
        it."""
        partner = self.env["res.partner"].create({"name": "Early Customer"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2026-01-15",
                "invoice_line_ids": [Command.create({"name": "Advice", "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        account = self.connect()
        self.assertEqual(self.company.tax_calculation_rounding_method, "round_globally")
        self.assertFalse(self.notes(account, ROUNDING_NOTE))
        rounding = self.findings(account)["tax_rounding"]
        self.assertEqual((rounding["level"], rounding["action"]), ("warning", onboarding.ROUND_PER_LINE))
        self.assertTrue(account.onboarding_fix_rounding)
        self.assertEqual(account.onboarding_state, "warning")

        for key in DOC_KEYS:
            run = account._xero_run_object(key, "import")
            self.assertEqual(run.state, "failed", key)
            self.assertIn("Invoicing > Configuration > Settings > Taxes > Rounding Method", run.message)
        self.assertEqual(self.company.tax_calculation_rounding_method, "round_globally")

        account.with_user(self.env.ref("base.user_admin")).action_onboarding_round_per_line()
        self.assertEqual(self.company.tax_calculation_rounding_method, "round_per_line")
        self.assertNotIn("tax_rounding", self.findings(account))
        run = account._xero_run_object("invoices", "import")
        self.assertEqual(run.state, "done", run.message)
