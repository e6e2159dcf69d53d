# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 10, cases 1 and 2: a Xero document found by number is linked only when it is the same
document (a number conflict entry otherwise, with Link / Create Under Another Number / Skip),
and Odoo drafts never spend Xero's numbering (placeholder numbers, replaced on posting)."""

import json
import re
from urllib.parse import parse_qs

from odoo.tests import tagged

from .test_documents import XeroDocumentCase

PLACEHOLDER = re.compile(r"DRAFT-\d+-\d+")


@tagged("post_install", "-at_install")
class TestDocumentIdentity(XeroDocumentCase):
    def setUp(self):
        super().setUp()
        contacts = self.sb.records("Contacts")
        self.contact_a, self.contact_b = contacts[0], contacts[1]
        self.customer = self.partner(self.contact_a["Name"])
        self.exchanges = []
        self.sb.observers.append(self.exchanges.append)
        self.addCleanup(self.sb.observers.remove, self.exchanges.append)

    # ---------------------------------------------------------------- helpers
    def xero_invoice(self, contact, amount, number=None, status="AUTHORISED"):
        """An invoice a Xero user raised in Xero."""
        body = {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-03-01",
            "DueDate": "2026-03-31",
            "Status": status,
            "LineItems": [
                {
                    "Description": "Raised in Xero",
                    "Quantity": 1,
                    "UnitAmount": amount,
                    "AccountCode": "200",
                    "TaxType": "NONE",
                }
            ],
        }
        if number:
            body["InvoiceNumber"] = number
        result = self.account._xero_client().write("Invoices", [body], method="PUT")[0]
        return result.record

    def odoo_invoice(self, number, amount, partner=None):
        move = self.move("out_invoice", partner or self.customer, [self.line(amount)], post=False)
        move.name = number
        move.action_post()
        self.assertEqual(move.name, number)
        return move

    def invoice(self, invoice_id):
        return next(r for r in self.sb.records("Invoices") if r["InvoiceID"] == invoice_id)

    def writes_to(self, invoice_id):
        """POST/PUT calls whose path or body names ``invoice_id``."""
        return [
            e
            for e in self.exchanges
            if e["method"] in ("POST", "PUT")
            and (invoice_id in e["path"] or invoice_id.encode() in (e["body"] or b""))
        ]

    def binding(self, move):
        return self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("res_model", "=", "account.move"),
                ("res_id", "=", move.id),
            ]
        )

    def conflict(self, move):
        entry = self.mismatches("invoices").filtered(
            lambda m: m.res_id == move.id and m.kind == "number_conflict"
        )
        self.assertEqual(len(entry), 1, self.mismatches("invoices").mapped("messages"))
        return entry

    def assert_untouched(self, theirs):
        now = self.invoice(theirs["InvoiceID"])
        self.assertEqual(now["Total"], 893.55)
        self.assertEqual(now["Contact"]["ContactID"], self.contact_b["ContactID"])
        self.assertEqual(
            [(line["Description"], line["UnitAmount"]) for line in now["LineItems"]],
            [("Raised in Xero", 893.55)],
        )
        self.assertEqual(self.writes_to(theirs["InvoiceID"]), [])

    def export_conflicting(self):
        theirs = self.xero_invoice(self.contact_b, 893.55, number="INV-0160")
        self.exchanges.clear()
        move = self.odoo_invoice("INV-0160", 2072.30)
        count = len(self.sb.records("Invoices"))
        self.run_object("invoices", "export")
        self.assert_untouched(theirs)
        self.assertEqual(len(self.sb.records("Invoices")), count)
        self.assertFalse(self.binding(move))
        return theirs, move, self.conflict(move)

    # ------------------------------------------- pre-match reads (issue 13)
    def test_new_numbers_checked_by_number_list_reads(self):
        """Every new number is checked before it is sent, 100 numbers a read through
        InvoiceNumbers= (not a where clause each); a number with a comma, which cannot go in
        that list, is checked by a where clause; a Xero document with one of the numbers is
        still found (a number conflict, nothing sent over it)."""
        theirs = self.xero_invoice(self.contact_b, 893.55, number="INV-PM-07")
        moves = [self.odoo_invoice(f"INV-PM-{i:02d}", 100 + i) for i in range(30)]
        comma = self.odoo_invoice("INV-PM,X", 55.0)
        self.exchanges.clear()
        self.run_object("invoices", "export")
        reads = [
            {k: v[0] for k, v in parse_qs(e["query"] or "").items()}
            for e in self.exchanges
            if e["method"] == "GET" and e["path"].endswith("/Invoices")
        ]
        listed = [q for q in reads if "InvoiceNumbers" in q]
        self.assertEqual(len(listed), 1, reads)
        numbers = listed[0]["InvoiceNumbers"]
        self.assertEqual(sorted(numbers.split(",")), sorted(m.name for m in moves))
        wheres = [q for q in reads if "INV-PM" in q.get("where", "")]
        self.assertEqual(len(wheres), 1, reads)
        self.assertEqual(wheres[0]["where"], 'InvoiceNumber=="INV-PM,X"')
        self.assert_untouched(theirs)
        self.conflict(moves[7])
        sent = {r["InvoiceNumber"] for r in self.sb.records("Invoices")}
        self.assertLessEqual({m.name for m in moves if m != moves[7]} | {comma.name}, sent)

    # ------------------------------------------------------------------ case 1
    def test_number_taken_by_another_document_is_a_conflict_then_link(self):
        theirs, move, entry = self.export_conflicting()
        # Both sides, side by side.
        lines = entry.messages.splitlines()
        self.assertIn("INV-0160", lines[0])
        self.assertIn("contact, total", lines[0])
        self.assertTrue(
            lines[1].startswith(
                "Odoo: number INV-0160, contact "
                f"{self.customer.display_name}, date 2026-03-10, "
                "currency USD, total 2072.30, status Posted"
            ),
            lines[1],
        )
        self.assertTrue(
            lines[2].startswith(
                f"Xero: number INV-0160, contact "
                f"{self.contact_b['Name']}, date 2026-03-01, "
                "currency USD, total 893.55, status AUTHORISED"
            ),
            lines[2],
        )
        self.assertEqual(entry.xero_id, theirs["InvoiceID"])
        # A second export sends nothing and reads nothing for it: the entry holds.
        self.run_object("invoices", "export")
        self.assert_untouched(theirs)
        self.assertEqual(entry.occurrences, 1)
        # Link: bound to that document, updated by the next export.
        entry.action_conflict_link()
        self.assertEqual(entry.state, "resolved")
        self.assertEqual(self.binding(move).xero_id, theirs["InvoiceID"])
        self.run_object("invoices", "export")
        now = self.invoice(theirs["InvoiceID"])
        self.assertEqual(now["Total"], 2072.30)
        self.assertEqual(now["Contact"]["ContactID"], self.contact_a["ContactID"])
        self.assertEqual(len(self.writes_to(theirs["InvoiceID"])), 1)
        self.assertEqual(self.binding(move).state, "synced")

    def test_conflict_skip_never_sends(self):
        theirs, move, entry = self.export_conflicting()
        entry.action_conflict_skip()
        self.assertTrue(move.xero_no_sync)
        self.assertEqual(entry.state, "resolved")
        self.run_object("invoices", "export")
        self.assert_untouched(theirs)
        self.assertFalse(self.binding(move))
        self.assertFalse(self.mismatches("invoices"))
        self.assertFalse([e for e in self.exchanges if e["method"] in ("POST", "PUT")])

    def test_conflict_create_under_another_number(self):
        theirs, move, entry = self.export_conflicting()
        wizard = self.env["xero.number.conflict.wizard"].with_context(default_mismatch_id=entry.id).create({})
        self.assertEqual(wizard.number, "INV-0160-1")
        wizard.number = "INV-0160-ODOO"
        wizard.action_confirm()
        self.assertEqual(entry.state, "resolved")
        binding = self.binding(move)
        self.assertNotEqual(binding.xero_id, theirs["InvoiceID"])
        mine = self.invoice(binding.xero_id)
        self.assertEqual((mine["InvoiceNumber"], mine["Total"]), ("INV-0160-ODOO", 2072.30))
        self.assert_untouched(theirs)
        # Odoo keeps its own number, also after an import reads the Xero document back; Xero's
        # own INV-0160 is not imported over it (a mismatch entry says why).
        self.run_object("invoices", "import", full=True)
        self.assertEqual(move.name, "INV-0160")
        self.assertEqual(binding.state, "synced")
        self.assertEqual(self.env["account.move"].search_count([("name", "=", "INV-0160")]), 1)
        refused = self.mismatches("invoices").filtered(lambda m: m.direction == "import")
        self.assertEqual(refused.xero_id, theirs["InvoiceID"])
        self.assertIn("Odoo already has INV-0160", refused.messages)
        self.run_object("invoices", "export")
        self.assertEqual(self.writes_to(binding.xero_id), [])

    def test_same_number_same_document_is_linked(self):
        theirs = self.xero_invoice(self.contact_a, 500.0, number="INV-0161")
        self.exchanges.clear()
        move = self.odoo_invoice("INV-0161", 500.0)
        count = len(self.sb.records("Invoices"))
        run = self.run_object("invoices", "export")
        self.assertEqual(len(self.sb.records("Invoices")), count)
        self.assertEqual(self.binding(move).xero_id, theirs["InvoiceID"])
        self.assertFalse(self.mismatches("invoices"))
        line = run.line_ids.filtered(lambda l: l.res_id == move.id)
        self.assertIn("linked to the Xero document INV-0161", line.note)

    def test_tolerance_is_per_object(self):
        theirs = self.xero_invoice(self.contact_a, 500.0, number="INV-0162")
        move = self.odoo_invoice("INV-0162", 500.04)
        self.run_object("invoices", "export")
        self.conflict(move).action_mark_resolved()
        self.assertFalse(self.binding(move))
        self.account._xero_settings("invoices").match_tolerance = 0.05
        self.run_object("invoices", "export")
        self.assertEqual(self.binding(move).xero_id, theirs["InvoiceID"])

    # ------------------------------------------------------------------ case 2
    def test_drafts_never_take_xero_numbers(self):
        # Xero's history imported: Odoo's sales sequence continues Xero's (INV-0002...).
        self.xero_invoice(self.contact_a, 100.0)
        self.run_object("invoices", "import")
        first = self.bound("invoices", number="INV-0001")
        self.assertEqual(first.name, "INV-0001")
        drafts = self.env["account.move"]
        for i in range(30):
            drafts |= self.move("out_invoice", self.customer, [self.line(10 + i)], post=False)
        self.run_object("invoices", "export")
        self.assertFalse(self.mismatches("invoices"))
        sent = {move.id: self.xero_doc(move) for move in drafts}
        for move in drafts:
            self.assertEqual(sent[move.id]["InvoiceNumber"], f"DRAFT-{self.env.company.id}-{move.id}")
            self.assertEqual(sent[move.id]["Status"], "DRAFT")
        # Reading them back does not make the placeholder Odoo's number.
        self.run_object("invoices", "import", full=True)
        self.assertEqual(set(drafts.mapped("state")), {"draft"})
        self.assertFalse([n for n in drafts.mapped("name") if n and PLACEHOLDER.match(n)])
        # Posted in another order than created: Odoo's numbers, sent to the same documents.
        for move in reversed(drafts):
            move.action_post()
        run = self.run_object("invoices", "export")
        self.assertEqual(run.state, "done", run.message)
        self.assertFalse(self.mismatches("invoices"))
        self.assertEqual(len(self.sb.records("Invoices")), 31)
        for move in drafts:
            doc = self.xero_doc(move)
            self.assertEqual(doc["InvoiceID"], sent[move.id]["InvoiceID"])
            self.assertEqual((doc["InvoiceNumber"], doc["Status"]), (move.name, "AUTHORISED"))
        numbers = [r["InvoiceNumber"] for r in self.sb.records("Invoices")]
        self.assertEqual(sorted(numbers), sorted((drafts | first).mapped("name")))
        self.assertEqual(len(set(numbers)), 31)
        self.assertEqual(json.dumps(numbers).count("DRAFT-"), 0)

    # ------------------------------------------- contacts: linked by what Xero enforces
    def test_contact_linked_by_name_says_so(self):
        written = (
            self.account._xero_client()
            .write("Contacts", [{"Name": "Linked By Name Ltd"}], method="PUT")[0]
            .record
        )
        partner = self.env["res.partner"].create(
            {"name": "Linked By Name Ltd", "email": "linked@example.com"}
        )
        count = len(self.sb.records("Contacts"))
        run = self.run_object("contacts", "export", records=partner)
        self.assertEqual(len(self.sb.records("Contacts")), count)
        self.assertEqual(self.partner("Linked By Name Ltd"), partner)
        line = run.line_ids.filtered(lambda l: l.res_id == partner.id)
        self.assertEqual(line.xero_id, written["ContactID"])
        self.assertEqual(line.note, "linked to the existing Xero record Linked By Name Ltd by its Name")
