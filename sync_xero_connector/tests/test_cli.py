# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``odoo-bin xero``: the command's functions run in-process against the sandbox (on a test
cursor, so its commits stay inside the test), plus one subprocess smoke test."""

import io
import json
import os
import subprocess
import sys

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from odoo.addons.sync_xero_connector.cli import xero as cli
from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR

from .common import CLIENT_ID, CLIENT_SECRET, XeroTestMixin


@tagged("post_install", "-at_install")
class TestXeroCli(XeroTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()

    def setUp(self):
        super().setUp()
        self.registry_enter_test_mode()

    def run_cli(self, *argv):
        """Parse ``argv`` like the command line and run it; (status, stdout, stderr)."""
        ns = cli.build_parser().parse_args(list(argv))
        out, err = io.StringIO(), io.StringIO()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            status = cli.dispatch(env, ns, out=out, err=err)
        self.env.invalidate_all()
        return status, out.getvalue(), err.getvalue()

    def connect_args(self, company=None):
        return [
            "connect",
            "--company",
            str((company or self.company).id),
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
        ]

    def test_connect_then_status(self):
        status, out, err = self.run_cli(*self.connect_args(), "--json")
        self.assertEqual(status, 0, err)
        row = json.loads(out)
        self.assertEqual(row["state"], "connected")
        self.assertEqual(row["tenant_id"], self.sb.tenant_id)
        account = self.env["xero.account"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(account), 1)
        self.assertEqual(account.connection_type, "custom")
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.api_url, self.sb.url)
        # connect, then the first-day check (test_onboarding.py): organisation, invoices, chart
        self.assertEqual(
            self.ops(),
            {
                "POST /connect/token": 1,
                "GET /connections": 1,
                "GET /Organisation": 1,
                "GET /Invoices": 1,
                "GET /Accounts": 1,
            },
        )

        status, out, err = self.run_cli("status", "--json")
        self.assertEqual(status, 0, err)
        rows = json.loads(out)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["company_id"], self.company.id)
        self.assertEqual(rows[0]["company"], self.company.name)
        self.assertEqual(rows[0]["tenant_name"], self.sb.tenant_names()[self.sb.tenant_id])
        self.assertEqual(rows[0]["state"], "connected")
        self.assertTrue(rows[0]["token_expires_at"])
        self.assertEqual(rows[0]["last_runs"], {})

        status, out, err = self.run_cli("status")
        self.assertEqual(status, 0, err)
        self.assertIn("connected", out)
        self.assertIn("last runs: never", out)
        self.assertNotIn(account.sudo().access_token, out + err)

        # connect again updates the same account
        status, out, err = self.run_cli(*self.connect_args())
        self.assertEqual(status, 0, err)
        self.assertEqual(self.env["xero.account"].search_count([("company_id", "=", self.company.id)]), 1)

    def test_connect_with_wrong_secret_fails_clearly(self):
        args = self.connect_args()
        args[args.index(CLIENT_SECRET)] = "not-the-secret"
        status, out, err = self.run_cli(*args)
        self.assertEqual(status, 1)
        self.assertIn("Xero refused the Custom Connection", err)
        self.assertNotIn("not-the-secret", err)
        self.assertNotIn("Traceback", err)

    def test_connect_unknown_company(self):
        status, _out, err = self.run_cli(
            "connect", "--company", "999999", "--client-id", "a", "--client-secret", "b"
        )
        self.assertEqual(status, 1)
        self.assertIn("no company with id 999999", err)

    def test_import_objects_not_supported_yet(self):
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        status, out, err = self.run_cli("import", "contacts", "attachments", "--json")
        self.assertEqual(status, 1)
        self.assertEqual(out, "")
        self.assertIn("not supported yet", err)
        status, _out, err = self.run_cli("import", "bogus")
        self.assertEqual(status, 1)
        self.assertIn("Unknown Xero object", err)

    def test_inventory_names_its_module(self):
        """Without sync_xero_connector_stock, the inventory object says what to install."""
        if "xero.object.inventory" in self.env:
            self.skipTest("sync_xero_connector_stock is installed: its own tests run the object")
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        status, out, err = self.run_cli("export", "inventory")
        self.assertEqual((status, out), (1, ""))
        self.assertIn("The inventory object needs the module sync_xero_connector_stock", err)

    def test_run_without_connected_account(self):
        status, _out, err = self.run_cli("sync", "--json")
        self.assertEqual(status, 1)
        self.assertIn("No connected Xero account", err)

    def test_import_all_then_export_all(self):
        """Done when: a full ``import all`` then ``export all`` prints the summary, exits 0."""
        self.sb.load_seed(DEMO_SEED_DIR)
        # The company keeps its books in the organisation's currency (NZD), as its users do;
        # nothing else is set by hand: connect adopts Xero's per-line tax rounding.
        self.env.ref("base.NZD").active = True
        self.env.company.currency_id = self.env.ref("base.NZD")
        self.env.flush_all()
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        status, out, err = self.run_cli("import", "all", "--json")
        self.assertEqual(status, 0, err)
        summary = json.loads(out)
        self.assertEqual(
            sorted(summary),
            sorted(
                [
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
            ),
        )
        xero = {key: len(self.sb.records(key)) for key in ("Contacts", "Items", "ContactGroups")}
        self.assertEqual(summary["contacts"]["created"], xero["Contacts"])
        self.assertEqual(summary["items"]["created"], xero["Items"])
        self.assertEqual(summary["contact_groups"]["created"], xero["ContactGroups"])
        self.assertEqual(sum(c["failed"] for c in summary.values()), 0, summary)
        # connect enabled every object for import only: export all has nothing to send yet.
        status, out, err = self.run_cli("export", "all")
        self.assertEqual(status, 1)
        self.assertIn("No Xero object is enabled for export", err)
        # The user turns export on for every object, the chart of accounts and taxes included.
        account = self.env["xero.account"].search([("company_id", "=", self.company.id)])
        account.sync_setting_ids.write({"direction": "both"})
        account.export_chart = True
        self.env.flush_all()
        status, out, err = self.run_cli("export", "all")
        self.assertEqual(status, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 15, out)
        self.assertTrue(lines[0].startswith("currencies: "), out)
        self.assertRegex(out, r"contacts: 0 created, 0 updated, \d+ skipped, 0 failed")
        self.assertRegex(out, r"items: 0 created, 0 updated, \d+ skipped, 0 failed")
        self.assertRegex(out, r"invoices: 0 created, 0 updated, \d+ skipped, 0 failed")
        self.assertRegex(out, r"quotes: 0 created, 0 updated, \d+ skipped, 0 failed")
        self.assertTrue(lines[-1].startswith("purchase_orders: "), out)
        runs = self.env["xero.sync.run"].search([("trigger", "=", "cli")])
        self.assertEqual(len(runs), 30)  # 15 objects, imported then exported
        status, out, err = self.run_cli("status")
        # One row per object and step, with the counts of its last run, and the health.
        self.assertRegex(out, r"\n  contacts +yes +import +\S+ \S+ +done +60 +0 +0 +0 +0\n")
        self.assertRegex(out, r"\n  contacts +yes +export +\S+ \S+ +done +0 +0 +\d+ +0 +0\n")
        self.assertRegex(out, r"connected, organisation .*, \d+ open mismatch entries\n")

    def test_disconnect(self):
        self.assertEqual(self.run_cli(*self.connect_args())[0], 0)
        status, out, err = self.run_cli("disconnect", "--json")
        self.assertEqual(status, 0, err)
        rows = json.loads(out)
        self.assertEqual([row["state"] for row in rows], ["disconnected"])
        self.assertEqual(self.ops().get("DELETE /connections"), 1)
        account = self.env["xero.account"].search([("company_id", "=", self.company.id)])
        self.assertEqual(account.state, "disconnected")
        self.assertFalse(account.sudo().access_token)

    def test_split_args(self):
        parser = config.parser
        self.assertEqual(
            cli.split_args(["-d", "db", "--db_host", "h", "status", "--json"], parser),
            (["-d", "db", "--db_host", "h"], ["status", "--json"]),
        )
        self.assertEqual(
            cli.split_args(["-d", "status", "status"], parser),
            (["-d", "status"], ["status"]),
        )
        self.assertEqual(cli.split_args(["--stop-after-init"], parser), (["--stop-after-init"], []))

    def test_subprocess_smoke(self):
        """The real command line: Odoo finds the command in the addon's cli/ folder."""
        odoo_bin = os.path.join(
            os.path.dirname(os.path.abspath(list(sys.modules["odoo"].__path__)[0])), "odoo-bin"
        )
        if not os.path.exists(odoo_bin):
            odoo_bin = None
        command = [sys.executable] + ([odoo_bin] if odoo_bin else ["-m", "odoo"])
        addons_path = config["addons_path"]
        if not isinstance(addons_path, str):
            addons_path = ",".join(addons_path)
        command += [f"--addons-path={addons_path}", "xero", "-d", self.env.cr.dbname, "--log-level=warn"]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                command.append(f"--{option}={config[option]}")
        if config.get("data_dir"):
            command.append(f"--data-dir={config['data_dir']}")
        command += ["status", "--json"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertIsInstance(json.loads(result.stdout), list)

        result = subprocess.run(
            command[:-2] + ["import", "contacts"], capture_output=True, text=True, timeout=120, check=False
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("error:", result.stderr)
