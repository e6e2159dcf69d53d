# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Mapping errors (raised in English by the framework-free mappings, with a code) reach the
mismatch log, the run lines and the bindings in the user's language: a real export run with
French active and a French translation of the messages loaded the way Odoo loads a module's
i18n/fr.po (its code-translation cache)."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import code_translations

from odoo.addons.sync_xero_connector.models.xero_mapping_messages import TEMPLATES, translate_text
from odoo.addons.sync_xero_connector.xero.mapping.messages import MESSAGES, Text

from .common import XeroTestMixin

MODULE = "sync_xero_connector"
FRENCH = {
    MESSAGES["contacts.email_invalid"]: "L'adresse e-mail %(email)r de %(whose)s n'est pas valide.",
    MESSAGES["contacts.email_invalid.hint"]: "Corrigez l'e-mail de %(whose)s dans Odoo, ou videz-le.",
    MESSAGES["contacts.the_contact"]: "le contact",
    MESSAGES[
        "contacts.street.too_long"
    ]: "La rue de l'%(address)s a %(length)s caractères ; Xero en accepte %(limit)s.",
    MESSAGES["contacts.invoice_address"]: "adresse de facturation",
    # A broken translation (a placeholder of its own): the English message is used instead.
    MESSAGES["contacts.street.too_long.hint"]: "Raccourcissez %(champ)s.",
}


@tagged("post_install", "-at_install")
class TestMappingMessages(XeroTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_xero()
        cls.env["res.lang"]._activate_lang("fr_FR")

    def setUp(self):
        super().setUp()
        self.account = self.make_account()
        self.connect_with_issued_token(self.account)
        key = (MODULE, "fr_FR")
        previous = code_translations.python_translations.get(key)
        code_translations.python_translations[key] = dict(previous or {}, **FRENCH)
        self.addCleanup(self._restore_translations, key, previous)

    @staticmethod
    def _restore_translations(key, previous):
        if previous is None:
            code_translations.python_translations.pop(key, None)
        else:
            code_translations.python_translations[key] = previous

    def test_catalogue_literals_are_the_english_templates(self):
        self.assertEqual(sorted(TEMPLATES), sorted(MESSAGES))
        for code, lazy in TEMPLATES.items():
            self.assertEqual(self.env._(lazy), MESSAGES[code], code)  # en_US: the template itself
        french = self.env(context={"lang": "fr_FR"})
        text = Text("contacts.email_invalid", email="x@", whose=Text("contacts.the_contact"))
        self.assertEqual(
            translate_text(french, text), "L'adresse e-mail 'x@' de le contact n'est pas valide."
        )
        self.assertEqual(translate_text(self.env, text), text)
        self.assertEqual(translate_text(french, "déjà traduit"), "déjà traduit")
        self.assertIsNone(translate_text(french, None))

    def _export_refused_partners(self, lang):
        bad_email = self.env["res.partner"].create({"name": f"Bad Email {lang}", "email": "not-an-email"})
        long_street = self.env["res.partner"].create({"name": f"Long Street {lang}", "street": "S" * 501})
        run = self.account.with_context(lang=lang)._xero_run_object("contacts", "export")
        self.assertEqual((run.state, run.failed_count), ("partial", 2))
        # Refused before anything was sent: Xero has neither.
        names = {contact["Name"] for contact in self.sb.records("Contacts")}
        self.assertFalse({bad_email.name, long_street.name} & names)
        logs = self.env["xero.mismatch.log"].search(
            [("account_id", "=", self.account.id), ("object_key", "=", "contacts"), ("state", "=", "open")]
        )
        by_partner = {log.res_id: log for log in logs}
        notes = {line.res_id: line.note for line in run.line_ids}
        return (
            by_partner[bad_email.id],
            by_partner[long_street.id],
            notes[bad_email.id],
            notes[long_street.id],
        )

    def test_export_run_logs_mapping_errors_in_the_users_language(self):
        email_log, street_log, email_note, street_note = self._export_refused_partners("fr_FR")
        self.assertEqual(
            email_log.messages, "L'adresse e-mail 'not-an-email' de le contact n'est pas valide."
        )
        self.assertEqual(email_log.hint, "Corrigez l'e-mail de le contact dans Odoo, ou videz-le.")
        self.assertEqual(email_note, email_log.messages)
        self.assertEqual(
            street_log.messages, "La rue de l'adresse de facturation a 501 caractères ; Xero en accepte 500."
        )
        # The hint's translation does not fit its parameters: English rather than a crash.
        self.assertEqual(
            street_log.hint,
            "Shorten the street of the invoice address on the Odoo contact to 500 characters or fewer.",
        )
        self.assertEqual(street_note, street_log.messages)
        self.assertEqual(email_log.kind, "mapping")

    def test_export_run_in_english(self):
        email_log, street_log, _email_note, _street_note = self._export_refused_partners("en_US")
        self.assertEqual(
            email_log.messages,
            "The email address 'not-an-email' of the contact is not a valid email address.",
        )
        self.assertEqual(
            email_log.hint,
            "Correct the email of the contact in Odoo (one @, a domain with a dot, no spaces) or clear it.",
        )
        self.assertEqual(
            street_log.messages,
            "Street of the invoice address is 501 characters long; Xero accepts at most 500.",
        )
