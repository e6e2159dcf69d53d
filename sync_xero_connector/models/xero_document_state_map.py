# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.document.state.map``: per account and object: what each Xero status becomes in Odoo on import."""

from odoo import api, fields, models

from .xero_object_document import DEFAULT_STATE_MAP, DOCUMENT_KEYS, ODOO_STATES, XERO_STATUSES


class XeroDocumentStateMap(models.Model):
    """Per account and object: what each Xero status becomes in Odoo on import."""

    _name = "xero.document.state.map"
    _description = "Xero Document Status Mapping"
    _order = "sync_setting_id, sequence"

    sync_setting_id = fields.Many2one("xero.sync.setting", required=True, ondelete="cascade", index=True)
    account_id = fields.Many2one(related="sync_setting_id.account_id", store=True)
    object_key = fields.Selection(related="sync_setting_id.object_key", store=True)
    sequence = fields.Integer(default=10)
    xero_status = fields.Selection(XERO_STATUSES, required=True)
    odoo_state = fields.Selection(
        ODOO_STATES,
        required=True,
        help="What a Xero document in this status becomes in Odoo. A document already in Odoo "
        "is never moved backwards (posted to draft): Xero cannot do it either.",
    )

    _uniq_status = models.Constraint(
        "UNIQUE(sync_setting_id, xero_status)", "Each Xero status is mapped once per object."
    )

    @api.model
    def _xero_ensure_defaults(self, accounts):
        settings = (
            self.env["xero.sync.setting"]
            .sudo()
            .search([("account_id", "in", accounts.ids), ("object_key", "in", DOCUMENT_KEYS)])
        )
        have = {
            (r.sync_setting_id.id, r.xero_status)
            for r in self.search([("sync_setting_id", "in", settings.ids)])
        }
        return self.create(
            [
                {
                    "sync_setting_id": row.id,
                    "sequence": sequence,
                    "xero_status": status,
                    "odoo_state": DEFAULT_STATE_MAP[status],
                }
                for row in settings
                for sequence, (status, __) in enumerate(XERO_STATUSES)
                if (row.id, status) not in have
            ]
        )
