# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.taxes``: tax rates <-> taxes. The mapping is in ``xero/mapping/taxes.py``."""

from odoo import api, models
from odoo.fields import Command

from ..xero.mapping import taxes as tax_map
from ..xero.mapping.common import MappingError, normalize_name


# ======================================================================= taxes
class XeroObjectTaxes(models.AbstractModel):
    _name = "xero.object.taxes"
    _inherit = "xero.object"
    _description = "Xero Tax Rates"
    _xero_key = "taxes"
    _xero_collection = "TaxRates"
    _xero_model = "account.tax"
    _xero_number_key = "xero_id"

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
        data = self._xero_bindings(sync)._xero_data_of(sync.account, self._xero_key, records)
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
