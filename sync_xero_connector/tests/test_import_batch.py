# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Issue 13: new documents of a page are created together (one create per move type, one
post), and one bad element in a batch of 50 still leaves 49 imported and 1 mismatch entry."""

from datetime import date

from odoo.tests import tagged

from .test_documents import XeroDocumentCase


@tagged("post_install", "-at_install")
class TestImportBatch(XeroDocumentCase):
    def raise_invoices(self, count, locked=()):
        """``count`` invoices a Xero user raised (2 lines, tax), written in one PUT; those
        whose index is in ``locked`` are dated 2026-01-15, the others 2026-03-<day>."""
        contacts = self.sb.records("Contacts")
        bodies = []
        for i in range(count):
            day = "2026-01-15" if i in locked else f"2026-03-{1 + i % 28:02d}"
            bodies.append(
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": contacts[i % 5]["ContactID"]},
                    "Date": day,
                    "DueDate": "2026-04-30",
                    "Status": "DRAFT" if i % 5 == 4 else "AUTHORISED",
                    "Reference": f"BATCH-{i:02d}",
                    "LineItems": [
                        {
                            "Description": f"Work {i}",
                            "Quantity": 1 + i % 3,
                            "UnitAmount": 10.25 + i,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        },
                        {
                            "Description": "Travel",
                            "Quantity": 1,
                            "UnitAmount": 3.33,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        },
                    ],
                }
            )
        results = self.account._xero_client().write("Invoices", bodies, method="PUT")
        self.assertEqual({r.status for r in results}, {"created"})
        return {r.record["InvoiceID"]: r.record for r in results}

    def imported(self, xero_ids):
        bindings = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", "invoices"),
                ("xero_id", "in", list(xero_ids)),
            ]
        )
        return {b.xero_id: self.env["account.move"].browse(b.res_id) for b in bindings}

    def assert_same_as_xero(self, xero, moves):
        for xero_id, move in moves.items():
            doc = xero[xero_id]
            self.assertEqual(
                (move.ref, move.amount_untaxed, move.amount_tax, move.amount_total),
                (doc["Reference"], doc["SubTotal"], doc["TotalTax"], doc["Total"]),
                doc["Reference"],
            )
            self.assertEqual(move.state, "draft" if doc["Status"] == "DRAFT" else "posted")
            self.assertEqual(move.name, doc["InvoiceNumber"])

    def test_50_new_invoices_in_one_batch(self):
        xero = self.raise_invoices(50)
        run = self.run_object("invoices", "import")
        self.assertEqual(run._counts()["created"], 50)
        moves = self.imported(xero)
        self.assertEqual(len(moves), 50)
        self.assert_same_as_xero(xero, moves)
        self.assertFalse(self.mismatches("invoices"))
        # Nothing changed: a second import creates and writes nothing.
        again = self.run_object("invoices", "import", full=True)
        self.assertEqual((again._counts()["created"], again._counts()["updated"]), (0, 0))

    def test_one_bad_element_in_50_leaves_49_imported_and_1_mismatch(self):
        """The bad one fails only once the batch is created (Odoo's lock date refuses its
        posting): the batch is rolled back and its records are imported one by one."""
        xero = self.raise_invoices(50, locked={17})
        bad = next(x for x in xero.values() if x["Reference"] == "BATCH-17")
        self.env.company.fiscalyear_lock_date = date(2026, 1, 31)
        run = self.run_object("invoices", "import")
        counts = run._counts()
        self.assertEqual((counts["created"], counts["failed"]), (49, 1))
        moves = self.imported(xero)
        self.assertEqual(len(moves), 49)
        self.assertNotIn(bad["InvoiceID"], moves)
        self.assert_same_as_xero(xero, moves)
        entry = self.mismatches("invoices")
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.xero_id, bad["InvoiceID"])
        self.assertIn("inside Odoo's lock date 2026-01-31", entry.messages)
        self.assertFalse(self.env["account.move"].search([("ref", "=", "BATCH-17")]))
        # Fixed in Odoo, retried: imported once, nothing duplicated.
        self.env.company.fiscalyear_lock_date = False
        entry.action_retry()
        moves = self.imported(xero)
        self.assertEqual(len(moves), 50)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("ref", "=like", "BATCH-%"), ("move_type", "=", "out_invoice")]
            ),
            50,
        )
        self.assertEqual(entry.state, "resolved")

    def test_element_refused_by_the_mapping_stays_out_of_the_batch(self):
        """A document whose mapping fails (an account code Odoo does not have) never joins
        the batch: the 50 others are created together, it gets its own entry."""
        import copy
        import uuid

        xero = self.raise_invoices(50)
        odd = copy.deepcopy(next(iter(xero.values())))
        odd.update(InvoiceID=str(uuid.uuid4()), InvoiceNumber="INV-ODD", Reference="BATCH-ODD")
        odd["LineItems"] = [dict(odd["LineItems"][0], AccountCode="9999", LineItemID=None)]
        self.sb.inject_raw("Invoices", odd)
        run = self.run_object("invoices", "import")
        counts = run._counts()
        self.assertEqual((counts["created"], counts["failed"]), (50, 1))
        self.assert_same_as_xero(xero, self.imported(xero))
        entry = self.mismatches("invoices")
        self.assertEqual((len(entry), entry.xero_id), (1, odd["InvoiceID"]), entry.mapped("messages"))
        self.assertFalse(self.env["account.move"].search([("ref", "=", "BATCH-ODD")]))


@tagged("post_install", "-at_install")
class TestImportBatchMasterData(XeroDocumentCase):
    """Contacts and items: a page's new records are created in one create as well."""

    def write_to_xero(self, collection, bodies):
        results = self.account._xero_client().write(collection, bodies, method="PUT")
        self.assertEqual({r.status for r in results}, {"created"}, [r.messages for r in results])
        return [r.record for r in results]

    def bound_records(self, key, xero_ids):
        bindings = self.env["xero.binding"].search(
            [
                ("account_id", "=", self.account.id),
                ("object_key", "=", key),
                ("xero_id", "in", list(xero_ids)),
            ]
        )
        return {b.xero_id: self.env[b.res_model].browse(b.res_id) for b in bindings}

    def test_50_new_contacts_with_their_persons_and_one_invalid_one(self):
        contacts = self.write_to_xero(
            "Contacts",
            [
                {
                    "Name": f"Batch Contact {i:02d} & Sons <ltd>",
                    "EmailAddress": f"batch{i}@example.com",
                    "ContactPersons": [
                        {"FirstName": "Ann", "LastName": f"Person {i}", "EmailAddress": f"ann{i}@example.com"}
                    ],
                }
                for i in range(50)
            ],
        )
        # A Xero contact Odoo cannot take (no name): its own entry, never in the batch.
        import uuid

        bad_id = str(uuid.uuid4())
        self.sb.inject_raw("Contacts", dict(contacts[0], ContactID=bad_id, Name="", ContactPersons=[]))
        run = self.run_object("contacts", "import")
        counts = run._counts()
        self.assertEqual((counts["created"], counts["failed"]), (50, 1))
        partners = self.bound_records("contacts", [c["ContactID"] for c in contacts])
        self.assertEqual(len(partners), 50)
        for contact in contacts:
            partner = partners[contact["ContactID"]]
            self.assertEqual((partner.name, partner.email), (contact["Name"], contact["EmailAddress"]))
            person = partner.child_ids.filtered(lambda c: c.type == "contact")
            self.assertEqual(person.mapped("name"), [f"Ann {contact['ContactPersons'][0]['LastName']}"])
            self.assertEqual(person.email, contact["ContactPersons"][0]["EmailAddress"])
        entry = self.mismatches("contacts")
        self.assertEqual((len(entry), entry.xero_id), (1, bad_id))
        # Nothing changed in Xero: a full re-read creates and writes nothing, duplicates nothing.
        again = self.run_object("contacts", "import", full=True)
        self.assertEqual((again._counts()["created"], again._counts()["updated"]), (0, 0))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=like", "Batch Contact %")]), 50)

    def test_50_new_items_in_one_batch(self):
        items = self.write_to_xero(
            "Items",
            [
                {
                    "Code": f"BATCH-{i:02d}",
                    "Name": f"Batch item {i}",
                    "SalesDetails": {"UnitPrice": 10.5 + i, "AccountCode": "200", "TaxType": "OUTPUT2"},
                    "PurchaseDetails": {"UnitPrice": 4.25 + i, "AccountCode": "310", "TaxType": "INPUT2"},
                }
                for i in range(50)
            ],
        )
        run = self.run_object("items", "import")
        self.assertEqual((run._counts()["created"], run._counts()["failed"]), (50, 0))
        products = self.bound_records("items", [i["ItemID"] for i in items])
        self.assertEqual(len(products), 50)
        income = self.bound("accounts", number="200")
        for item in items:
            product = products[item["ItemID"]]
            self.assertEqual(
                (product.default_code, product.name, product.lst_price, product.standard_price),
                (
                    item["Code"],
                    item["Name"],
                    item["SalesDetails"]["UnitPrice"],
                    item["PurchaseDetails"]["UnitPrice"],
                ),
            )
            self.assertEqual(product.property_account_income_id, income)
        again = self.run_object("items", "import", full=True)
        self.assertEqual((again._counts()["created"], again._counts()["updated"]), (0, 0))
        self.assertEqual(self.env["product.product"].search_count([("default_code", "=like", "BATCH-%")]), 50)
