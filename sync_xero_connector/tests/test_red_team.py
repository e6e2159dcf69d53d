# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Red team of issues 10 and 11: the built guarantees attacked as a real user and a hostile one
would, against the sandbox on 127.0.0.1 (real PostgreSQL, ORM and HTTP), from Odoo's defaults.

Each test is one attack; a defect found and not fixed here is marked expectedFailure with what
is wrong, so that the suite stays green and the defect stays visible.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from . import test_access
from .common import MANAGER, USER, XeroTestMixin
from .test_documents import XeroDocumentCase
from .test_sync_engine import XeroSyncCase


@tagged("post_install", "-at_install")
class TestRedTeamCompanies(XeroSyncCase):
    """A user working in two companies at once (both ticked in the company switcher, as
    Odoo lets them): the records of one company never reach the other's organisation."""

    def setUp(self):
        super().setUp()
        self.company_b = self.env["res.company"].create({"name": "Red Team B Co"})
        self.user = new_test_user(
            self.env,
            login="red_two_companies",
            groups=f"base.group_user,base.group_partner_manager,{USER}",
            company_id=self.company.id,
            company_ids=[self.company.id, self.company_b.id],
        )
        # Both companies ticked, A the current one: Odoo shows B's records alongside A's.
        self.both = {"allowed_company_ids": [self.company.id, self.company_b.id]}

    def contact_names(self):
        return {c["Name"] for c in self.sb.records("Contacts")}

    def test_export_of_another_company_partner_is_not_sent(self):
        """A partner that belongs to company B, exported from the list while A is the
        current company: A's organisation must not receive it (B has no Xero account)."""
        partner_b = self.env["res.partner"].create(
            {"name": "Only B Supplier", "company_id": self.company_b.id}
        )
        shared = self.env["res.partner"].create({"name": "Shared Red Partner"})
        records = (partner_b | shared).with_user(self.user).with_context(**self.both)
        before = self.writes()
        with self.assertRaises(UserError) as refusal:
            records.action_xero_export()
        self.assertIn("Only B Supplier belong to Red Team B Co", str(refusal.exception))
        self.assertIn("nothing was sent", str(refusal.exception))
        self.assertIn("company switcher", str(refusal.exception))
        self.assertEqual(self.writes(), before)
        self.assertNotIn("Only B Supplier", self.contact_names())
        # The company's own (and shared) partners still go, selected on their own.
        shared.with_user(self.user).with_context(**self.both).action_xero_export()
        self.assertIn("Shared Red Partner", self.contact_names())
        self.assertFalse(
            self.env["xero.binding"].search(
                [
                    ("account_id", "=", self.account.id),
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner_b.id),
                ]
            )
        )

    def test_link_wizard_cannot_send_another_company_partner(self):
        """The same through a door with an id typed in: Link on the resolve wizard of an
        ambiguous contact, given a line naming a partner of company B (a Xero User may
        create those lines over RPC). Nothing goes to A's organisation."""
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": "dddddddd-0000-4000-8000-000000000001",
                        "Name": "Red Ambiguous",
                        "ContactStatus": "ACTIVE",
                    }
                ]
            }
        )
        partner_b = self.env["res.partner"].create(
            {"name": "B Linked Partner", "company_id": self.company_b.id}
        )
        entry = self.env["xero.mismatch.log"]._log(
            self.account,
            "contacts",
            "import",
            kind="ambiguous",
            record_name="Red Ambiguous",
            messages="Two Odoo partners match.",
            res_model="res.partner",
            xero_id="dddddddd-0000-4000-8000-000000000001",
        )
        env = self.env(user=self.user, context=self.both)
        wizard = env["xero.mismatch.resolve"].create({"mismatch_id": entry.id})
        line = env["xero.mismatch.resolve.line"].create(
            {"wizard_id": wizard.id, "res_id": partner_b.id, "name": "B Linked Partner"}
        )
        before = self.writes()
        with self.assertRaises(UserError) as refusal:
            line.action_link()
        self.assertIn("not one of the Odoo records", str(refusal.exception))
        # Even listed as a candidate (a wizard line is only a way in), B's partner is not
        # linked with A's organisation.
        entry.candidate_ids = [partner_b.id]
        with self.assertRaises(UserError) as refusal:
            line.action_link()
        self.assertIn("belong to Red Team B Co", str(refusal.exception))
        self.assertEqual(self.writes(), before)
        self.assertFalse(
            self.env["xero.binding"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner_b.id)]
            )
        )
        self.assertEqual(partner_b.name, "B Linked Partner")
        self.assertEqual(
            next(
                c["Name"]
                for c in self.sb.records("Contacts")
                if c["ContactID"] == "dddddddd-0000-4000-8000-000000000001"
            ),
            "Red Ambiguous",
        )

    def test_user_of_company_a_cannot_retry_company_b_entries(self):
        """A Xero User of company A only, given the id of an entry of company B's account
        (ids are guessable): Retry and Mark Resolved are refused, nothing is sent."""
        account_b = self.make_account(company=self.company_b, name="Xero B")
        self.connect_with_issued_token(account_b)
        partner_b = self.env["res.partner"].create(
            {"name": "B Retry Partner", "company_id": self.company_b.id}
        )
        entry = self.env["xero.mismatch.log"]._log(
            account_b,
            "contacts",
            "export",
            record_name=partner_b.name,
            messages="Xero refused the contact.",
            res_model="res.partner",
            res_id=partner_b.id,
        )
        only_a = new_test_user(
            self.env,
            login="red_only_a",
            groups=f"base.group_user,{USER}",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        before = self.writes()
        for method in ("action_retry", "action_mark_resolved"):
            with self.subTest(method=method), self.assertRaises(AccessError), mute_logger("odoo.models"):
                getattr(entry.with_user(only_a), method)()
        self.assertEqual(self.writes(), before)
        self.assertEqual(entry.state, "open")

    def test_user_of_company_a_reads_nothing_of_company_b(self):
        """Every xero.* model a Xero User of company A can read shows nothing of company B's
        account: its runs, their record lines (names of B's partners and documents),
        bindings, entries, settings rows."""
        account_b = self.make_account(company=self.company_b, name="Xero B")
        self.connect_with_issued_token(account_b)
        partner_b = self.env["res.partner"].create(
            {"name": "B Secret Customer", "company_id": self.company_b.id}
        )
        run = account_b._xero_run_object("contacts", "export", records=partner_b)
        self.assertEqual(run.created_count, 1)
        self.env["xero.mismatch.log"]._log(
            account_b,
            "contacts",
            "export",
            record_name=partner_b.name,
            messages="Xero refused the contact.",
            res_model="res.partner",
            res_id=partner_b.id,
        )
        only_a = new_test_user(
            self.env,
            login="red_reader_a",
            groups=f"base.group_user,{USER}",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        for model, domain in (
            ("xero.account", [("id", "=", account_b.id)]),
            ("xero.binding", [("account_id", "=", account_b.id)]),
            ("xero.mismatch.log", [("account_id", "=", account_b.id)]),
            ("xero.sync.run", [("account_id", "=", account_b.id)]),
            ("xero.sync.run.line", [("run_id.account_id", "=", account_b.id)]),
            ("xero.sync.setting", [("account_id", "=", account_b.id)]),
            ("xero.document.state.map", [("account_id", "=", account_b.id)]),
        ):
            with self.subTest(model=model):
                of_b = self.env[model].search(domain)
                self.assertTrue(of_b)
                seen = self.env(user=only_a)[model].search([("id", "in", of_b.ids)])
                self.assertFalse(seen, f"{model}: {seen.sudo().mapped('display_name')}")

    def test_run_lines_and_state_maps_of_company_b_closed_to_a_manager_of_a(self):
        """The two models reached through another record (a run line through its run, a
        document status mapping through its account) have multi-company rules of their own:
        a Xero Manager of company A (who may write both models) can neither read, change,
        delete nor add rows of company B's account; working in both companies shows both."""
        account_b = self.make_account(company=self.company_b, name="Xero B")
        self.connect_with_issued_token(account_b)
        partner_b = self.env["res.partner"].create(
            {"name": "B Hidden Customer", "company_id": self.company_b.id}
        )
        run_b = account_b._xero_run_object("contacts", "export", records=partner_b)
        lines_b = self.env["xero.sync.run.line"].search([("run_id", "=", run_b.id)])
        maps_b = self.env["xero.document.state.map"].search([("account_id", "=", account_b.id)])
        self.assertEqual(lines_b.mapped("record_name"), ["B Hidden Customer"])
        self.assertTrue(maps_b)
        maps_a = self.env["xero.document.state.map"].search([("account_id", "=", self.account.id)])
        self.assertTrue(maps_a)
        manager_a = new_test_user(
            self.env,
            login="red_manager_a",
            groups=f"base.group_user,{MANAGER}",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        env_a = self.env(user=manager_a)
        # (With the two rules inactive, every step below lets manager_a through.)
        notes, states = lines_b.mapped("note"), maps_b.mapped("odoo_state")
        self.assertEqual(env_a["xero.document.state.map"].search([]), maps_a.with_env(env_a))
        self.assertFalse(env_a["xero.sync.run.line"].search([("run_id", "=", run_b.id)]))
        for records, vals in ((lines_b, {"note": "changed"}), (maps_b[:1], {"odoo_state": "draft"})):
            mine = records.with_env(env_a)
            with (
                self.subTest(model=records._name),
                mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"),
            ):
                with self.assertRaises(AccessError):
                    mine.read(list(vals))
                with self.assertRaises(AccessError):
                    mine.write(vals)
                with self.assertRaises(AccessError):
                    mine.unlink()
        # A status of B's mapping left free, so that only the rule can refuse the new row.
        freed = maps_b[-1]
        settings_b, status = freed.sync_setting_id, freed.xero_status
        freed.unlink()
        maps_b -= freed
        with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                env_a["xero.sync.run.line"].create(
                    {"run_id": run_b.id, "result": "failed", "record_name": "planted"}
                )
            with self.assertRaises(AccessError):
                env_a["xero.document.state.map"].create(
                    {"sync_setting_id": settings_b.id, "xero_status": status, "odoo_state": "draft"}
                )
        self.assertEqual(self.env["xero.sync.run.line"].search([("run_id", "=", run_b.id)]), lines_b)
        self.assertFalse(
            self.env["xero.document.state.map"].search(
                [("sync_setting_id", "=", settings_b.id), ("xero_status", "=", status)]
            )
        )
        # Nothing changed (the freed status was the last mapping of B's).
        self.assertEqual((lines_b.mapped("note"), maps_b.mapped("odoo_state")), (notes, states[:-1]))
        # The same manager, allowed in both companies and working in both, sees both.
        manager_a.write({"company_ids": [Command.link(self.company_b.id)]})
        both = self.env(user=manager_a, context=self.both)
        self.assertEqual(both["xero.sync.run.line"].search([("run_id", "=", run_b.id)]).ids, lines_b.ids)
        self.assertEqual(
            set(both["xero.document.state.map"].search([]).ids), set(maps_a.ids) | set(maps_b.ids)
        )


@tagged("post_install", "-at_install")
class TestRedTeamBillingUser(XeroDocumentCase):
    """A Xero User who keeps the invoices (Invoicing: Billing, no accounting rights, no
    contact creation): what Xero accepted is always recorded in Odoo; no AccessError after
    the write (a rerun would then send it again)."""

    def setUp(self):
        super().setUp()
        self.billing = new_test_user(
            self.env, login="red_billing", groups=f"base.group_user,account.group_account_invoice,{USER}"
        )
        # A customer Xero does not know yet: the export sends it first (a dependency).
        self.customer = self.env["res.partner"].create(
            {"name": "Red Billing Customer", "email": "rb@example.com"}
        )

    def as_billing(self, records):
        return records.with_user(self.billing)

    def invoices_in_xero(self):
        return [
            i
            for i in self.sb.records("Invoices")
            if i.get("Contact", {}).get("Name") == "Red Billing Customer"
        ]

    def test_billing_user_exports_drafts_posted_and_payments(self):
        draft = self.move("out_invoice", self.customer, [self.line(100.0, tax=self.gst_sale)], post=False)
        posted = self.move("out_invoice", self.customer, [self.line(250.0, tax=self.gst_sale)])
        payment = self.pay(posted, 50.0)
        for records in (draft, posted, payment):
            with self.subTest(record=records.display_name):
                self.as_billing(records).action_xero_export()
        self.assertEqual(len(self.invoices_in_xero()), 2)
        for move in draft | posted:
            self.assertEqual(move.xero_sync_state, "synced", move.display_name)
        self.assertEqual(payment.xero_sync_state, "synced")
        self.assertEqual(
            len(
                [
                    p
                    for p in self.sb.records("Payments")
                    if p["Invoice"]["InvoiceID"] == self.xero_doc(posted)["InvoiceID"]
                ]
            ),
            1,
        )
        # The draft posted (its placeholder number replaced), the posted one edited:
        # exported again by the same user, still one Xero document each.
        self.as_billing(draft).action_post()
        self.as_billing(draft).action_xero_export()
        self.assertEqual(self.xero_doc(draft)["InvoiceNumber"], draft.name)
        self.assertEqual(len(self.invoices_in_xero()), 2)
        # Deleting a synced draft (a billing user may): it is deleted in Xero.
        second = self.move("out_invoice", self.customer, [self.line(10.0)], post=False)
        self.as_billing(second).action_xero_export()
        self.assertEqual(len(self.invoices_in_xero()), 3)
        self.as_billing(second).unlink()
        run = self.run_object("invoices", "export")
        statuses = sorted(i["Status"] for i in self.invoices_in_xero())
        self.assertEqual(statuses.count("DELETED"), 1, (statuses, run.message))


@tagged("post_install", "-at_install")
class TestRedTeamSecrets(XeroSyncCase):
    def test_no_secret_in_anything_a_manager_reads(self):
        """After a token refresh (the client secret and the refresh token go out, new tokens
        come back), an export and a refused export: no secret, token or their Basic-auth
        encoding in the API log, the runs, the mismatch entries or the account's chatter, as
        a Xero Manager (who is no administrator) reads them."""
        import base64

        self.registry_enter_test_mode()  # the token refresh locks the row in its own cursor
        account = self.account
        old = {name: account.sudo()[name] for name in ("access_token", "refresh_token")}
        account.with_user(self.manager).action_refresh_token()
        new = {name: account.sudo()[name] for name in ("access_token", "refresh_token")}
        self.assertNotEqual(old["refresh_token"], new["refresh_token"])
        self.env["res.partner"].create({"name": "Red Secret Partner"}).with_user(
            self.manager
        ).action_xero_export()
        # A name longer than Xero's 255 characters: refused, logged.
        self.env["res.partner"].create({"name": "Red Refused " + "x" * 300}).with_user(
            self.manager
        ).action_xero_export()
        self.assertTrue(self.mismatches("contacts"))
        secrets = [
            *old.values(),
            *new.values(),
            account.sudo().client_secret,
            base64.b64encode(f"{account.client_id}:{account.sudo().client_secret}".encode()).decode(),
        ]
        manager_env = self.env(user=self.manager)
        texts = []
        for model in ("xero.api.log", "xero.sync.run", "xero.sync.run.line", "xero.mismatch.log"):
            records = manager_env[model].search([])
            names = [
                n
                for n, f in records._fields.items()
                if f.type in ("char", "text", "html", "json") and not f.groups
            ]
            texts.append(repr(records.read(names)))
        self.assertTrue(manager_env["xero.api.log"].search_count([("url", "like", "/connect/token")]))
        messages = manager_env["mail.message"].search(
            [("model", "=", "xero.account"), ("res_id", "=", account.id)]
        )
        texts.append(repr(messages.read(["body", "subject"])))
        texts.append(repr(messages.sudo().tracking_value_ids.read(["old_value_char", "new_value_char"])))
        blob = "\n".join(texts)
        for secret in secrets:
            self.assertTrue(secret)
            self.assertNotIn(secret, blob)


HOSTILE_NAMES = [
    "Ampersand & Percent 100% Ltd",
    "O'Brien's \"Quoted\" \\ Slash Co",
    "\u202eRTL Override\u202c Trading",
    "Emoji \U0001f600 Bakery \u2603",
    "Tab\tand  double  spaces",
    "N" * 255,
]


@tagged("post_install", "-at_install")
class TestRedTeamHostileNames(XeroSyncCase):
    def test_hostile_names_round_trip_without_duplicates(self):
        """Names a real ledger has (ampersands, percent signs, apostrophes, RTL marks, emoji,
        255 characters), some already in Xero under the same name: exported (the existing
        ones linked, not duplicated), imported back unchanged, exported again with nothing
        sent."""
        existing = HOSTILE_NAMES[:3]
        self.sb.load_seed(
            {
                "Contacts": [
                    {
                        "ContactID": f"cccccccc-0000-4000-8000-00000000000{i}",
                        "Name": name,
                        "ContactStatus": "ACTIVE",
                    }
                    for i, name in enumerate(existing)
                ]
            }
        )
        partners = self.env["res.partner"].create([{"name": n} for n in HOSTILE_NAMES])
        before = len(self.sb.records("Contacts"))
        run = self.run_object("contacts", "export", records=partners)
        self.assertEqual(
            (run.created_count, run.updated_count, run.failed_count),
            (len(HOSTILE_NAMES) - len(existing), len(existing), 0),
            self.mismatches("contacts").mapped("messages"),
        )
        self.assertEqual(len(self.sb.records("Contacts")), before + len(HOSTILE_NAMES) - len(existing))
        for i, partner in enumerate(partners[: len(existing)]):
            self.assertEqual(partner.xero_id, f"cccccccc-0000-4000-8000-00000000000{i}")
        names = {c["Name"] for c in self.sb.records("Contacts")}
        self.assertLessEqual(set(HOSTILE_NAMES) - {"Tab\tand  double  spaces"}, names)
        # Back from Xero (everything): the same partners, nothing created.
        count = self.env["res.partner"].search_count([])
        run = self.run_object("contacts", "import", full=True)
        self.assertEqual(run.created_count, 0)
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(partners.mapped("name")[:4], HOSTILE_NAMES[:4])
        self.assertEqual(partners[5].name, HOSTILE_NAMES[5])
        before = self.writes()
        run = self.run_object("contacts", "export")
        self.assertEqual(self.writes(), before, run.line_ids.mapped("note"))
        self.assertFalse(self.mismatches("contacts"))

    def test_refused_then_retried_twice_then_fixed(self):
        """A name Xero refuses (300 characters): Retry twice (still failing, nothing
        created), rename, Retry: one contact in Xero, the entry closed; a last Retry says
        there is nothing to retry."""
        partner = self.env["res.partner"].create({"name": "Red Long " + "y" * 300})
        partner.with_user(self.xero_user).action_xero_export()
        entry = self.mismatches("contacts")
        self.assertEqual(len(entry), 1)
        before = len(self.sb.records("Contacts"))
        for __ in range(2):
            answer = entry.with_user(self.xero_user).action_retry()
            self.assertEqual(answer["params"]["type"], "danger", answer)
            self.assertEqual(entry.state, "open")
            self.assertEqual(len(self.sb.records("Contacts")), before)
        self.assertEqual(len(self.mismatches("contacts")), 1)
        partner.name = "Red Long Fixed"
        answer = entry.with_user(self.xero_user).action_retry()
        self.assertEqual(answer["params"]["type"], "success", answer)
        self.assertEqual(entry.state, "resolved")
        self.assertEqual([c["Name"] for c in self.sb.records("Contacts")].count("Red Long Fixed"), 1)
        self.assertEqual(len(self.sb.records("Contacts")), before + 1)
        answer = entry.with_user(self.xero_user).action_retry()
        self.assertEqual(answer["params"]["title"], "Nothing to retry")

    def test_hostile_item_codes_and_names(self):
        """Item codes and names with the characters Xero's where clause and its own parser
        care about: each one sent once, linked on a second export, none blocking another."""
        products = self.env["product.product"].create(
            [
                dict(vals, taxes_id=[], supplier_taxes_id=[])
                for vals in (
                    {"name": "Widget & Co 50%", "default_code": "W&%-1"},
                    {"name": 'Quote "Item"', "default_code": 'Q"1\\'},
                    {"name": "Emoji \U0001f600 item", "default_code": "EMO-\u00e9"},
                )
            ]
        )
        run = self.run_object("items", "export", records=products)
        self.assertEqual(
            (run.created_count, run.failed_count), (3, 0), self.mismatches("items").mapped("messages")
        )
        codes = {i["Code"] for i in self.sb.records("Items")}
        self.assertLessEqual({"W&%-1", 'Q"1\\', "EMO-\u00e9"}, codes)
        # The same products, new in another database state (their links lost): linked by code.
        self.bindings("items").unlink()
        before = len(self.sb.records("Items"))
        run = self.run_object("items", "export", records=products)
        self.assertEqual(
            (run.created_count, run.updated_count, run.failed_count),
            (0, 3, 0),
            self.mismatches("items").mapped("messages"),
        )
        self.assertEqual(len(self.sb.records("Items")), before)


@tagged("post_install", "-at_install")
class TestRedTeamConflicts(XeroSyncCase):
    """Both sides edited, in the orders a real day brings (the scheduled export runs every
    15 minutes, the import every 60: the export usually comes first)."""

    def setUp(self):
        super().setUp()
        from ..xero.mapping import contacts as contact_map

        self.contact_map = contact_map
        self.partner = self.env["res.partner"].create(
            {"name": "Red Conflict Co", "email": "old@red.example", "phone": "+64 9 555 0100"}
        )
        self.run_object("contacts", "export")
        self.binding = self.bindings("contacts")
        self.client = self.account._xero_client()

    def xero(self):
        contact = next(c for c in self.sb.records("Contacts") if c["ContactID"] == self.binding.xero_id)
        return self.contact_map.contact_from_xero(contact)

    def edit_xero(self, **fields_):
        self.sb.advance_clock(5)
        result = self.client.write("Contacts", [dict(fields_, ContactID=self.binding.xero_id)])
        self.assertTrue(result[0].ok, result[0].messages)

    def conflicts(self):
        return self.mismatches("contacts").filtered(lambda m: m.kind == "conflict")

    def both_edit_phone(self):
        self.partner.phone = "+64 9 555 0122"
        self.edit_xero(Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0133"}])

    # Was a defect: the export sent an update for a pending binding without looking at
    # Xero, so an edit made in Xero since the last sync was overwritten silently when the
    # export ran first (the usual order). The export now reads Xero's current versions of
    # the records it updates and routes those changed there through the conflict check.
    def test_export_before_import_does_not_overwrite_xero(self):
        """Phone edited on both sides, then the scheduled export (before any import): Xero's
        phone is not silently replaced; the conflict is raised (now or at the import)."""
        self.both_edit_phone()
        self.run_object("contacts", "export")
        self.run_object("contacts", "import")
        # Neither side overwritten; the conflict waits for Keep Odoo's / Keep Xero's.
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")
        self.assertEqual(self.partner.phone, "+64 9 555 0122")
        self.assertEqual(len(self.conflicts()), 1)

    # Was a defect (same cause): a forced export (Export to Xero, Retry) sent Odoo's
    # version even when only Xero had changed since the last sync.
    def test_forced_export_of_unchanged_record_keeps_xero_edit(self):
        """Edited in Xero only; a user clicks Export to Xero on the partner (unchanged in
        Odoo): Xero's newer phone must survive (or a conflict entry say why not)."""
        self.edit_xero(Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0177"}])
        self.partner.with_user(self.xero_user).action_xero_export()
        self.run_object("contacts", "import")
        self.assertEqual(self.xero()["phone"], "+64 9 555 0177")
        self.assertEqual(self.partner.phone, "+64 9 555 0177")

    def test_export_button_while_conflict_open_keeps_it(self):
        """A conflict is open; the user clicks Export to Xero (or Retry on the partner's
        banner), which forces the export: it must not settle the conflict silently."""
        self.both_edit_phone()
        self.run_object("contacts", "import")
        entry = self.conflicts()
        self.assertEqual(len(entry), 1)
        self.partner.with_user(self.xero_user).action_xero_retry()
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")
        self.assertEqual(entry.state, "open")
        entry.with_user(self.xero_user).action_retry()
        self.assertEqual(self.xero()["phone"], "+64 9 555 0133")
        self.assertEqual(self.partner.phone, "+64 9 555 0122")
        self.assertEqual(entry.state, "open")

    def test_keep_xero_then_edit_again_both_ways(self):
        """Resolved with Keep Xero's, then a new Odoo edit goes out, a new Xero edit of
        another field comes in, and a new clash on the phone raises a new conflict."""
        self.both_edit_phone()
        self.run_object("contacts", "import")
        self.conflicts().action_keep_xero()
        self.assertEqual(self.partner.phone, "+64 9 555 0133")
        self.partner.phone = "+64 9 555 0144"
        self.run_object("contacts", "export")
        self.assertEqual(self.xero()["phone"], "+64 9 555 0144")
        self.edit_xero(EmailAddress="new@red.example")
        self.run_object("contacts", "import")
        self.assertEqual((self.partner.email, self.partner.phone), ("new@red.example", "+64 9 555 0144"))
        self.assertFalse(self.conflicts())
        self.partner.phone = "+64 9 555 0155"
        self.edit_xero(Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0166"}])
        self.run_object("contacts", "import")
        self.assertEqual(len(self.conflicts()), 1)
        self.assertEqual(self.partner.phone, "+64 9 555 0155")
        self.assertEqual(self.xero()["phone"], "+64 9 555 0166")


@tagged("post_install", "-at_install")
class TestRedTeamCrashes(XeroDocumentCase):
    """The crash of test_exactly_once (Xero commits the batch, its answers are lost: the
    sandbox's drop_after_commit fault), followed by what users do before the rerun."""

    def setUp(self):
        super().setUp()
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])

    def crash(self, key, collection):
        self.sb.inject_fault("drop_after_commit", count=50, method="POST", path=f"/api.xro/2.0/{collection}")
        run = self.account._xero_run_object(key, "export")
        self.sb.faults.reset()
        self.assertEqual(run.state, "failed", "the answer was expected to be lost")

    def mine(self, collection="Invoices"):
        return [
            r
            for r in self.sb.records(collection)
            if r.get("Contact", {}).get("ContactID") == self.customer.xero_id
            and r.get("Status") not in ("DELETED", "VOIDED")
        ]

    def test_crash_then_draft_deleted_in_odoo(self):
        """A draft was committed by Xero, its answer lost; the user deletes the draft in
        Odoo before the rerun: the rerun must not leave the Xero draft behind as an orphan
        (it deletes it in Xero, as a deleted synced draft is)."""
        drafts = self.env["account.move"]
        for i in range(3):
            drafts |= self.move("out_invoice", self.customer, [self.line(30 + i)], post=False)
        before = len(self.mine())
        self.crash("invoices", "Invoices")
        self.assertEqual(len(self.mine()), before + 3)
        token = self.bindings("invoices").filtered(lambda b: b.res_id == drafts[0].id).inflight_token
        drafts[0].unlink()
        self.run_object("invoices", "export")
        self.assertEqual(
            len(self.mine()), before + 2, [(r["InvoiceNumber"], r["Status"]) for r in self.mine()]
        )
        gone = [r for r in self.sb.records("Invoices") if token in (r.get("Url") or "")]
        self.assertEqual([r["Status"] for r in gone], ["DELETED"])
        self.assertEqual(
            self.bindings("invoices").filtered(lambda b: b.res_id == drafts[0].id).state, "closed"
        )
        self.assertFalse(self.bindings("invoices").filtered(lambda b: b.state == "inflight"))

    def test_crash_then_draft_marked_do_not_sync(self):
        """The same crash, then one draft marked Do Not Sync: it is in Xero already (the
        crash sent it); the rerun links it (or says so), never a second copy, and the others
        are linked once."""
        drafts = self.env["account.move"]
        for i in range(3):
            drafts |= self.move("out_invoice", self.customer, [self.line(40 + i)], post=False)
        before = len(self.mine())
        self.crash("invoices", "Invoices")
        drafts[0].xero_no_sync = True
        self.run_object("invoices", "export")
        self.assertEqual(len(self.mine()), before + 3)
        for draft in drafts[1:]:
            self.assertEqual(draft.xero_sync_state, "synced")
        self.assertFalse(self.bindings("invoices").filtered(lambda b: b.state == "inflight"))

    def test_crash_credit_notes_then_edit(self):
        notes = self.env["account.move"]
        for i in range(4):
            notes |= self.move("out_refund", self.customer, [self.line(5 + i)])
        before = len(self.mine("CreditNotes"))
        self.crash("credit_notes", "CreditNotes")
        self.assertEqual(len(self.mine("CreditNotes")), before + 4)
        notes[1].button_draft()
        notes[1].invoice_line_ids[0].price_unit = 66
        notes[1].action_post()
        self.run_object("credit_notes", "export")
        self.assertEqual(len(self.mine("CreditNotes")), before + 4)
        self.assertEqual(self.xero_doc(notes[1])["SubTotal"], 66)
        self.assertEqual(set(notes.mapped("xero_sync_state")), {"synced"})


@tagged("post_install", "-at_install")
class TestRedTeamDocumentConflicts(XeroDocumentCase):
    def setUp(self):
        super().setUp()
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])

    def edit_xero_amount(self, move, amount):
        doc = self.xero_doc(move)
        self.sb.advance_clock(5)
        lines = [dict(doc["LineItems"][0], UnitAmount=amount)]
        result = self.account._xero_client().write(
            "Invoices", [{"InvoiceID": doc["InvoiceID"], "LineItems": lines}]
        )[0]
        self.assertTrue(result.ok, result.messages)

    def test_line_written_on_its_own_is_exported(self):
        """A line of a synced draft written on its own (Journal Items, another module, RPC),
        not through the invoice form: the document is queued and the export sends it."""
        draft = self.move("out_invoice", self.customer, [self.line(100.0)], post=False)
        self.export("invoices")
        draft.invoice_line_ids[0].price_unit = 111.0
        binding = self.env["xero.binding"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", draft.id)]
        )
        self.assertEqual(binding.state, "pending")
        self.export("invoices")
        self.assertEqual(self.xero_doc(draft)["LineItems"][0]["UnitAmount"], 111.0)
        self.assertEqual(binding.state, "synced")

    def test_draft_edited_on_both_sides_then_import(self):
        """A synced draft: its price edited in Odoo (120) and in Xero (130), then the
        import: neither side is overwritten, a conflict entry shows both; Keep Odoo's sends
        Odoo's, and the next edit goes out as an ordinary update."""
        draft = self.move("out_invoice", self.customer, [self.line(100.0)], post=False)
        self.export("invoices")
        # As the invoice form saves it (a command on the document's lines).
        draft.write(
            {"invoice_line_ids": [Command.update(draft.invoice_line_ids[0].id, {"price_unit": 120.0})]}
        )
        binding = self.env["xero.binding"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", draft.id)]
        )
        self.assertEqual(binding.state, "pending")
        self.edit_xero_amount(draft, 130.0)
        run = self.run_object("invoices", "import")
        self.assertIn("see the conflict entry", " ".join(run.line_ids.mapped("note")))
        conflicts = self.mismatches("invoices").filtered(lambda m: m.kind == "conflict")
        self.assertEqual(draft.invoice_line_ids[0].price_unit, 120.0)
        self.assertEqual(len(conflicts), 1)
        self.assertEqual(self.xero_doc(draft)["LineItems"][0]["UnitAmount"], 130.0)
        # Keep Odoo's, then a new edit in Odoo goes out as an ordinary update.
        conflicts.action_keep_odoo()
        self.assertEqual(self.xero_doc(draft)["LineItems"][0]["UnitAmount"], 120.0)
        draft.write(
            {"invoice_line_ids": [Command.update(draft.invoice_line_ids[0].id, {"price_unit": 125.0})]}
        )
        self.run_object("invoices", "export")
        self.assertEqual(self.xero_doc(draft)["LineItems"][0]["UnitAmount"], 125.0)
        self.assertFalse(self.mismatches("invoices"))


@tagged("post_install", "-at_install")
class TestRedTeamRpcSweep(XeroTestMixin, HttpCase):
    """Every public button of the connector's models called over JSON-RPC by a Xero User
    (runs syncs, configures nothing) and by an invoicing user without Xero rights."""

    # The JSON-RPC helpers of test_access (imported as a module: its class is not run here).
    rpc = test_access.TestAccess.rpc
    refused = test_access.TestAccess.refused
    new_calls = test_access.TestAccess.new_calls

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.invoicing_user = new_test_user(
            cls.env, login="red_invoicing", groups="base.group_user,account.group_account_invoice"
        )

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        self.env["xero.account.tenant"].create(
            {"account_id": self.account.id, "tenant_id": "other-tenant", "tenant_name": "Other Org"}
        )
        self.partner = self.env["res.partner"].create({"name": "Red Sweep Partner"})
        self.mismatch = self.env["xero.mismatch.log"]._log(
            self.account,
            "contacts",
            "export",
            record_name=self.partner.name,
            messages="Xero refused the contact.",
            res_model="res.partner",
            res_id=self.partner.id,
        )
        self.binding = self.env["xero.binding"].create(
            {
                "account_id": self.account.id,
                "object_key": "contacts",
                "res_model": "res.partner",
                "res_id": self.partner.id,
                "xero_id": "eeeeeeee-0000-4000-8000-000000000001",
                "state": "deleted",
            }
        )
        self.env.flush_all()
        self.calls_before = self.sb.stats()["by_operation"]

    def config_snapshot(self):
        self.env.invalidate_all()
        account = self.account.sudo()
        return (
            account.state,
            account.tenant_id,
            account.export_chart,
            account.sync_setting_ids.mapped(lambda s: (s.enabled, s.direction, s.mode)),
            self.env.company.tax_calculation_rounding_method,
            self.env.company.currency_id.id,
        )

    def test_xero_user_cannot_configure(self):
        user = self.xero_user
        settings = self.account._xero_settings("contacts")
        tenant = self.account.tenant_ids.filtered(lambda t: t.tenant_id == "other-tenant")
        before = self.config_snapshot()
        attempts = [
            ("xero.account", method, [self.account.id], {})
            for method in (
                "action_connect",
                "action_disconnect",
                "action_refresh_token",
                "action_enable_recommended",
                "action_onboarding_check",
                "action_onboarding_round_per_line",
                "action_onboarding_use_xero_currency",
                "unlink",
            )
        ] + [
            ("xero.account", "write", [self.account.id], {"vals": {"export_chart": True}}),
            ("xero.sync.setting", "write", [settings.id], {"vals": {"enabled": True, "direction": "both"}}),
            ("xero.account.tenant", "action_use_tenant", [tenant.id], {}),
            ("xero.binding", "write", [self.binding.id], {"vals": {"xero_id": "x"}}),
            ("xero.binding", "unlink", [self.binding.id], {}),
            ("xero.mismatch.log", "write", [self.mismatch.id], {"vals": {"state": "resolved"}}),
            ("xero.api.log", "search_read", [[]], {}),
            ("xero.tenant.switch", "create", [{"tenant_line_id": tenant.id}], {}),
            ("xero.tax.map.wizard", "create", [{"account_id": self.account.id}], {}),
        ]
        for model, method, args, kwargs in attempts:
            with self.subTest(model=model, method=method):
                self.refused(user, model, method, *args, **kwargs)
        self.assertEqual(self.config_snapshot(), before)
        self.assertEqual(self.new_calls(), {})
        self.assertEqual(self.binding.sudo().xero_id, "eeeeeeee-0000-4000-8000-000000000001")

    def test_user_without_xero_rights_runs_nothing(self):
        user = self.invoicing_user
        settings = self.account._xero_settings("contacts")
        before = self.config_snapshot()
        attempts = [
            ("xero.sync.setting", "action_import", [settings.id]),
            ("xero.sync.setting", "action_export", [settings.id]),
            ("xero.binding", "action_xero_restore", [self.binding.id]),
            ("xero.binding", "action_xero_close", [self.binding.id]),
            ("xero.mismatch.log", "action_mark_resolved", [self.mismatch.id]),
            ("xero.mismatch.log", "action_keep_odoo", [self.mismatch.id]),
            (
                "xero.sync.wizard",
                "create",
                [{"account_id": self.account.id, "object_key": "contacts", "direction": "import"}],
            ),
            ("xero.sync.preview", "create", [{"account_id": self.account.id, "direction": "import"}]),
            ("res.partner", "action_xero_retry", [self.partner.id]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method):
                self.refused(user, model, method, *args)
        self.assertEqual(self.config_snapshot(), before)
        self.assertEqual(self.new_calls(), {})
        self.assertEqual(self.binding.sudo().state, "deleted")
        self.assertEqual(self.mismatch.sudo().state, "open")


@tagged("post_install", "-at_install")
class TestRedTeamPlaceholders(XeroDocumentCase):
    def test_someone_elses_document_with_our_placeholder_is_not_overwritten(self):
        """Xero has a draft numbered like this connector's placeholder of an Odoo draft
        (DRAFT-<company>-<id>), made by another database connected to the organisation (a
        staging copy) or typed by hand, for another contact and amount. Exporting the Odoo
        draft must not update that Xero document: the number proves nothing alone."""
        from ..xero.mapping import documents as doc_map

        contacts = self.sb.records("Contacts")
        mine, other = self.partner(contacts[0]["Name"]), contacts[1]
        draft = self.move("out_invoice", mine, [self.line(100.0)], post=False)
        number = doc_map.placeholder_number(self.company.id, draft.id)
        result = self.account._xero_client().write(
            "Invoices",
            [
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": other["ContactID"]},
                    "InvoiceNumber": number,
                    "Date": "2026-03-01",
                    "Status": "DRAFT",
                    "LineItems": [
                        {"Description": "Theirs", "Quantity": 1, "UnitAmount": 555, "AccountCode": "200"}
                    ],
                }
            ],
            method="PUT",
        )[0]
        self.assertTrue(result.ok, result.messages)
        theirs = result.xero_id
        self.account._xero_run_object("invoices", "export")
        xero = next(i for i in self.sb.records("Invoices") if i["InvoiceID"] == theirs)
        self.assertEqual((xero["Contact"]["ContactID"], xero["SubTotal"]), (other["ContactID"], 555))
        binding = self.env["xero.binding"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", draft.id)]
        )
        self.assertNotEqual(binding.xero_id, theirs)
        self.assertTrue(self.mismatches("invoices").filtered(lambda m: m.res_id == draft.id))


@tagged("post_install", "-at_install")
class TestRedTeamMerge(XeroDocumentCase):
    def test_merged_partners(self):
        """Contacts > Merge of two synced partners, one with an exported invoice: the next
        exports run clean, create no contact, archive the merged-away one, and move the
        invoice to the kept one's Xero contact (the merge moves it below the ORM: it was left
        on the archived contact)."""
        keep = self.env["res.partner"].create({"name": "Red Merge Keep", "email": "k@x.example"})
        gone = self.env["res.partner"].create({"name": "Red Merge Gone", "email": "g@x.example"})
        self.run_object("contacts", "export", records=keep | gone)
        invoice = self.move("out_invoice", gone, [self.line(80.0)])
        self.export("invoices")
        before = len(self.sb.records("Contacts"))
        gone_id = gone.xero_id
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set((keep | gone).ids)], "dst_partner_id": keep.id}
        )
        wizard.action_merge()
        self.assertEqual(invoice.partner_id, keep)
        for key in ("contacts", "invoices"):
            run = self.run_object(key, "export")
            self.assertEqual(run.failed_count, 0, self.mismatches(key).mapped("messages"))
        self.assertEqual(len(self.sb.records("Contacts")), before)
        keep_id = (
            self.env["xero.binding"]
            .search([("object_key", "=", "contacts"), ("res_id", "=", keep.id)])
            .xero_id
        )
        self.assertEqual(self.xero_doc(invoice)["Contact"]["ContactID"], keep_id)
        self.assertEqual(
            next(c["ContactStatus"] for c in self.sb.records("Contacts") if c["ContactID"] == gone_id),
            "ARCHIVED",
        )
