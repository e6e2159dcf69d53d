# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero's attachments -> Odoo, end to end against the sandbox: off by default, each file once
with its name, type and content, nothing asked of Xero again until a record changes there,
Odoo's own uploads never brought back (nor Xero's sent back), a file replaced in Xero brought
in again, what Odoo refuses as mismatch entries, hostile names, and who may trigger it."""

import requests

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.sync_xero_connector.xero.mapping.attachments import MAX_IMPORT_BYTES, MAX_NAME_CHARS

from .common import USER, XeroTestMixin
from .test_access import ACCESS_ERROR
from .test_orders import OrderCase

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
DOWNLOAD = "/{id}"  # how the sandbox's stats tell a file's content from the list


def xero_call(sandbox, method, path, data=None, json_body=None, content_type=None):
    """A Xero user's call (the Xero web app), not Odoo's: straight to the sandbox."""
    headers = {
        "Authorization": "Bearer " + sandbox.issue_token()["access_token"],
        "xero-tenant-id": sandbox.tenant_id,
        "Accept": "application/json",
    }
    if content_type:
        headers["Content-Type"] = content_type
    response = requests.request(
        method, f"{sandbox.url}/api.xro/2.0/{path}", data=data, json=json_body, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def attach_in_xero(sandbox, collection, record_id, name, content, replace=False):
    answer = xero_call(
        sandbox,
        "POST" if replace else "PUT",
        f"{collection}/{record_id}/Attachments/{name}",
        data=content,
        content_type="application/octet-stream",
    )
    return answer["Attachments"][0]


@tagged("post_install", "-at_install")
class TestAttachmentsImport(OrderCase):
    def setUp(self):
        super().setUp()
        self.invoice = self.move("out_invoice", self.customer, [self.line(100.0, tax=self.gst_sale)])
        self.order = self.purchase_order()
        self.run_object("invoices", "export")
        self.run_object("purchase_orders", "export")
        self.invoice_id = self.xero_doc(self.invoice)["InvoiceID"]
        self.contact_id = self.customer.xero_id
        self.assertTrue(self.contact_id)

    # ---------------------------------------------------------------- helpers
    def attachment_ops(self):
        return {op: n for op, n in self.ops().items() if "/Attachments" in op}

    def since(self, before):
        """Attachment calls Xero received since ``before`` (``attachment_ops``)."""
        return {
            op: n - before.get(op, 0) for op, n in self.attachment_ops().items() if n != before.get(op, 0)
        }

    def downloads(self, calls):
        return sum(n for op, n in calls.items() if op.endswith(DOWNLOAD))

    def reread(self, key, xero_id):
        """Odoo reads the Xero record again (as a scheduled import of its object would)."""
        self.run_object(key, "import", xero_ids=[xero_id])

    def files_of(self, record):
        return self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )

    def sync_attachments(self, **kwargs):
        """The attachments object's run (its Export button, Export All, its cron): Xero's
        files first, in an import run of their own, then the uploads."""
        export = self.run_object("attachments", "export", **kwargs)
        run = self.env["xero.sync.run"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "attachments"),
                ("direction", "=", "import"),
                ("id", ">", export.id),
            ]
        )
        self.assertLessEqual(len(run), 1)
        return run, export

    def import_run(self, **kwargs):
        run, __ = self.sync_attachments(**kwargs)
        self.assertTrue(run, "no import run")
        self.assertNotEqual(run.state, "failed", run.message)
        return run

    def link_of(self, attachment):
        return self.bindings("attachments").filtered(lambda b: b.res_id == attachment.id)

    # ------------------------------------------------------------------ tests
    def test_off_by_default_nothing_is_read(self):
        self.assertFalse(self.account.attachments_import)
        attach_in_xero(self.sb, "Invoices", self.invoice_id, "from-xero.pdf", PDF)
        self.reread("invoices", self.invoice_id)
        link = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.invoice.id),
            ]
        )
        self.assertTrue(link.xero_has_attachments)  # Xero's HasAttachments, as read
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertFalse(run)
        self.assertEqual(self.since(before), {})
        self.assertEqual(export.api_calls, 0)
        self.assertFalse(self.files_of(self.invoice))
        with self.assertRaisesRegex(UserError, "ticks Import Xero Attachments on the account"):
            self.account._xero_run_object("attachments", "import")
        # The object stays export-only for Import All and the command line.
        with self.assertRaisesRegex(UserError, "not supported yet"):
            self.account._xero_resolve_objects(["attachments"], "import")

    def test_files_arrive_once_with_their_names_types_and_content(self):
        self.account.attachments_import = True
        scan = attach_in_xero(self.sb, "Invoices", self.invoice_id, "scan.pdf", PDF)
        photo = attach_in_xero(self.sb, "Invoices", self.invoice_id, "photo.png", PNG)
        card = attach_in_xero(self.sb, "Contacts", self.contact_id, "card.txt", b"call on Mondays")
        self.reread("invoices", self.invoice_id)
        self.reread("contacts", self.contact_id)
        before = self.attachment_ops()
        writes = self.writes()
        run, export = self.sync_attachments()
        self.assertEqual(
            (run.state, run.direction, run.trigger, run.created_count, run.failed_count),
            ("done", "import", "dependency", 3, 0),
            run.line_ids.mapped("note"),
        )
        # One list per record Xero says has attachments, one download per file: the purchase
        # order and the other contacts (no attachments in Xero) are not asked.
        self.assertEqual(
            self.since(before),
            {
                "GET /Invoices/Attachments": 1,
                "GET /Invoices/Attachments/{id}": 2,
                "GET /Contacts/Attachments": 1,
                "GET /Contacts/Attachments/{id}": 1,
            },
        )
        self.assertEqual((run.api_calls, run.api_writes), (5, 0))
        # Nothing brought in is sent back.
        self.assertEqual((export.created_count, export.updated_count), (0, 0))
        self.assertEqual(self.writes(), writes)
        files = self.files_of(self.invoice)
        self.assertEqual(
            [(f.name, f.mimetype, f.raw) for f in files],
            [("scan.pdf", "application/pdf", PDF), ("photo.png", "image/png", PNG)],
        )
        [note] = self.files_of(self.customer)
        self.assertEqual((note.name, note.mimetype, note.raw), ("card.txt", "text/plain", b"call on Mondays"))
        for attachment, xero in zip(files + note, (scan, photo, card)):
            link = self.link_of(attachment)
            self.assertEqual(
                (link.xero_id, link.xero_number, link.payload_hash, link.state, link.last_direction),
                (xero["AttachmentID"], xero["FileName"], attachment.checksum, "synced", "import"),
            )
        line = run.line_ids.filtered(lambda l: l.res_id == files[0].id)
        self.assertEqual(
            (line.result, line.record_name, line.xero_id, line.note),
            ("created", "scan.pdf", scan["AttachmentID"], f"from Xero, on {self.invoice.display_name}"),
        )
        self.assertFalse(self.mismatches("attachments"))

        # A rerun asks Xero nothing: no list, no download, no upload.
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertEqual(self.since(before), {})
        self.assertEqual((run.created_count, run.api_calls, export.api_calls), (0, 0, 0))
        # Read again without a change in Xero: still nothing.
        self.reread("invoices", self.invoice_id)
        self.sync_attachments()
        self.assertEqual(self.since(before), {})
        # Options > Import > Read Everything lists every record with attachments again, and
        # downloads nothing.
        wizard = self.env["xero.sync.wizard"].create(
            {"account_id": self.account.id, "object_key": "attachments", "direction": "import", "full": True}
        )
        result = wizard.action_run()
        self.assertEqual(result["params"]["type"], "success", result)
        run = self.account._xero_settings("attachments").last_import_run_id
        self.assertEqual((run.trigger, run.created_count, run.skipped_count), ("wizard", 0, 3))
        self.assertEqual(self.since(before), {"GET /Invoices/Attachments": 1, "GET /Contacts/Attachments": 1})

        # Changed in Odoo: the export replaces Xero's copy (same AttachmentID); nothing comes back.
        files[0].raw = PDF + b"annotated in Odoo"
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertEqual(export.updated_count, 1)
        # One list first: Xero's copy is still the one Odoo last synced (not replaced there
        # meanwhile), so Odoo's version may go over it.
        self.assertEqual(
            self.since(before), {"GET /Invoices/Attachments": 1, "POST /Invoices/Attachments": 1}
        )
        stored = {a["FileName"]: a for a in self.sb.attachments("Invoices", self.invoice_id)}
        self.assertEqual(stored["scan.pdf"]["Content"], PDF + b"annotated in Odoo")
        self.assertEqual(stored["scan.pdf"]["AttachmentID"], scan["AttachmentID"])
        self.account._xero_run_object("attachments", "import", force=True)
        self.assertEqual(len(self.files_of(self.invoice)), 2)

    def test_own_uploads_are_not_brought_back(self):
        self.account.attachments_import = True
        ours = self.env["ir.attachment"].create(
            {"name": "ours.pdf", "res_model": "account.move", "res_id": self.invoice.id, "raw": PDF}
        )
        run, export = self.sync_attachments()
        self.assertEqual(export.created_count, 1)
        self.assertEqual(run.api_calls, 0)  # Odoo did not know of files in Xero yet
        theirs = attach_in_xero(self.sb, "Invoices", self.invoice_id, "theirs.pdf", PDF + b"xero")
        self.reread("invoices", self.invoice_id)
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertEqual(
            self.since(before), {"GET /Invoices/Attachments": 1, "GET /Invoices/Attachments/{id}": 1}
        )
        self.assertEqual((run.created_count, run.skipped_count), (1, 1))
        self.assertEqual((export.created_count, export.updated_count), (0, 0))
        files = self.files_of(self.invoice)
        self.assertEqual(files.mapped("name"), ["ours.pdf", "theirs.pdf"])
        self.assertEqual(files[0], ours)
        self.assertEqual(self.link_of(files[1]).xero_id, theirs["AttachmentID"])
        self.assertEqual(len(self.sb.attachments("Invoices", self.invoice_id)), 2)

    def test_file_replaced_in_xero_is_brought_in_once_more(self):
        self.account.attachments_import = True
        first = attach_in_xero(self.sb, "Contacts", self.contact_id, "card.txt", b"version 1")
        self.reread("contacts", self.contact_id)
        self.import_run()
        [earlier] = self.files_of(self.customer)
        # Replaced in Xero under its name (Xero keeps its AttachmentID, not its length), and
        # changed in Odoo too: Xero's comes in, Odoo's earlier version is never sent over it.
        second = attach_in_xero(self.sb, "Contacts", self.contact_id, "card.txt", b"version 2, longer", True)
        self.assertEqual(second["AttachmentID"], first["AttachmentID"])
        earlier.raw = b"version 1, edited in Odoo"
        # The record moves in Xero (edited there), so Odoo looks at it again.
        xero_call(
            self.sb,
            "POST",
            f"Contacts/{self.contact_id}",
            json_body={"Contacts": [{"ContactID": self.contact_id, "Website": "https://example.com"}]},
        )
        self.reread("contacts", self.contact_id)
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertEqual(
            self.since(before), {"GET /Contacts/Attachments": 1, "GET /Contacts/Attachments/{id}": 1}
        )
        self.assertEqual((run.created_count, export.created_count, export.updated_count), (1, 0, 0))
        files = self.files_of(self.customer)
        self.assertEqual(len(files), 2)
        self.assertEqual(files[0], earlier)
        self.assertEqual(files[0].raw, b"version 1, edited in Odoo")  # kept
        self.assertEqual((files[1].name, files[1].raw), ("card.txt", b"version 2, longer"))
        [line] = run.line_ids.filtered(lambda l: l.result == "created")
        self.assertIn("replaced in Xero: brought in again, the earlier version stays in Odoo", line.note)
        self.assertIn("(card.txt)", line.note)
        old = self.link_of(earlier)
        self.assertEqual((old.state, old.is_primary), ("closed", False))
        self.assertEqual(self.link_of(files[1]).xero_id, first["AttachmentID"])
        self.assertEqual(
            [a["Content"] for a in self.sb.attachments("Contacts", self.contact_id)], [b"version 2, longer"]
        )
        # Once: a rerun brings nothing, sends nothing.
        before = self.attachment_ops()
        run, export = self.sync_attachments()
        self.assertEqual(self.since(before), {})
        self.assertEqual(len(self.files_of(self.customer)), 2)

    def test_what_odoo_refuses_is_a_mismatch_the_rest_comes_in(self):
        self.account.attachments_import = True
        ok = attach_in_xero(self.sb, "Invoices", self.invoice_id, "ok.pdf", PDF)
        huge = self.sb.inject_attachment(
            "Invoices", self.invoice_id, "huge.pdf", b"0" * (MAX_IMPORT_BYTES + 1)
        )
        page = self.sb.inject_attachment(
            "Invoices", self.invoice_id, "page.html", b"<script>alert(1)</script>"
        )
        hostile_name = "..\\..\\etc/passwd\x00\x07\r\n\u202e" + "é" * 400 + ".pdf"
        hostile = self.sb.inject_attachment("Invoices", self.invoice_id, hostile_name, PDF + b"hostile")
        self.sb.inject_attachment("Invoices", self.invoice_id, "", b"no name")  # unreadable: no FileName
        # A type Xero's list claims is not believed: the name decides.
        liar = self.sb.inject_attachment("Invoices", self.invoice_id, "claims.pdf", PDF + b"lie", "text/html")
        self.reread("invoices", self.invoice_id)
        before = self.attachment_ops()
        run = self.import_run()
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 3, 3))
        # Only what Odoo takes is downloaded: not the oversized file, not the web page.
        self.assertEqual(
            self.since(before), {"GET /Invoices/Attachments": 1, "GET /Invoices/Attachments/{id}": 3}
        )
        files = self.files_of(self.invoice)
        self.assertEqual(files[0].name, "ok.pdf")
        self.assertEqual((files[2].name, files[2].mimetype), ("claims.pdf", "application/pdf"))
        self.assertEqual(self.link_of(files[2]).xero_id, liar["AttachmentID"])
        safe = files[1].name
        self.assertTrue(safe.endswith("é.pdf") and len(safe) <= MAX_NAME_CHARS, safe)
        for bad in ("/", "\\", "\x00", "\x07", "\r", "\n", "\u202e"):
            self.assertNotIn(bad, safe)
        self.assertTrue(safe.startswith("_.._etc_passwd"), safe)
        self.assertEqual((files[1].raw, files[1].mimetype), (PDF + b"hostile", "application/pdf"))
        self.assertEqual(self.link_of(files[1]).xero_id, hostile["AttachmentID"])
        entries = self.mismatches("attachments")
        by_id = {e.xero_id: e for e in entries}
        self.assertEqual(set(by_id), {huge["AttachmentID"], page["AttachmentID"], False})
        self.assertEqual(set(entries.mapped("direction")), {"import"})
        self.assertIn("Odoo brings in from Xero files of at most 25 MB", by_id[huge["AttachmentID"]].messages)
        self.assertEqual(by_id[huge["AttachmentID"]].kind, "unsupported")
        self.assertEqual(by_id[huge["AttachmentID"]].record_name, f"huge.pdf on {self.invoice.display_name}")
        self.assertIn("is of type .html", by_id[page["AttachmentID"]].messages)
        self.assertEqual(by_id[False].kind, "invalid")
        self.assertIn("no valid FileName", by_id[False].messages)
        self.assertTrue(ok)

        # Retry of the oversized file: still too big, nothing downloaded.
        before = self.attachment_ops()
        result = by_id[huge["AttachmentID"]].action_retry()
        self.assertEqual(result["params"]["title"], "Still failing", result)
        self.assertEqual(self.downloads(self.since(before)), 0)
        # Replaced in Xero by a smaller version: Retry brings it in, the entry closes.
        attach_in_xero(self.sb, "Invoices", self.invoice_id, "huge.pdf", PDF + b"compressed", replace=True)
        result = by_id[huge["AttachmentID"]].action_retry()
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertEqual(by_id[huge["AttachmentID"]].state, "resolved")
        self.assertEqual(self.files_of(self.invoice)[-1].raw, PDF + b"compressed")
        self.assertEqual(by_id[page["AttachmentID"]].state, "open")

    def test_an_attachment_listed_on_two_records_is_not_guessed(self):
        """A hostile (or broken) Xero repeating one AttachmentID on another record: the file
        stays where Odoo has it, the other listing is an entry, the run goes on."""
        self.account.attachments_import = True
        first = attach_in_xero(self.sb, "Invoices", self.invoice_id, "a.pdf", PDF)
        self.reread("invoices", self.invoice_id)
        self.import_run()
        self.sb.inject_attachment(
            "Contacts", self.contact_id, "copy.pdf", PDF, attachment_id=first["AttachmentID"]
        )
        attach_in_xero(self.sb, "Contacts", self.contact_id, "own.pdf", PDF + b"own")
        self.reread("contacts", self.contact_id)
        run = self.import_run()
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 1, 1))
        self.assertEqual(self.files_of(self.customer).mapped("name"), ["own.pdf"])
        [entry] = self.mismatches("attachments")
        self.assertEqual((entry.kind, entry.xero_id), ("invalid", first["AttachmentID"]))
        self.assertIn("Odoo holds it on another record", entry.messages)
        self.assertEqual(len(self.files_of(self.invoice)), 1)

    def test_interrupted_import_brings_the_rest_once(self):
        """Xero's day limit stops the run after the first download: what came in stays,
        nothing half-made; the next run lists the record again and downloads only the rest."""
        self.account.attachments_import = True
        attach_in_xero(self.sb, "Invoices", self.invoice_id, "one.pdf", PDF + b"1")
        second = attach_in_xero(self.sb, "Invoices", self.invoice_id, "two.pdf", PDF + b"2")
        self.reread("invoices", self.invoice_id)
        self.sb.inject_fault(
            "rate_limit",
            count=1,
            problem="day",
            retry_after=3600,
            method="GET",
            path=f"/api.xro/2.0/Invoices/{self.invoice_id}/Attachments/{second['AttachmentID']}",
        )
        run = self.account._xero_run_object("attachments", "import")
        self.assertEqual((run.state, run.created_count), ("failed", 1))
        self.assertIn("daily API limit", run.message)
        self.assertEqual(self.files_of(self.invoice).mapped("name"), ["one.pdf"])
        self.assertFalse(self.mismatches("attachments"))
        run.resume_at = False  # the time Xero gave has come
        before = self.attachment_ops()
        run = self.import_run()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(
            self.since(before), {"GET /Invoices/Attachments": 1, "GET /Invoices/Attachments/{id}": 1}
        )
        self.assertEqual(self.files_of(self.invoice).mapped("name"), ["one.pdf", "two.pdf"])
        before = self.attachment_ops()
        self.import_run()
        self.assertEqual(self.since(before), {})


@tagged("post_install", "-at_install")
class TestAttachmentsImportAccess(XeroTestMixin, HttpCase):
    """Over JSON-RPC, as users would: without Xero rights nothing is read from Xero."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.plain_user = new_test_user(cls.env, login="xero_plain_attimp", groups="base.group_user")
        cls.runner = new_test_user(
            cls.env, login="xero_attimp_runner", groups=f"base.group_user,base.group_partner_manager,{USER}"
        )

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        self.partner = self.env["res.partner"].create({"name": "Attach Import Ltd"})
        self.account._xero_run_object("contacts", "export", records=self.partner)
        self.assertTrue(self.partner.xero_id)
        self.card = attach_in_xero(self.sb, "Contacts", self.partner.xero_id, "card.pdf", PDF)
        self.account._xero_run_object("contacts", "import", xero_ids=[self.partner.xero_id])

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

    def attachment_calls(self):
        return {op: n for op, n in self.ops().items() if "/Attachments" in op and op.startswith("GET")}

    def files(self):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.partner.id)]
        )

    def test_user_without_xero_rights_cannot_import(self):
        settings = self.account._xero_settings("attachments")
        entry = self.env["xero.mismatch.log"]._log(
            self.account,
            "attachments",
            "import",
            record_name="card.pdf on Attach Import Ltd",
            messages="Xero refused the download.",
            xero_id=self.card["AttachmentID"],
            payload='{"RecordID": "%s"}' % self.partner.xero_id,
        )
        self.account.attachments_import = True
        attempts = [
            (self.plain_user, "xero.account", "write", [[self.account.id], {"attachments_import": False}]),
            (self.runner, "xero.account", "write", [[self.account.id], {"attachments_import": False}]),
            (self.plain_user, "xero.sync.setting", "action_export", [[settings.id]]),
            (self.plain_user, "xero.account", "action_export_all", [[self.account.id]]),
            (self.plain_user, "xero.mismatch.log", "action_retry", [[entry.id]]),
            (self.plain_user, "xero.object.attachments", "_xero_import", [[]]),
            (
                self.plain_user,
                "xero.account",
                "_xero_run_object",
                [[self.account.id], "attachments", "import"],
            ),
        ]
        for user, model, method, args in attempts:
            with self.subTest(user=user.login, model=model, method=method):
                answer = self.rpc(user, model, method, *args)
                self.assertIn("error", answer, (model, method, answer))
                self.assertEqual(answer["error"]["data"]["name"], ACCESS_ERROR, answer)
        self.assertTrue(self.account.attachments_import)
        self.assertEqual(self.attachment_calls(), {})
        self.assertFalse(self.files())
        self.assertEqual(entry.state, "open")

        # A Xero User may: the preview reads nothing, Confirm brings the file in.
        answer = self.rpc(self.runner, "xero.sync.setting", "action_export", [settings.id])
        self.assertNotIn("error", answer, answer)
        wizard = self.env["xero.sync.preview"].browse(answer["result"]["res_id"])
        self.assertEqual(self.attachment_calls(), {})
        answer = self.rpc(self.runner, "xero.sync.preview", "action_confirm", [wizard.id])
        self.assertNotIn("error", answer, answer)
        self.process_background()  # Confirm queued it: the scheduler carries it out
        self.assertEqual(
            self.attachment_calls(), {"GET /Contacts/Attachments": 1, "GET /Contacts/Attachments/{id}": 1}
        )
        [file] = self.files()
        self.assertEqual((file.name, file.raw), ("card.pdf", PDF))
        self.assertEqual(entry.state, "resolved")
