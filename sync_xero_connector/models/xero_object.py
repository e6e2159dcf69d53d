# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sync engine: one generic import and one generic export, for every object.

An object (contacts, items, taxes...) is an AbstractModel inheriting ``xero.object`` that
declares its collection, its Odoo model and its mapping hooks:

- ``_xero_from_xero(sync, record)`` -> neutral dict (pure mapping, ``xero/mapping``);
- ``_xero_to_xero(sync, neutral, xero_id)`` -> Xero payload (pure mapping);
- ``_xero_snapshot(sync, records)`` -> ``{id: neutral}`` (Odoo record -> neutral);
- ``_xero_vals(sync, neutral, record)`` -> Odoo vals (neutral -> Odoo, ids resolved).

Everything else (bindings, matching, echo detection, batching, per-element results, the
mismatch log, run summaries, cursors, commits) happens here, once.
"""

import json
import logging
import re
import traceback
import uuid
from contextlib import contextmanager
from datetime import timedelta, timezone
from decimal import Decimal

import psycopg2

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..xero import (
    CREATED,
    UPDATED,
    ElementResult,
    XeroDayLimitError,
    XeroValidationError,
    url_chunks,
    validate,
)
from ..xero.client import GUID
from ..xero.const import MAX_PAGE_SIZE
from ..xero.dates import parse_datetime
from ..xero.mapping.common import MappingError, clash_field, normalize_name, payload_hash
from ..xero.objects import SYNC_OBJECT_KEYS, collection
from .xero_binding import TOMBSTONE_STATES
from .xero_mapping_messages import mapping_texts
from .xero_sync_run import RunRecorder

_logger = logging.getLogger(__name__)

# Records changed shortly before the cursor may still be committing in Xero: re-read them.
IMPORT_OVERLAP = timedelta(minutes=5)
# How far Xero's clock may be ahead of ours when its answer does not say its time.
CLOCK_SKEW = timedelta(minutes=2)
BATCH_SIZE = 50
# Names per `where` clause when looking up Xero records by name before creating them.
REMOTE_LOOKUP_CHUNK = 50
# Exactly-once creation across crashes: the Xero field that identifies a new element sent as
# part of a batch, per collection. "token": a short random token the connector places in that
# field (Xero echoes it back); "value": the field's own value, which Xero keeps unique.
INFLIGHT_FIELDS = {
    "Invoices": ("Url", "token"),
    "CreditNotes": ("Url", "token"),
    "Payments": ("Reference", "token"),
    "Contacts": ("Name", "value"),
    "Items": ("Code", "value"),
    "Quotes": ("QuoteNumber", "value"),
    "PurchaseOrders": ("PurchaseOrderNumber", "value"),
    "ManualJournals": ("Url", "token"),
}
INFLIGHT_TOKEN = re.compile(r"(?:[?&]xero=|\[odoo:)([0-9a-f]{12})")
# Xero records of in-flight elements are read back modified since their sending, minus this.
INFLIGHT_MARGIN = timedelta(minutes=10)


def naive_utc(value):
    if not value:
        return False
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0)


class Sync:
    """Everything one run of one object needs, passed to every hook, and nothing more: the
    slots are the whole run context (per-run lookups go in ``cache``, keyed by their hook)."""

    __slots__ = (
        "env",
        "account",
        "company",
        "settings",
        "run",
        "recorder",
        "client",
        "commit_hook",
        "stop_hook",
        "force",
        "cache",
        "dry_run",
    )

    @classmethod
    def for_lookups(cls, account):
        """A context without run nor client: enough for match domains and binding lookups."""
        return cls(account.env, account, account.env["xero.sync.setting"], account.env["xero.sync.run"], None)

    def __init__(self, env, account, settings, run, client, commit=None, force=False, stop=None):
        self.env = env
        self.account = account
        self.company = account.company_id
        self.settings = settings
        self.run = run
        self.recorder = RunRecorder(run)
        self.client = client
        self.commit_hook = commit
        # Called after the commit that ends a batch; raises RunStopped to end the run there.
        self.stop_hook = stop if commit else None
        self.force = force
        self.cache = {}  # per-run lookups of the object hooks
        # A preview (xero.account._xero_preview): exports count what they would send.
        self.dry_run = False

    @contextmanager
    def forcing(self, force=True):
        """``force`` (look at Xero's version even when its date did not move; send even what
        Xero refused before) for the duration of the block, then back to the run's own."""
        previous, self.force = self.force, force
        try:
            yield self
        finally:
            self.force = previous

    def checkpoint(self, processed=0, more=True):
        """Write the run's figures, commit when the entry point commits. At the end of a
        batch (``processed`` > 0) with ``more`` to come, once committed, the entry point may
        stop the run there (``stop_hook`` raises RunStopped: a Cancel, the scheduler's time
        slice)."""
        self.recorder.flush()
        if self.commit_hook:
            self.commit_hook(processed)
            if processed and more and self.stop_hook:
                self.stop_hook()

    def mismatch(self, direction, **kwargs):
        return self.env["xero.mismatch.log"]._log(
            self.account, self.settings.object_key, direction, run=self.run, **kwargs
        )


class ExportItem:
    __slots__ = ("record", "binding", "neutral", "payload", "hash", "xero_id", "inflight")

    def __init__(self, record, binding, neutral):
        self.record = record
        self.binding = binding
        self.neutral = neutral
        self.payload = None
        self.hash = None
        self.xero_id = binding.xero_id if binding else None
        self.inflight = None  # its "inflight" binding while it is being created


class XeroObject(models.AbstractModel):
    _name = "xero.object"
    _description = "Xero Sync Object"

    # ----------------------------------------------------------- declarations
    _xero_key = None  # e.g. "contacts"
    _xero_collection = None  # e.g. "Contacts"
    _xero_model = None  # e.g. "res.partner"
    _xero_can_import = True
    _xero_can_export = True
    # Matching before creating: (neutral key, Odoo field, normaliser), tried in order.
    _xero_match_keys = ()
    # Neutral key Xero keeps unique, and the Xero field holding it (export pre-matching).
    _xero_unique_key = "name"
    _xero_unique_field = "Name"
    # Neutral key shown as the binding's number / code.
    _xero_number_key = None
    # Extra query parameters of imports (e.g. includeArchived).
    _xero_import_params = {}
    # False: Xero records cannot be updated through the API (currencies): link, never resend.
    _xero_updatable = True
    # (neutral key, Xero field) of a number Xero matches records by on POST (ContactNumber).
    _xero_remote_number = None

    @api.model
    def _xero_objects(self):
        """``{object key: model name}`` of every implemented object, in the order of
        ``SYNC_OBJECT_KEYS`` (dependencies first): the one declaration of that order."""
        return dict(self._xero_object_registry())

    @api.model
    @tools.ormcache()
    def _xero_object_registry(self):
        # Once per registry (an install or upgrade makes a new one): no scan on every call.
        found = {}
        for name, model_class in self.env.registry.items():
            key = getattr(model_class, "_xero_key", None)
            if key and name != "xero.object" and model_class._abstract:
                found[key] = name
        unknown = sorted(set(found) - set(SYNC_OBJECT_KEYS))
        if unknown:
            raise UserError(
                self.env._(
                    "Xero objects %(keys)s are not declared in SYNC_OBJECT_KEYS.", keys=", ".join(unknown)
                )
            )
        return tuple((key, found[key]) for key in SYNC_OBJECT_KEYS if key in found)

    @api.model
    def _xero_supports(self, account, direction):
        """Whether ``account`` may run this object in ``direction`` (default: what the object
        declares, ``_xero_can_import`` / ``_xero_can_export``)."""
        return self._xero_can_import if direction == "import" else self._xero_can_export

    @api.model
    def _xero_unsupported_message(self, account, direction):
        return self.env._(
            "Xero %(direction)s of %(key)s is not supported.", direction=direction, key=self._xero_key
        )

    @api.model
    def _xero_object(self, key):
        name = self._xero_objects().get(key)
        if not name:
            raise UserError(self.env._("Xero object %(key)s is not implemented.", key=key))
        return self.env[name]

    # ------------------------------------------------------------------ hooks
    def _xero_from_xero(self, sync, record):
        raise NotImplementedError

    def _xero_to_xero(self, sync, neutral, xero_id):
        raise NotImplementedError

    def _xero_snapshot(self, sync, records):
        raise NotImplementedError

    def _xero_vals(self, sync, neutral, record):
        raise NotImplementedError

    def _xero_records_model(self, sync):
        return self.env[self._xero_model].with_company(sync.company).with_context(active_test=False)

    def _xero_match_domain(self, sync):
        """Odoo records that may be matched (and exported when new)."""
        return []

    def _xero_export_domain(self, sync):
        """New Odoo records exported by default (unless the settings' filter says otherwise)."""
        return self._xero_match_domain(sync)

    def _xero_create(self, sync, neutral):
        vals = self._xero_vals(sync, neutral, None)
        return self._xero_records_model(sync).with_context(xero_inbound=True).create(vals)

    def _xero_apply(self, sync, neutral, record):
        """Write what differs; True when something changed."""
        vals = self._xero_vals(sync, neutral, record)
        changed = self._xero_diff(record, vals)
        if changed:
            record.with_context(xero_inbound=True).write(changed)
        return bool(changed)

    def _xero_export_dependencies(self, sync, records):
        """Export what ``records`` need first (e.g. the contact groups of contacts)."""

    def _xero_after_export(self, sync, items):
        """After the batch was accepted (e.g. group memberships)."""

    def _xero_send(self, sync, payloads):
        return sync.client.write(self._xero_collection, payloads, method="POST")

    def _xero_dry_results(self, items):
        """What a preview pretends Xero answered: each item accepted, new ones under a
        placeholder ID (the preview's savepoint is rolled back)."""
        id_field = collection(self._xero_collection).id_field
        results = []
        for index, item in enumerate(items):
            xero_id = item.xero_id or f"dry-run-{self._xero_key}-{item.record.id}"
            results.append(
                ElementResult(
                    index,
                    UPDATED if item.xero_id else CREATED,
                    item.payload,
                    record={id_field: xero_id},
                    xero_id=xero_id,
                )
            )
        return results

    def _xero_hint(self, messages):
        """What the user should change, from Xero's messages."""
        return self.env._("Correct the Odoo record with Xero's message above in mind, then click Retry.")

    def _xero_remote_name(self, sync, xero_record):
        """What the user calls a Xero record in logs: its name or number, never a bare GUID."""
        spec = collection(self._xero_collection)
        name = xero_record.get("Name") or xero_record.get(spec.number_field or "")
        if not name:
            try:
                name = self._xero_record_name(self._xero_from_xero(sync, xero_record))
            except (MappingError, ArithmeticError, AttributeError, KeyError, TypeError, ValueError):
                name = None  # the import itself says what is wrong with the record
        if not name or name == "?" or name == xero_record.get(spec.id_field):
            name = self.env["xero.mismatch.log"]._unnamed(self._xero_key, xero_record.get(spec.id_field))
        return str(name)

    def _xero_record_name(self, neutral, record=None):
        if record:
            return record.display_name
        return neutral.get("name") or neutral.get("code") or neutral.get("xero_id") or "?"

    # ---------------------------------------------------------------- helpers
    def _xero_bindings(self, sync):
        """``xero.binding`` (superuser): its lookups are the only binding searches."""
        return self.env["xero.binding"].sudo()

    def _xero_bindings_by_xero_id(self, sync, xero_ids):
        return self._xero_bindings(sync)._xero_by_xero_id(sync.account, self._xero_key, xero_ids)

    def _xero_binding_of(self, sync, record):
        """The binding of ``record`` (from the run's cache when this run loaded it)."""
        known = sync.cache.setdefault("binding_of", {})
        if record.id not in known:
            known[record.id] = self._xero_bindings(sync)._xero_find(
                sync.account, self._xero_key, res_ids=[record.id], limit=1
            )
        return known[record.id]

    def _xero_remember(self, sync, bindings):
        """Cache loaded bindings by Odoo record: no query per record afterwards."""
        sync.cache.setdefault("binding_of", {}).update({b.res_id: b for b in bindings})

    def _xero_bound_ids(self, sync):
        return self._xero_bindings(sync)._xero_bound_res_ids(sync.account, self._xero_key)

    def _xero_diff(self, record, vals):
        """The part of ``vals`` that differs from ``record``."""
        changed = {}
        for name, value in vals.items():
            field = record._fields[name]
            current = record[name]
            if field.type == "many2one":
                if (current.id or False) != (value or False):
                    changed[name] = value
            elif field.type in ("many2many", "one2many"):
                wanted = _command_ids(value)
                if wanted is None or set(current.ids) != wanted:
                    changed[name] = value
            elif field.type in ("float", "monetary"):
                digits = 6
                if float_compare(current or 0.0, value or 0.0, precision_digits=digits):
                    changed[name] = value
            elif field.type in ("char", "text", "html", "selection"):
                if (current or False) != (value or False):
                    changed[name] = value
            elif current != value:
                changed[name] = value
        return changed

    def _xero_bind(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        """Create or refresh the binding of ``record`` after an exchange."""
        vals = self._xero_bind_vals(sync, record, xero_record, neutral, direction, payload_hash_)
        binding = self._xero_binding_of(sync, record)
        if binding:
            binding.write(vals)
        else:
            vals.update(self._xero_new_binding_vals(sync, record))
            binding = self._xero_bindings(sync).create(vals)
            self._xero_remember(sync, binding)
        sync.cache.setdefault("bound", set()).add(record.id)
        return binding

    def _xero_new_binding_vals(self, sync, record):
        """What a new binding of ``record`` adds to ``_xero_bind_vals``."""
        return {
            "account_id": sync.account.id,
            "object_key": self._xero_key,
            "res_model": record._name,
            "res_id": record.id,
        }

    def _xero_bind_vals(self, sync, record, xero_record, neutral, direction, payload_hash_=None):
        """The values of ``record``'s binding after an exchange (``_xero_bind``)."""
        spec = collection(self._xero_collection)
        xero_id = xero_record.get(spec.id_field) if xero_record else neutral.get("xero_id")
        vals = {
            "xero_id": xero_id,
            "xero_number": (neutral or {}).get(self._xero_number_key) if self._xero_number_key else False,
            "xero_updated_at": naive_utc(parse_datetime(xero_record.get("UpdatedDateUTC")))
            if xero_record and xero_record.get("UpdatedDateUTC")
            else False,
            "xero_hash": payload_hash(xero_record) if xero_record else False,
            "state": "synced",
            "last_error": False,
            "last_sync_at": fields.Datetime.now(),
            "last_direction": direction,
        }
        if payload_hash_ is not None:
            vals["payload_hash"] = payload_hash_
        if xero_record and "HasAttachments" in xero_record:
            # What the attachments import asks Xero's lists of attachments for.
            vals["xero_has_attachments"] = xero_record["HasAttachments"] is True
        if self._xero_field_merge:
            vals["synced_values"] = self._xero_synced_values(sync, record, xero_record)
        if self._xero_number_key and xero_record and spec.number_field:
            vals["xero_number"] = xero_record.get(spec.number_field) or vals["xero_number"]
        return vals

    @staticmethod
    def _xero_note_attachments(binding, xero_record):
        """Xero's HasAttachments of a record read again without a change: a file attached
        in Xero need not move the record's UpdatedDateUTC (undocumented), so the flag the
        attachments import goes by is kept current from every read."""
        flag = xero_record.get("HasAttachments")
        if isinstance(flag, bool) and binding.xero_has_attachments != flag:
            binding.xero_has_attachments = flag

    def _xero_hash(self, sync, neutral, payload):
        """What decides whether a record changed since its last export (default: the
        payload; contacts add their group memberships)."""
        return payload_hash(payload)

    def _xero_export_hash(self, sync, record, xero_id):
        """Hash of the payload an export of ``record`` would send now (None: not mappable)."""
        neutral = self._xero_snapshot(sync, record)[record.id]
        try:
            return self._xero_hash(sync, neutral, self._xero_to_xero(sync, neutral, xero_id))
        except MappingError:
            return None

    def _xero_require(self, sync, key, xero_ids, names=None):
        """Odoo records of ``xero_ids`` of object ``key``, importing the missing ones first.

        When that import fails as a whole, each record it left out gets a mismatch entry of its
        own (named from ``names``, ``{xero_id: name}``), so the records waiting for it can
        point at what blocks them."""
        Binding = self._xero_bindings(sync)
        xero_ids = [x for x in xero_ids if x]
        if not xero_ids:
            return self.env[self.env["xero.object"]._xero_object(key)._xero_model]
        found = Binding._xero_find(sync.account, key, xero_ids=xero_ids, primary=True)
        missing = set(xero_ids) - set(found.mapped("xero_id"))
        if missing:
            run = sync.account._xero_run_object(key, "import", trigger="dependency", xero_ids=sorted(missing))
            found = Binding._xero_find(sync.account, key, xero_ids=xero_ids, primary=True)
            if run.state == "failed":
                for xero_id in sorted(missing - set(found.mapped("xero_id"))):
                    self.env["xero.mismatch.log"]._log(
                        sync.account,
                        key,
                        "import",
                        kind="error",
                        run=run,
                        xero_id=xero_id,
                        record_name=(names or {}).get(xero_id),
                        messages=[run.message],
                        hint=self.env._(
                            "The import stopped before reading this record: do "
                            "what the message says, then click Retry."
                        ),
                    )
        model = self.env["xero.object"]._xero_object(key)._xero_model
        return self.env[model].browse(found.mapped("res_id")).exists()

    # ================================================================= import
    def _xero_import(self, sync, full=False, xero_ids=None, since=None):
        # Before an import could take Xero records of an interrupted export for new ones.
        self._xero_resolve_inflight(sync)
        spec = collection(self._xero_collection)
        settings = sync.settings
        params = dict(self._xero_import_params)
        kwargs = {}
        ims = None
        partial = bool(xero_ids) or bool(since)
        newest = settings.import_cursor
        if newest and newest > fields.Datetime.now() + CLOCK_SKEW and not partial:
            # A cursor in the future (a record dated there, before cursors were capped) would
            # hide every later change: forget it, this run reads everything and sets it again.
            newest = settings.import_cursor = False
        if spec.modified_since and not full and not xero_ids:
            cursor = naive_utc(since) if since else newest
            if cursor:
                ims = (cursor - (IMPORT_OVERLAP if not since else timedelta())).replace(tzinfo=timezone.utc)
        if not full and not partial and self._xero_nothing_new(sync, ims):
            return
        if spec.paged:
            kwargs["order"] = "UpdatedDateUTC ASC"
        page_size = MAX_PAGE_SIZE if spec.page_size else spec.default_page_size
        wanted = set(xero_ids or ())
        # By IDs: Xero's IDs filter, or (paged collections without it) a where on the ID.
        by_ids = wanted and (spec.ids_filter or (spec.paged and all(GUID.fullmatch(str(x)) for x in wanted)))
        if by_ids:
            kwargs["ids"] = sorted(wanted)
        sync.client.item_count, read = None, sync.recorder.total
        for page in sync.client.iter_pages(
            self._xero_collection, if_modified_since=ims, params=params, **kwargs
        ):
            # Progress: Xero's count of the read when it gives one, else what was read so far.
            read += len(page)
            sync.recorder.total = max(sync.client.item_count or 0, read)
            if wanted and not by_ids:
                page = [r for r in page if isinstance(r, dict) and r.get(spec.id_field) in wanted]
            valid = self._xero_valid_records(sync, page)
            self._xero_import_page(sync, valid)
            if spec.modified_since and not partial:
                # Valid records only, and never past Xero's clock: a record dated in the
                # future is imported, but the next read must still ask from now.
                ceiling = naive_utc(sync.client.server_time) or naive_utc(fields.Datetime.now() + CLOCK_SKEW)
                stamps = [naive_utc(parse_datetime(r.get("UpdatedDateUTC"))) for r in valid]
                stamps = [min(s, ceiling) for s in stamps if s]
                if stamps and (not newest or max(stamps) > newest):
                    newest = max(stamps)
                    # Same transaction as the page: committed together or not at all.
                    settings.import_cursor = newest
            # A short page is the last one (iter_pages stops there): nothing more to stop before.
            sync.checkpoint(len(page), more=bool(spec.paged and len(page) >= page_size))
            # What the page loaded (its moves, lines, partners...) leaves the ORM cache, written
            # first: a long import's memory stays that of one page.
            self.env.invalidate_all()
        if full and not xero_ids:
            settings.last_full_import_at = fields.Datetime.now()
        if not partial:
            # Every change read, none refused: Odoo holds Xero's versions (as of this read).
            settings.import_known_current = not sync.recorder.counts["failed"]

    def _xero_valid_records(self, sync, page):
        """The elements of ``page`` that can be imported, checked one by one before anything
        reads them; each other one becomes an "invalid" mismatch entry and the rest goes on."""
        spec = collection(self._xero_collection)
        valid = []
        for element in page:
            if isinstance(element, dict) and not self._xero_wants(sync, element):
                continue
            problems = validate.problems(element, spec)
            if not problems:
                try:
                    self._xero_from_xero(sync, element)
                except MappingError:
                    problems = []  # valid data: the import logs the mapping error with its kind and hint
                except (ArithmeticError, AttributeError, KeyError, TypeError, ValueError) as exc:
                    problems = [f"Odoo cannot read it: {type(exc).__name__}: {exc}"]
            if problems:
                self._xero_log_invalid(sync, element, problems)
            else:
                valid.append(element)
        return valid

    def _xero_log_invalid(self, sync, element, problems):
        spec = collection(self._xero_collection)
        xero_id = element.get(spec.id_field) if isinstance(element, dict) else None
        if not validate.is_clean(xero_id) or not xero_id.strip():
            xero_id = None
        name = validate.label(element, spec)
        sync.mismatch(
            "import",
            kind="invalid",
            record_name=name,
            xero_id=xero_id,
            payload=validate.safe_json(element),  # JSON also when it is no object
            # Entries of records without a usable ID are told apart by their content.
            payload_hash=None if xero_id else payload_hash(element),
            messages=[self.env._("Xero sent a record Odoo cannot import:")] + problems,
            hint=self.env._(
                "Correct the record in Xero (the next import reads it again once it changed "
                "there). Nothing was imported from it; the other records were. An entry of a "
                "record without ID closes with Mark as Resolved."
            ),
        )
        sync.recorder.add("failed", xero_id=xero_id, name=name, note=problems[0][:200])

    def _xero_import_page(self, sync, records):
        spec = collection(self._xero_collection)
        bindings = self._xero_bindings_by_xero_id(
            sync, [r.get(spec.id_field) for r in records if r.get(spec.id_field)]
        )
        self._xero_remember(sync, bindings.values())
        done = set()
        if self._xero_batch_create and sync.settings._allows("create"):
            done = self._xero_import_batch(
                sync,
                [r for r in records if self._xero_wants(sync, r) and r.get(spec.id_field) not in bindings],
            )
        for xero_record in records:
            if not self._xero_wants(sync, xero_record):
                continue
            xero_id = xero_record.get(spec.id_field)
            if xero_id in done:
                continue
            self._xero_import_guarded(sync, xero_record, bindings.get(xero_id))

    # Objects whose new records of a page are created together (``_xero_create_batch``).
    _xero_batch_create = False

    def _xero_batchable(self, sync, xero_record):
        """Whether a new record may go in the page's batch (else the normal path takes it)."""
        return True

    def _xero_batch_vals(self, sync, neutral):
        """What ``_xero_create_batch`` needs of a new record (default: its Odoo vals); None
        leaves the record to the normal path."""
        return self._xero_vals(sync, neutral, None)

    def _xero_create_batch(self, sync, prepared):
        """Create the records of ``prepared`` (``[(xero_record, neutral, vals)]``) at once;
        -> the records, in that order. Raising anything sends them all the normal way."""
        raise NotImplementedError

    def _xero_bind_batch(self, sync, prepared, created):
        """Bind the records just created from ``prepared`` (default: one by one)."""
        spec = collection(self._xero_collection)
        for (xero_record, neutral, __), record in zip(prepared, created, strict=True):
            self._xero_bind(
                sync,
                record,
                xero_record,
                neutral,
                "import",
                self._xero_export_hash(sync, record, xero_record[spec.id_field]),
            )

    def _xero_import_batch(self, sync, records):
        """The new records of a page, created together instead of one savepoint each (Odoo
        creates and posts a batch of documents several times faster). Their vals are built
        first; a record the normal path must see (matched to an Odoo record, ambiguous,
        refused by the mapping) is left to it. When the batch fails as a whole it is rolled
        back and each of its records goes the normal way, so that the one at fault gets its
        mismatch entry and the others are imported. -> the Xero IDs imported here."""
        spec = collection(self._xero_collection)
        prepared, seen = [], set()
        for xero_record in records:
            xero_id = xero_record.get(spec.id_field)
            if not xero_id or xero_id in seen or not self._xero_batchable(sync, xero_record):
                continue
            seen.add(xero_id)
            try:
                with self.env.cr.savepoint():
                    neutral = self._xero_from_xero(sync, xero_record)
                    record, candidates = self._xero_match(sync, neutral)
                    vals = None if record or candidates else self._xero_batch_vals(sync, neutral)
            except (psycopg2.OperationalError, XeroDayLimitError):
                raise
            except Exception:  # noqa: BLE001 - the normal path logs it, with its own kind
                continue
            if vals is not None:
                prepared.append((xero_record, neutral, vals))
        if len(prepared) < 2:
            return set()
        try:
            with self.env.cr.savepoint():
                created = self._xero_create_batch(sync, prepared)
                self._xero_bind_batch(sync, prepared, created)
        except (psycopg2.OperationalError, XeroDayLimitError):
            raise
        except Exception as exc:  # noqa: BLE001 - one by one below finds the record at fault
            _logger.info(
                "Xero import of %s: a batch of %s new records failed (%s: %s); importing them one by one",
                self._xero_key,
                len(prepared),
                type(exc).__name__,
                exc,
            )
            known = sync.cache.get("binding_of", {})
            alive = set(self._xero_bindings(sync).browse([b.id for b in known.values() if b]).exists().ids)
            for res_id, binding in list(known.items()):
                if binding and binding.id not in alive:
                    del known[res_id]  # created in the rolled-back batch
            return set()
        xero_ids = [xero_record[spec.id_field] for xero_record, __, __ in prepared]
        self.env["xero.mismatch.log"]._resolve(
            sync.account,
            self._xero_key,
            "import",
            res_model=self._xero_model,
            res_ids=created.ids,
            xero_ids=xero_ids,
        )
        for xero_id, record in zip(xero_ids, created):
            sync.recorder.add("created", record, xero_id=xero_id)
        return set(xero_ids)

    def _xero_wants(self, sync, xero_record):
        """False for Xero records another object handles (e.g. bank accounts in Accounts)."""
        return True

    def _xero_import_guarded(self, sync, xero_record, binding):
        """Import one record in a savepoint: a failure is logged, the rest goes on."""
        spec = collection(self._xero_collection)
        xero_id = xero_record.get(spec.id_field)
        name = self._xero_remote_name(sync, xero_record)
        try:
            with self.env.cr.savepoint():
                result, record, note = self._xero_import_one(sync, xero_record, binding)
        except (psycopg2.OperationalError, XeroDayLimitError):
            raise  # the day limit stops the whole run
        except MappingError as exc:
            message, hint = mapping_texts(self.env, exc)
            sync.mismatch(
                "import",
                record_name=name,
                xero_id=xero_id,
                kind=exc.kind,
                messages=[message],
                hint=hint,
                payload=xero_record,
                blocking=exc.blocking,
            )
            sync.recorder.add("failed", xero_id=xero_id, name=name, note=message[:200])
            return "failed"
        except (UserError, ValidationError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            sync.mismatch(
                "import",
                record_name=name,
                xero_id=xero_id,
                kind="error",
                messages=[message],
                payload=xero_record,
                hint=self.env._(
                    "Odoo refused the record: fix the data the message "
                    "names (in Odoo or in Xero), then click Retry."
                ),
            )
            sync.recorder.add("failed", xero_id=xero_id, name=name, note=message[:200])
            return "failed"
        except Exception as exc:  # a bug must surface as a visible mismatch, not stop the run
            _logger.exception("Xero import of %s %s failed", self._xero_key, xero_id)
            sync.mismatch(
                "import",
                record_name=name,
                xero_id=xero_id,
                kind="error",
                messages=[f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=5)],
                payload=xero_record,
                hint=self.env._("Unexpected error: report it with this entry."),
            )
            sync.recorder.add("failed", xero_id=xero_id, name=name, note=str(exc)[:200])
            return "failed"
        if result != "failed":
            self.env["xero.mismatch.log"]._resolve(
                sync.account,
                self._xero_key,
                "import",
                res_model=record._name if record else None,
                res_ids=[record.id] if record else [],
                xero_ids=[xero_id],
            )
        sync.recorder.add(result, record, xero_id=xero_id, name=None if record else name, note=note)
        return result

    def _xero_import_one(self, sync, xero_record, binding):
        """-> (result, record, note)."""
        if binding and not sync.force and not self._xero_remote_changed(sync, xero_record, binding):
            # Unchanged since the last exchange (or the echo of our own export).
            self._xero_note_attachments(binding, xero_record)
            return "skipped", None, None
        if binding and (binding.state in TOMBSTONE_STATES or not binding._record().exists()):
            return self._xero_import_tombstoned(sync, xero_record, binding)
        record = binding._record() if binding else None
        neutral = self._xero_from_xero(sync, xero_record)
        settings = sync.settings
        xero_id = xero_record.get(collection(self._xero_collection).id_field)
        if record:
            stop, note = self._xero_both_sides(sync, xero_record, binding, record, neutral)
            if stop:
                return stop
            changed = settings._allows("update") and self._xero_apply(sync, neutral, record)
            self._xero_bind(
                sync, record, xero_record, neutral, "import", self._xero_export_hash(sync, record, xero_id)
            )
            return ("updated" if changed else "skipped"), record, note
        record, candidates = self._xero_match(sync, neutral)
        if candidates:
            model = self._xero_records_model(sync)
            names = ", ".join(model.browse(candidates).mapped("display_name"))
            sync.mismatch(
                "import",
                kind="ambiguous",
                record_name=self._xero_record_name(neutral),
                xero_id=xero_id,
                res_model=self._xero_model,
                candidate_ids=sorted(candidates),
                payload=xero_record,
                messages=[
                    self.env._(
                        "Xero record %(name)s matches several Odoo records: %(names)s. Nothing "
                        "was linked or created.",
                        name=self._xero_record_name(neutral),
                        names=names,
                    )
                ],
                hint=self.env._(
                    "Click Resolve to link it to one of them, or to create a new "
                    "record; or make the Odoo records distinct."
                ),
            )
            return "failed", None, None
        if record:
            if settings._allows("update"):
                self._xero_apply(sync, neutral, record)
            self._xero_bind(
                sync, record, xero_record, neutral, "import", self._xero_export_hash(sync, record, xero_id)
            )
            return "updated", record, self.env._("linked to an existing record")
        if not settings._allows("create"):
            return "skipped", None, None
        record = self._xero_create(sync, neutral)
        self._xero_bind(
            sync, record, xero_record, neutral, "import", self._xero_export_hash(sync, record, xero_id)
        )
        return "created", record, None

    # ------------------------------------------------- changed on both sides
    # Neutral keys that say nothing about the record's content (never compared).
    _xero_conflict_ignored = ("xero_id", "updated_at")
    # Changes to different fields on the two sides are merged (needs the values of the last
    # exchange, kept on the binding: ``synced_values``).
    _xero_field_merge = False

    def _xero_remote_changed(self, sync, xero_record, binding):
        """True when Xero's record changed since the binding's last exchange. Xero stamps to
        the millisecond, the binding's date to the second: objects that keep the stamp as
        Xero wrote it (``xero_data["updated_raw"]``) tell a change within that second too."""
        raw = (binding.xero_data or {}).get("updated_raw")
        if raw and xero_record.get("UpdatedDateUTC"):
            return raw != xero_record["UpdatedDateUTC"]
        updated_at = naive_utc(parse_datetime(xero_record.get("UpdatedDateUTC")))
        same_date = updated_at and binding.xero_updated_at == updated_at
        return not (same_date or binding.xero_hash == payload_hash(xero_record))

    def _xero_local_changed(self, sync, record, binding):
        """True when ``record`` changed in Odoo since its last exchange, unexported."""
        if binding.state not in ("pending", "error"):
            return False
        current = self._xero_export_hash(sync, record, binding.xero_id)
        return current is None or current != binding.payload_hash

    def _xero_conflicting(self, sync, xero_record, binding, neutral, odoo):
        """Whether what Xero changed can collide with Odoo's change (default: Xero changed
        at all)."""
        return self._xero_remote_changed(sync, xero_record, binding)

    def _xero_synced_values(self, sync, record, xero_record):
        """Both sides' values after an exchange (the base of the next merge)."""
        spec = collection(self._xero_collection)
        if not (xero_record and xero_record.get(spec.id_field)):
            return False
        return {
            "odoo": _canon(self._xero_snapshot(sync, record)[record.id]),
            "xero": _canon(self._xero_from_xero(sync, xero_record)),
        }

    def _xero_field_keys(self, odoo, xero):
        return [k for k in odoo if k in xero and k not in self._xero_conflict_ignored]

    def _xero_conflict_fields(self, sync, binding, odoo, xero, keys):
        """``[(label, Odoo's, Xero's, last synced or _UNKNOWN)]`` of the fields ``keys`` that
        differ (what a conflict entry shows)."""
        base = (binding.synced_values or {}).get("xero") or {}
        return [
            (key.replace("_", " ").capitalize(), odoo.get(key), xero.get(key), base.get(key, _UNKNOWN))
            for key in keys
        ]

    def _xero_both_sides(self, sync, xero_record, binding, record, neutral):
        """A record changed in Odoo (not exported yet) and in Xero since the last exchange
        is never overwritten silently. -> (stop, note): ``stop`` is the import's answer when
        the normal update must not run; ``note`` the run line's note when it runs."""
        take = self.env.context.get("xero_conflict_take")
        if take == "xero" or not self._xero_local_changed(sync, record, binding):
            return None, None
        odoo = _canon(self._xero_snapshot(sync, record)[record.id])
        xero = _canon(neutral)
        if self._xero_own_echo(binding, xero):
            # An export sent this and was cut off before Odoo recorded it: Odoo's own
            # change that landed; Odoo's later change still goes.
            mine = {k for k in self._xero_field_keys(odoo, xero) if odoo[k] != xero[k]}
            self._xero_bind_pending(sync, record, xero_record, neutral, binding, mine)
            return ("skipped", record, None), None
        if not self._xero_conflicting(sync, xero_record, binding, neutral, odoo):
            # Only Odoo changed what matters: the export sends it; Xero's stamps move on.
            self._xero_bind_pending(sync, record, xero_record, neutral, binding, set())
            return ("skipped", record, None), None
        policy = sync.settings.conflict_policy or "ask"
        if policy == "odoo":
            self._xero_close_conflict(sync, record)
            note = self.env._(
                "changed in Odoo and in Xero: Odoo wins (the object's setting), "
                "the export sends Odoo's values"
            )
            sync.recorder.line("skipped", record, xero_id=binding.xero_id, note=note)
            return ("skipped", record, None), None
        if policy == "xero":
            self._xero_close_conflict(sync, record)
            sync.cache.setdefault("xero_wins", set()).add(record.id)
            return None, self.env._(
                "changed in Odoo and in Xero: Xero wins (the object's setting), Odoo's change was replaced"
            )
        keys = self._xero_field_keys(odoo, xero)
        base = binding.synced_values or {}
        if self._xero_field_merge and base.get("odoo") and base.get("xero"):
            mine = {k for k in keys if odoo[k] != base["odoo"].get(k)}
            theirs = {k for k in keys if xero[k] != base["xero"].get(k)}
            clash = sorted(k for k in mine & theirs if odoo[k] != xero[k])
            if not clash:
                return self._xero_merge(sync, xero_record, binding, record, neutral, mine, theirs), None
        else:
            clash = [k for k in keys if odoo[k] != xero[k]]
        return self._xero_log_conflict(sync, binding, record, odoo, xero, clash), None

    def _xero_own_echo(self, binding, xero):
        """Whether Xero's values ``xero`` are those an export of ``binding`` last sent."""
        sent = (binding.synced_values or {}).get("sending")
        keys = self._xero_field_keys(sent, xero) if isinstance(sent, dict) else []
        return bool(keys) and all(sent[k] == xero[k] for k in keys)

    def _xero_merge(self, sync, xero_record, binding, record, neutral, mine, theirs):
        """Odoo changed ``mine``, Xero ``theirs`` (other fields): Xero's are applied, Odoo's
        kept, and the export sends the whole record."""
        odoo = self._xero_snapshot(sync, record)[record.id]
        merged = dict(neutral, **{k: odoo[k] for k in mine})
        changed = (
            bool(theirs - mine) and sync.settings._allows("update") and self._xero_apply(sync, merged, record)
        )
        self._xero_bind_pending(sync, record, xero_record, neutral, binding, mine)
        note = self.env._(
            "changed on both sides, merged: Odoo's %(mine)s kept, Xero's "
            "%(theirs)s applied; the export sends the result",
            mine=", ".join(sorted(mine)) or "-",
            theirs=", ".join(sorted(theirs - mine)) or "-",
        )
        if changed:
            return "updated", record, note
        sync.recorder.line("skipped", record, xero_id=binding.xero_id, note=note)
        return "skipped", record, None

    def _xero_bind_pending(self, sync, record, xero_record, neutral, binding, mine):
        """Take Xero's side of the exchange (its stamps, its values) while Odoo's change is
        still to be exported: the binding stays as it was, last payload included."""
        state, base = binding.state, dict(binding.synced_values or {})
        self._xero_bind(sync, record, xero_record, neutral, "import")
        if base.get("odoo") and binding.synced_values:
            # Odoo's changed fields keep their base: they are still Odoo's change.
            odoo = dict(binding.synced_values["odoo"])
            odoo.update({k: base["odoo"].get(k) for k in mine})
            binding.synced_values = dict(binding.synced_values, odoo=odoo)
        binding.state = state

    def _xero_log_conflict(self, sync, binding, record, odoo, xero, keys):
        """Ask: nothing is written to either side; a conflict entry shows both values."""
        rows = self._xero_conflict_fields(sync, binding, odoo, xero, keys)
        lines = [
            self.env._(
                "%(name)s changed in Odoo and in Xero since the last sync; nothing "
                "was written to either side.",
                name=record.display_name,
            )
        ]
        for label, mine, theirs, synced in rows:
            line = self.env._(
                "%(field)s: Odoo %(odoo)s / Xero %(xero)s",
                field=label,
                odoo=_shown(mine),
                xero=_shown(theirs),
            )
            if synced is not _UNKNOWN:
                line += self.env._(" / last synced %(value)s", value=_shown(synced))
            lines.append(line)
        sync.mismatch(
            "import",
            kind="conflict",
            record_name=record.display_name,
            res_model=record._name,
            res_id=record.id,
            xero_id=binding.xero_id,
            messages=lines,
            payload={
                "odoo": {r[0]: r[1] for r in rows},
                "xero": {r[0]: r[2] for r in rows},
                "last_synced": {r[0]: r[3] for r in rows if r[3] is not _UNKNOWN},
            },
            hint=self.env._(
                "Click Keep Odoo's to send Odoo's record to Xero over Xero's, or Keep Xero's to "
                "apply Xero's record in Odoo. Until then neither side is changed and the export "
                "leaves the record alone. (The object's setting 'Changed on Both Sides' can "
                "decide for every record.)"
            ),
        )
        return "failed", record, self.env._("changed in Odoo and in Xero: see the conflict entry")

    def _xero_close_conflict(self, sync, record):
        self.env["xero.mismatch.log"].sudo().search(
            [
                ("account_id", "=", sync.account.id),
                ("object_key", "=", self._xero_key),
                ("kind", "=", "conflict"),
                ("state", "=", "open"),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ]
        ).write({"state": "resolved", "resolved_at": fields.Datetime.now()})

    def _xero_in_conflict(self, sync, record):
        """Under "ask", a record with an open conflict is not exported (Keep Odoo's does)."""
        if (
            sync.settings.conflict_policy not in (False, "ask")
            or self.env.context.get("xero_conflict_take") == "odoo"
        ):
            return False
        if "conflicts" not in sync.cache:
            sync.cache["conflicts"] = set(
                self.env["xero.mismatch.log"]
                .sudo()
                .search(
                    [
                        ("account_id", "=", sync.account.id),
                        ("object_key", "=", self._xero_key),
                        ("kind", "=", "conflict"),
                        ("state", "=", "open"),
                        ("res_model", "=", self._xero_model),
                    ]
                )
                .mapped("res_id")
            )
        return record.id in sync.cache["conflicts"]

    # ----------------------------------------------------------- tombstones
    def _xero_import_tombstoned(self, sync, xero_record, binding):
        """The Odoo record of ``binding`` was deleted: never re-create it behind the user's
        back. A link whose Xero record is now archived, voided or deleted is closed."""
        if binding.state not in TOMBSTONE_STATES:
            # Deleted before Odoo kept tombstones: one now, acted on by the next export.
            binding.write({"state": "deleted"})
        if binding.state == "deleted" and self._xero_tombstone_settled(sync, xero_record):
            self._xero_close_tombstones(sync, binding, "import")
        name = self._xero_remote_name(sync, xero_record)
        note = self.env._(
            "deleted in Odoo: not re-created (to bring it back, click Restore in Odoo on its "
            "link in Xero > Xero Links)"
        )
        self._xero_note_skipped(sync, binding, name, note)
        return "skipped", None, None

    def _xero_note_skipped(self, sync, binding, name, note):
        """A run line for a skipped record (the recorder only counts skipped ones)."""
        sync.recorder.lines.append(
            {
                "run_id": sync.run.id,
                "result": "skipped",
                "res_model": binding.res_model,
                "res_id": binding.res_id,
                "record_name": name,
                "xero_id": binding.xero_id or False,
                "note": note,
            }
        )

    def _xero_tombstone_name(self, sync, binding):
        return (
            binding.deleted_name
            or binding.xero_number
            or self.env["xero.mismatch.log"]._unnamed(self._xero_key, binding.xero_id)
        )

    def _xero_tombstone_payload(self, sync, binding):
        """What archives or deletes the Xero record of a deleted Odoo record; None: nothing
        to send (the link is closed, the Xero record left as it is)."""
        return None

    def _xero_tombstone_send(self, sync, bindings, payloads):
        """-> one ElementResult per payload."""
        return self._xero_send(sync, payloads)

    def _xero_tombstone_settled(self, sync, xero_record):
        """True when the Xero record is archived, voided or deleted already."""
        return False

    def _xero_tombstone_hint(self, sync, binding, messages):
        return self.env._(
            "%(name)s was deleted in Odoo, but Xero refused to archive or delete it. Archive, "
            "void or delete it in Xero yourself (then click Leave in Xero on its link in Xero > "
            "Xero Links), or click Restore in Odoo on that link to import it again.",
            name=self._xero_tombstone_name(sync, binding),
        )

    def _xero_close_tombstones(self, sync, bindings, direction):
        bindings.write(
            {
                "state": "closed",
                "last_error": False,
                "last_sync_at": fields.Datetime.now(),
                "last_direction": direction,
            }
        )
        self.env["xero.mismatch.log"]._resolve(
            sync.account,
            self._xero_key,
            "export",
            res_model=bindings[:1].res_model,
            res_ids=bindings.mapped("res_id"),
        )

    def _xero_export_tombstones(self, sync, records=None):
        """Tell Xero about the Odoo records deleted since the last export (of ``records``
        only, when given): archive or delete their Xero records, then close their links.
        What Xero refuses stays a tombstone with a mismatch entry, not sent again until
        Retry (``sync.force``)."""
        scope = {"res_model": records._name, "records": records} if records is not None else {}
        tombstones = self._xero_bindings(sync)._xero_find(
            sync.account, self._xero_key, states=["deleted"], **scope
        )
        if not tombstones:
            return
        refused = {
            (r["res_id"], r["payload_hash"])
            for r in self.env["xero.mismatch.log"]
            .sudo()
            .search_read(
                [
                    ("account_id", "=", sync.account.id),
                    ("object_key", "=", self._xero_key),
                    ("direction", "=", "export"),
                    ("state", "=", "open"),
                    ("res_id", "in", tombstones.mapped("res_id")),
                    ("payload_hash", "!=", False),
                ],
                ["res_id", "payload_hash"],
            )
        }
        close, send, resend = self._xero_bindings(sync), [], False
        for binding in tombstones:
            payload = self._xero_tombstone_payload(sync, binding) if binding.xero_id else None
            again = payload is not None and (binding.res_id, payload_hash(payload)) in refused
            if payload is None:
                close |= binding
            elif sync.force or not again:
                send.append((binding, payload))
                resend = resend or again
            else:
                sync.recorder.add("skipped")
        if close and not sync.dry_run:
            self._xero_close_tombstones(sync, close, "export")
        for start in range(0, len(send), BATCH_SIZE):
            chunk = send[start : start + BATCH_SIZE]
            if sync.dry_run:
                results = [ElementResult(i, UPDATED, p, xero_id=b.xero_id) for i, (b, p) in enumerate(chunk)]
            else:
                # A retry of what Xero refused: not the refusal's Idempotency-Key again.
                sync.client.idempotency_salt = f"retry-{sync.run.id}" if resend else None
                try:
                    results = self._xero_tombstone_send(sync, [b for b, __ in chunk], [p for __, p in chunk])
                finally:
                    sync.client.idempotency_salt = None
            for (binding, payload), result in zip(chunk, results):
                name = self._xero_tombstone_name(sync, binding)
                if result.status in (CREATED, UPDATED):
                    if not sync.dry_run:
                        self._xero_close_tombstones(sync, binding, "export")
                    sync.recorder.add(
                        "updated",
                        xero_id=binding.xero_id,
                        name=name,
                        note=self.env._("deleted in Odoo: archived or deleted in Xero"),
                    )
                    continue
                messages = [
                    self.env._(
                        "%(name)s was deleted in Odoo; Xero refused to archive or delete it:", name=name
                    )
                ] + list(result.messages)
                sync.mismatch(
                    "export",
                    kind="validation",
                    record_name=name,
                    res_model=binding.res_model,
                    res_id=binding.res_id,
                    xero_id=binding.xero_id,
                    messages=messages,
                    hint=self._xero_tombstone_hint(sync, binding, result.messages),
                    payload=payload,
                    payload_hash=payload_hash(payload),
                )
                binding.write({"last_error": "\n".join(messages)})
                sync.recorder.add(
                    "failed", xero_id=binding.xero_id, name=name, note=(result.messages or [""])[0][:200]
                )
            sync.checkpoint(len(chunk))

    # ------------------------------------------------------------- matching
    def _xero_match_index(self, sync):
        """``{neutral key: {normalised value: {ids}}}`` of the unbound Odoo records."""
        if "match_index" in sync.cache:
            return sync.cache["match_index"]
        bound = self._xero_bound_ids(sync)
        sync.cache.setdefault("bound", set()).update(bound)
        model = self._xero_records_model(sync)
        fnames = sorted({field for __, field, __ in self._xero_match_keys})
        index = {key: {} for key, __, __ in self._xero_match_keys}
        if fnames:
            rows = model.search_read(self._xero_match_domain(sync), ["id"] + fnames)
            for row in rows:
                if row["id"] in bound:
                    continue
                for key, field, normalise in self._xero_match_keys:
                    value = normalise(row[field]) if row[field] else ""
                    if value:
                        index[key].setdefault(value, set()).add(row["id"])
        sync.cache["match_index"] = index
        return index

    def _xero_match(self, sync, neutral):
        """-> (record, ambiguous candidate ids): the first key that matches decides."""
        if self.env.context.get("xero_no_match"):
            return None, None
        index = self._xero_match_index(sync)
        bound = sync.cache.get("bound", set())
        for key, __, normalise in self._xero_match_keys:
            value = normalise(neutral.get(key)) if neutral.get(key) else ""
            if not value:
                continue
            ids = index[key].get(value, set()) - bound
            if len(ids) == 1:
                return self._xero_records_model(sync).browse(ids.pop()), None
            if len(ids) > 1:
                return None, ids
        return None, None

    # ================================================================= export
    def _xero_export_candidates(self, sync):
        """Bound records changed since their last export, then new records."""
        model = self._xero_records_model(sync)
        bindings = self._xero_bindings(sync)._xero_find(
            sync.account, self._xero_key, states=("pending", "error"), primary=True
        )
        records = model.browse(bindings.mapped("res_id")).exists()
        if sync.settings._allows("create"):
            bound = self._xero_bound_ids(sync)
            domain = self._xero_export_domain(sync)
            if sync.settings.export_domain:
                from odoo.tools.safe_eval import safe_eval

                domain = domain + safe_eval(sync.settings.export_domain)
            new = model.search(domain, order="id")
            records |= new.filtered(lambda r: r.id not in bound)
        return records

    def _xero_refused_unsent(self, sync, domain):
        """Records matching ``domain`` that were never sent but keep an open export entry
        (e.g. cancelled in Odoo after the export was refused): exported again, so that the
        entry closes when nothing is left to send (``_xero_nothing_to_send``)."""
        entries = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", sync.account.id),
                    ("object_key", "=", self._xero_key),
                    ("direction", "=", "export"),
                    ("state", "=", "open"),
                    ("res_model", "=", self._xero_model),
                    ("res_id", "!=", False),
                ]
            )
        )
        bound = self._xero_bound_ids(sync)
        ids = [i for i in set(entries.mapped("res_id")) if i not in bound]
        return (
            self._xero_records_model(sync).search(domain + [("id", "in", ids)])
            if ids
            else self._xero_records_model(sync)
        )

    def _xero_nothing_to_send(self, sync, item):
        """``item`` needs nothing in Xero (cancelled before it was ever sent): what Xero
        refused about it no longer applies."""
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "export", res_model=item.record._name, res_ids=[item.record.id]
        )
        sync.recorder.add("skipped", item.record)
        return False

    def _xero_export(self, sync, records=None):
        self._xero_resolve_inflight(sync)
        writes = sync.client.writes
        try:
            self._xero_export_records(sync, records)
        except BaseException:
            sync.settings.import_known_current = False
            raise
        if sync.client.writes != writes:
            self._xero_check_known_after(sync, sync.cache.get("known_since"))

    def _xero_export_records(self, sync, records):
        self._xero_export_tombstones(sync, records)
        if records is None:
            records = self._xero_export_candidates(sync)
        records = records.with_company(sync.company).with_context(active_test=False).exists()
        if not records:
            return
        self._xero_export_dependencies(sync, records)
        binding_list = self._xero_bindings(sync)._xero_find(sync.account, self._xero_key, records=records)
        bindings = {b.res_id: b for b in binding_list}
        self._xero_remember(sync, binding_list)
        # What Xero already refused, per record: not sent again until it changes.
        refused = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search_read(
                [
                    ("account_id", "=", sync.account.id),
                    ("object_key", "=", self._xero_key),
                    ("direction", "=", "export"),
                    ("state", "=", "open"),
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("payload_hash", "!=", False),
                ],
                ["res_id", "payload_hash"],
            )
        )
        sync.cache["refused"] = {(r["res_id"], r["payload_hash"]) for r in refused}
        sync.recorder.total += len(records)  # progress: the records this export looks at
        snapshots = self._xero_snapshot(sync, records)
        items = []
        for record in records:
            item = ExportItem(record, bindings.get(record.id), snapshots[record.id])
            if self._xero_prepare(sync, item):
                items.append(item)
        items = self._xero_meet_remote_changes(sync, items)
        new_items = [item for item in items if not item.xero_id]
        if new_items:
            dropped = self._xero_prematch(sync, new_items)
            items = [item for item in items if item not in dropped and self._xero_still_sendable(sync, item)]
        if items:
            sync.cache["known_since"] = self._xero_check_known_before(sync, len(items))
        for start in range(0, len(items), BATCH_SIZE):
            chunk = items[start : start + BATCH_SIZE]
            if sync.dry_run:
                results = self._xero_dry_results(chunk)
            else:
                # Resending what Xero refused (Retry): not the refusal's Idempotency-Key again.
                refused = sync.cache.get("refused", ())
                sync.client.idempotency_salt = (
                    f"retry-{sync.run.id}"
                    if any((item.record.id, item.hash) in refused for item in chunk)
                    else None
                )
                # A clean stop: nothing marked in flight for a batch Xero's day cannot take.
                sync.client.check_day_budget(1)
                self._xero_mark_inflight(sync, chunk)
                results = self._xero_send(sync, [item.payload for item in chunk])
                sync.client.idempotency_salt = None
            accepted = []
            for item, result in zip(chunk, results):
                if item.inflight and result.status not in (CREATED, UPDATED):
                    self._xero_drop_inflight(sync, item)  # Xero did not create it
                if self._xero_export_result(sync, item, result):
                    accepted.append(item)
            landed = self._xero_bindings(sync).browse(
                [item.inflight.id for item in accepted if item.inflight]
            )
            if landed:
                landed.write({"inflight_token": False, "inflight_at": False})
            if accepted:
                # Accepted records close their open entries, one query per batch.
                self.env["xero.mismatch.log"]._resolve(
                    sync.account,
                    self._xero_key,
                    "export",
                    res_model=self._xero_model,
                    res_ids=[item.record.id for item in accepted],
                )
                if not sync.dry_run:
                    self._xero_after_export(sync, accepted)
            sync.checkpoint(len(chunk), more=start + BATCH_SIZE < len(items))

    # ------------------------------------- what Xero changed is what Odoo holds
    # An incremental import re-reads every record changed since its cursor (less an
    # overlap), this connector's own exports included: at 1,000 records a page, the re-read
    # of a large export costs several calls and finds nothing new. When Odoo is known to hold
    # Xero's versions (``import_known_current``), one read tells the same: Xero's count of
    # the records changed since then equals the number of those Odoo holds at that date or
    # later, and the most recently changed one is held at Xero's version. Sound because any
    # change in Xero after Odoo last looked is newer than every version Odoo holds, so it is
    # either counted in excess or is the newest; what keeps the flag true: an import that
    # read (and took) every change sets it, an export checks Xero in the same way before its
    # first write and, after its last, that nothing but its own writes changed meanwhile.
    # The one change it cannot tell: a record the same export created or updated, edited in
    # Xero before that export ended (a few seconds to minutes); webhooks and the periodic full
    # reconcile (``full_sync_days``) read it. Any doubt reads as before.
    # Records held below this many, the normal read takes one call anyway: no check then.
    _xero_known_check_min = MAX_PAGE_SIZE

    def _xero_known_checkable(self, sync):
        spec = collection(self._xero_collection)
        return bool(spec.paged and spec.page_size and spec.modified_since and not sync.dry_run)

    def _xero_known_count(self, sync, since):
        """Xero records Odoo holds at a version of ``since`` or later (naive UTC; None: all)."""
        return self._xero_bindings(sync)._xero_known_versions(sync.account, self._xero_key, since)

    def _xero_known_since(self, sync, since, counted=None):
        """True when what Xero changed since ``since`` is exactly what Odoo holds, at Xero's
        versions (one read). The second of ``since`` is moved back until it holds no known
        version, so that Xero's "since" reads alike whether it counts that second or not.
        ``counted``: ``(since, count)`` the caller has just counted (not counted again)."""
        Binding = self._xero_bindings(sync)
        if since:
            since = since.replace(microsecond=0)
            for __ in range(10):
                if not Binding._xero_known_versions(sync.account, self._xero_key, since, exact=True):
                    break
                since -= timedelta(seconds=1)
            else:
                return False
        count, newest = sync.client.changes_since(
            self._xero_collection,
            params=dict(self._xero_import_params),
            if_modified_since=since.replace(tzinfo=timezone.utc) if since else None,
        )
        if count is None:
            return False
        known = counted[1] if counted and counted[0] == since else self._xero_known_count(sync, since)
        if count != known:
            return False
        if not count:
            return True
        spec = collection(self._xero_collection)
        if validate.problems(newest, spec):
            return False
        binding = self._xero_bindings_by_xero_id(sync, [newest[spec.id_field]]).get(newest[spec.id_field])
        return bool(binding) and not self._xero_remote_changed(sync, newest, binding)

    def _xero_nothing_new(self, sync, ims):
        """An incremental import's check (``ims``: its If-Modified-Since): True, with the
        cursor moved to the newest change, when Xero changed nothing that Odoo lacks."""
        settings = sync.settings
        since = naive_utc(ims) if ims else None
        if not (settings.import_known_current and self._xero_known_checkable(sync)):
            return False
        known = self._xero_known_count(sync, since)
        if known < self._xero_known_check_min:
            return False
        if not self._xero_known_since(sync, since, counted=(since, known)):
            return False
        newest = self._xero_bindings(sync)._xero_newest_version(sync.account, self._xero_key)
        ceiling = naive_utc(sync.client.server_time) or fields.Datetime.now()
        if newest and (not settings.import_cursor or min(newest, ceiling) > settings.import_cursor):
            settings.import_cursor = min(newest, ceiling)
        return True

    def _xero_check_known_before(self, sync, sending):
        """Before an export sends ``sending`` records: -> the moment (naive UTC, Xero's
        clock) from which its own writes are told apart, or None when Odoo is not known to
        hold Xero's versions, or the next import's one read would not spare a call (then the
        export, once it wrote, leaves the flag off: the next import reads as before)."""
        settings = sync.settings
        if not (
            settings.import_known_current and self._xero_known_checkable(sync) and settings._does("import")
        ):
            return None
        cursor = settings.import_cursor
        since = cursor - IMPORT_OVERLAP if cursor else None
        known = self._xero_known_count(sync, since)
        if known + sending < self._xero_known_check_min:
            return None
        if not self._xero_known_since(sync, since, counted=(since, known)):
            settings.import_known_current = False
            return None
        return naive_utc(sync.client.server_time) - timedelta(seconds=1) if sync.client.server_time else None

    def _xero_check_known_after(self, sync, since):
        """After an export wrote: the flag holds only if nothing but its own writes changed in
        Xero since ``since``."""
        if since is None or not self._xero_known_since(sync, since):
            sync.settings.import_known_current = False

    # ------------------------------------------------ changed in Xero meanwhile
    # An update is sent only once Xero's current version has been looked at: what changed in
    # Xero since the last exchange goes through the import's conflict check first (False:
    # the object's updates cannot lose a Xero edit, e.g. a payment is only ever deleted).
    _xero_export_reads_remote = True
    # Xero dates the object's records (UpdatedDateUTC): an undated one is not looked at.
    _xero_remote_dated = True

    def _xero_remote_known(self, binding):
        """Whether ``binding`` holds a Xero version to compare Xero's current one with."""
        return bool(binding.xero_updated_at) and binding.state != "inflight"

    def _xero_meet_remote_changes(self, sync, items):
        """The items still to send, after Xero's current versions of the updates were read
        (one read per 50 records; ``_xero_current_versions``). A record Xero changed since the
        last exchange is handled as the import would handle it before anything is sent:
        Xero's change applied in Odoo when Odoo has none (nothing sent), merged with Odoo's
        (the merged record sent), the object's "Changed on Both Sides" policy, or under "ask"
        a conflict entry and nothing sent. Never Odoo's version over an unseen Xero edit."""
        if (
            sync.dry_run
            or not self._xero_export_reads_remote
            or not self._xero_updatable
            or self.env.context.get("xero_conflict_take") == "odoo"
        ):
            return items  # (Keep Odoo's on a conflict entry: the user saw Xero's and chose)
        checked = [
            item for item in items if item.xero_id and item.binding and self._xero_remote_known(item.binding)
        ]
        if not checked:
            return items
        current = self._xero_current_versions(sync, [item.xero_id for item in checked])
        kept = []
        for item in items:
            xero_record = current.get(item.xero_id) if item in checked else None
            if (
                xero_record is None
                or (self._xero_remote_dated and not xero_record.get("UpdatedDateUTC"))
                or not self._xero_remote_changed(sync, xero_record, item.binding)
            ):
                if xero_record is not None:
                    self._xero_note_attachments(item.binding, xero_record)
                kept.append(item)
                continue
            fresh = self._xero_meet_remote_change(sync, item, xero_record)
            if fresh:
                kept.append(fresh)
        return kept

    def _xero_current_versions(self, sync, xero_ids):
        """``{xero_id: record}`` of what Xero holds now for ``xero_ids`` (by Xero's IDs
        filter, a where on the ID, or for a small unpaged collection one read of it all)."""
        spec = collection(self._xero_collection)
        wanted = set(xero_ids)
        kwargs = {}
        if spec.ids_filter or (spec.paged and all(GUID.fullmatch(str(x)) for x in wanted)):
            kwargs["ids"] = sorted(wanted)
        found = {}
        for page in sync.client.iter_pages(
            self._xero_collection, params=dict(self._xero_import_params), **kwargs
        ):
            for xero_record in page:
                if (
                    isinstance(xero_record, dict)
                    and xero_record.get(spec.id_field) in wanted
                    and not validate.problems(xero_record, spec)
                ):
                    found[xero_record[spec.id_field]] = xero_record
        return found

    def _xero_meet_remote_change(self, sync, item, xero_record):
        """Xero changed ``item``'s record since the last exchange: the import's answer first
        (in a savepoint); -> the item to send (rebuilt from Odoo's record as it is now), or
        None when nothing is to be sent."""
        record, binding = item.record, item.binding
        try:
            with sync.forcing(False), self.env.cr.savepoint():
                result, __, note = self._xero_import_one(sync, xero_record, binding)
        except (psycopg2.OperationalError, XeroDayLimitError):
            raise
        except (MappingError, UserError, ValidationError) as exc:
            message = getattr(exc, "message", None) or (exc.args[0] if exc.args else str(exc))
            self._xero_export_failed(
                sync,
                item,
                [
                    self.env._(
                        "%(name)s was changed in Xero since the last sync, and Xero's version could "
                        "not be taken into Odoo, so Odoo's was not sent over it:",
                        name=record.display_name,
                    ),
                    message,
                ],
                self.env._("Fix what the message names (in Odoo or in Xero), then click Retry."),
                "error",
            )
            return None
        if result == "failed":  # a conflict entry (ask): neither side written
            sync.recorder.add("failed", record, xero_id=item.xero_id, note=note)
            return None
        if binding.state not in ("pending", "error"):
            # Odoo had nothing of its own to send: Xero's version is now Odoo's too.
            sync.recorder.add("skipped", record)
            sync.recorder.line(
                "skipped",
                record,
                xero_id=item.xero_id,
                note=note
                or self.env._(
                    "changed in Xero since the last sync: Xero's version was taken into Odoo, "
                    "nothing was sent"
                ),
            )
            return None
        # Odoo's change still goes (merged with Xero's, or the object's policy says Odoo's).
        fresh = ExportItem(record, binding, self._xero_snapshot(sync, record)[record.id])
        if note:
            sync.cache.setdefault("linked_notes", {})[record.id] = note
        return fresh if self._xero_prepare(sync, fresh) else None

    # ------------------------------------------------- exactly once per element
    def _xero_mark_inflight(self, sync, chunk):
        """Record each new element of ``chunk`` as in flight before it is sent: a binding
        without Xero ID, state "inflight", holding what identifies it in Xero (a token the
        connector places in the element's Url or Reference, or the name or code Xero keeps
        unique: INFLIGHT_FIELDS). Committed before the send when the run commits per batch
        (crons, the command line), so that a crash between Xero's commit and Odoo's leaves
        the trace ``_xero_resolve_inflight`` follows on the next run. (Not in a separate
        cursor: the run's own transaction could not see, hence not update, a row committed
        after it began.)"""
        field, kind = INFLIGHT_FIELDS.get(self._xero_collection, (None, None))
        # Updates: what is sent, so that Xero holding it after a crash reads as Odoo's own
        # change that landed, not as a Xero edit (``_xero_own_echo``).
        for item in chunk:
            if item.xero_id and item.binding and item.binding.synced_values:
                item.binding.synced_values = dict(item.binding.synced_values, sending=_canon(item.neutral))
        new = [item for item in chunk if not item.xero_id and not item.binding]
        if not field or not new:
            if sync.commit_hook and any(item.xero_id for item in chunk):
                sync.checkpoint(0)
            return
        # Xero dates its records by its own clock: the earlier of the two is the safe one.
        stamp = fields.Datetime.now()
        if sync.client.server_time:
            stamp = min(stamp, naive_utc(sync.client.server_time))
        marked, vals_list = [], []
        for item in new:
            if kind == "token":
                token = uuid.uuid4().hex[:12]
                item.payload = dict(item.payload, **{field: self._xero_inflight_place(item, field, token)})
            else:
                token = (item.payload.get(field) or "").strip().lower()
                if not token:
                    continue
            marked.append(item)
            vals_list.append(
                {
                    "account_id": sync.account.id,
                    "object_key": self._xero_key,
                    "res_model": item.record._name,
                    "res_id": item.record.id,
                    "state": "inflight",
                    "inflight_token": token,
                    "inflight_at": stamp,
                    "payload_hash": item.hash,
                    "last_direction": "export",
                }
            )
        bindings = self._xero_bindings(sync).create(vals_list)
        for item, binding in zip(marked, bindings):
            item.inflight = binding
        self._xero_remember(sync, bindings)
        if sync.commit_hook:
            sync.checkpoint(0)

    def _xero_inflight_place(self, item, field, token):
        """The value of ``field`` carrying ``token``: the Odoo record's address for a Url
        (Xero shows it as a link back to the document), the reference with the token after
        it otherwise."""
        record = item.record
        if field == "Url":
            base = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
            return f"{base.rstrip('/')}/odoo/{record._name}/{record.id}?xero={token}"
        return f"{item.payload.get(field) or ''} [odoo:{token}]".strip()

    @staticmethod
    def _xero_inflight_value(xero_record, field, kind):
        value = xero_record.get(field)
        if not isinstance(value, str):
            return None
        if kind == "token":
            found = INFLIGHT_TOKEN.search(value)
            return found.group(1) if found else None
        return value.strip().lower() or None

    def _xero_drop_inflight(self, sync, item):
        binding, item.inflight = item.inflight, None
        sync.cache.get("binding_of", {}).pop(item.record.id, None)
        binding.unlink()

    def _xero_resolve_inflight(self, sync):
        """First thing of every run: elements an interrupted run sent as new and did not
        record the answer for. One read of what Xero changed since they were sent finds
        those Xero created (by the token or unique value they carry): they are bound, and
        left to export (sent as updates if the Odoo record changed since, skipped
        otherwise). The others were not created: their in-flight record goes, they are new
        again."""
        field, kind = INFLIGHT_FIELDS.get(self._xero_collection, (None, None))
        if not field or sync.dry_run:
            return
        # Deleted in Odoo while in flight: a tombstone still carrying its token.
        inflight = self._xero_bindings(sync)._xero_inflight(sync.account, self._xero_key)
        if not inflight:
            return
        spec = collection(self._xero_collection)
        since = min(inflight.mapped("inflight_at")) - INFLIGHT_MARGIN
        found = {}
        for xero_record in sync.client.iter_records(
            self._xero_collection,
            if_modified_since=since.replace(tzinfo=timezone.utc),
            params=dict(self._xero_import_params),
        ):
            if not isinstance(xero_record, dict) or validate.problems(xero_record, spec):
                continue
            value = self._xero_inflight_value(xero_record, field, kind)
            if value:
                found.setdefault(value, xero_record)
        taken = self._xero_bindings_by_xero_id(sync, [r[spec.id_field] for r in found.values()])
        self._xero_remember(sync, inflight)
        for binding in inflight:
            record = binding._record().with_company(sync.company)
            xero_record = found.get(binding.inflight_token)
            if binding.state == "deleted" and xero_record and xero_record[spec.id_field] not in taken:
                # Xero has it: the tombstone export that follows archives or deletes it.
                binding.write(
                    {"xero_id": xero_record[spec.id_field], "inflight_token": False, "inflight_at": False}
                )
                continue
            if not xero_record or not record.exists() or xero_record[spec.id_field] in taken:
                sync.cache["binding_of"].pop(binding.res_id, None)
                binding.unlink()
                continue
            try:
                neutral = self._xero_from_xero(sync, xero_record)
            except MappingError:
                neutral = {"xero_id": xero_record[spec.id_field]}
            binding = self._xero_bind(sync, record, xero_record, neutral, "export", binding.payload_hash)
            binding.write({"state": "pending", "inflight_token": False, "inflight_at": False})
            taken[xero_record[spec.id_field]] = binding
            sync.recorder.add(
                "updated",
                record,
                xero_id=xero_record[spec.id_field],
                note=self.env._("found in Xero after an interrupted export"),
            )
        sync.checkpoint(0)

    def _xero_prepare(self, sync, item):
        """Build the payload; False when there is nothing to send (counted/logged here)."""
        settings = sync.settings
        record = item.record
        if item.binding and not item.binding.is_primary:
            # An extra mapping to a Xero record another Odoo record exports (taxes).
            sync.recorder.add("skipped", record)
            return False
        if item.binding and self._xero_in_conflict(sync, record):
            sync.recorder.add("skipped", record)
            sync.recorder.line(
                "skipped",
                record,
                xero_id=item.xero_id,
                note=self.env._(
                    "changed in Odoo and in Xero: waits for Keep Odoo's / Keep Xero's on its conflict entry"
                ),
            )
            return False
        try:
            item.payload = self._xero_to_xero(sync, item.neutral, item.xero_id)
        except MappingError as exc:
            message, hint = mapping_texts(self.env, exc)
            self._xero_export_failed(sync, item, [message], hint, exc.kind, blocking=exc.blocking)
            return False
        item.hash = self._xero_hash(sync, item.neutral, item.payload)
        if item.binding and item.binding.payload_hash == item.hash and not sync.force:
            item.binding.write({"state": "synced", "last_error": False})
            sync.recorder.add("skipped", record)
            return False
        if not sync.force and (record.id, item.hash) in sync.cache.get("refused", ()):
            # Xero already refused exactly this; don't spend a call until it changes (or Retry).
            sync.recorder.add("skipped", record)
            return False
        if item.binding and item.xero_id and (not settings._allows("update") or not self._xero_updatable):
            sync.recorder.add("skipped", record, note=self.env._("updates are off"))
            return False
        return True

    def _xero_still_sendable(self, sync, item):
        if item.xero_id and not sync.settings._allows("update"):
            sync.recorder.add("skipped", item.record, note=self.env._("linked; updates are off"))
            return False
        return True

    def _xero_export_result(self, sync, item, result):
        record = item.record
        if result.status in (CREATED, UPDATED):
            xero_record = result.record or {}
            status = "created" if result.status == CREATED and not item.binding else "updated"
            item.binding = self._xero_bind(sync, record, xero_record, item.neutral, "export", item.hash)
            # Linked by the pre-match just before (``linked_notes``): the line says to what.
            notes = [sync.cache.get("linked_notes", {}).pop(record.id, None)]
            sync.recorder.add(
                status,
                record,
                xero_id=result.xero_id,
                note="; ".join(filter(None, notes + list(result.warnings))) or None,
            )
            return True
        self._xero_export_failed(sync, item, result.messages, self._xero_hint(result.messages), "validation")
        return False

    def _xero_export_failed(self, sync, item, messages, hint, kind, blocking=None):
        record = item.record
        # Xero refused to create it: another Xero record has its name or code.
        clash = clash_field(messages) if kind == "validation" else None
        if clash and item.xero_id:
            # Already linked: renamed in Odoo to what another Xero record is called.
            hint = self.env._(
                "Another Xero record already has this %(field)s, so %(name)s cannot take it. "
                "Change the %(field)s in Odoo, or rename or archive the other record in Xero "
                "(Resolve links records differently); then click Retry.",
                field=clash,
                name=record.display_name,
            )
            clash = None
        elif clash:
            hint = self.env._(
                "Xero already has a record with this %(field)s. Click Link to Existing Xero "
                "Record to link %(name)s to it (Odoo's values are then sent to it as an "
                "update), or change the %(field)s in Odoo; then click Retry.",
                field=clash,
                name=record.display_name,
            )
        sync.mismatch(
            "export",
            kind=kind,
            record_name=record.display_name,
            res_model=record._name,
            res_id=record.id,
            xero_id=item.xero_id,
            messages=messages,
            hint=hint,
            payload=item.payload,
            payload_hash=item.hash,
            blocking=blocking,
            clash_field=clash,
        )
        if item.binding:
            item.binding.write({"state": "error", "last_error": "\n".join(messages)})
        sync.recorder.add("failed", record, xero_id=item.xero_id, note=(messages or [""])[0][:200])

    # ---------------------------------------------------- export pre-matching
    def _xero_remote_records(self, sync, items):
        """Xero records that new ``items`` could duplicate (by their unique key)."""
        spec = collection(self._xero_collection)
        if not spec.paged:
            if "remote_all" not in sync.cache:
                sync.cache["remote_all"] = [
                    r
                    for r in sync.client.iter_records(
                        self._xero_collection, params=dict(self._xero_import_params)
                    )
                    if not validate.problems(r, spec)
                ]
            return sync.cache["remote_all"]
        from ..xero import where_equals

        # Xero's uniqueness ignores case: compare lower-cased. Numbers (ContactNumber) too,
        # since Xero updates the record owning a number a new record is POSTed with.
        clauses = {}
        for item in items:
            if (item.neutral.get(self._xero_unique_key) or "").strip():
                clauses.setdefault(
                    where_equals(
                        f"{self._xero_unique_field}.ToLower()",
                        item.neutral[self._xero_unique_key].strip().lower(),
                    ),
                    [],
                ).append(item)
        if self._xero_remote_number:
            key, field = self._xero_remote_number
            for item in items:
                if (item.neutral.get(key) or "").strip():
                    clauses.setdefault(where_equals(field, item.neutral[key].strip()), []).append(item)
        return self._xero_lookup(sync, clauses)

    def _xero_lookup(self, sync, clauses):
        """Xero records matching any of ``clauses`` (``{where clause: items}``), read
        REMOTE_LOOKUP_CHUNK clauses at a time. A read Xero refuses (400) is split in halves
        until the clause at fault is alone: the items of that clause are logged and not sent
        (they might duplicate a record Xero has), the others go on. Records Odoo cannot read
        (see ``validate``) are left out."""
        spec = collection(self._xero_collection)
        pending = list(url_chunks(sorted(clauses), " OR ", REMOTE_LOOKUP_CHUNK))
        found, seen = [], set()
        while pending:
            chunk = pending.pop(0)
            try:
                records = list(sync.client.iter_records(self._xero_collection, where=" OR ".join(chunk)))
            except XeroValidationError as exc:
                if len(chunk) > 1:
                    pending[:0] = [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
                else:
                    self._xero_lookup_refused(sync, clauses[chunk[0]], exc)
                continue
            for record in records:
                if not validate.problems(record, spec) and record[spec.id_field] not in seen:
                    seen.add(record[spec.id_field])
                    found.append(record)
        return found

    def _xero_lookup_refused(self, sync, items, exc):
        refused = sync.cache.setdefault("lookup_refused", set())
        for item in items:
            if item in refused:
                continue
            refused.add(item)
            record = item.record
            sync.mismatch(
                "export",
                kind="validation",
                record_name=record.display_name,
                res_model=record._name,
                res_id=record.id,
                messages=[
                    self.env._(
                        "Xero refused the search for %(record)s that comes before creating it:",
                        record=record.display_name,
                    )
                ]
                + (exc.messages or [exc.message]),
                hint=self.env._(
                    "Without that search the record could duplicate one Xero already has, so "
                    "it was not sent (the other records were). Change its %(field)s in Odoo "
                    "(e.g. remove unusual characters), then click Retry.",
                    field=self._xero_unique_field,
                ),
            )
            sync.recorder.add("failed", record, note=(exc.messages or [exc.message])[0][:200])

    def _xero_prematch(self, sync, items):
        """Link new records to the Xero record they would duplicate; refuse to guess.

        Returns the items not to send: those sharing a unique key with another new item, or
        matching a Xero record another Odoo record holds, logged as ambiguous. Linked items
        get their Xero ID and are sent as updates.
        """
        if self.env.context.get("xero_no_match"):
            return []
        spec = collection(self._xero_collection)
        key = self._xero_unique_key
        number_key = self._xero_remote_number[0] if self._xero_remote_number else None
        remote, numbers = {}, {}
        for xero_record in self._xero_remote_records(sync, items):
            neutral = self._xero_from_xero(sync, xero_record)
            value = normalize_name(neutral.get(key))
            if value:
                remote.setdefault(value, []).append((xero_record, neutral))
            if number_key and (neutral.get(number_key) or "").strip():
                numbers[("number", neutral[number_key].strip())] = [(xero_record, neutral)]
        remote.update(numbers)
        # Items whose search Xero refused are already logged: never sent.
        refused = sync.cache.pop("lookup_refused", set())
        dropped = [item for item in items if item in refused]
        groups = {}
        for item in items:
            if item in refused:
                continue
            # The number decides first (match order: ID, number, name), then the name.
            number = (item.neutral.get(number_key) or "").strip() if number_key else ""
            group_key = (
                ("number", number) if ("number", number) in numbers else normalize_name(item.neutral.get(key))
            )
            groups.setdefault(group_key, []).append(item)
        bound = self._xero_bindings_by_xero_id(
            sync, [x.get(spec.id_field) for pairs in remote.values() for x, __ in pairs]
        )
        for value, group in groups.items():
            matches = remote.get(value, []) if value else []
            taken = [x for x, __ in matches if x.get(spec.id_field) in bound]
            free = [(x, n) for x, n in matches if x.get(spec.id_field) not in bound]
            if len(group) > 1 or len(free) > 1 or (taken and not free):
                self._xero_log_duplicate(sync, group, matches, taken)
                dropped.extend(group)
                continue
            if free:
                xero_record, neutral = free[0]
                item = group[0]
                item.xero_id = xero_record.get(spec.id_field)
                item.payload = self._xero_to_xero(sync, item.neutral, item.xero_id)
                item.hash = self._xero_hash(sync, item.neutral, item.payload)
                same = self._xero_same_as_remote(sync, item, neutral)
                item.binding = self._xero_bind(
                    sync, item.record, xero_record, neutral, "export", item.hash if same else None
                )
                if same or not self._xero_updatable:
                    # Linked to what Xero already has: nothing to send.
                    sync.recorder.add(
                        "updated",
                        item.record,
                        xero_id=item.xero_id,
                        note=self.env._("linked to the existing Xero record"),
                    )
                    dropped.append(item)
                else:
                    # Linked by what Xero itself keeps unique (a contact's Name or number, an
                    # item's Code): the same record, updated with Odoo's values; the run line
                    # says what it was linked to.
                    item.binding.state = "pending"
                    sync.cache.setdefault("linked_notes", {})[item.record.id] = self.env._(
                        "linked to the existing Xero record %(name)s by its %(field)s",
                        name=self._xero_remote_name(sync, xero_record),
                        field=self._xero_remote_number[1]
                        if isinstance(value, tuple)
                        else self._xero_unique_field,
                    )
        return dropped

    def _xero_same_as_remote(self, sync, item, remote_neutral):
        """True when the Xero record already says what ``item`` would send."""
        try:
            remote_payload = self._xero_to_xero(sync, dict(remote_neutral), item.xero_id)
        except MappingError:
            return False
        return payload_hash(remote_payload) == payload_hash(item.payload)

    def _xero_log_duplicate(self, sync, group, matches, taken):
        spec = collection(self._xero_collection)
        records = self.env[self._xero_model].browse([item.record.id for item in group])
        value = group[0].neutral.get(self._xero_unique_key)
        xero_id = matches[0][0].get(spec.id_field) if matches else None
        if taken and len(group) == 1 and not [m for m in matches if m[0] not in taken]:
            holder = self._xero_bindings_by_xero_id(sync, [taken[0].get(spec.id_field)])
            holder_record = next(iter(holder.values()))._record()
            message = self.env._(
                "Xero already has %(name)s, linked to the Odoo record %(other)s. Xero requires "
                "%(field)s to be unique, so %(record)s cannot be created there.",
                name=value,
                other=holder_record.display_name,
                field=self._xero_unique_field,
                record=records.display_name,
            )
            hint = self.env._("Rename one of the two Odoo records, or merge them.")
        elif len(group) > 1:
            message = self.env._(
                "%(count)s Odoo records share the %(field)s %(name)s: %(names)s. Xero requires "
                "it to be unique; none of them was sent.",
                count=len(group),
                field=self._xero_unique_field,
                name=value,
                names=", ".join(records.mapped("display_name")),
            )
            hint = self.env._(
                "Rename all but one, merge them, or click Resolve to link one of them to the Xero record."
            )
        else:
            message = self.env._(
                "Xero has several records named %(name)s; %(record)s was not linked to any.",
                name=value,
                record=records.display_name,
            )
            hint = self.env._("Archive or rename the duplicates in Xero, then click Retry.")
        sync.mismatch(
            "export",
            kind="ambiguous",
            record_name=value,
            res_model=self._xero_model,
            res_id=records[:1].id if len(group) == 1 else False,
            xero_id=xero_id,
            candidate_ids=records.ids,
            messages=[message],
            hint=hint,
        )
        for record in records:
            sync.recorder.add("failed", record, xero_id=xero_id, note=message[:200])


_UNKNOWN = object()


def _canon(neutral):
    """A neutral dict as JSON has it (dates as text, tuples as lists): comparable, storable."""
    return json.loads(json.dumps(neutral, sort_keys=True, default=str))


def _shown(value):
    """A value as a conflict entry shows it."""
    if value in (None, "", [], {}):
        return "(empty)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= 300 else text[:300] + "…"


def _command_ids(value):
    """Ids a x2many write command list sets, or None when it is not a plain set."""
    if isinstance(value, (list, tuple)) and len(value) == 1:
        command = value[0]
        if isinstance(command, (list, tuple)) and command and command[0] == 6:
            return set(command[2])
    if isinstance(value, (list, tuple)) and all(isinstance(i, int) for i in value):
        return set(value)
    return None
