# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.contacts``: contacts <-> partners. The mapping is in ``xero/mapping/contacts.py``."""

from odoo import api, models
from odoo.fields import Command

from ..xero.mapping import contacts as contact_map
from ..xero.mapping.common import normalize_email, normalize_name, payload_hash

# Xero payment term type <-> Odoo payment term line delay type.
TERM_DELAY = {
    "DAYSAFTERBILLDATE": "days_after",
    "DAYSAFTERBILLMONTH": "days_after_end_of_month",
}


def _strip(value):
    return (value or "").strip()


class XeroObjectContacts(models.AbstractModel):
    _name = "xero.object.contacts"
    _inherit = "xero.object"
    _description = "Xero Contacts"
    _xero_key = "contacts"
    _xero_collection = "Contacts"
    _xero_model = "res.partner"
    _xero_match_keys = (
        ("ref", "ref", _strip),
        ("name", "name", normalize_name),
        ("email", "email", normalize_email),
    )
    _xero_number_key = "ref"
    _xero_remote_number = ("ref", "ContactNumber")
    _xero_import_params = {"includeArchived": "true"}
    _xero_field_merge = True

    # ----------------------------------------------------------------- domains
    def _xero_match_domain(self, sync):
        return [("parent_id", "=", False), ("company_id", "in", [False, sync.company.id])]

    def _xero_export_domain(self, sync):
        companies = self.env["res.company"].sudo().search([]).partner_id
        return self._xero_match_domain(sync) + [
            ("active", "=", True),
            ("id", "not in", companies.ids),
            ("user_ids", "not any", [("share", "=", False)]),
        ]

    # ---------------------------------------------------------------- mapping
    def _xero_from_xero(self, sync, record):
        return contact_map.contact_from_xero(record)

    def _xero_tombstone_payload(self, sync, binding):
        # Xero has no DELETE for contacts: a deleted partner's contact is archived (the
        # other fields of a POST without them are left as they are).
        return {"ContactID": binding.xero_id, "ContactStatus": contact_map.STATUS_ARCHIVED}

    def _xero_tombstone_settled(self, sync, xero_record):
        return (xero_record.get("ContactStatus") or "").upper() == contact_map.STATUS_ARCHIVED

    def _xero_to_xero(self, sync, neutral, xero_id):
        return contact_map.contact_to_xero(neutral, xero_id)

    def _xero_hash(self, sync, neutral, payload):
        return payload_hash([payload, sorted(neutral.get("group_ids") or [])])

    def _xero_snapshot(self, sync, records):
        groups = self._xero_bindings(sync)._xero_ids_of(
            sync.account, "contact_groups", records.mapped("category_id")
        )
        out = {}
        for partner in records:
            children = partner.child_ids.filtered("active")
            invoice = children.filtered(lambda c: c.type == "invoice")[:1]
            delivery = children.filtered(lambda c: c.type == "delivery")[:1]
            persons = children.filtered(lambda c: c.type == "contact" and c.name)
            out[partner.id] = {
                "xero_id": None,
                "name": partner.name or "",
                "is_company": partner.is_company,
                "active": partner.active,
                "ref": partner.ref or None,
                "email": partner.email or None,
                "vat": partner.vat or None,
                "phone": partner.phone or None,
                "mobile": None,
                "website": partner.website or None,
                "currency_code": partner.xero_currency_id.name or None,
                "address": self._xero_address(invoice or partner),
                "delivery_address": self._xero_address(delivery) if delivery else None,
                "persons": [self._xero_person(child) for child in persons],
                "group_ids": sorted(groups[c.id] for c in partner.category_id if c.id in groups),
                "sale_term": self._xero_term(partner.property_payment_term_id),
                "purchase_term": self._xero_term(partner.property_supplier_payment_term_id),
            }
        return out

    @api.model
    def _xero_address(self, partner):
        address = {
            "street": partner.street or None,
            "street2": partner.street2 or None,
            "city": partner.city or None,
            "state": partner.state_id.name or None,
            "zip": partner.zip or None,
            "country": partner.country_id.name or None,
            "attention": None,
        }
        return address if any(address.values()) else None

    @api.model
    def _xero_person(self, child):
        first, last = contact_map.split_person_name(child.name)
        return {
            "first_name": first or None,
            "last_name": last or None,
            "email": child.email or None,
            "include_in_emails": False,
        }

    @api.model
    def _xero_term(self, term):
        """A payment term Xero can express (one line, 100 %, N days), else None."""
        lines = term.line_ids
        if len(lines) != 1 or lines.value != "percent" or lines.value_amount != 100:
            return None
        for xero_type, delay in TERM_DELAY.items():
            if lines.delay_type == delay:
                return {"type": xero_type, "days": lines.nb_days}
        return None

    # ------------------------------------------------------------ to Odoo vals
    def _xero_vals(self, sync, neutral, record):
        vals = {
            "name": neutral["name"],
            "is_company": neutral["is_company"],
            "active": neutral["active"],
            "ref": neutral.get("ref") or False,
            "email": neutral.get("email") or False,
            "vat": neutral.get("vat") or False,
            "phone": neutral.get("phone") or neutral.get("mobile") or False,
            **self._xero_address_vals(sync, neutral.get("address") or {}),
        }
        if neutral.get("website"):
            vals["website"] = neutral["website"]
        if neutral.get("currency_code"):
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", neutral["currency_code"])], limit=1)
            )
            vals["xero_currency_id"] = currency.id or False
        for key, field in (
            ("sale_term", "property_payment_term_id"),
            ("purchase_term", "property_supplier_payment_term_id"),
        ):
            term = self._xero_payment_term(sync, neutral.get(key))
            if term is not None:
                vals[field] = term.id
        categories = self._xero_categories(sync, neutral.get("group_ids") or [], record)
        if categories is not None:
            vals["category_id"] = [Command.set(categories.ids)]
        if record is None:
            vals["company_id"] = sync.company.id
            if neutral.get("is_customer"):
                vals["customer_rank"] = 1
            if neutral.get("is_supplier"):
                vals["supplier_rank"] = 1
        else:
            if neutral.get("is_customer") and not record.customer_rank:
                vals["customer_rank"] = 1
            if neutral.get("is_supplier") and not record.supplier_rank:
                vals["supplier_rank"] = 1
        return vals

    def _xero_address_vals(self, sync, address):
        """Partner address fields from a neutral address (country and state resolved)."""
        country = self._xero_country(sync, address.get("country"))
        return {
            "street": address.get("street") or False,
            "street2": address.get("street2") or False,
            "city": address.get("city") or False,
            "zip": address.get("zip") or False,
            "country_id": country.id or False,
            "state_id": self._xero_state(country, address.get("state")).id or False,
        }

    def _xero_country(self, sync, text):
        text = _strip(text)
        if not text:
            return self.env["res.country"]
        cache = sync.cache.setdefault("countries", {})
        if text not in cache:
            Country = self.env["res.country"]
            country = (
                Country.search([("code", "=ilike", text)], limit=1) if len(text) == 2 else Country.browse()
            )
            country = country or Country.search([("name", "=ilike", text)], limit=1)
            cache[text] = country.id
        return self.env["res.country"].browse(cache[text])

    def _xero_state(self, country, text):
        text = _strip(text)
        if not text or not country:
            return self.env["res.country.state"]
        State = self.env["res.country.state"]
        domain = [("country_id", "=", country.id)]
        return State.search(domain + [("code", "=ilike", text)], limit=1) or State.search(
            domain + [("name", "=ilike", text)], limit=1
        )

    def _xero_payment_term(self, sync, term):
        """The Odoo payment term for a Xero one (created when missing); None: leave as is."""
        if not term or term.get("type") not in TERM_DELAY:
            return None
        delay, days = TERM_DELAY[term["type"]], int(term.get("days") or 0)
        cache = sync.cache.setdefault("terms", {})
        if (delay, days) not in cache:
            Term = self.env["account.payment.term"]
            candidates = Term.search(
                [
                    ("company_id", "in", [False, sync.company.id]),
                    ("line_ids.delay_type", "=", delay),
                    ("line_ids.nb_days", "=", days),
                ]
            )
            term_rec = candidates.filtered(
                lambda t: self._xero_term(t) == {"type": term["type"], "days": days}
            )[:1]
            if not term_rec:
                label = {"days_after": "%s days", "days_after_end_of_month": "%s days after end of month"}[
                    delay
                ] % days
                term_rec = Term.create(
                    {
                        "name": label,
                        "company_id": sync.company.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "value": "percent",
                                    "value_amount": 100,
                                    "delay_type": delay,
                                    "nb_days": days,
                                }
                            )
                        ],
                    }
                )
            cache[(delay, days)] = term_rec.id
        return self.env["account.payment.term"].browse(cache[(delay, days)])

    def _xero_import_page(self, sync, records):
        """The page's contact groups imported first, in one dependency run before the batch
        (not one per contact in the middle of it)."""
        group_ids = sorted({gid for r in records for gid in contact_map.group_ids_of(r)})
        if group_ids:
            known = self._xero_bindings(sync)._xero_bound_xero_ids(sync.account, "contact_groups", group_ids)
            if set(group_ids) - known:
                self._xero_require(sync, "contact_groups", group_ids)
        return super()._xero_import_page(sync, records)

    def _xero_categories(self, sync, group_ids, record):
        """Partner tags after import: Odoo-only tags kept, Xero groups as Xero says."""
        groups = self._xero_require(sync, "contact_groups", group_ids)
        if "group_tags" not in sync.cache:
            sync.cache["group_tags"] = self._xero_bindings(sync)._xero_bound_res_ids(
                sync.account, "contact_groups"
            )
        bound_all = sync.cache["group_tags"] | set(groups.ids)
        keep = (
            record.category_id.filtered(lambda c: c.id not in bound_all)
            if record
            else self.env["res.partner.category"]
        )
        return keep | groups

    # ------------------------------------------------------------------ apply
    # A page's new contacts are created in one create (issue 13); their persons and delivery
    # addresses after it, per contact. A failing batch goes one by one (see xero.object).
    _xero_batch_create = True

    def _xero_create_batch(self, sync, prepared):
        partners = (
            self._xero_records_model(sync)
            .with_context(xero_inbound=True)
            .create([vals for __, __, vals in prepared])
        )
        for (__, neutral, __), partner in zip(prepared, partners, strict=True):
            self._xero_apply_children(sync, neutral, partner)
        return partners

    def _xero_create(self, sync, neutral):
        partner = super()._xero_create(sync, neutral)
        self._xero_apply_children(sync, neutral, partner)
        return partner

    def _xero_apply(self, sync, neutral, record):
        changed = super()._xero_apply(sync, neutral, record)
        return self._xero_apply_children(sync, neutral, record) or changed

    def _xero_apply_children(self, sync, neutral, partner):
        """Contact persons -> child contacts; a STREET address -> a delivery address."""
        Partner = self.env["res.partner"].with_context(xero_inbound=True)
        children = partner.with_context(active_test=False).child_ids
        changed = False
        for person in neutral.get("persons") or []:
            name = contact_map.join_person_name(person.get("first_name"), person.get("last_name"))
            email = person.get("email") or False
            same = children.filtered(
                lambda c, n=name: c.type == "contact" and normalize_name(c.name) == normalize_name(n)
            )[:1]
            if same:
                if (same.email or False) != email:
                    same.with_context(xero_inbound=True).write({"email": email})
                    changed = True
                continue
            Partner.create({"parent_id": partner.id, "type": "contact", "name": name, "email": email})
            changed = True
        delivery = neutral.get("delivery_address")
        if delivery:
            vals = self._xero_address_vals(sync, delivery)
            current = children.filtered(lambda c: c.type == "delivery")[:1]
            if current:
                diff = self._xero_diff(current, vals)
                if diff:
                    current.with_context(xero_inbound=True).write(diff)
                    changed = True
            else:
                Partner.create(dict(vals, parent_id=partner.id, type="delivery"))
                changed = True
        return changed

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        binding = super()._xero_bind(sync, record, xero_record, neutral, direction, payload_hash_)
        if direction == "import":
            binding.xero_data = {"groups": sorted(neutral.get("group_ids") or [])}
        return binding

    # ----------------------------------------------------------------- export
    def _xero_export_dependencies(self, sync, records):
        """Exporting a contact brings its tags as Xero contact groups."""
        settings = sync.account._xero_settings("contact_groups")
        if not settings._does("export"):
            return
        categories = records.mapped("category_id")
        bound = self._xero_bindings(sync)._xero_bound_res_ids(sync.account, "contact_groups", categories.ids)
        missing = categories.filtered(lambda c: c.id not in bound)
        if missing:
            sync.account._xero_run_object("contact_groups", "export", trigger="dependency", records=missing)

    def _xero_after_export(self, sync, items):
        """Group memberships: add and remove what changed since the last exchange."""
        adds, removes = {}, []
        for item in items:
            binding = item.binding
            contact_id = binding.xero_id
            wanted = set(item.neutral.get("group_ids") or [])
            before = set((binding.xero_data or {}).get("groups") or [])
            for group_id in wanted - before:
                adds.setdefault(group_id, []).append(contact_id)
            removes.extend((group_id, contact_id) for group_id in before - wanted)
            binding.xero_data = {"groups": sorted(wanted)}
        for group_id, contact_ids in adds.items():
            sync.client.add_contacts_to_group(group_id, contact_ids)
        for group_id, contact_id in removes:
            sync.client.remove_contact_from_group(group_id, contact_id)
