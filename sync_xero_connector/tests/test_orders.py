# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quotes <-> sale orders and purchase orders both ways, against the sandbox on 127.0.0.1:
real PostgreSQL, real ORM, real HTTP. The issue's "done when" items each have a test here."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.sync_xero_connector.xero.dates import parse_date
from odoo.addons.sync_xero_connector.xero_sandbox import DEMO_SEED_DIR

from .test_documents import XeroDocumentCase
from .test_sync_engine import XeroSyncCase

QUOTE_STATES = {
    "DRAFT": "draft",
    "SENT": "sent",
    "ACCEPTED": "sale",
    "INVOICED": "sale",
    "DECLINED": "cancel",
}
PO_STATES = {"DRAFT": "draft", "SUBMITTED": "sent", "AUTHORISED": "purchase", "BILLED": "purchase"}


class OrdersMixin:
    def order_of(self, key, xero_id):
        binding = self.env["xero.binding"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", key), ("xero_id", "=", xero_id)]
        )
        self.assertEqual(len(binding), 1, (key, xero_id))
        return self.env[binding.res_model].browse(binding.res_id)

    def xero_of(self, collection, order):
        key = "quotes" if collection == "Quotes" else "purchase_orders"
        field = "QuoteID" if collection == "Quotes" else "PurchaseOrderID"
        binding = self.env["xero.binding"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", key), ("res_id", "=", order.id)]
        )
        self.assertTrue(binding.xero_id, f"{order.display_name} not in Xero")
        return next(r for r in self.sb.records(collection) if r[field] == binding.xero_id)


@tagged("post_install", "-at_install")
class TestDemoOrders(OrdersMixin, XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed(DEMO_SEED_DIR)

    def test_demo_seed_orders_equal_xero_once(self):
        """The demo organisation's 18 quotes and 18 purchase orders import (their contacts,
        items and taxes with them) with Xero's totals to the cent and statuses as mapped, in
        Odoo's default company; a second import changes nothing and writes nothing."""
        # What connect does (connect_with_issued_token skips it): the first-day check, which
        # adopts Xero's per-line tax rounding.
        self.account._xero_onboarding_check()
        results, errors = self.account._xero_run("import", ["quotes", "purchase_orders"])
        self.assertEqual(errors, [])
        for key in ("quotes", "purchase_orders"):
            self.assertFalse(self.mismatches(key), self.mismatches(key).mapped("messages"))
        quotes = self.sb.records("Quotes")
        self.assertEqual(len(quotes), 18)
        self.assertEqual(results["quotes"]["created"], 18)
        for quote in quotes:
            order = self.order_of("quotes", quote["QuoteID"])
            self.assertEqual(order._name, "sale.order")
            self.assertEqual(order.name, quote["QuoteNumber"])
            self.assertEqual(
                (order.amount_untaxed, order.amount_tax, order.amount_total),
                (quote["SubTotal"], quote["TotalTax"], quote["Total"]),
                quote["QuoteNumber"],
            )
            self.assertEqual(order.state, QUOTE_STATES[quote["Status"]], quote["QuoteNumber"])
            self.assertEqual(order.xero_title, quote.get("Title") or False)
            self.assertEqual(order.currency_id.name, quote["CurrencyCode"])
            self.assertEqual(str(order.date_order.date()), quote["DateString"][:10])
            self.assertEqual(str(order.validity_date), quote["ExpiryDateString"][:10])
        pos = self.sb.records("PurchaseOrders")
        self.assertEqual(len(pos), 18)
        self.assertEqual(results["purchase_orders"]["created"], 18)
        for po in pos:
            order = self.order_of("purchase_orders", po["PurchaseOrderID"])
            self.assertEqual(order.name, po["PurchaseOrderNumber"])
            self.assertEqual(
                (order.amount_untaxed, order.amount_tax, order.amount_total),
                (po["SubTotal"], po["TotalTax"], po["Total"]),
                po["PurchaseOrderNumber"],
            )
            self.assertEqual(order.state, PO_STATES[po["Status"]], po["PurchaseOrderNumber"])
            self.assertEqual(order.xero_billed, po["Status"] == "BILLED")
            self.assertFalse(order.invoice_ids, "no bill is made up for a billed order")
        before = self.writes()
        results, errors = self.account._xero_run("import", ["quotes", "purchase_orders"])
        self.assertEqual(errors, [])
        for key in ("quotes", "purchase_orders"):
            self.assertEqual(results[key]["created"] + results[key]["updated"], 0, key)
        self.assertEqual(self.writes(), before)
        # Nothing imported is sent back (no echo).
        for key in ("quotes", "purchase_orders"):
            run = self.run_object(key, "export")
            self.assertEqual(run.created_count + run.updated_count, 0, key)
        self.assertEqual(self.writes(), before)


class OrderCase(OrdersMixin, XeroDocumentCase):
    """The master data of a small organisation, a customer, a vendor and a product."""

    def setUp(self):
        super().setUp()
        self.customer = self.partner(self.sb.records("Contacts")[0]["Name"])
        self.vendor = self.partner(self.sb.records("Contacts")[1]["Name"])
        self.product = self.bound("items", xero_id=self.sb.records("Items")[0]["ItemID"])

    def sale_order(self, price=100.0, qty=2.0, discount=0.0, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "name": "Widget",
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "discount": discount,
                            "tax_ids": [Command.set(self.gst_sale.ids)],
                        }
                    )
                ],
            }
        )

    def purchase_order(self, price=100.0, qty=3.0):
        return self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "name": "Parts",
                            "product_qty": qty,
                            "price_unit": price,
                            "tax_ids": [Command.set(self.gst_purchase.ids)],
                        }
                    )
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestOrders(OrderCase):
    def test_50_sale_orders_and_50_purchase_orders_export_in_one_batch_each(self):
        orders = self.env["sale.order"]
        for i in range(50):
            orders |= self.sale_order(price=10.0 + i, qty=1.5, discount=5.0 if i % 5 else 0.0)
        purchases = self.env["purchase.order"]
        for i in range(50):
            purchases |= self.purchase_order(price=7.25 + i)
        before = self.writes()
        self.run_object("quotes", "export")
        self.run_object("purchase_orders", "export")
        sent = {op: n - before.get(op, 0) for op, n in self.writes().items() if n != before.get(op, 0)}
        self.assertEqual(sent, {"POST /Quotes": 1, "POST /PurchaseOrders": 1})
        self.assertFalse(self.mismatches("quotes"), self.mismatches("quotes").mapped("messages"))
        for order in orders:
            quote = self.xero_of("Quotes", order)
            self.assertEqual(quote["QuoteNumber"], order.name)
            self.assertEqual(quote["Status"], "DRAFT")
            self.assertEqual(quote["Total"], order.amount_total, order.name)
            self.assertEqual(quote["LineItems"][0]["ItemCode"], self.product.default_code)
        for order in purchases:
            po = self.xero_of("PurchaseOrders", order)
            self.assertEqual(
                (po["PurchaseOrderNumber"], po["Status"], po["Total"]),
                (order.name, "DRAFT", order.amount_total),
            )
        # Nothing changed: the next export sends nothing, the import takes nothing for new.
        before = self.writes()
        for key in ("quotes", "purchase_orders"):
            self.run_object(key, "export")
            run = self.run_object(key, "import")
            self.assertEqual(run.created_count + run.updated_count, 0, key)
        self.assertEqual(self.writes(), before)

    def test_dropped_connection_after_commit_then_retry_no_duplicate(self):
        """Xero commits the batch (a new confirmed order too: created SENT), the answers never
        arrive; the next run finds them by number: each order is in Xero once, as Odoo has
        it."""
        orders = self.sale_order(10) | self.sale_order(20) | self.sale_order(30)
        orders[2].action_confirm()
        before = len(self.sb.records("Quotes"))
        self.sb.inject_fault("drop_after_commit", count=10, method="POST", path="/api.xro/2.0/Quotes")
        self.account._xero_run_object("quotes", "export")
        self.sb.faults.reset()
        self.run_object("quotes", "export")
        self.assertEqual(len(self.sb.records("Quotes")), before + 3)
        numbers = [r["QuoteNumber"] for r in self.sb.records("Quotes")]
        for order in orders:
            self.assertEqual(numbers.count(order.name), 1)
        self.assertEqual(
            [self.xero_of("Quotes", o)["Status"] for o in orders], ["DRAFT", "DRAFT", "ACCEPTED"]
        )
        # What the dropped run logged closed when its orders reached Xero.
        self.assertFalse(self.mismatches("quotes").filtered(lambda m: m.res_id in orders.ids))

    def test_quote_number_taken_in_xero_links_by_number(self):
        """Xero keeps quote numbers unique: a new Odoo order whose number a Xero quote has is
        linked to it (one write: Odoo's version), never created twice."""
        order = self.sale_order(12)
        contact_id = self.xero_of_partner(self.customer)
        self.account._xero_client().write(
            "Quotes",
            [
                {
                    "QuoteNumber": order.name,
                    "Contact": {"ContactID": contact_id},
                    "Date": "2026-03-01",
                    "LineItems": [{"Description": "Old", "Quantity": 1, "UnitAmount": 5}],
                }
            ],
            method="PUT",
        )
        before = len(self.sb.records("Quotes"))
        self.run_object("quotes", "export")
        self.assertEqual(len(self.sb.records("Quotes")), before)
        quote = self.xero_of("Quotes", order)
        self.assertEqual((quote["QuoteNumber"], quote["Total"]), (order.name, order.amount_total))

    def xero_of_partner(self, partner):
        return (
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "contacts"),
                    ("res_id", "=", partner.id),
                ]
            )
            .xero_id
        )

    def test_export_needs_the_xero_user_right(self):
        """A salesman without "Xero: User" cannot send an order to Xero; with it, they can."""
        salesman = new_test_user(
            self.env, login="xero_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        order = self.sale_order().with_user(salesman)
        before = self.writes()
        with self.assertRaisesRegex(AccessError, "Xero: User"):
            order.action_xero_export()
        self.assertEqual(self.writes(), before)
        salesman.group_ids |= self.env.ref("sync_xero_connector.group_xero_user")
        order.action_xero_export()
        self.assertEqual(self.xero_of("Quotes", order)["Total"], order.amount_total)

    def test_order_invoiced_in_odoo_is_invoiced_in_xero(self):
        """An order Odoo invoiced in full is sent as INVOICED (through ACCEPTED); Odoo's own
        invoice is the only one, Xero's quote says so."""
        order = self.sale_order(80)
        order.action_confirm()
        self.run_object("quotes", "export")
        self.assertEqual(self.xero_of("Quotes", order)["Status"], "ACCEPTED")
        invoice = order._create_invoices()
        self.assertEqual(order.invoice_status, "invoiced")
        order.write({"client_order_ref": "invoiced"})  # what the user edits next
        self.run_object("quotes", "export")
        quote = self.xero_of("Quotes", order)
        self.assertEqual((quote["Status"], quote["Reference"]), ("INVOICED", "invoiced"))
        self.assertEqual(order.invoice_ids, invoice)

    def test_quote_statuses_both_ways(self):
        draft, accepted, cancelled = self.sale_order(), self.sale_order(50), self.sale_order(70)
        accepted.action_confirm()  # new and confirmed: created SENT, then ACCEPTED
        self.run_object("quotes", "export")
        self.assertEqual(self.xero_of("Quotes", draft)["Status"], "DRAFT")
        self.assertEqual(self.xero_of("Quotes", accepted)["Status"], "ACCEPTED")
        # Odoo -> Xero: sent, then cancelled (a quote Xero had as sent is declined).
        draft.action_quotation_sent()
        cancelled.action_quotation_sent()
        self.run_object("quotes", "export")
        self.assertEqual(self.xero_of("Quotes", draft)["Status"], "SENT")
        cancelled.action_cancel()
        self.run_object("quotes", "export")
        self.assertEqual(self.xero_of("Quotes", cancelled)["Status"], "DECLINED")
        # Xero -> Odoo: the customer accepts the quote in Xero; then it is invoiced there.
        client = self.account._xero_client()
        quote_id = self.xero_of("Quotes", draft)["QuoteID"]
        client.write("Quotes", [{"QuoteID": quote_id, "Status": "ACCEPTED"}])
        self.run_object("quotes", "import")
        self.assertEqual(draft.state, "sale")
        self.assertFalse(draft.xero_invoiced)
        client.write("Quotes", [{"QuoteID": quote_id, "Status": "INVOICED"}])
        self.run_object("quotes", "import")
        self.assertEqual((draft.state, draft.xero_invoiced), ("sale", True))
        self.assertFalse(draft.invoice_ids, "no invoice is made up for an invoiced quote")
        self.assertFalse(self.mismatches("quotes"), self.mismatches("quotes").mapped("messages"))
        # Nothing bounces back.
        before = self.writes()
        self.run_object("quotes", "export")
        self.assertEqual(self.writes(), before)
        # An invoiced quote cannot change in Xero: an edit in Odoo is refused before sending.
        draft.write({"client_order_ref": "PO 4711"})
        self.run_object("quotes", "export")
        self.assertEqual(self.writes(), before)
        entry = self.mismatches("quotes")
        self.assertEqual(entry.res_id, draft.id)
        self.assertIn("invoiced in Xero and cannot be changed", entry.messages)

    def test_quote_declined_in_xero_cancels_and_content_follows(self):
        order = self.sale_order(price=40.0)
        order.action_quotation_sent()
        self.run_object("quotes", "export")
        quote = self.xero_of("Quotes", order)
        client = self.account._xero_client()
        line = dict(quote["LineItems"][0], Quantity=5.0)
        client.write("Quotes", [{"QuoteID": quote["QuoteID"], "Title": "Spring offer", "LineItems": [line]}])
        self.run_object("quotes", "import")
        self.assertEqual(order.order_line.product_uom_qty, 5.0)
        self.assertEqual(order.xero_title, "Spring offer")
        self.assertEqual(order.amount_total, self.xero_of("Quotes", order)["Total"])
        client.write("Quotes", [{"QuoteID": quote["QuoteID"], "Status": "DECLINED"}])
        self.run_object("quotes", "import")
        self.assertEqual(order.state, "cancel")

    def test_refused_transition_is_a_mismatch_entry(self):
        """Xero has an accepted quote back as sent: Odoo does not un-confirm the order; the
        entry says what to do. Changed on both sides: a conflict entry with the status."""
        order, other = self.sale_order(), self.sale_order(30)
        order.action_confirm()
        other.action_quotation_sent()
        self.run_object("quotes", "export")
        client = self.account._xero_client()
        client.write("Quotes", [{"QuoteID": self.xero_of("Quotes", order)["QuoteID"], "Status": "SENT"}])
        self.account._xero_run_object("quotes", "import")
        self.assertEqual(order.state, "sale")
        entry = self.mismatches("quotes")
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.kind, "mapping")
        self.assertIn("is confirmed in Odoo", entry.messages)
        self.assertIn("Cancel the order in Odoo", entry.hint)
        # Both sides: Odoo confirms, Xero declines meanwhile. Nothing is written either way.
        other.action_confirm()
        client.write("Quotes", [{"QuoteID": self.xero_of("Quotes", other)["QuoteID"], "Status": "DECLINED"}])
        before = self.writes()
        self.account._xero_run_object("quotes", "import")
        self.account._xero_run_object("quotes", "export")
        self.assertEqual(self.writes(), before)
        self.assertEqual(other.state, "sale")
        conflict = self.mismatches("quotes").filtered(lambda m: m.kind == "conflict")
        self.assertEqual(conflict.res_id, other.id)
        self.assertIn("Status: Odoo 'ACCEPTED' / Xero 'DECLINED'", conflict.messages)
        self.assertNotIn("Lines", conflict.messages)

    def test_purchase_order_statuses_both_ways(self):
        rfq, confirmed, dropped = (self.purchase_order(), self.purchase_order(20), self.purchase_order(30))
        confirmed.button_confirm()
        self.run_object("purchase_orders", "export")
        self.assertEqual(self.xero_of("PurchaseOrders", rfq)["Status"], "DRAFT")
        self.assertEqual(self.xero_of("PurchaseOrders", confirmed)["Status"], "AUTHORISED")
        rfq.write({"state": "sent"})
        dropped.button_cancel()
        self.run_object("purchase_orders", "export")
        self.assertEqual(self.xero_of("PurchaseOrders", rfq)["Status"], "SUBMITTED")
        self.assertEqual(self.xero_of("PurchaseOrders", dropped)["Status"], "DELETED")
        # Xero -> Odoo: approved, then billed in Xero.
        client = self.account._xero_client()
        po_id = self.xero_of("PurchaseOrders", rfq)["PurchaseOrderID"]
        client.write("PurchaseOrders", [{"PurchaseOrderID": po_id, "Status": "AUTHORISED"}])
        self.run_object("purchase_orders", "import")
        self.assertEqual(rfq.state, "purchase")
        client.write("PurchaseOrders", [{"PurchaseOrderID": po_id, "Status": "BILLED"}])
        self.run_object("purchase_orders", "import")
        self.assertEqual((rfq.state, rfq.xero_billed), ("purchase", True))
        self.assertFalse(rfq.invoice_ids, "no bill is made up for a billed order")
        self.assertFalse(
            self.mismatches("purchase_orders"), self.mismatches("purchase_orders").mapped("messages")
        )
        before = self.writes()
        self.run_object("purchase_orders", "export")
        self.assertEqual(self.writes(), before)


@tagged("post_install", "-at_install")
class TestDemoManualJournals(XeroSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sb.load_seed(DEMO_SEED_DIR)

    def setUp(self):
        super().setUp()
        # What a user does on the first-day check: the company takes the organisation's
        # currency (NZD), then per-line tax rounding is adopted.
        self.account._xero_onboarding_check()
        self.account.action_onboarding_use_xero_currency()

    def entry_of(self, journal):
        binding = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "manual_journals"),
                ("xero_id", "=", journal["ManualJournalID"]),
            ]
        )
        self.assertEqual(len(binding), 1, journal["Narration"])
        return self.env["account.move"].browse(binding.res_id)

    def test_demo_seed_journals_import_once_with_xero_amounts(self):
        results, errors = self.account._xero_run("import", ["manual_journals"])
        self.assertEqual(errors, [])
        self.assertFalse(
            self.mismatches("manual_journals"), self.mismatches("manual_journals").mapped("messages")
        )
        journals = self.sb.records("ManualJournals")
        self.assertEqual(len(journals), 12)
        self.assertEqual(results["manual_journals"]["created"], 12)
        general = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "general")], limit=1
        )
        for journal in journals:
            move = self.entry_of(journal)
            self.assertEqual(
                (move.move_type, move.journal_id, move.ref), ("entry", general, journal["Narration"])
            )
            self.assertEqual(move.date, parse_date(journal["Date"]))
            debit = round(sum(l["LineAmount"] for l in journal["JournalLines"] if l["LineAmount"] > 0), 2)
            self.assertEqual(round(sum(move.line_ids.mapped("debit")), 2), debit)
            self.assertEqual(round(sum(move.line_ids.mapped("credit")), 2), debit)
            self.assertEqual(
                sorted(move.line_ids.mapped("account_id.code")),
                sorted(l["AccountCode"] for l in journal["JournalLines"]),
            )
            self.assertEqual(
                move.state, {"DRAFT": "draft", "POSTED": "posted"}[journal["Status"]], journal["Narration"]
            )
        before = self.writes()
        results, errors = self.account._xero_run("import", ["manual_journals"])
        self.assertEqual(results["manual_journals"]["created"] + results["manual_journals"]["updated"], 0)
        self.assertEqual(self.writes(), before)

    def test_taxed_journal_void_and_missing_account(self):
        """A tax-exclusive journal with a tax line; voided in Xero, cancelled in Odoo; a
        journal on an account Odoo does not have is a mismatch entry, the others import."""
        self.run_object("manual_journals", "import")
        client = self.account._xero_client()
        # Accounts are linked but not created from Xero (the user's choice): a new Xero
        # account stays out of Odoo.
        self.account._xero_settings("accounts").mode = "update"
        client.write("Accounts", [{"Code": "891", "Name": "Suspense 2", "Type": "CURRLIAB"}], method="PUT")
        [taxed, missing] = client.write(
            "ManualJournals",
            [
                {
                    "Narration": "Taxed accrual",
                    "Date": "2026-05-04",
                    "Status": "POSTED",
                    "LineAmountTypes": "Exclusive",
                    "JournalLines": [
                        {
                            "LineAmount": 100.0,
                            "AccountCode": "429",
                            "TaxType": "INPUT2",
                            "Description": "Expense",
                        },
                        {
                            "LineAmount": -115.0,
                            "AccountCode": "800",
                            "TaxType": "NONE",
                            "Description": "Owed",
                        },
                    ],
                },
                {
                    "Narration": "On a new account",
                    "Date": "2026-05-04",
                    "Status": "POSTED",
                    "JournalLines": [
                        {"LineAmount": 10.0, "AccountCode": "891"},
                        {"LineAmount": -10.0, "AccountCode": "800"},
                    ],
                },
            ],
            method="PUT",
        )
        self.assertFalse(taxed.messages or missing.messages, (taxed.messages, missing.messages))
        run = self.account._xero_run_object("manual_journals", "import")
        self.assertEqual((run.created_count, run.failed_count), (1, 1))
        move = self.entry_of({"ManualJournalID": taxed.xero_id, "Narration": "Taxed"})
        self.assertEqual(move.state, "posted")
        self.assertEqual(round(sum(move.line_ids.mapped("debit")), 2), 115.0)
        self.assertEqual(round(sum(move.line_ids.filtered("tax_line_id").mapped("balance")), 2), 15.0)
        entry = self.mismatches("manual_journals")
        self.assertEqual(entry.xero_id, missing.xero_id)
        self.assertIn("891", entry.messages)
        self.assertEqual(entry.kind, "dependency")
        client.write("ManualJournals", [{"ManualJournalID": taxed.xero_id, "Status": "VOIDED"}])
        self.run_object("manual_journals", "import")
        self.assertEqual(move.state, "cancel")

    def test_entries_export_only_when_the_setting_says_so(self):
        self.run_object("manual_journals", "import")
        accounts = {
            b.xero_number: self.env["account.account"].browse(b.res_id) for b in self.bindings("accounts")
        }
        general = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "general")], limit=1
        )

        def entry(ref, amount, tax=None):
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": general.id,
                    "ref": ref,
                    "date": "2026-06-01",
                    "line_ids": [
                        Command.create(
                            {
                                "name": ref,
                                "account_id": accounts["429"].id,
                                "balance": amount,
                                "tax_ids": [Command.set(tax.ids if tax else [])],
                            }
                        ),
                        Command.create({"name": ref, "account_id": accounts["800"].id, "balance": -amount}),
                    ],
                }
            )
            move.action_post()
            return move

        rent = entry("Rent accrual", 1250.0)
        before = self.writes()
        run = self.run_object("manual_journals", "export")
        self.assertEqual(self.writes(), before)  # off by default: nothing sent
        self.assertEqual(run.created_count, 0)
        settings = self.account._xero_settings("manual_journals")
        settings.export_entries = True
        self.run_object("taxes", "import")
        tax = self.env["account.tax"].browse(
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "taxes"),
                    ("xero_id", "=", "INPUT2"),
                    ("is_primary", "=", True),
                ]
            )
            .res_id
        )
        self.assertTrue(tax)
        taxed = entry("Taxed accrual", 100.0, tax)
        run = self.run_object("manual_journals", "export")
        self.assertEqual(
            self.writes(), dict(before, **{"POST /ManualJournals": before.get("POST /ManualJournals", 0) + 1})
        )
        self.assertEqual((run.created_count, run.failed_count), (1, 1))
        journal = next(j for j in self.sb.records("ManualJournals") if j["Narration"] == "Rent accrual")
        self.assertEqual(journal["Status"], "POSTED")
        self.assertEqual(
            sorted((l["AccountCode"], l["LineAmount"]) for l in journal["JournalLines"]),
            [("429", 1250.0), ("800", -1250.0)],
        )
        entry_log = self.mismatches("manual_journals")
        self.assertEqual(entry_log.res_id, taxed.id)
        self.assertIn("has taxes", entry_log.messages)
        # Nothing changed: no write; the import does not take it for a new journal.
        before = self.writes()
        self.run_object("manual_journals", "export")
        run = self.run_object("manual_journals", "import")
        self.assertEqual(run.created_count + run.updated_count, 0)
        self.assertEqual(self.writes(), before)
        rent.button_draft()
        rent.button_cancel()
        self.run_object("manual_journals", "export")
        journal = next(
            j for j in self.sb.records("ManualJournals") if j["ManualJournalID"] == journal["ManualJournalID"]
        )
        self.assertEqual(journal["Status"], "VOIDED")


@tagged("post_install", "-at_install")
class TestOrderEdges(OrderCase):
    def test_deleted_on_either_side(self):
        """A draft deleted in Odoo is DELETED in Xero; a quote deleted in Xero cancels its
        order in Odoo (and is never re-created)."""
        orders = self.sale_order(11, qty=1) | self.sale_order(22, qty=1)
        self.run_object("quotes", "export")
        gone_id = self.xero_of("Quotes", orders[0])["QuoteID"]
        kept_id = self.xero_of("Quotes", orders[1])["QuoteID"]
        orders[0].unlink()
        self.run_object("quotes", "export")
        quotes = {q["QuoteID"]: q for q in self.sb.records("Quotes")}
        self.assertEqual(quotes[gone_id]["Status"], "DELETED")
        self.account._xero_client().write("Quotes", [{"QuoteID": kept_id, "Status": "DELETED"}])
        run = self.run_object("quotes", "import")
        self.assertEqual(orders[1].state, "cancel")
        self.assertEqual(run.created_count, 0)
        self.assertEqual(
            self.env["sale.order"].search_count([("name", "=", quotes[gone_id]["QuoteNumber"])]), 0
        )

    def test_confirmed_purchase_order_changed_in_xero_is_updated_in_place(self):
        order = self.purchase_order(12.5, qty=4)
        order.button_confirm()
        self.run_object("purchase_orders", "export")
        po = self.xero_of("PurchaseOrders", order)
        self.assertEqual(po["Status"], "AUTHORISED")
        line = dict(po["LineItems"][0], Quantity=6.0)
        extra = {
            "Description": "Freight",
            "Quantity": 1,
            "UnitAmount": 30,
            "AccountCode": "429",
            "TaxType": "INPUT2",
        }
        self.account._xero_client().write(
            "PurchaseOrders",
            [
                {
                    "PurchaseOrderID": po["PurchaseOrderID"],
                    "AttentionTo": "Sam at the dock",
                    "DeliveryInstructions": "Gate 3",
                    "LineItems": [line, extra],
                }
            ],
        )
        first_line = order.order_line
        self.run_object("purchase_orders", "import")
        self.assertEqual(order.state, "purchase")
        self.assertEqual(len(order.order_line), 2)
        self.assertIn(first_line, order.order_line)  # updated, not replaced
        self.assertEqual(first_line.product_qty, 6.0)
        self.assertEqual(
            (order.xero_attention_to, order.xero_delivery_instructions), ("Sam at the dock", "Gate 3")
        )
        self.assertEqual(order.amount_total, self.xero_of("PurchaseOrders", order)["Total"])

    def test_quote_with_an_unmapped_tax_is_refused_the_others_import(self):
        """A quote on a Xero tax rate Odoo has no tax for: a dependency entry naming it;
        the other quotes of the page import."""
        contact_id = (
            self.env["xero.binding"]
            .search(
                [
                    ("account_id", "=", self.account.id),
                    ("object_key", "=", "contacts"),
                    ("res_id", "=", self.customer.id),
                ]
            )
            .xero_id
        )
        client = self.account._xero_client()
        client.write(
            "TaxRates",
            [{"Name": "Levy 7", "TaxComponents": [{"Name": "Levy", "Rate": 7.0}], "ReportTaxType": "OUTPUT"}],
            method="PUT",
        )
        levy = next(t["TaxType"] for t in self.sb.records("TaxRates") if t["Name"] == "Levy 7")
        self.account._xero_settings("taxes").mode = "update"  # taxes are not created from Xero
        results = client.write(
            "Quotes",
            [
                {
                    "Contact": {"ContactID": contact_id},
                    "Date": "2026-04-01",
                    "LineItems": [{"Description": "Thing", "Quantity": 1, "UnitAmount": 10, "TaxType": tax}],
                }
                for tax in (levy, "OUTPUT2")
            ],
            method="PUT",
        )
        run = self.account._xero_run_object("quotes", "import")
        self.assertEqual((run.created_count, run.failed_count), (1, 1))
        entry = self.mismatches("quotes")
        self.assertEqual(entry.xero_id, results[0].xero_id)
        self.assertEqual(entry.kind, "dependency")
        self.assertIn(levy, entry.messages)
        self.order_of("quotes", results[1].xero_id)
