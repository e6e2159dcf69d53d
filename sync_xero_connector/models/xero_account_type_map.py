# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.account.type.map``: the editable table Xero account Type <-> Odoo account type."""

from odoo import api, fields, models

from ..xero.mapping import accounts as account_map

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
