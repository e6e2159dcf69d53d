# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs into a database that has account, and is seen as installed."""

    def _state(self, name):
        module = self.env["ir.module.module"].search([("name", "=", name)])
        self.assertEqual(len(module), 1, f"module {name!r} is not known to ir.module.module")
        return module.state

    def test_addon_installed(self):
        self.assertEqual(self._state("sync_xero_connector"), "installed")

    def test_account_installed(self):
        self.assertEqual(self._state("account"), "installed")
