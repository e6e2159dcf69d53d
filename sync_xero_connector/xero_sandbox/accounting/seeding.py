"""Loading a seed (the JSON a GET returns, per collection) into a tenant, through the same rules as writes.

Documents are rebuilt by the server (totals recomputed from lines), then payments and credit-note allocations
are applied, so AmountDue / AmountPaid / Status are consistent whatever the seed says. Lock dates and
archived contacts are not enforced while seeding. IDs, numbers and UpdatedDateUTC from the seed are kept.
"""

import json
import os
from decimal import Decimal

from .. import msdate
from .common import Invalid, dec, money, num, record_date
from .contacts import CONTACT_GROUPS, CONTACTS
from .context import Ctx
from .documents import CREDIT_NOTES, INVOICES, PURCHASE_ORDERS, QUOTES
from .journals import MANUAL_JOURNALS
from .payments import PAYMENTS, allocate
from .settings import (
    ACCOUNTS,
    CURRENCIES,
    ITEMS,
    TAX_RATES,
    TRACKING_CATEGORIES,
    default_organisation,
)

ORDER = (
    CURRENCIES,
    TAX_RATES,
    ACCOUNTS,
    TRACKING_CATEGORIES,
    ITEMS,
    CONTACTS,
    CONTACT_GROUPS,
    INVOICES,
    CREDIT_NOTES,
    PAYMENTS,
    MANUAL_JOURNALS,
    QUOTES,
    PURCHASE_ORDERS,
)
FILES = ("Organisation",) + tuple(kind.name for kind in ORDER)


class SeedError(ValueError):
    pass


def read_seed_dir(path):
    if not os.path.isdir(path):
        raise SeedError(f"seed folder not found: {path}")
    data = {}
    for name in FILES:
        file_path = os.path.join(path, name + ".json")
        if os.path.exists(file_path):
            with open(file_path, encoding="utf-8") as handle:
                content = json.load(handle)
            key = "Organisations" if name == "Organisation" else name
            data[name] = content.get(key, []) if isinstance(content, dict) else content
    return data


def _keep_updated(record, source, now):
    if source.get("UpdatedDateUTC"):
        try:
            moment = msdate.parse_datetime(source["UpdatedDateUTC"])
        except ValueError:
            moment = None
        if moment is not None:
            record["UpdatedDateUTC"] = msdate.ms_json(moment)
            if "UpdatedDateUTCString" in record:
                record["UpdatedDateUTCString"] = msdate.utc_string(moment)
    return record


def load(tenant, data, now):
    """Load ``data`` ({"Contacts": [...], "Organisation": [{...}], ...}) into ``tenant``."""
    ctx = Ctx(tenant, now, {"unitdp": "4"})
    ctx.seeding = True
    orgs = data.get("Organisation") or data.get("Organisations")
    if orgs:
        org = dict(default_organisation(tenant.name, tenant.tenant_id, now))
        org.update(orgs[0])
        org["OrganisationID"] = tenant.tenant_id
        for field in ("PeriodLockDate", "EndOfYearLockDate"):
            if org.get(field):
                org[field] = msdate.ms_json(msdate.parse_date(org[field]))
        tenant.organisation = org
    archived, final_status, paid_docs, allocations = [], {}, [], []
    for kind in ORDER:
        for source in data.get(kind.name) or []:
            element = dict(source)
            try:
                record = _load_one(ctx, kind, element, archived, final_status, paid_docs, allocations)
            except Invalid as exc:
                raise SeedError(
                    "{} {}: {}".format(kind.name, source.get(kind.id_field, ""), "; ".join(exc.messages))
                ) from None
            if record is not None:
                tenant.put(kind.name, _keep_updated(record, source, now))
                if kind is not PAYMENTS:
                    kind.after_put(ctx, record, None)
    for note_id, element in allocations:
        note = tenant.get("CreditNotes", note_id)
        try:
            allocate(ctx, note, element)
        except Invalid as exc:
            raise SeedError(
                "CreditNotes {} allocation: {}".format(note_id, "; ".join(exc.messages))
            ) from None
    for collection, record_id, status in final_status.values():
        record = dict(tenant.get(collection, record_id))
        if status == "PAID" and record["Status"] != "PAID":
            # A seed may say PAID without listing the payments: trust it.
            field = "AmountDue" if collection == "Invoices" else "RemainingCredit"
            if collection == "Invoices":
                record["AmountPaid"] = money(Decimal(str(record["AmountPaid"])) + Decimal(str(record[field])))
            record[field] = 0.0
            record.update(msdate.date_fields(record_date(record), "FullyPaidOnDate"))
            record.pop("FullyPaidOnDateString", None)
        if status in ("VOIDED", "DELETED"):
            record["AmountDue"] = 0.0 if collection == "Invoices" else record.get("AmountDue", 0.0)
        record["Status"] = status
        tenant.put(collection, record)
    for contact_id in archived:
        record = dict(tenant.get("Contacts", contact_id))
        record["ContactStatus"] = "ARCHIVED"
        tenant.put("Contacts", record)
    if tenant.organisation is None:
        tenant.organisation = default_organisation(tenant.name, tenant.tenant_id, now)


def _load_one(ctx, kind, element, archived, final_status, paid_docs, allocations):
    tenant = ctx.tenant
    id_field = kind.id_field
    seed_id = element.get(id_field)
    if kind is CURRENCIES:
        return {"Code": element["Code"].upper(), "Description": element.get("Description", element["Code"])}
    if kind is TAX_RATES:
        record = TAX_RATES.build(ctx, element, None)
        if element.get("TaxType"):
            record["TaxType"] = element["TaxType"]
        return record
    if kind is CONTACTS and element.get("ContactStatus") == "ARCHIVED":
        element["ContactStatus"] = "ACTIVE"
        archived.append(str(seed_id).lower())
    if kind is CONTACT_GROUPS:
        members = element.pop("Contacts", None) or []
        record = CONTACT_GROUPS.build(ctx, element, None)
        if seed_id:
            record["ContactGroupID"] = str(seed_id).lower()
        tenant.group_members[record["ContactGroupID"]] = tuple(str(m["ContactID"]).lower() for m in members)
        return record
    if kind is TRACKING_CATEGORIES:
        options = element.pop("Options", None) or []
        record = TRACKING_CATEGORIES.build(ctx, element, None)
        if seed_id:
            record["TrackingCategoryID"] = str(seed_id).lower()
        for option in options:
            record, made = TRACKING_CATEGORIES.option(ctx, record, {"Name": option["Name"]})
            if option.get("TrackingOptionID"):
                made_id = str(option["TrackingOptionID"]).lower()
                record["Options"] = [
                    dict(o, TrackingOptionID=made_id) if o is made else o for o in record["Options"]
                ]
        return record
    if kind is PAYMENTS:
        if str(element.get("Status", "AUTHORISED")).upper() == "DELETED":
            return None
        return PAYMENTS.build(ctx, element, None)  # keeps the seed's PaymentID while seeding
    if kind in (INVOICES, CREDIT_NOTES):
        status = str(element.get("Status") or "DRAFT").upper()
        if status in ("PAID", "VOIDED"):
            element["Status"] = "AUTHORISED"
        elif status == "DELETED":
            element["Status"] = "DRAFT"
        if kind is CREDIT_NOTES:
            for allocation in element.get("Allocations") or []:
                allocations.append((str(seed_id).lower(), allocation))
        for key in (
            "Payments",
            "CreditNotes",
            "Allocations",
            "AmountPaid",
            "AmountCredited",
            "AmountDue",
            "RemainingCredit",
            "FullyPaidOnDate",
            "Prepayments",
            "Overpayments",
        ):
            element.pop(key, None)
        if status in ("PAID", "VOIDED", "DELETED"):
            final_status[(kind.name, seed_id)] = (kind.name, str(seed_id).lower(), status)
    if kind is MANUAL_JOURNALS and str(element.get("Status", "")).upper() in (
        "VOIDED",
        "DELETED",
        "ARCHIVED",
    ):
        status = element["Status"].upper()
        element["Status"] = "POSTED" if status == "VOIDED" else "DRAFT"
        final_status[(kind.name, seed_id)] = (kind.name, str(seed_id).lower(), status)
    if kind in (QUOTES, PURCHASE_ORDERS):
        status = str(element.get("Status") or "DRAFT").upper()
        if status not in kind.create_statuses:
            element["Status"] = (
                "DRAFT" if status == "DELETED" else ("SENT" if kind is QUOTES else "AUTHORISED")
            )
            final_status[(kind.name, seed_id)] = (kind.name, str(seed_id).lower(), status)
    element.pop(id_field, None)
    record = kind.build(ctx, element, None)
    if kind is ITEMS and record.get("IsTrackedAsInventory"):
        # A seed's tracked items say what is on hand (its documents do not move it again).
        record["QuantityOnHand"] = num(dec(element.get("QuantityOnHand")) or Decimal(0), 4)
        record["TotalCostPool"] = money(dec(element.get("TotalCostPool")) or Decimal(0))
    if seed_id:
        record[id_field] = str(seed_id).lower()
        if kind is CREDIT_NOTES:
            record["ID"] = record[id_field]
    return record
