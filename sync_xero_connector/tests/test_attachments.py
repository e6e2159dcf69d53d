# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Attachments -> Xero, end to end against the sandbox: each file once, again only when it
changes, Xero's limits checked before sending, hostile names, a crash between Xero's commit
and Odoo's, IncludeOnline, and who may trigger it."""

import base64

import requests

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sync_xero_connector.xero.mapping.attachments import MAX_BYTES

from .common import USER, XeroTestMixin
from .test_access import ACCESS_ERROR
from .test_orders import OrderCase

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@tagged("post_install", "-at_install")
class TestAttachments(OrderCase):
    def setUp(self):
        super().setUp()
        self.invoice = self.move("out_invoice", self.customer, [self.line(100.0, tax=self.gst_sale)])
        self.order = self.purchase_order()
        self.run_object("invoices", "export")
        self.run_object("purchase_orders", "export")
        self.invoice_id = self.xero_doc(self.invoice)["InvoiceID"]
        self.contact_id = self.customer.xero_id
        self.po_id = (
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "purchase_orders"),
                    ("res_id", "=", self.order.id),
                ]
            )
            .xero_id
        )
        self.assertTrue(self.contact_id and self.po_id)

    # ---------------------------------------------------------------- helpers
    def attach(self, record, name, content, mimetype=None):
        vals = {"name": name, "res_model": record._name, "res_id": record.id, "raw": content}
        if mimetype:
            vals["mimetype"] = mimetype
        return self.env["ir.attachment"].create(vals)

    def attachment_ops(self):
        return {op: n for op, n in self.ops().items() if "/Attachments" in op}

    def in_xero(self, collection=None, record_id=None):
        return {a["FileName"]: a for a in self.sb.attachments(collection, record_id)}

    def export_attachments(self, **kwargs):
        run = self.run_object("attachments", "export", **kwargs)
        return run, run.line_ids

    # ------------------------------------------------------------------ tests
    def test_three_files_on_three_records_reach_xero_once(self):
        files = {}
        for record, prefix in ((self.invoice, "inv"), (self.customer, "card"), (self.order, "po")):
            files[record] = (
                self.attach(record, f"{prefix}-scan.pdf", PDF + prefix.encode())
                | self.attach(record, f"{prefix}-photo.png", PNG + prefix.encode())
                | self.attach(record, f"{prefix}-notes.txt", f"notes of {prefix}".encode())
            )
        run, lines = self.export_attachments()
        self.assertEqual(
            (run.state, run.created_count, run.updated_count, run.failed_count),
            ("done", 9, 0, 0),
            lines.mapped("note"),
        )
        self.assertEqual(
            self.attachment_ops(),
            {
                "PUT /Invoices/Attachments": 3,
                "PUT /Contacts/Attachments": 3,
                "PUT /PurchaseOrders/Attachments": 3,
            },
        )
        self.assertEqual(run.api_writes, 9)
        for record, (collection, xero_id) in (
            (self.invoice, ("Invoices", self.invoice_id)),
            (self.customer, ("Contacts", self.contact_id)),
            (self.order, ("PurchaseOrders", self.po_id)),
        ):
            stored = self.in_xero(collection, xero_id)
            self.assertEqual(sorted(stored), sorted(files[record].mapped("name")))
            for attachment in files[record]:
                found = stored[attachment.name]
                self.assertEqual(found["Content"], attachment.raw)
                self.assertEqual(found["MimeType"], attachment.mimetype)
                binding = self.bindings("attachments").filtered(lambda b, a=attachment: b.res_id == a.id)
                self.assertEqual(
                    (
                        binding.res_model,
                        binding.xero_id,
                        binding.xero_number,
                        binding.payload_hash,
                        binding.state,
                    ),
                    ("ir.attachment", found["AttachmentID"], attachment.name, attachment.checksum, "synced"),
                )
                self.assertIs(found.get("IncludeOnline", False), False)
        self.assertEqual(len(self.bindings("attachments")), 9)
        line = lines.filtered(lambda l: l.res_id == files[self.invoice][0].id)
        self.assertEqual(
            (line.result, line.record_name, line.note),
            ("created", "inv-scan.pdf", f"on {self.invoice.display_name}"),
        )

        # A rerun uploads nothing and asks Xero nothing.
        before = self.ops()
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.updated_count, run.failed_count), (0, 0, 0))
        self.assertEqual(self.ops(), before)

        # A changed file goes once more, replacing the one in Xero (same AttachmentID).
        changed = files[self.invoice][0]
        attachment_id = self.in_xero("Invoices", self.invoice_id)[changed.name]["AttachmentID"]
        changed.raw = PDF + b"second version"
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.updated_count, run.failed_count), (0, 1, 0))
        self.assertEqual(self.attachment_ops()["POST /Invoices/Attachments"], 1)
        self.assertEqual(sum(self.attachment_ops().values()), 10)
        stored = self.in_xero("Invoices", self.invoice_id)
        self.assertEqual(len(stored), 3)
        self.assertEqual(stored[changed.name]["Content"], PDF + b"second version")
        self.assertEqual(stored[changed.name]["AttachmentID"], attachment_id)
        before = self.ops()
        self.export_attachments()
        self.assertEqual(self.ops(), before)

        # Deleted in Odoo: left in Xero, and the run says so.
        gone = files[self.customer][2]
        name = gone.name
        gone.unlink()
        run, lines = self.export_attachments()
        self.assertEqual(self.ops(), before)
        self.assertIn(name, self.in_xero("Contacts", self.contact_id))
        [line] = lines
        self.assertEqual((line.result, line.record_name), ("skipped", name))
        self.assertIn("deleted in Odoo: left in Xero", line.note)
        self.assertFalse(self.mismatches("attachments"))
        run, lines = self.export_attachments()
        self.assertFalse(lines)

        # Another file of the same name on the contact: its own name in Xero, not a replace
        # (the deleted one is still there under the first name).
        again = self.attach(self.customer, name, b"other notes")
        run, lines = self.export_attachments()
        self.assertEqual(run.created_count, 1)
        stored = self.in_xero("Contacts", self.contact_id)
        self.assertEqual(stored["card-notes (2).txt"]["Content"], b"other notes")
        self.assertEqual(stored[name]["Content"], b"notes of card")
        self.assertIn("as card-notes (2).txt", lines.note)
        self.assertEqual(
            self.bindings("attachments").filtered(lambda b: b.res_id == again.id).xero_number,
            "card-notes (2).txt",
        )

    def test_limits_refusals_and_hostile_names(self):
        ok = self.attach(self.invoice, "ok.pdf", PDF)
        big = self.attach(self.invoice, "huge.pdf", PDF + b"0" * MAX_BYTES)
        xml = self.attach(self.invoice, "einvoice.xml", b"<Invoice/>", "application/xml")
        hostile = {
            self.attach(self.invoice, 'a<b>:"c"/..\\d|e?*+.pdf', PDF): "a_b___c__.._d_e___.pdf",
            self.attach(self.invoice, "report\u202efdp.txt", b"x"): "reportfdp.txt",
            self.attach(self.invoice, "100% #1 %41 &x=1;.pdf", PDF): "100% #1 %41 &x=1;.pdf",
            self.attach(self.invoice, "\u200b\u200b", PDF, "application/pdf"): "attachment.pdf",
            # (A NUL cannot be in a name at all: PostgreSQL refuses it.)
            self.attach(self.invoice, "line\nbreak\x07.txt", b"y"): "line break.txt",
        }
        run, lines = self.export_attachments()
        self.assertEqual((run.state, run.created_count, run.failed_count), ("partial", 6, 2))
        stored = self.in_xero("Invoices", self.invoice_id)
        self.assertEqual(sorted(stored), sorted(["ok.pdf"] + list(hostile.values())))
        for attachment, name in hostile.items():
            self.assertEqual(stored[name]["Content"], attachment.raw, name)
        entries = self.mismatches("attachments")
        self.assertEqual(sorted(entries.mapped("res_id")), sorted((big | xml).ids))
        self.assertEqual(set(entries.mapped("kind")), {"unsupported"})
        by_id = {e.res_id: e for e in entries}
        self.assertIn("Xero takes attachments of at most 10 MB", by_id[big.id].messages)
        self.assertIn("Xero does not accept files of type .xml", by_id[xml.id].messages)
        self.assertEqual(by_id[big.id].record_name, f"huge.pdf on {self.invoice.display_name}")
        self.assertEqual(self.attachment_ops(), {"PUT /Invoices/Attachments": 6})

        # Refused files are not tried again until they change (or Retry).
        before = self.ops()
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.failed_count), (0, 0))
        self.assertEqual(self.ops(), before)
        self.assertEqual(self.mismatches("attachments"), entries)

        # Retry after the file was made smaller: sent, the entry closes.
        big.raw = PDF + b"compressed"
        result = by_id[big.id].action_retry()
        self.assertEqual(result["params"]["type"], "success", result)
        self.assertEqual(by_id[big.id].state, "resolved")
        self.assertEqual(
            self.in_xero("Invoices", self.invoice_id)["huge.pdf"]["Content"], PDF + b"compressed"
        )
        self.assertTrue(ok)

    def test_ten_per_record_and_xero_refusal(self):
        """At most 10 a record: the pre-check keeps the 11th and 12th back; a record that
        has attachments added in Xero gets Xero's own refusal, with Xero's message."""
        files = [self.attach(self.order, f"page-{i:02d}.pdf", PDF + bytes([i])) for i in range(12)]
        # Nine files added in Xero by a Xero user on the contact: Odoo does not know them.
        token = self.sb.issue_token()["access_token"]
        for i in range(9):
            response = requests.put(
                f"{self.sb.url}/api.xro/2.0/Contacts/{self.contact_id}/Attachments/xero-{i}.txt",
                data=b"from Xero",
                timeout=10,
                headers={
                    "Authorization": "Bearer " + token,
                    "xero-tenant-id": self.sb.tenant_id,
                    "Content-Type": "text/plain",
                },
            )
            response.raise_for_status()
        cards = [self.attach(self.customer, f"card-{i}.pdf", PDF + bytes([i])) for i in range(2)]
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.failed_count), (11, 3))
        self.assertEqual(sorted(self.in_xero("PurchaseOrders", self.po_id)), [f.name for f in files[:10]])
        entries = self.mismatches("attachments")
        self.assertEqual(sorted(entries.mapped("res_id")), sorted([f.id for f in files[10:]] + [cards[1].id]))
        for entry in entries.filtered(lambda e: e.res_id in [f.id for f in files]):
            self.assertEqual(entry.kind, "unsupported")
            self.assertIn("Xero keeps at most 10 per record", entry.messages)
        xero_refused = entries.filtered(lambda e: e.res_id == cards[1].id)
        self.assertEqual(xero_refused.kind, "validation")
        self.assertIn("A document can have at most 10 attachments", xero_refused.messages)
        self.assertIn('"FileName": "card-1.pdf"', xero_refused.payload)
        self.assertNotIn(base64.b64encode(PDF).decode(), xero_refused.payload)
        self.assertEqual(len(self.in_xero("Contacts", self.contact_id)), 10)
        self.assertFalse(self.bindings("attachments").filtered(lambda b: b.res_id == cards[1].id))
        # Each refused file was sent once (the pre-check ones never).
        self.assertEqual(
            self.attachment_ops(), {"PUT /PurchaseOrders/Attachments": 10, "PUT /Contacts/Attachments": 11}
        )

    def test_interrupted_upload_is_found_not_sent_again(self):
        """A crash after Xero stored the files and before Odoo committed their answers: the
        committed state is their in-flight bindings. The next run reads the record's list of
        attachments once, binds what Xero has, and sends only what never arrived."""
        first = self.attach(self.invoice, "one.pdf", PDF)
        second = self.attach(self.invoice, "two.txt", b"two")
        self.export_attachments()
        stored = self.in_xero("Invoices", self.invoice_id)
        bindings = self.bindings("attachments")
        # What the commit before the sending left (xero.object.attachments._xero_mark_inflight).
        for binding in bindings:
            binding.write(
                {"state": "inflight", "xero_id": False, "xero_data": dict(binding.xero_data, uploads=0)}
            )
        never_sent = self.attach(self.invoice, "three.txt", b"three")
        self.env["xero.binding"].create(
            {
                "account_id": self.account.id,
                "object_key": "attachments",
                "res_model": "ir.attachment",
                "res_id": never_sent.id,
                "state": "inflight",
                "xero_number": "three.txt",
                "payload_hash": never_sent.checksum,
                "xero_data": dict(bindings[0].xero_data, size=never_sent.file_size),
            }
        )
        before = self.attachment_ops()
        run, lines = self.export_attachments()
        sent = {
            op: n - before.get(op, 0) for op, n in self.attachment_ops().items() if n != before.get(op, 0)
        }
        self.assertEqual(sent, {"GET /Invoices/Attachments": 1, "PUT /Invoices/Attachments": 1})
        self.assertEqual((run.created_count, run.updated_count), (1, 2))
        after = self.in_xero("Invoices", self.invoice_id)
        self.assertEqual(sorted(after), ["one.pdf", "three.txt", "two.txt"])
        for attachment in first | second:
            binding = self.bindings("attachments").filtered(lambda b, a=attachment: b.res_id == a.id)
            self.assertEqual(
                (binding.state, binding.xero_id), ("synced", stored[attachment.name]["AttachmentID"])
            )
        before = self.ops()
        self.export_attachments()
        self.assertEqual(self.ops(), before)

    def test_day_limit_stops_the_run_and_the_next_one_goes_on(self):
        files = (
            self.attach(self.invoice, "a.pdf", PDF)
            | self.attach(self.invoice, "b.pdf", PDF + b"b")
            | self.attach(self.invoice, "c.pdf", PDF + b"c")
        )
        self.sb.inject_fault(
            "rate_limit",
            count=1,
            problem="day",
            retry_after=3600,
            method="PUT",
            path=f"/api.xro/2.0/Invoices/{self.invoice_id}/Attachments/b.pdf",
        )
        run = self.account._xero_run_object("attachments", "export")
        self.assertEqual((run.state, run.created_count), ("failed", 1))
        self.assertIn("daily API limit", run.message)
        self.assertTrue(run.resume_at)
        bound = self.bindings("attachments")
        self.assertEqual(bound.mapped("res_id"), files[:1].ids)  # nothing left "in flight"
        self.assertEqual(list(self.in_xero("Invoices", self.invoice_id)), ["a.pdf"])
        self.assertFalse(self.mismatches("attachments"))
        run.resume_at = False  # the time Xero gave has come
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.failed_count), (2, 0))
        self.assertEqual(sorted(self.in_xero("Invoices", self.invoice_id)), ["a.pdf", "b.pdf", "c.pdf"])
        self.assertEqual(self.attachment_ops(), {"PUT /Invoices/Attachments": 4})

    def test_include_online_for_customer_documents_only(self):
        self.account.attachments_include_online = True
        note = self.move("out_refund", self.customer, [self.line(10.0, tax=self.gst_sale)])
        bill = self.move(
            "in_invoice", self.vendor, [self.line(20.0, tax=self.gst_purchase, account=self.expense)]
        )
        self.run_object("credit_notes", "export")
        self.run_object("bills", "export")
        for record in (self.invoice, note, bill, self.customer):
            self.attach(record, "doc.pdf", PDF + record._name.encode() + bytes([record.id % 200]))
        run, lines = self.export_attachments()
        self.assertEqual(run.created_count, 4)
        online = {(a["Collection"], a["RecordID"]): a.get("IncludeOnline") for a in self.sb.attachments()}
        self.assertEqual(
            online,
            {
                ("Invoices", self.invoice_id): True,
                ("CreditNotes", self.xero_doc(note)["CreditNoteID"]): True,
                ("Invoices", self.xero_doc(bill)["InvoiceID"]): False,
                ("Contacts", self.contact_id): None,
            },
        )

    def test_records_not_in_xero_wait_and_scheduler(self):
        """Files of a record not in Xero yet wait for it; the scheduled export runs them once
        the object is enabled."""
        draft = self.sale_order()
        waiting = self.attach(draft, "quote.pdf", PDF)
        run, lines = self.export_attachments()
        self.assertEqual((run.created_count, run.skipped_count), (0, 0))
        run, lines = self.export_attachments(records=waiting)
        self.assertEqual(run.skipped_count, 1)
        self.assertIn("not in Xero", lines.note)
        self.run_object("quotes", "export")
        settings = self.account._xero_settings("attachments")
        self.assertEqual(settings.direction, "export")
        self.assertEqual(self.account._xero_resolve_objects(["attachments"], "export"), ["attachments"])
        self.assertNotIn(("attachments", "export"), self.due_pairs(self.account))
        settings.enabled = True
        self.assertIn(("attachments", "export"), self.due_pairs(self.account))
        # The scheduled path commits per batch (on a test cursor, as test_sync_engine's).
        self.registry_enter_test_mode()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["xero.sync.setting"]._cron_sync("attachments", "export"), 1)
        self.env.invalidate_all()
        self.assertEqual(settings.last_export_run_id.trigger, "cron")
        self.assertEqual(settings.last_export_run_id.created_count, 1)
        quote_id = (
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "quotes"),
                    ("res_id", "=", draft.id),
                ]
            )
            .xero_id
        )
        self.assertEqual(list(self.in_xero("Quotes", quote_id)), ["quote.pdf"])
        self.assertIn("attachments", self.account._xero_keys_for("export"))


@tagged("post_install", "-at_install")
class TestAttachmentAccess(XeroTestMixin, HttpCase):
    """Over JSON-RPC, as users would: without Xero rights nothing reaches Xero."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        from odoo.tests import new_test_user

        cls.plain_user = new_test_user(cls.env, login="xero_plain_att", groups="base.group_user")
        cls.runner = new_test_user(
            cls.env, login="xero_att_runner", groups=f"base.group_user,base.group_partner_manager,{USER}"
        )

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        self.partner = self.env["res.partner"].create({"name": "Attach Access Ltd"})
        self.account._xero_run_object("contacts", "export", records=self.partner)
        self.assertTrue(self.partner.xero_id)
        self.file = self.env["ir.attachment"].create(
            {"name": "card.pdf", "res_model": "res.partner", "res_id": self.partner.id, "raw": PDF}
        )

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
        return {op: n for op, n in self.ops().items() if "/Attachments" in op}

    def test_user_without_xero_rights_cannot_upload(self):
        settings = self.account._xero_settings("attachments")
        entry = self.env["xero.mismatch.log"]._log(
            self.account,
            "attachments",
            "export",
            record_name="card.pdf",
            messages="Xero refused it.",
            res_model="ir.attachment",
            res_id=self.file.id,
        )
        attempts = [
            ("xero.sync.setting", "action_export", [settings.id]),
            ("xero.sync.setting", "action_open_wizard", [settings.id]),
            ("xero.account", "action_export_all", [self.account.id]),
            ("xero.mismatch.log", "action_retry", [entry.id]),
            ("xero.object.attachments", "_xero_export", []),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method):
                answer = self.rpc(self.plain_user, model, method, args)
                self.assertIn("error", answer, (model, method, answer))
                self.assertEqual(answer["error"]["data"]["name"], ACCESS_ERROR, answer)
        self.assertEqual(self.attachment_calls(), {})
        self.assertEqual(self.sb.attachments(), [])
        self.assertEqual(entry.state, "open")

        # A Xero User may: the preview sends nothing, Confirm uploads the file.
        answer = self.rpc(self.runner, "xero.sync.setting", "action_export", [settings.id])
        self.assertNotIn("error", answer, answer)
        wizard = self.env["xero.sync.preview"].browse(answer["result"]["res_id"])
        self.assertEqual(wizard.to_send, 1)
        self.assertEqual(self.attachment_calls(), {})
        answer = self.rpc(self.runner, "xero.sync.preview", "action_confirm", [wizard.id])
        self.assertNotIn("error", answer, answer)
        self.process_background()
        self.assertEqual(self.attachment_calls(), {"PUT /Contacts/Attachments": 1})
        self.assertEqual([a["FileName"] for a in self.sb.attachments()], ["card.pdf"])
