# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Contacts > Merge moves documents and payments to the kept partner below the ORM (SQL):
their links are queued here, so that the next export gives them the kept partner's Xero
contact (unchanged ones are skipped by their payload hash, without a call)."""

from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        domain = [("partner_id", "in", list(partner_ids))]
        moves = self.env["account.move"].sudo().with_context(active_test=False).search(domain)
        payments = self.env["account.payment"].sudo().search(domain)
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        Binding = self.env["xero.binding"].sudo()
        Binding._mark_pending("account.move", moves.ids)
        Binding._mark_pending("account.payment", payments.ids)
        return result
