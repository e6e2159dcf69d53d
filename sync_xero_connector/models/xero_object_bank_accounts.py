# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.bank_accounts``: Xero bank accounts <-> Odoo bank journals."""

from odoo import models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from ..xero.mapping import accounts as account_map
from ..xero.mapping.common import MappingError, normalize_name


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
