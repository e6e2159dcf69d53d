# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.accounts``: chart of accounts <-> accounts. The mapping is in ``xero/mapping/accounts.py``."""

from odoo import models
from odoo.fields import Command

from ..xero.mapping import accounts as account_map


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
        data = self._xero_bindings(sync)._xero_data_of(sync.account, self._xero_key, records)
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
