# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Items: Xero ``Item`` <-> neutral item.

Neutral item: ``{"xero_id", "code", "name", "description" (sales), "purchase_description",
"sale_price", "purchase_price", "sale_account_code", "purchase_account_code",
"cogs_account_code", "inventory_account_code", "sale_tax_type", "purchase_tax_type", "sold",
"purchased", "tracked", "quantity_on_hand", "updated_at"}``.
"""

from ..dates import parse_datetime
from .common import MappingError, check_length, clean, number
from .messages import Text

CODE_MAX, NAME_MAX, DESCRIPTION_MAX = 30, 50, 4000


def _float(value):
    return None if value is None else float(value)


def item_from_xero(item):
    sales = item.get("SalesDetails") or {}
    purchase = item.get("PurchaseDetails") or {}
    return {
        "xero_id": item.get("ItemID") or None,
        "code": item.get("Code") or None,
        "name": item.get("Name") or None,
        "description": item.get("Description") or None,
        "purchase_description": item.get("PurchaseDescription") or None,
        "sale_price": _float(sales.get("UnitPrice")),
        "purchase_price": _float(purchase.get("UnitPrice")),
        "sale_account_code": sales.get("AccountCode") or None,
        "purchase_account_code": purchase.get("AccountCode") or None,
        "cogs_account_code": purchase.get("COGSAccountCode") or None,
        "inventory_account_code": item.get("InventoryAssetAccountCode") or None,
        "sale_tax_type": sales.get("TaxType") or None,
        "purchase_tax_type": purchase.get("TaxType") or None,
        "sold": item.get("IsSold", True) is not False,
        "purchased": item.get("IsPurchased", True) is not False,
        "tracked": bool(item.get("IsTrackedAsInventory")),
        "quantity_on_hand": _float(item.get("QuantityOnHand")),
        "updated_at": parse_datetime(item.get("UpdatedDateUTC")),
    }


def _checked_texts(neutral):
    code = (neutral.get("code") or "").strip()
    if not code:
        raise MappingError(Text("items.no_code", name=neutral.get("name")), hint=Text("items.no_code.hint"))
    check_length(code, CODE_MAX, "items.code")
    name = (neutral.get("name") or "").strip()
    if not name:
        raise MappingError(Text("items.no_name", code=code), hint=Text("items.no_name.hint"))
    check_length(name, NAME_MAX, "items.name")
    check_length(neutral.get("description"), DESCRIPTION_MAX, "items.sales_description")
    check_length(neutral.get("purchase_description"), DESCRIPTION_MAX, "items.purchase_description")
    return code, name


def _check_tracking(neutral, code):
    """A tracked item needs an INVENTORY account and a COGS account (in PurchaseDetails)."""
    for key, what in (
        ("inventory_account_code", "items.inventory_account"),
        ("cogs_account_code", "items.cogs_account"),
    ):
        if not neutral.get(key):
            label = Text(what)
            raise MappingError(
                Text("items.tracked_no_account", code=code, account=label),
                hint=Text("items.tracked_no_account.hint", account=label),
                kind="dependency",
                missing=("accounts", label),
            )
    if not neutral.get("purchased", True):
        raise MappingError(
            Text("items.tracked_not_purchased", code=code), hint=Text("items.tracked_not_purchased.hint")
        )


def item_to_xero(neutral, xero_id=None):
    """One element of PUT/POST /Items. QuantityOnHand is never sent (Xero computes it).

    Sales fields (Description, SalesDetails) go only for sold items and purchase fields only for
    purchased ones: Xero clears them otherwise.
    """
    code, name = _checked_texts(neutral)
    sold = bool(neutral.get("sold", True))
    purchased = bool(neutral.get("purchased", True))
    tracked = bool(neutral.get("tracked"))
    if tracked:
        _check_tracking(neutral, code)
    sales = {
        "UnitPrice": number(neutral.get("sale_price"), 4),
        "AccountCode": neutral.get("sale_account_code"),
        "TaxType": neutral.get("sale_tax_type"),
    }
    purchase = {
        "UnitPrice": number(neutral.get("purchase_price"), 4),
        # AccountCode does not apply to the purchase details of tracked items (spec: Purchase).
        "AccountCode": None if tracked else neutral.get("purchase_account_code"),
        "COGSAccountCode": neutral.get("cogs_account_code") if tracked else None,
        "TaxType": neutral.get("purchase_tax_type"),
    }
    return clean(
        {
            "ItemID": xero_id,
            "Code": code,
            "Name": name,
            "IsSold": sold,
            "IsPurchased": purchased,
            "Description": neutral.get("description") if sold else None,
            "PurchaseDescription": neutral.get("purchase_description") if purchased else None,
            "SalesDetails": sales if sold else None,
            "PurchaseDetails": purchase if purchased else None,
            "IsTrackedAsInventory": True if tracked else None,
            "InventoryAssetAccountCode": neutral.get("inventory_account_code") if tracked else None,
        }
    )
