# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Tax rates <-> taxes, chart of accounts <-> accounts, bank accounts <-> bank journals.

Thin adapters: the mapping itself is in ``xero/mapping/taxes.py`` and ``accounts.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from ..xero.mapping import accounts as account_map
from ..xero.mapping import taxes as tax_map
from ..xero.mapping.common import MappingError, normalize_name

ODOO_ACCOUNT_TYPES = [
    ("asset_receivable", "Receivable"),
    ("asset_cash", "Bank and Cash"),
    ("asset_current", "Current Assets"),
    ("asset_non_current", "Non-current Assets"),
    ("asset_prepayments", "Prepayments"),
    ("asset_fixed", "Fixed Assets"),
    ("liability_payable", "Payable"),
    ("liability_credit_card", "Credit Card"),
    ("liability_current", "Current Liabilities"),
    ("liability_non_current", "Non-current Liabilities"),
    ("equity", "Equity"),
    ("equity_unaffected", "Current Year Earnings"),
    ("income", "Income"),
    ("income_other", "Other Income"),
    ("expense", "Expenses"),
    ("expense_depreciation", "Depreciation"),
    ("expense_direct_cost", "Cost of Revenue"),
    ("off_balance", "Off-Balance Sheet"),
]


class XeroAccountTypeMap(models.Model):
    """The editable table Xero account Type <-> Odoo account type."""

    _name = "xero.account.type.map"
    _description = "Xero Account Type Mapping"
    _order = "xero_type"

    xero_type = fields.Char(required=True)
    account_type = fields.Selection(ODOO_ACCOUNT_TYPES, string="Odoo Type", required=True)
    export_default = fields.Boolean(
        string="Use for Export",
        help="Odoo accounts of this type are exported with this Xero type (one per Odoo type).",
    )

    _uniq_type = models.Constraint("UNIQUE(xero_type)", "Each Xero type is mapped once.")

    @api.model
    def _xero_ensure_defaults(self):
        """Fill the table from the defaults (install and upgrade; user rows are kept)."""
        have = set(self.search([]).mapped("xero_type"))
        reverse = account_map.DEFAULT_REVERSE_MAP
        self.create(
            [
                {
                    "xero_type": xero_type,
                    "account_type": odoo_type,
                    "export_default": reverse.get(odoo_type) == xero_type,
                }
                for xero_type, odoo_type in account_map.DEFAULT_TYPE_MAP.items()
                if xero_type not in have
            ]
        )

    @api.model
    def _xero_maps(self):
        rows = self.search([])
        type_map = {r.xero_type: r.account_type for r in rows}
        reverse = dict(account_map.DEFAULT_REVERSE_MAP)
        for row in rows.filtered("export_default"):
            reverse[row.account_type] = row.xero_type
        return type_map, reverse


class AccountTax(models.Model):
    _name = "account.tax"
    _inherit = ["account.tax", "xero.sync.mixin"]
    _xero_tracked_fields = ("name", "amount", "amount_type", "children_tax_ids", "active")


class AccountAccount(models.Model):
    _name = "account.account"
    _inherit = ["account.account", "xero.sync.mixin"]
    _xero_tracked_fields = ("name", "code", "account_type", "description", "active")


class AccountJournal(models.Model):
    _name = "account.journal"
    _inherit = ["account.journal", "xero.sync.mixin"]
    _xero_tracked_fields = ("name", "bank_account_id", "currency_id", "default_account_id", "active")


def _binding_data(obj, sync, records):
    bindings = (
        obj.env["xero.binding"]
        .sudo()
        .search(
            [
                ("account_id", "=", sync.account.id),
                ("object_key", "=", obj._xero_key),
                ("res_id", "in", records.ids),
            ]
        )
    )
    return {b.res_id: (b.xero_data or {}) for b in bindings}


# ======================================================================= taxes
class XeroObjectTaxes(models.AbstractModel):
    _name = "xero.object.taxes"
    _inherit = "xero.object"
    _description = "Xero Tax Rates"
    _xero_key = "taxes"
    _xero_collection = "TaxRates"
    _xero_model = "account.tax"
    _xero_number_key = "xero_id"
    _xero_multi_bind = True

    def _xero_match_domain(self, sync):
        return [
            ("company_id", "=", sync.company.id),
            ("amount_type", "in", ("percent", "group")),
            ("type_tax_use", "in", ("sale", "purchase")),
        ]

    def _xero_from_xero(self, sync, record):
        return tax_map.tax_from_xero(record)

    def _xero_to_xero(self, sync, neutral, xero_id):
        if neutral.get("unsupported"):
            raise MappingError(
                neutral["unsupported"],
                hint=self.env._(
                    "Only percentage taxes (or groups of them) exist in Xero: map this tax to an "
                    "existing Xero rate in the tax mapping table instead."
                ),
            )
        return tax_map.tax_to_xero(neutral, xero_id)

    def _xero_snapshot(self, sync, records):
        data = _binding_data(self, sync, records)
        return {tax.id: self._xero_tax_neutral(tax, data.get(tax.id, {})) for tax in records}

    @api.model
    def _xero_tax_neutral(self, tax, data=None):
        data = data or {}
        unsupported = None
        if tax.amount_type == "group":
            components, compound_base = [], False
            for child in tax.children_tax_ids.sorted("sequence"):
                if child.amount_type != "percent":
                    unsupported = self.env._(
                        "Tax %(name)s has a child that is not a percentage.", name=tax.name
                    )
                components.append(
                    {
                        "name": child.name,
                        "rate": child.amount,
                        "compound": compound_base,
                        "non_recoverable": False,
                    }
                )
                compound_base = compound_base or child.include_base_amount
        else:
            if tax.amount_type != "percent":
                unsupported = self.env._(
                    "Tax %(name)s is a %(type)s tax; Xero rates are percentages.",
                    name=tax.name,
                    type=tax.amount_type,
                )
            components = [
                {
                    "name": data.get("component") or tax.name,
                    "rate": tax.amount,
                    "compound": False,
                    "non_recoverable": False,
                }
            ]
        use = tax.type_tax_use if tax.type_tax_use in ("sale", "purchase") else "sale"
        return {
            "xero_id": None,
            "name": tax.name,
            "active": tax.active,
            "rate": tax_map.effective_rate(components),
            "components": components,
            "use": use,
            "report_tax_type": data.get("report_tax_type") or ("OUTPUT" if use == "sale" else "INPUT"),
            "unsupported": unsupported,
        }

    def _xero_vals(self, sync, neutral, record):
        if record:
            current = self._xero_tax_neutral(record)
            if not tax_map.tax_matches(current, neutral):
                raise MappingError(
                    self.env._(
                        "Xero rate %(name)s is now %(rate)s %%; the Odoo tax %(tax)s charges %(odoo)s %%.",
                        name=neutral["name"],
                        rate=neutral["rate"],
                        tax=record.name,
                        odoo=current["rate"],
                    ),
                    hint=self.env._(
                        "Odoo cannot change the rate of a tax in use: create a new "
                        "Odoo tax and map it to this Xero rate."
                    ),
                )
            return {"active": neutral["active"]}
        base = {
            "company_id": sync.company.id,
            "active": neutral["active"],
            "type_tax_use": neutral["use"],
            "name": neutral["name"],
        }
        components = neutral["components"]
        if len(components) == 1:
            return dict(base, amount_type="percent", amount=components[0]["rate"])
        ordered = sorted(components, key=lambda c: bool(c["compound"]))
        has_compound = any(c["compound"] for c in ordered)
        Tax = self.env["account.tax"].with_context(xero_inbound=True)
        children = Tax.create(
            [
                {
                    "name": "%s - %s" % (neutral["name"], comp["name"]),
                    "amount_type": "percent",
                    "amount": comp["rate"],
                    "type_tax_use": "none",
                    "company_id": sync.company.id,
                    "sequence": index,
                    "include_base_amount": has_compound and not comp["compound"],
                }
                for index, comp in enumerate(ordered)
            ]
        )
        return dict(base, amount_type="group", amount=0, children_tax_ids=[Command.set(children.ids)])

    def _xero_match(self, sync, neutral):
        """Same use and same rates; the same name decides between several."""
        bound = self._xero_bound_ids(sync) | sync.cache.get("bound", set())
        taxes = self._xero_records_model(sync).search(
            self._xero_match_domain(sync) + [("type_tax_use", "=", neutral["use"])]
        )
        compatible = taxes.filtered(
            lambda t: t.id not in bound and tax_map.tax_matches(self._xero_tax_neutral(t), neutral)
        )
        named = compatible.filtered(lambda t: normalize_name(t.name) == normalize_name(neutral["name"]))
        if len(named) == 1:
            return named, None
        if len(named) > 1:
            return None, set(named.ids)
        if len(compatible) == 1:
            return compatible, None
        if len(compatible) > 1:
            return None, set(compatible.ids)
        return None, None

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        xero_id = (xero_record or {}).get("TaxType") or binding.xero_id
        data = {
            "report_tax_type": neutral.get("report_tax_type"),
            "rate": neutral.get("rate"),
            "name": neutral.get("name"),
        }
        if len(neutral.get("components") or []) == 1:
            data["component"] = neutral["components"][0]["name"]
        binding.write({"xero_data": data, "xero_number": xero_id})
        return binding

    def _xero_same_as_remote(self, sync, item, remote_neutral):
        if not tax_map.tax_matches(item.neutral, remote_neutral):
            return False
        return super()._xero_same_as_remote(sync, item, remote_neutral)


# ==================================================================== accounts
class XeroObjectAccounts(models.AbstractModel):
    _name = "xero.object.accounts"
    _inherit = "xero.object"
    _description = "Xero Chart of Accounts"
    _xero_key = "accounts"
    _xero_collection = "Accounts"
    _xero_model = "account.account"
    _xero_match_keys = (("code", "code", lambda v: (v or "").strip()),)
    _xero_unique_key = "code"
    _xero_unique_field = "Code"
    _xero_number_key = "code"
    # Not exported: Xero has them as system accounts (or they are bank accounts).
    _xero_export_excluded_types = (
        "asset_cash",
        "liability_credit_card",
        "asset_receivable",
        "liability_payable",
        "equity_unaffected",
        "off_balance",
    )

    def _xero_match_domain(self, sync):
        return [("company_ids", "in", sync.company.id)]

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [
            ("active", "=", True),
            ("account_type", "not in", self._xero_export_excluded_types),
        ]

    def _xero_wants(self, sync, xero_record):
        return (xero_record.get("Type") or "").upper() != "BANK"

    def _xero_maps(self, sync):
        if "type_maps" not in sync.cache:
            sync.cache["type_maps"] = self.env["xero.account.type.map"].sudo()._xero_maps()
        return sync.cache["type_maps"]

    def _xero_from_xero(self, sync, record):
        return account_map.account_from_xero(record, self._xero_maps(sync)[0])

    def _xero_to_xero(self, sync, neutral, xero_id):
        return account_map.account_to_xero(neutral, self._xero_maps(sync)[1], xero_id)

    def _xero_snapshot(self, sync, records):
        data = _binding_data(self, sync, records)
        return {
            acc.id: {
                "code": acc.code or None,
                "name": acc.name,
                "description": acc.description or None,
                "account_type": acc.account_type,
                "active": acc.active,
                "xero_type": data.get(acc.id, {}).get("xero_type"),
                "system_account": data.get(acc.id, {}).get("system_account"),
                "tax_type": data.get(acc.id, {}).get("tax_type"),
                "is_bank": acc.account_type == "asset_cash",
            }
            for acc in records
        }

    def _xero_vals(self, sync, neutral, record):
        vals = {"name": neutral["name"], "active": neutral["active"]}
        if neutral.get("description"):
            vals["description"] = neutral["description"]
        if record is None:
            vals.update(
                {
                    "code": neutral["code"],
                    "account_type": neutral["account_type"],
                    "company_ids": [Command.set([sync.company.id])],
                }
            )
            if neutral["account_type"] in ("asset_receivable", "liability_payable"):
                vals["reconcile"] = True
        return vals

    def _xero_match(self, sync, neutral):
        record, candidates = super()._xero_match(sync, neutral)
        if record or candidates:
            return record, candidates
        # Xero's system receivable / payable: the company's own, whatever its code.
        if neutral.get("account_type") in ("asset_receivable", "liability_payable"):
            bound = self._xero_bound_ids(sync) | sync.cache.get("bound", set())
            found = (
                self._xero_records_model(sync)
                .search(
                    self._xero_match_domain(sync)
                    + [("account_type", "=", neutral["account_type"]), ("active", "=", True)]
                )
                .filtered(lambda a: a.id not in bound)
            )
            if len(found) == 1:
                return found, None
        return None, None

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if xero_record:
            binding.xero_data = {
                "xero_type": (xero_record.get("Type") or "").upper() or None,
                "system_account": xero_record.get("SystemAccount") or None,
                "tax_type": xero_record.get("TaxType") or None,
            }
        return binding


# =============================================================== bank accounts
class XeroObjectBankAccounts(models.AbstractModel):
    _name = "xero.object.bank_accounts"
    _inherit = "xero.object"
    _description = "Xero Bank Accounts"
    _xero_key = "bank_accounts"
    _xero_collection = "Accounts"
    _xero_model = "account.journal"
    _xero_match_keys = (
        ("bank_account_number", "bank_acc_number", lambda v: "".join((v or "").split())),
        ("name", "name", normalize_name),
    )
    _xero_number_key = "code"

    def _xero_match_domain(self, sync):
        return [("company_id", "=", sync.company.id), ("type", "in", ("bank", "credit"))]

    def _xero_wants(self, sync, xero_record):
        return (xero_record.get("Type") or "").upper() == "BANK"

    def _xero_from_xero(self, sync, record):
        return account_map.account_from_xero(record, {"BANK": "asset_cash"})

    def _xero_to_xero(self, sync, neutral, xero_id):
        return account_map.bank_account_to_xero(neutral, xero_id)

    def _xero_snapshot(self, sync, records):
        company_currency = sync.company.currency_id
        return {
            journal.id: {
                "code": journal.default_account_id.code or None,
                "name": journal.name,
                "bank_account_number": journal.bank_acc_number or None,
                "bank_account_type": "CREDITCARD" if journal.type == "credit" else "BANK",
                "currency_code": (journal.currency_id or company_currency).name,
                "active": journal.active,
                "is_bank": True,
            }
            for journal in records
        }

    def _xero_vals(self, sync, neutral, record):
        if record:
            return {"name": neutral["name"]}
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", neutral.get("currency_code") or "")], limit=1)
        )
        if currency and not currency.active:
            currency.with_context(xero_inbound=True).active = True
        vals = {
            "name": neutral["name"],
            "type": "credit" if neutral.get("bank_account_type") == "CREDITCARD" else "bank",
            "company_id": sync.company.id,
            "code": self._xero_journal_code(sync, neutral),
        }
        if currency and currency != sync.company.currency_id:
            vals["currency_id"] = currency.id
        if neutral.get("bank_account_number"):
            vals["bank_acc_number"] = neutral["bank_account_number"]
        if neutral.get("code"):
            Account = self.env["account.account"].with_company(sync.company)
            account = Account.search(
                [("code", "=", neutral["code"]), ("company_ids", "in", sync.company.id)], limit=1
            )
            if account and account.account_type not in ("asset_cash", "liability_credit_card"):
                raise MappingError(
                    self.env._(
                        "Xero bank account %(name)s has the code %(code)s, which Odoo "
                        "uses for a %(type)s account.",
                        name=neutral["name"],
                        code=neutral["code"],
                        type=account.account_type,
                    ),
                    hint=self.env._("Change the code of one of the two accounts."),
                )
            if not account:
                account = Account.with_context(xero_inbound=True).create(
                    {
                        "code": neutral["code"],
                        "name": neutral["name"],
                        "account_type": "liability_credit_card" if vals["type"] == "credit" else "asset_cash",
                        "company_ids": [Command.set([sync.company.id])],
                        "currency_id": vals.get("currency_id", False),
                    }
                )
            vals["default_account_id"] = account.id
        return vals

    def _xero_journal_code(self, sync, neutral):
        Journal = self.env["account.journal"].with_context(active_test=False)
        used = set(Journal.search([("company_id", "=", sync.company.id)]).mapped("code"))
        stem = (
            "".join(ch for ch in (neutral.get("code") or neutral["name"]).upper() if ch.isalnum())[:3]
            or "BNK"
        )
        for index in range(1, 1000):
            code = stem if index == 1 else f"{stem[: 5 - len(str(index))]}{index}"
            if code not in used:
                return code
        raise ValidationError(self.env._("No free journal code for %(name)s.", name=neutral["name"]))

    def _xero_remote_records(self, sync, items):
        return [
            r for r in super()._xero_remote_records(sync, items) if (r.get("Type") or "").upper() == "BANK"
        ]
