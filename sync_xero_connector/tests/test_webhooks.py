# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Webhooks through the real route (HttpCase: Odoo's HTTP server, the sandbox posting to it),
the inbox, its scheduler, and an organisation that disconnects the app in Xero."""

import json
import operator
import re
import uuid

import requests

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.sync_xero_connector.xero.webhooks import signature

from .common import XeroTestMixin
from .test_documents import MASTER_KEYS, master_seed

KEY = "webhook-signing-key-0123456789abcdef"
CRON = "sync_xero_connector.ir_cron_xero_webhook_events"


class XeroHttpCase(XeroTestMixin, HttpCase):
    """A connected account on the sandbox seeded with master data, Odoo's HTTP server up."""

    account_name = "Xero test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.sb.load_seed(master_seed())

    def setUp(self):
        super().setUp()
        self.account = self.make_account(name=self.account_name)
        self.connect_with_issued_token(self.account)


@tagged("post_install", "-at_install")
class TestWebhooks(XeroHttpCase):
    def setUp(self):
        super().setUp()
        self.account._xero_onboarding_check()
        __, errors = self.account._xero_run("import", list(MASTER_KEYS))
        self.assertEqual(errors, [])
        for key in ("contacts", "invoices", "bills", "credit_notes"):
            self.account._xero_settings(key).write({"enabled": True, "direction": "import"})
        self.account.sudo().webhook_key = KEY
        self.path = "/xero/webhook/" + self.account.sudo().webhook_token
        self.sb.configure_webhooks(self.base_url() + self.path, KEY)
        self.addCleanup(self.sb.configure_webhooks, None, None)
        # Xero's POST carries no session: the database is found by the dbfilter, as on a
        # server that receives webhooks (one database per host name).
        self.addCleanup(operator.setitem, config, "dbfilter", config["dbfilter"])
        config["dbfilter"] = f"^{re.escape(self.env.cr.dbname)}$"
        self.env.flush_all()

    # ---------------------------------------------------------------- helpers
    def events(self, **domain):
        return self.env["xero.webhook.event"].search([(k, "=", v) for k, v in domain.items()], order="id")

    def payload(self, events, first=1):
        return json.dumps(
            {
                "events": events,
                "firstEventSequence": first,
                "lastEventSequence": first + max(len(events) - 1, 0),
                "entropy": uuid.uuid4().hex[:20].upper(),
            }
        ).encode()

    def event(self, resource_id, category="CONTACT", tenant_id=None, date="2026-03-10T10:00:00.123"):
        return {
            "resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/" + resource_id,
            "resourceId": resource_id,
            "eventDateUtc": date,
            "eventType": "UPDATE",
            "eventCategory": category,
            "tenantId": tenant_id or self.sb.tenant_id,
            "tenantType": "ORGANISATION",
        }

    def post(self, body, sig=None, path=None):
        headers = {"Content-Type": "application/json"}
        if sig is not None:
            headers["x-xero-signature"] = sig
        return self.url_open(path or self.path, data=body, headers=headers)

    def xero_api(self, method, path, body):
        """A change made in Xero itself (not through Odoo's client, so that the test thread
        uses no cursor while the sandbox delivers the webhook)."""
        token = self.account.sudo().access_token
        self.env.flush_all()
        with self.xero_posting():
            response = requests.request(
                method,
                self.sb.url + "/api.xro/2.0/" + path,
                json=body,
                timeout=30,
                headers={"Authorization": "Bearer " + token, "xero-tenant-id": self.sb.tenant_id},
            )
            self.assertTrue(self.sb.flush_webhooks())
        self.assertLess(response.status_code, 300, response.text)
        return response.json()

    def xero_posting(self):
        """While the sandbox posts to Odoo as Xero does (without the test's cookie)."""
        return self.allow_requests(all_requests=True)

    def process(self):
        """One run of the scheduler's job, as a cron worker runs it."""
        self.env.flush_all()
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["xero.webhook.event"]._cron_process()
        self.env.invalidate_all()

    def triggered(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.env.ref(CRON).id)])

    # ------------------------------------------------------------------ tests
    def test_bad_or_missing_signature_is_refused_and_stores_nothing(self):
        contact = self.sb.records("Contacts")[0]["ContactID"]
        body = self.payload([self.event(contact)])
        for sig in (None, "", "not-base64", signature("another key", body), signature(KEY, body + b" ")):
            response = self.post(body, sig)
            self.assertEqual(response.status_code, 401, sig)
            self.assertEqual(response.content, b"")
        # An unknown token, and an account without signing key, fail closed too.
        self.assertEqual(self.post(body, signature(KEY, body), "/xero/webhook/" + "x" * 43).status_code, 401)
        self.account.sudo().webhook_key = False
        self.env.flush_all()
        self.assertEqual(self.post(body, signature(KEY, body)).status_code, 401)
        self.assertEqual(self.post(body, signature("", body)).status_code, 401)
        self.assertFalse(self.env["xero.webhook.event"].search([]))
        self.assertEqual(self.triggered(), 0)
        # GET is not an endpoint.
        self.assertEqual(self.url_open(self.path).status_code, 405)

    def test_intent_to_receive(self):
        with self.xero_posting():
            results = self.sb.trigger_intent_to_receive()
        self.assertEqual(results, [(True, 200), (False, 401), (True, 200), (False, 401)])
        for delivery in self.sb.webhook_deliveries:
            self.assertTrue(delivery["intent_to_receive"])
        self.assertFalse(self.env["xero.webhook.event"].search([]))

    def test_void_in_xero_reaches_odoo_in_one_run_with_one_read(self):
        contact = self.sb.records("Contacts")[0]["ContactID"]
        # 50 invoices made in Xero, imported into Odoo by the hourly poll.
        self.sb.configure_webhooks(None, None)
        created = self.xero_api(
            "PUT",
            "Invoices",
            {
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": contact},
                        "Date": "2026-03-10",
                        "DueDate": "2026-03-20",
                        "Status": "AUTHORISED",
                        "Reference": f"WH{i}",
                        "LineItems": [
                            {
                                "Description": f"Line {i}",
                                "Quantity": 1,
                                "UnitAmount": 10 + i,
                                "AccountCode": "200",
                                "TaxType": "NONE",
                            }
                        ],
                    }
                    for i in range(50)
                ]
            },
        )
        ids = [inv["InvoiceID"] for inv in created["Invoices"]]
        self.account._xero_run_object("invoices", "import")
        moves = self.env["account.move"].browse(
            self.env["xero.binding"]
            .search([("object_key", "=", "invoices"), ("xero_id", "in", ids)])
            .mapped("res_id")
        )
        self.assertEqual(len(moves), 50)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        # Voided in Xero: the sandbox posts the webhook to Odoo's route.
        self.sb.configure_webhooks(self.base_url() + self.path, KEY)
        seen = len(self.sb.webhook_deliveries)
        self.xero_api(
            "POST", "Invoices", {"Invoices": [{"InvoiceID": xero_id, "Status": "VOIDED"} for xero_id in ids]}
        )
        delivered = [d for d in self.sb.webhook_deliveries[seen:] if d["status"] == 200]
        self.assertEqual(sum(len(d["payload"]["events"]) for d in delivered), 50)
        events = self.events(state="new")
        self.assertEqual(len(events), 50)
        self.assertEqual(set(events.mapped("category")), {"INVOICE"})
        self.assertEqual(self.triggered(), 1)  # the scheduler is called at once
        self.assertEqual(set(moves.mapped("state")), {"posted"})  # nothing read in the request
        before = self.ops()
        self.process()
        after = self.ops()
        self.assertEqual(after.get("GET /Invoices", 0) - before.get("GET /Invoices", 0), 1)
        self.assertEqual(sum(after.values()) - sum(before.values()), 1)
        self.assertEqual(set(moves.mapped("state")), {"cancel"})
        self.assertEqual(set(events.mapped("state")), {"done"})
        run = events.run_id
        self.assertEqual(len(run), 1)
        self.assertEqual((run.trigger, run.object_key, run.updated_count), ("webhook", "invoices", 50))

    def test_new_bill_and_credit_note_made_in_xero(self):
        """INVOICE events of new documents do not say invoice or bill: the invoices' object
        reads them by ID first, the bills' object then reads those it did not import (one
        read each); a CREDITNOTE event is read by ID too (one read, as a where: Xero has no
        IDs filter for credit notes)."""
        contact = self.sb.records("Contacts")[0]["ContactID"]
        line = {"Description": "Webhook line", "Quantity": 1, "UnitAmount": 40, "TaxType": "NONE"}
        bill = self.xero_api(
            "PUT",
            "Invoices",
            {
                "Invoices": [
                    {
                        "Type": "ACCPAY",
                        "Contact": {"ContactID": contact},
                        "Date": "2026-03-10",
                        "DueDate": "2026-03-20",
                        "Status": "AUTHORISED",
                        "InvoiceNumber": "SUP-77",
                        "LineItems": [dict(line, AccountCode="310")],
                    }
                ]
            },
        )["Invoices"][0]
        invoice = self.xero_api(
            "PUT",
            "Invoices",
            {
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": contact},
                        "Date": "2026-03-10",
                        "DueDate": "2026-03-20",
                        "Status": "AUTHORISED",
                        "LineItems": [dict(line, AccountCode="200")],
                    }
                ]
            },
        )["Invoices"][0]
        note = self.xero_api(
            "PUT",
            "CreditNotes",
            {
                "CreditNotes": [
                    {
                        "Type": "ACCRECCREDIT",
                        "Contact": {"ContactID": contact},
                        "Date": "2026-03-10",
                        "Status": "AUTHORISED",
                        "LineItems": [dict(line, AccountCode="200")],
                    }
                ]
            },
        )["CreditNotes"][0]
        self.assertEqual(sorted(self.events().mapped("category")), ["CREDITNOTE", "INVOICE", "INVOICE"])
        before = self.ops()
        self.process()
        after = self.ops()
        reads = {op: after.get(op, 0) - before.get(op, 0) for op in ("GET /Invoices", "GET /CreditNotes")}
        self.assertEqual(reads, {"GET /Invoices": 2, "GET /CreditNotes": 1})
        self.assertEqual(set(self.events().mapped("state")), {"done"})
        binding = self.env["xero.binding"].search([("xero_id", "=", bill["InvoiceID"])])
        self.assertEqual(binding.object_key, "bills")
        move = self.env["account.move"].browse(binding.res_id)
        self.assertEqual((move.move_type, move.state, move.amount_total), ("in_invoice", "posted", 40.0))
        binding = self.env["xero.binding"].search([("xero_id", "=", invoice["InvoiceID"])])
        self.assertEqual(binding.object_key, "invoices")
        self.assertEqual(self.env["account.move"].browse(binding.res_id).move_type, "out_invoice")
        bills_run = self.events().filtered(lambda e: e.resource_id == bill["InvoiceID"]).run_id
        self.assertEqual((bills_run.object_key, bills_run.created_count), ("bills", 1))
        binding = self.env["xero.binding"].search([("xero_id", "=", note["CreditNoteID"])])
        refund = self.env["account.move"].browse(binding.res_id)
        self.assertEqual(
            (refund.move_type, refund.state, refund.amount_total), ("out_refund", "posted", 40.0)
        )

    def test_replayed_event_is_processed_once(self):
        contact = self.sb.records("Contacts")[1]
        self.sb.webhooks.deliveries.clear()
        self.xero_api(
            "POST",
            "Contacts",
            {"Contacts": [{"ContactID": contact["ContactID"], "Name": contact["Name"] + " Ltd"}]},
        )
        delivery = self.sb.webhook_deliveries[-1]
        self.assertEqual(delivery["status"], 200)
        # Xero retries a delivery it thinks failed: same body, same signature.
        for __ in range(2):
            self.assertEqual(self.post(delivery["body"], delivery["signature"]).status_code, 200)
        self.assertEqual(len(self.events()), 1)
        before = self.ops()
        self.process()
        self.assertEqual(self.ops().get("GET /Contacts", 0) - before.get("GET /Contacts", 0), 1)
        partner = self.env["res.partner"].browse(
            self.env["xero.binding"]
            .search([("object_key", "=", "contacts"), ("xero_id", "=", contact["ContactID"])])
            .res_id
        )
        self.assertEqual(partner.name, contact["Name"] + " Ltd")
        # Replayed once more after it was imported: still stored once, nothing read again.
        self.assertEqual(self.post(delivery["body"], delivery["signature"]).status_code, 200)
        self.assertEqual(self.events().mapped("state"), ["done"])
        before = self.ops()
        self.process()
        self.assertEqual(self.ops(), before)

    def test_unknown_tenant_and_disabled_objects_are_ignored(self):
        contact = self.sb.records("Contacts")[0]["ContactID"]
        other_tenant = str(uuid.uuid4())
        self.account._xero_settings("credit_notes").enabled = False
        self.env.flush_all()
        # Signed but not JSON, and an ID that is no GUID (never put in a query to Xero).
        for bad in (b"{not json", self.payload([self.event('x") OR (1==1')])):
            self.assertEqual(
                self.post(bad, signature(KEY, bad)).status_code, 400 if bad.startswith(b"{not") else 200
            )
        self.assertEqual(self.events().mapped("state"), ["ignored"])
        self.events().unlink()
        body = self.payload(
            [
                self.event(contact, tenant_id=other_tenant),
                self.event(str(uuid.uuid4()), category="CREDITNOTE"),
                self.event(contact, category="SUBSCRIPTION"),
            ]
        )
        self.assertEqual(self.post(body, signature(KEY, body)).status_code, 200)
        foreign, note, other = self.events()
        self.assertEqual((foreign.state, foreign.tenant_id), ("ignored", other_tenant))
        self.assertIn("Another organisation", foreign.note)
        self.assertEqual(other.state, "ignored")
        self.assertEqual(note.state, "new")
        before = self.ops()
        self.process()
        self.assertEqual(self.ops(), before)  # nothing asked of Xero
        self.assertEqual(note.state, "ignored")
        self.assertIn("not enabled", note.note)

    def test_one_app_for_two_companies(self):
        """Xero sends the events of every organisation of the app to the one URL: those of an
        organisation another account is connected to with the same key are stored for it;
        with another key they are refused."""
        branch = self.env["res.company"].create({"name": "Branch Co"})
        other = self.make_account(company=branch, name="Branch")
        other.sudo().write({"state": "connected", "tenant_id": str(uuid.uuid4()), "webhook_key": KEY})
        contact = self.sb.records("Contacts")[0]["ContactID"]
        body = self.payload([self.event(contact, tenant_id=other.tenant_id), self.event(contact)])
        self.assertEqual(self.post(body, signature(KEY, body)).status_code, 200)
        theirs, ours = self.events()
        self.assertEqual((theirs.account_id, theirs.company_id, theirs.state), (other, branch, "new"))
        self.assertEqual((ours.account_id, ours.state), (self.account, "new"))
        other.sudo().webhook_key = "another app's key"
        self.env.flush_all()
        body = self.payload([self.event(contact, tenant_id=other.tenant_id)], first=9)
        self.assertEqual(self.post(body, signature(KEY, body)).status_code, 200)
        self.assertEqual(self.events(sequence=9).mapped("state"), ["ignored"])

    def test_disconnected_in_xero(self):
        """The organisation removes the app in Xero: the next scheduled run marks the account
        Disconnected in Xero, with one activity; the crons then leave Xero alone."""
        self.assertEqual(self.sb.disconnect_tenant(), 1)
        self.env.flush_all()
        settings = self.account._xero_settings("contacts")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["xero.sync.setting"]._cron_sync("contacts", "import"), 1)
        self.env.invalidate_all()
        self.assertEqual(self.account.state, "xero_revoked")
        run = settings.last_import_run_id
        self.assertEqual(run.state, "failed")
        self.assertIn("disconnected this app in Xero", run.message)
        activity = self.account.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Reconnect", activity.note)
        self.assertEqual(self.account._not_connected_message(), run.message)
        # The crons of every object, and the webhook inbox, make no call any more.
        settings.next_import_at = False
        contact = self.sb.records("Contacts")[0]["ContactID"]
        body = self.payload([self.event(contact)])
        self.assertEqual(self.post(body, signature(KEY, body)).status_code, 200)
        self.env.flush_all()
        before = self.ops()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for key in ("contacts", "invoices", "items"):
                self.assertEqual(env["xero.sync.setting"]._cron_sync(key, "import"), 0)
        self.process()
        self.assertEqual(self.ops(), before)
        self.assertEqual(self.events().state, "ignored")
        self.assertEqual(len(self.account.activity_ids), 1)
