# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.items``: Items <-> products (variants). The mapping itself is in ``xero/mapping/items.py``.

Accounts and taxes go through their bindings: an item whose account or tax is not mapped to
Xero gets a mismatch naming the missing mapping (export), or brings it from Xero (import).
"""

import logging

from odoo import models
from odoo.fields import Command

from ..xero import REJECTED, UPDATED, ElementResult, XeroDayLimitError, XeroError, XeroNotFound
from ..xero.mapping import items as item_map
from ..xero.mapping.common import MappingError, normalize_name

_logger = logging.getLogger(__name__)


class XeroObjectItems(models.AbstractModel):
    _name = "xero.object.items"
    _inherit = "xero.object"
    _description = "Xero Items"
    _xero_key = "items"
    _xero_collection = "Items"
    _xero_model = "product.product"
    _xero_unique_key = "code"
    _xero_unique_field = "Code"
    _xero_number_key = "code"

    @property
    def _xero_match_keys(self):
        return (("code", "default_code", lambda v: (v or "").strip()), ("name", "name", normalize_name))

    def _xero_match_domain(self, sync):
        # Never the product of order lines without item (data/product_data.xml).
        line = self.env.ref("sync_xero_connector.product_xero_line", raise_if_not_found=False)
        return [
            ("company_id", "in", [False, sync.company.id]),
            ("type", "!=", "combo"),
            ("id", "!=", line.id if line else 0),
        ]

    def _xero_export_domain(self, sync):
        return self._xero_match_domain(sync) + [
            ("active", "=", True),
            "|",
            ("sale_ok", "=", True),
            ("purchase_ok", "=", True),
        ]

    def _xero_code_from_name(self, sync):
        return sync.settings.item_code_source == "name"

    # ------------------------------------------------------------ tombstones
    # Xero items have no archived state. An archived product is exported as neither sold nor
    # purchased (IsSold/IsPurchased false: Xero offers it on no new transaction, and it comes
    # back whole when the product is restored); a deleted one is deleted in Xero (DELETE
    # /Items/{ItemID}), where the documents that used it keep their lines.
    def _xero_tombstone_payload(self, sync, binding):
        return {"ItemID": binding.xero_id}

    def _xero_tombstone_send(self, sync, bindings, payloads):
        results = []
        for index, payload in enumerate(payloads):
            try:
                sync.client.delete_item(payload["ItemID"])
            except XeroNotFound:
                _logger.debug("item %s was deleted in Xero already", payload["ItemID"])
            except XeroDayLimitError:
                raise
            except XeroError as exc:
                results.append(
                    ElementResult(
                        index, REJECTED, payload, messages=getattr(exc, "messages", None) or [str(exc)]
                    )
                )
                continue
            results.append(ElementResult(index, UPDATED, payload, xero_id=payload["ItemID"]))
        return results

    # ---------------------------------------------------------------- lookups
    def _xero_odoo_of(self, sync, key, code):
        """The Odoo account (by code) or tax (by TaxType) bound to a Xero code, imported from
        Xero when missing; MappingError naming the mapping when it cannot be found."""
        if not code:
            return None
        cache = sync.cache.setdefault(key, {})
        if code not in cache:
            Binding = self._xero_bindings(sync)
            binding = Binding._xero_find(sync.account, key, numbers=[code], primary=True, limit=1)
            if not binding:
                sync.account._xero_run_object(key, "import", trigger="dependency")
                binding = Binding._xero_find(sync.account, key, numbers=[code], primary=True, limit=1)
            if not binding:
                what = self.env._("account") if key == "accounts" else self.env._("tax rate")
                raise MappingError(
                    self.env._("The Xero %(what)s %(code)s is not mapped to Odoo.", what=what, code=code),
                    hint=self.env._(
                        "Import the %(object)s from Xero (or map it), then click Retry.",
                        object=key.replace("_", " "),
                    ),
                    kind="dependency",
                    missing=(key, code),
                )
            cache[code] = binding.res_id
        model = "account.account" if key == "accounts" else "account.tax"
        return self.env[model].browse(cache[code])

    # ---------------------------------------------------------------- mapping
    def _xero_from_xero(self, sync, record):
        return item_map.item_from_xero(record)

    def _xero_to_xero(self, sync, neutral, xero_id):
        for key in (
            "sale_account_code",
            "purchase_account_code",
            "cogs_account_code",
            "inventory_account_code",
            "sale_tax_type",
            "purchase_tax_type",
        ):
            missing = neutral.get("unmapped_" + key)
            if missing:
                object_key = "taxes" if key.endswith("tax_type") else "accounts"
                raise MappingError(
                    self.env._(
                        "%(record)s uses %(what)s, which is not mapped to Xero.",
                        record=neutral.get("name"),
                        what=missing,
                    ),
                    hint=self.env._(
                        "Export the %(object)s to Xero (or map it), then click Retry.", object=object_key
                    ),
                    kind="dependency",
                    missing=(object_key, missing),
                    blocking=neutral.get("blocking_" + key),
                )
        if neutral.get("unsupported"):
            raise MappingError(
                neutral["unsupported"],
                hint=self.env._("Xero items take one sales tax and one purchase tax: keep one of each."),
            )
        return item_map.item_to_xero(neutral, xero_id)

    def _xero_snapshot(self, sync, records):
        company = sync.company
        accounts = (
            records.mapped("property_account_income_id")
            | records.mapped("property_account_expense_id")
            | records.mapped("xero_inventory_account_id")
            | records.mapped("xero_cogs_account_id")
        )
        account_codes = self._xero_bindings(sync)._xero_codes_of(sync.account, "accounts", accounts)
        taxes = (records.mapped("taxes_id") | records.mapped("supplier_taxes_id")).filtered(
            lambda t: t.company_id == company
        )
        tax_codes = self._xero_bindings(sync)._xero_codes_of(sync.account, "taxes", taxes)
        from_name = self._xero_code_from_name(sync)
        out = {}
        for product in records:
            neutral = {
                "code": (product.name if from_name else product.default_code) or None,
                "name": product.name,
                "description": product.description_sale or None,
                "purchase_description": product.description_purchase or None,
                "sale_price": product.lst_price,
                "purchase_price": product.standard_price,
                "sold": product.sale_ok and product.active,
                "purchased": product.purchase_ok and product.active,
                "tracked": bool(getattr(product, "is_storable", False)),
            }
            for key, account in (
                ("sale_account_code", product.property_account_income_id),
                ("purchase_account_code", product.property_account_expense_id),
                ("inventory_account_code", product.xero_inventory_account_id),
                ("cogs_account_code", product.xero_cogs_account_id),
            ):
                neutral[key] = account_codes.get(account.id) if account else None
                if account and not neutral[key]:
                    neutral["unmapped_" + key] = account.display_name
                    neutral["blocking_" + key] = ("account.account", account.id)
            for key, field in (("sale_tax_type", "taxes_id"), ("purchase_tax_type", "supplier_taxes_id")):
                product_taxes = product[field].filtered(lambda t: t.company_id == company)
                if len(product_taxes) > 1:
                    neutral["unsupported"] = self.env._(
                        "%(name)s has %(count)s %(field)s; a Xero item takes one.",
                        name=product.display_name,
                        count=len(product_taxes),
                        field=product._fields[field].string,
                    )
                neutral[key] = tax_codes.get(product_taxes.id) if product_taxes else None
                if product_taxes and len(product_taxes) == 1 and not neutral[key]:
                    neutral["unmapped_" + key] = product_taxes.display_name
                    neutral["blocking_" + key] = ("account.tax", product_taxes.id)
            out[product.id] = neutral
        return out

    # A page's new items are created in one create (issue 13); a failing batch goes one by
    # one (see xero.object).
    _xero_batch_create = True

    def _xero_create_batch(self, sync, prepared):
        return (
            self._xero_records_model(sync)
            .with_context(xero_inbound=True)
            .create([vals for __, __, vals in prepared])
        )

    def _xero_vals(self, sync, neutral, record):
        vals = {
            "name": neutral.get("name") or neutral.get("code"),
            "description_sale": neutral.get("description") or False,
            "description_purchase": neutral.get("purchase_description") or False,
            "sale_ok": neutral["sold"],
            "purchase_ok": neutral["purchased"],
        }
        if record and not record.active:
            # Archived: not sold nor purchased in Xero, what Odoo keeps for its restoration.
            vals["sale_ok"] = record.sale_ok or neutral["sold"]
            vals["purchase_ok"] = record.purchase_ok or neutral["purchased"]
        if not self._xero_code_from_name(sync):
            vals["default_code"] = neutral.get("code") or False
        if neutral.get("sale_price") is not None:
            vals["lst_price"] = neutral["sale_price"]
        if neutral.get("purchase_price") is not None:
            vals["standard_price"] = neutral["purchase_price"]
        storable = "is_storable" in self.env["product.product"]._fields
        if neutral["tracked"]:
            vals["type"] = "consu"
            if storable:
                vals["is_storable"] = True
        elif record is None:
            vals["type"] = "consu"
        elif storable and record.is_storable:
            vals["is_storable"] = False
        for key, field in (
            ("sale_account_code", "property_account_income_id"),
            ("purchase_account_code", "property_account_expense_id"),
            ("inventory_account_code", "xero_inventory_account_id"),
            ("cogs_account_code", "xero_cogs_account_id"),
        ):
            account = self._xero_odoo_of(sync, "accounts", neutral.get(key))
            vals[field] = account.id if account else False
        for key, field in (("sale_tax_type", "taxes_id"), ("purchase_tax_type", "supplier_taxes_id")):
            tax = self._xero_odoo_of(sync, "taxes", neutral.get(key))
            other = (
                record[field].filtered(lambda t: t.company_id != sync.company)
                if record
                else self.env["account.tax"]
            )
            vals[field] = [Command.set((other | tax).ids if tax else other.ids)]
        if record is None:
            vals["company_id"] = sync.company.id
        return vals
