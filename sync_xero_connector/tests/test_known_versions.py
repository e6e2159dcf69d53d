# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 13: the import cursor follows exports. What an export wrote is not read again as new:
when Odoo is known to hold Xero's versions, an incremental import tells it with one read (Xero's
count of what changed, and the newest change), and reads as before at the least doubt: a Xero
edit before, during or after the export, a new Xero record, a record the import refused.

The check is only made when it spares calls, i.e. when the records to re-read would fill more
than one page (1,000): the tests lower that threshold to 3 (``_xero_known_check_min``, a
class attribute) so that a handful of contacts stands for a large export. Everything else is
as a user meets it: an organisation with its own contacts (the demo seed), imported first."""

from unittest.mock import patch
from urllib.parse import parse_qs

from odoo.tests import tagged

from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR

from .test_sync_engine import XeroSyncCase


@tagged("post_install", "-at_install")
class TestImportAfterExport(XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed(DEMO_SEED_DIR)  # kept by the sandbox's reset before each test

    def setUp(self):
        super().setUp()
        self.run_object("contact_groups", "import")
        self.run_object("contacts", "import")
        self.settings = self.account._xero_settings("contacts")
        self.assertTrue(self.settings.import_known_current)
        engine = type(self.env["xero.object.contacts"])
        patcher = patch.object(engine, "_xero_known_check_min", 3)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.client = self.account._xero_client()

    def reads(self):
        return self.ops().get("GET /Contacts", 0)

    def export_new(self, count=6):
        partners = self.make_partners(count, prefix="Exported")
        self.sb.advance_clock(5)
        run = self.run_object("contacts", "export")
        self.assertEqual(run.created_count, count)
        return partners

    def edit_in_xero(self, contact_id, **values):
        self.sb.advance_clock(5)
        [result] = self.client.write("Contacts", [dict(values, ContactID=contact_id)])
        self.assertTrue(result.ok, result.messages)

    def import_contacts(self):
        before = self.reads()
        self.read_sizes = []  # pageSize of each GET /Contacts, as the sandbox received it

        def observe(exchange):
            if exchange["method"] == "GET" and exchange["path"].endswith("/Contacts"):
                query = exchange["query"]
                if isinstance(query, str):
                    query = parse_qs(query)
                size = query.get("pageSize")
                self.read_sizes.append(size[0] if isinstance(size, list) else size)

        self.sb.observers.append(observe)
        try:
            run = self.run_object("contacts", "import")
        finally:
            self.sb.observers.remove(observe)
        return run, self.reads() - before

    def test_export_then_import_is_one_read_and_writes_nothing(self):
        partners = self.export_new()
        self.assertTrue(self.settings.import_known_current)
        self.env.flush_all()
        written = {p.id: p.write_date for p in partners}
        bindings = {b.id: (b.write_date, b.xero_updated_at) for b in self.bindings("contacts")}
        cursor = self.settings.import_cursor
        xero_writes = self.writes()
        run, reads = self.import_contacts()
        self.assertEqual(reads, 1)
        # ... a check (one record, newest first, Xero's count), not a page of records.
        self.assertEqual(self.read_sizes, ["1"])
        self.assertEqual((run.created_count, run.updated_count, run.failed_count), (0, 0, 0))
        self.assertEqual(self.writes(), xero_writes)
        self.assertEqual({p.id: p.write_date for p in partners}, written)
        self.assertEqual(
            {b.id: (b.write_date, b.xero_updated_at) for b in self.bindings("contacts")}, bindings
        )
        # The cursor moved to the export's newest version: later reads start from there.
        newest = max(self.bindings("contacts").mapped("xero_updated_at"))
        self.assertEqual(self.settings.import_cursor, newest)
        self.assertGreater(self.settings.import_cursor, cursor)
        run, reads = self.import_contacts()
        self.assertEqual(reads, 1)
        self.assertEqual((run.created_count, run.updated_count), (0, 0))

    def test_xero_edit_after_the_export_is_imported(self):
        partners = self.export_new()
        exported = partners[2]
        xero_id = self.bindings("contacts").filtered(lambda b: b.res_id == exported.id).xero_id
        self.edit_in_xero(xero_id, EmailAddress="changed.in.xero@example.com")
        run, reads = self.import_contacts()
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(exported.email, "changed.in.xero@example.com")
        self.assertGreaterEqual(reads, 2)  # the check, then the read it called for

    def test_xero_edit_before_the_export_is_imported(self):
        """The hole an export could open: a Xero edit of an older contact, then the export
        writes newer versions. The export's own check sees the edit first: the flag goes
        off and the next import reads everything changed."""
        known = self.bindings("contacts")[0]
        partner = self.env["res.partner"].browse(known.res_id)
        self.edit_in_xero(known.xero_id, EmailAddress="edited.before@example.com")
        self.export_new()
        self.assertFalse(self.settings.import_known_current)
        run, __ = self.import_contacts()
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(partner.email, "edited.before@example.com")
        self.assertTrue(self.settings.import_known_current)

    def test_new_xero_contact_after_the_export_is_imported(self):
        self.export_new()
        self.sb.advance_clock(5)
        [result] = self.client.write("Contacts", [{"Name": "Typed In Xero Ltd"}], method="PUT")
        self.assertTrue(result.ok, result.messages)
        run, __ = self.import_contacts()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(
            self.env["res.partner"].search_count([("xero_id", "=", result.record["ContactID"])]), 1
        )

    def test_refused_record_turns_the_check_off(self):
        self.export_new()
        self.sb.inject_raw(
            "Contacts",
            {
                "ContactID": "bbbbbbbb-0000-4000-8000-000000000099",
                "Name": "Nul\x00Byte Ltd",
                "ContactStatus": "ACTIVE",
                "UpdatedDateUTC": "/Date(1760000000500+0000)/",
            },
        )
        run = self.account._xero_run_object("contacts", "import")
        self.assertEqual(run.state, "partial", run.message)
        self.assertEqual(run.failed_count, 1)
        self.assertFalse(self.settings.import_known_current)
        # Until it is fixed in Xero, every import reads (and logs it once).
        run, reads = self.import_contacts()
        self.assertGreaterEqual(reads, 1)
        self.assertEqual(len(self.mismatches("contacts").filtered(lambda m: m.kind == "invalid")), 1)

    def test_small_export_leaves_the_normal_read(self):
        """Below the threshold the check would spare nothing: the export does not check,
        and the next import reads as before (one page)."""
        with patch.object(type(self.env["xero.object.contacts"]), "_xero_known_check_min", 10000):
            self.export_new(count=2)
            self.assertFalse(self.settings.import_known_current)
            run, reads = self.import_contacts()
            self.assertEqual((run.created_count, run.updated_count), (0, 0))
            self.assertEqual(reads, 1)
            self.assertEqual(self.read_sizes, ["1000"])
            self.assertTrue(self.settings.import_known_current)


@tagged("post_install", "-at_install")
class TestDayBudget(XeroSyncCase):
    """Issue 13, within Xero's day: an export that Xero's day cannot finish stops before a
    batch, not inside one, says when it resumes, and the rerun sends what is missing once."""

    def test_export_stops_before_the_batch_the_day_cannot_take(self):
        partners = self.make_partners(120, prefix="Budget")
        self.run_object("contacts", "import")  # the organisation's own contacts first
        # Xero's day has 6 calls left: the pre-match reads of the 120 new partners (5), and
        # one batch of 50.
        used = self.sb.limits.day[self.sb.tenant_id].count
        self.sb.limits.day_limit = used + 6
        before = dict(self.ops())
        run = self.account._xero_run_object("contacts", "export")
        self.assertEqual(self.ops()["GET /Contacts"] - before["GET /Contacts"], 5)
        self.assertEqual(run.state, "failed")
        self.assertIn("nearly used up (0 calls left", run.message)
        self.assertIn("calls resume about", run.message)
        self.assertTrue(run.resume_at)
        self.assertNotIn("429", self.sb.stats()["by_status"])  # stopped before Xero refused
        self.assertEqual(self.writes(), {"POST /Contacts": 1})
        bound = self.bindings("contacts").filtered(lambda b: b.res_id in partners.ids)
        self.assertEqual(len(bound), 50)
        self.assertFalse(bound.filtered(lambda b: b.state == "inflight"))
        # Nothing runs before that time; then the rerun sends the 70 others, once each.
        run.resume_at = False
        self.sb.limits.day_limit = 5000
        self.run_object("contacts", "export")
        names = [c["Name"] for c in self.sb.records("Contacts") if c["Name"].startswith("Budget")]
        self.assertEqual(len(names), 120)
        self.assertEqual(len(set(names)), 120)
