# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The first-day check of a Xero account: the company against the Xero organisation.

The rules are pure (``xero/onboarding.py``); this adapter gathers their inputs (three API
calls: Organisation, the latest page of sales invoice numbers, Accounts), adopts what the
company can take from Xero without losing anything (per-line tax rounding), stores the
findings on the account and guards the document runs (``_xero_check_documents``).
"""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..xero import XeroError, onboarding

DOCUMENT_KEYS = ("invoices", "bills", "credit_notes", "payments")
LEVEL_CLASSES = {"blocking": "danger", "warning": "warning", "info": "info"}


class XeroAccount(models.Model):
    _inherit = "xero.account"

    onboarding_state = fields.Selection(
        [("unchecked", "Not Checked"), ("ok", "Ready"), ("warning", "Warnings"), ("blocking", "Blocked")],
        string="First-Day Check",
        default="unchecked",
        required=True,
        readonly=True,
        copy=False,
        help="The comparison of the company with the Xero organisation, made at connect (and "
        "with Check Again). Blocked: documents are not synchronised until it is fixed.",
    )
    onboarding_findings = fields.Json(readonly=True, copy=False)
    onboarding_checked_at = fields.Datetime(string="Checked On", readonly=True, copy=False)
    onboarding_tenant_id = fields.Char(
        readonly=True, copy=False, help="The organisation the check was made for."
    )
    xero_base_currency = fields.Char(
        readonly=True,
        copy=False,
        help="The currency the Xero organisation keeps its books in (read by the check).",
    )
    onboarding_html = fields.Html(compute="_compute_onboarding", sanitize=False)
    onboarding_banner = fields.Html(compute="_compute_onboarding", sanitize=False)
    onboarding_fix_currency = fields.Boolean(compute="_compute_onboarding")
    onboarding_fix_rounding = fields.Boolean(compute="_compute_onboarding")

    def _compute_onboarding(self):
        for account in self:
            findings = account.onboarding_findings or []
            actions = {f.get("action") for f in findings}
            account.onboarding_fix_currency = onboarding.USE_XERO_CURRENCY in actions
            account.onboarding_fix_rounding = onboarding.ROUND_PER_LINE in actions
            account.onboarding_html = (
                account._onboarding_render(findings)
                if findings
                else (
                    Markup("<p>%s</p>")
                    % self.env._("No difference found: the company and the organisation agree.")
                    if account.onboarding_state == "ok"
                    else False
                )
            )
            account.onboarding_banner = (
                account._onboarding_render([f for f in findings if f["level"] == "blocking"]) or False
            )

    def _onboarding_render(self, findings):
        labels = dict(self._onboarding_level_labels())
        items = Markup().join(
            Markup('<li class="mb-2"><span class="badge text-bg-%s">%s</span> %s%s</li>')
            % (
                LEVEL_CLASSES[f["level"]],
                labels[f["level"]],
                f["message"],
                Markup("<br/><i>%s</i>") % f["fix"] if f.get("fix") else "",
            )
            for f in findings
        )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % items if items else ""

    def _onboarding_level_labels(self):
        return [
            ("blocking", self.env._("Blocking")),
            ("warning", self.env._("Warning")),
            ("info", self.env._("Info")),
        ]

    # -------------------------------------------------------------- the check
    def _xero_on_connected(self):
        """Connect and "Use this organisation" end here: check the company against it."""
        result = super()._xero_on_connected()
        for account in self:
            account._xero_onboarding_check()
        return result

    def _xero_onboarding_check(self, client=None, strict=False):
        """Run the check and store its findings. A check that cannot read the organisation
        is itself a (warning) finding, so that connect never fails for it; ``strict`` (a run
        that needs the result) lets the Xero error through instead, to fail or stop the run."""
        self.ensure_one()
        vals = {"onboarding_checked_at": fields.Datetime.now(), "onboarding_tenant_id": self.tenant_id}
        try:
            client = client or self._xero_client()
            organisation = client.organisation()
            invoices = next(
                client.iter_pages(
                    "Invoices",
                    where='Type=="ACCREC"',
                    order="InvoiceNumber DESC",
                    page_size=100,
                    params={"summaryOnly": "true"},
                ),
                [],
            )
            xero_accounts = list(client.iter_records("Accounts"))
        except (XeroError, UserError) as exc:
            if strict:
                raise
            message = exc.args[0] if isinstance(exc, UserError) and exc.args else str(exc)
            findings = [onboarding.check_failed(message, _=self.env._)]
        else:
            vals["xero_base_currency"] = organisation.get("BaseCurrency") or False
            company = self._onboarding_company_facts()
            adopted = self._xero_adopt(onboarding.adoptions(company))
            if onboarding.ROUND_PER_LINE in adopted:
                company["tax_rounding"] = "round_per_line"
            numbers = [i["InvoiceNumber"] for i in invoices if i.get("InvoiceNumber")]
            findings = onboarding.check(
                organisation,
                company,
                xero_invoice_numbers=numbers,
                odoo_numbers_in_xero=self._onboarding_number_clashes(invoices),
                xero_accounts=xero_accounts,
                odoo_accounts=self._onboarding_odoo_accounts(),
                type_map=self.env["xero.account.type.map"].sudo()._xero_maps()[0],
                adopted=adopted,
                _=self.env._,
            )
        vals.update(onboarding_findings=findings, onboarding_state=onboarding.state_of(findings))
        self.sudo().write(vals)
        return findings

    def _onboarding_company_facts(self):
        company = self.company_id.sudo()
        Move = self.env["account.move"].sudo()
        journal = (
            self.env["account.journal"]
            .sudo()
            .search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        )
        upcoming = False
        if journal:
            draft = Move.with_company(company).new(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "company_id": company.id,
                }
            )
            # What _set_next_sequence would give, without its lock and its write.
            pattern, values = draft._get_next_sequence_format()
            upcoming = pattern.format(**dict(values, seq=values["seq"] + 1))
        locks = [
            company[f]
            for f in ("fiscalyear_lock_date", "hard_lock_date", "sale_lock_date", "purchase_lock_date")
            if company[f]
        ]
        return {
            "name": company.name,
            "currency": company.currency_id.name,
            "tax_rounding": company.tax_calculation_rounding_method,
            "price_include": company.account_price_include,
            "has_entries": company._existing_accounting(),
            "has_posted_entries": self._onboarding_has_posted_entries(),
            "lock_date": max(locks) if locks else None,
            "invoice_journal": journal.name,
            "next_invoice_number": upcoming,
        }

    def _onboarding_has_posted_entries(self):
        return bool(
            self.env["account.move"]
            .sudo()
            .search_count([("company_id", "child_of", self.company_id.id), ("state", "=", "posted")], limit=1)
        )

    def _onboarding_number_clashes(self, invoices):
        """Odoo sales documents named like a Xero invoice that is not theirs."""
        by_number = {i["InvoiceNumber"]: i.get("InvoiceID") for i in invoices if i.get("InvoiceNumber")}
        if not by_number:
            return []
        moves = (
            self.env["account.move"]
            .sudo()
            .search_read(
                [
                    ("company_id", "=", self.company_id.id),
                    ("name", "in", list(by_number)),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["name"],
            )
        )
        bound = {
            (b.res_id, b.xero_id)
            for b in self.env["xero.binding"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("object_key", "=", "invoices"),
                    ("res_id", "in", [m["id"] for m in moves]),
                ]
            )
        }
        return [m["name"] for m in moves if (m["id"], by_number[m["name"]]) not in bound]

    def _onboarding_odoo_accounts(self):
        return (
            self.env["account.account"]
            .sudo()
            .with_company(self.company_id)
            .search_read([("company_ids", "in", self.company_id.id)], ["code", "name", "account_type"])
        )

    # ---------------------------------------------------------------- adoption
    def _xero_adopt(self, fixes):
        """Apply the fixes the connector takes on itself; say so in the chatter."""
        if onboarding.ROUND_PER_LINE not in fixes:
            return []
        company = self.company_id
        company.sudo().tax_calculation_rounding_method = "round_per_line"
        # The connector's own decision (no user choice involved): noted as such, whoever ran it.
        self.sudo().message_post(
            body=self.env._(
                "The company %(company)s now rounds taxes per line (%(path)s: Round per Line), "
                "as Xero does: rounded globally, the totals of imported invoices and bills would "
                "differ from Xero's by a cent. The company had no posted journal entries, so "
                "nothing already posted changes.",
                company=company.name,
                path=onboarding.ROUNDING_PATH,
            )
        )
        return [onboarding.ROUND_PER_LINE]

    # ------------------------------------------------------------- the guard
    def _xero_check_documents(self, client=None):
        """Before a run of invoices, bills, credit notes or payments: the company must keep
        its books in Xero's base currency and round taxes per line (adopted where nothing
        is posted yet). Raises UserError with what to do otherwise."""
        self.ensure_one()
        if self.onboarding_tenant_id != self.tenant_id or not self.xero_base_currency:
            # Never checked for this organisation (connected before the check existed, or
            # switched since): check now, as connect does.
            self._xero_onboarding_check(client, strict=True)
            if not self.xero_base_currency:
                raise UserError(
                    self.env._(
                        "Xero did not say in which currency the organisation %(org)s keeps its "
                        "books, which documents need: click Check Again on the Xero account, then "
                        "run again.",
                        org=self.tenant_name,
                    )
                )
        company = self.company_id
        if self.xero_base_currency and company.currency_id.name != self.xero_base_currency:
            raise UserError(self._xero_currency_message())
        if company.tax_calculation_rounding_method != "round_per_line":
            if self._onboarding_has_posted_entries():
                raise UserError(
                    self.env._(
                        "The company %(company)s rounds taxes globally; Xero rounds them per "
                        "line, so invoice totals would differ. Set %(path)s to 'Round per Line' "
                        "(or click Round Taxes per Line on the Xero account), then run again.",
                        company=company.name,
                        path=onboarding.ROUNDING_PATH,
                    )
                )
            self._xero_adopt([onboarding.ROUND_PER_LINE])

    def _xero_currency_message(self):
        company = self.company_id
        fix = (
            self.env._(
                "Open the Xero account and click 'Use %(xero)s as the company currency' (the "
                "company has no journal entries yet).",
                xero=self.xero_base_currency,
            )
            if not company.sudo()._existing_accounting()
            else self.env._(
                "Connect this organisation to a company whose currency is %(xero)s instead.",
                xero=self.xero_base_currency,
            )
        )
        return self.env._(
            "Documents are not synchronised: the Xero organisation %(org)s keeps its books in "
            "%(xero)s and the company %(company)s in %(odoo)s, so they would be posted at "
            "made-up exchange rates. %(fix)s",
            org=self.tenant_name,
            xero=self.xero_base_currency,
            company=company.name,
            odoo=company.currency_id.name,
            fix=fix,
        )

    # ----------------------------------------------------------------- buttons
    def action_onboarding_check(self):
        self.ensure_one()
        self._check_xero_manager()
        self._xero_onboarding_check()
        return self._reload_action()

    def action_onboarding_round_per_line(self):
        self.ensure_one()
        self._check_xero_manager()
        company = self._onboarding_company_for_fix()
        company.tax_calculation_rounding_method = "round_per_line"
        self.message_post(
            body=self.env._(
                "%(user)s set the tax rounding of %(company)s to Round per Line, as Xero rounds "
                "taxes (%(path)s).",
                user=self.env.user.name,
                company=company.name,
                path=onboarding.ROUNDING_PATH,
            )
        )
        self._xero_onboarding_check()
        return self._reload_action()

    def action_onboarding_use_xero_currency(self):
        self.ensure_one()
        self._check_xero_manager()
        company = self._onboarding_company_for_fix()
        code = self.xero_base_currency
        currency = (
            self.env["res.currency"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
            if code
            else False
        )
        if not currency:
            raise UserError(
                self.env._(
                    "Odoo has no currency %(code)s: click Check Again to read the organisation's "
                    "base currency.",
                    code=code or "?",
                )
            )
        if company.sudo()._existing_accounting():
            raise UserError(
                self.env._(
                    "The company %(company)s already has journal entries, so Odoo cannot change "
                    "its currency. Connect this organisation to a company whose currency is "
                    "%(code)s.",
                    company=company.name,
                    code=code,
                )
            )
        previous = company.currency_id.name
        currency.active = True
        company.currency_id = currency
        self.message_post(
            body=self.env._(
                "%(user)s changed the currency of %(company)s from %(old)s to %(new)s, the base "
                "currency of the Xero organisation %(org)s.",
                user=self.env.user.name,
                company=company.name,
                old=previous,
                new=code,
                org=self.tenant_name,
            )
        )
        self._xero_onboarding_check()
        return self._reload_action()

    def _onboarding_company_for_fix(self):
        """The company, as the user: changing its settings needs the rights to do so."""
        company = self.company_id.with_user(self.env.user)
        if not self.env.su and not company.has_access("write"):
            raise AccessError(
                self.env._(
                    "Changing the settings of the company %(company)s needs the Administration / "
                    "Settings rights: ask an administrator to click this button.",
                    company=self.company_id.name,
                )
            )
        return company
