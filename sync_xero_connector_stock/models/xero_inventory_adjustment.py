# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One inventory adjustment sent to Xero: which product, how much, at what cost, what Odoo and
Xero held then, and the stock moves it covers. Its link to the Xero bill or supplier credit note
is its binding (object ``inventory``); the record is made by the inventory object's export only
(``xero.object.inventory``), never by hand."""

from odoo import api, fields, models

DOCUMENT_TYPES = [("ACCPAY", "Bill (increase)"), ("ACCPAYCREDIT", "Supplier Credit Note (decrease)")]


class XeroInventoryAdjustment(models.Model):
    _name = "xero.inventory.adjustment"
    _description = "Xero Inventory Adjustment"
    _order = "id desc"
    _rec_name = "display_name"

    account_id = fields.Many2one("xero.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    tenant_id = fields.Char(
        string="Organisation ID",
        required=True,
        readonly=True,
        index=True,
        help="The Xero organisation it was sent to.",
    )
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="restrict", index=True, readonly=True
    )
    date = fields.Date(required=True, readonly=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, readonly=True)
    quantity = fields.Float(
        digits="Product Unit",
        readonly=True,
        help="The change sent: positive adds to Xero's quantity on hand.",
    )
    unit_cost = fields.Float(digits=(16, 4), readonly=True)
    value = fields.Float(compute="_compute_value", digits=(16, 2), help="Quantity times unit cost.")
    odoo_quantity = fields.Float(
        string="On Hand in Odoo", digits="Product Unit", readonly=True, help="Odoo's quantity on hand then."
    )
    xero_quantity = fields.Float(
        string="On Hand in Xero Before",
        digits="Product Unit",
        readonly=True,
        help="Xero's QuantityOnHand then.",
    )
    pending_quantity = fields.Float(
        string="Still to Come from Documents",
        digits="Product Unit",
        readonly=True,
        help="What invoices, bills and credit notes not in Xero yet (or to be voided there) will "
        "still change in Xero's quantity: left to them, not adjusted.",
    )
    move_ids = fields.Many2many(
        "stock.move",
        "xero_inventory_adjustment_stock_move_rel",
        "adjustment_id",
        "move_id",
        string="Stock Moves",
        readonly=True,
        help="The done stock moves of the product since its previous adjustment: the quantity "
        "changes this adjustment brought to Xero, with the documents synced meanwhile.",
    )
    run_id = fields.Many2one("xero.sync.run", readonly=True, ondelete="set null")
    token = fields.Char(
        readonly=True, index=True, help="What identifies the document in Xero (in its number)."
    )
    xero_id = fields.Char(string="Xero ID", compute="_compute_xero")
    xero_number = fields.Char(compute="_compute_xero")
    state = fields.Selection(
        [("inflight", "Being Sent"), ("synced", "In Xero")], compute="_compute_xero", string="Status"
    )

    @api.depends("quantity", "unit_cost")
    def _compute_value(self):
        for adjustment in self:
            adjustment.value = abs(adjustment.quantity) * adjustment.unit_cost

    def _bindings(self):
        return {
            b.res_id: b
            for b in self.env["xero.binding"]
            .sudo()
            .search(
                [
                    ("object_key", "=", "inventory"),
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                ]
            )
        }

    def _compute_xero(self):
        bindings = self._bindings()
        for adjustment in self:
            binding = bindings.get(adjustment.id)
            adjustment.xero_id = binding.xero_id if binding else False
            adjustment.xero_number = binding.xero_number if binding else False
            adjustment.state = "inflight" if binding and binding.state == "inflight" else "synced"

    @api.depends("product_id", "quantity", "date")
    def _compute_display_name(self):
        for adjustment in self:
            adjustment.display_name = self.env._(
                "%(product)s %(quantity)+g (%(date)s)",
                product=adjustment.product_id.display_name or "?",
                quantity=adjustment.quantity,
                date=adjustment.date or "",
            )
