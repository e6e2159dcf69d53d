# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``xero.object.attachments``: Attachments -> Xero: the files attached in Odoo to invoices, bills, credit notes, contacts,
sale orders (Xero quotes) and purchase orders, uploaded to their Xero record.

One binding per Odoo attachment (``res_model`` ir.attachment, ``xero_id`` Xero's
AttachmentID, ``xero_number`` the file name in Xero, ``payload_hash`` the file's checksum,
``xero_data["parent"]`` the record it is attached to), so that a file is uploaded once, again
only when its content changes (POST to the same file name replaces it in Xero), and never
twice after a crash: new uploads are bound "in flight" first, and an interrupted run's are
looked up in Xero's list of the record's attachments before anything is sent again.

A file goes only once its record has its Xero ID (the parent objects run first). What Xero
would refuse (type, size, more than 10 attachments a record) is a mismatch entry before
anything is sent; what Xero refuses is one with Xero's message; the other files go on. An
attachment deleted in Odoo is left in Xero (the API cannot delete attachments): its run line
says so.

Xero -> Odoo, behind the account's "Import Xero Attachments" (off by default): the object's
runs first bring in, in an import run of their own, the files attached in Xero to the records
linked in Odoo, each as an ``ir.attachment`` on its record, bound like the uploads (so a file
Odoo sent is never brought back, and a file brought in is never sent back: its link holds its
checksum). Only records whose Xero version says ``HasAttachments`` are asked for their list,
and only once that version moved since the last look (``attachments_listed_hash`` on their
link): a rerun asks Xero nothing. A file Xero holds under a known name with another
AttachmentID or length was replaced there: it comes in again as a new file, the earlier one
stays in Odoo, its link closed (never sent over Xero's). What Odoo does not bring in (larger
than 25 MB, a type Xero does not take, a download Xero refuses, a file Odoo refuses) is an
import mismatch entry and the other files go on; names are made safe (xero/mapping).
"""

import json

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..xero import (
    XeroAuthError,
    XeroConnectionError,
    XeroError,
    XeroForbidden,
    XeroNotFound,
    XeroRateLimitError,
    XeroServerError,
    XeroValidationError,
)
from ..xero.mapping import attachments as attachment_map
from ..xero.mapping.common import MappingError, payload_hash
from ..xero.validate import safe_json, safe_text
from .xero_mapping_messages import mapping_texts
from .xero_object import BATCH_SIZE

# Objects whose records' attachments are uploaded (their Xero collection takes attachments).
PARENT_KEYS = ("invoices", "bills", "credit_notes", "contacts", "quotes", "purchase_orders")


# Metadata read per attachment; the content only when it is sent, one file at a time.
ATTACHMENT_FIELDS = ("name", "mimetype", "file_size", "checksum", "res_model", "res_id")


def _parent_ref(model, res_id):
    return f"{model},{res_id}"


class AttachmentItem:
    """One file to upload in this run."""

    __slots__ = (
        "attachment",
        "parent",
        "parent_key",
        "parent_xero_id",
        "binding",
        "name",
        "replace",
        "online",
        "inflight",
    )

    def __init__(self, attachment, parent, parent_key, parent_xero_id, binding):
        self.attachment = attachment
        self.parent = parent
        self.parent_key = parent_key
        self.parent_xero_id = parent_xero_id
        self.binding = binding
        self.name = None
        self.replace = bool(binding and binding.xero_id)
        self.online = False
        self.inflight = False


def _refusal(exc):
    """Whether Xero refused this one upload (e.g. 413 too large, 415 type) rather than
    stopping every call (authorisation, limits)."""
    if isinstance(exc, (XeroAuthError, XeroForbidden, XeroRateLimitError)):
        return False
    return bool(exc.status) and 400 <= exc.status < 500


class XeroObjectAttachments(models.AbstractModel):
    _name = "xero.object.attachments"
    _inherit = "xero.object"
    _description = "Xero Attachments"
    _xero_key = "attachments"
    _xero_model = "ir.attachment"
    _xero_can_import = False
    _xero_unique_key = None
    _xero_export_reads_remote = False

    # ------------------------------------------------------------- parents
    def _xero_parent_keys(self):
        implemented = self.env["xero.object"]._xero_objects()
        return [key for key in PARENT_KEYS if key in implemented]

    def _xero_parent_collection(self, key):
        return self.env["xero.object"]._xero_object(key)._xero_collection

    def _xero_online(self, sync, item):
        """IncludeOnline: the account's option, for customer documents only (invoices and
        customer credit notes; Xero has it on Invoices and CreditNotes)."""
        if not sync.account.sudo().attachments_include_online:
            return False
        if item.parent_key == "invoices":
            return True
        return item.parent_key == "credit_notes" and item.parent.move_type == "out_refund"

    def _xero_candidates(self, sync, records=None):
        """``[(attachment id, parent key, parent Xero ID)]`` of the files attached to records
        bound in the account's organisation (with their Xero ID), in id order: not uploaded
        yet or changed since (all of ``records`` when given with ``force``)."""
        return self.env["xero.binding"]._xero_attached_files(
            sync.account,
            self._xero_parent_keys(),
            self._xero_key,
            ids=records.ids if records is not None else None,
            changed_only=records is None or not sync.force,
        )

    def _xero_parent_bindings(self, sync, refs):
        """``{parent ref: attachment bindings}`` of the records ``refs`` (every file Odoo put
        on them in Xero, those deleted in Odoo since included: they are still in Xero)."""
        if not refs:
            return {}
        bindings = self._xero_bindings(sync)._xero_with_parent(sync.account, self._xero_key, refs)
        out = {}
        for binding in bindings:
            data = binding.xero_data or {}
            if data.get("replaced"):
                continue  # a version Xero no longer holds (replaced there by a newer one)
            out.setdefault(data.get("parent"), []).append(binding)
        return out

    # ================================================================ export
    def _xero_export(self, sync, records=None):
        if not sync.dry_run:
            self._xero_resolve_inflight(sync)
            if records is None and self._xero_supports(sync.account, "import"):
                # Xero's files first, in a run of their own: a file replaced in Xero comes in
                # before an Odoo change of the earlier version could be sent over it.
                sync.account._xero_run_object(
                    self._xero_key, "import", trigger="dependency", commit=sync.commit_hook
                )
        if records is None:
            self._xero_note_deleted(sync)
        rows = self._xero_candidates(sync, records)
        if records is not None:
            sent = {row[0] for row in rows}
            for attachment in records.sudo().exists():
                if attachment.id in sent:
                    continue
                sync.recorder.add("skipped", attachment)
                binding = self._xero_binding_of(sync, attachment)
                if not (binding and binding.state == "synced"):
                    sync.recorder.line(
                        "skipped",
                        attachment,
                        note=self.env._(
                            "not sent: the record it is attached to is not in Xero (or not a "
                            "record whose attachments go to Xero)"
                        ),
                    )
        refused = (
            {
                (r["res_id"], r["payload_hash"])
                for r in self.env["xero.mismatch.log"]
                .sudo()
                .search_read(
                    [
                        ("account_id", "=", sync.account.id),
                        ("object_key", "=", self._xero_key),
                        ("direction", "=", "export"),
                        ("state", "=", "open"),
                        ("res_model", "=", self._xero_model),
                        ("payload_hash", "!=", False),
                    ],
                    ["res_id", "payload_hash"],
                )
            }
            if rows
            else set()
        )
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            self._xero_export_chunk(sync, chunk, refused)
            sync.checkpoint(len(chunk))

    def _xero_export_chunk(self, sync, rows, refused):
        Attachment = self.env["ir.attachment"].sudo().with_context(active_test=False)
        attachments = Attachment.browse([row[0] for row in rows])
        attachments.read(list(ATTACHMENT_FIELDS))  # one query, no file content
        self._xero_remember(
            sync,
            self._xero_bindings(sync)._xero_find(sync.account, self._xero_key, records=attachments),
        )
        by_id = {a.id: a for a in attachments}
        parents = {}
        for attachment in attachments:
            parents.setdefault(attachment.res_model, set()).add(attachment.res_id)
        parent_records = {
            _parent_ref(model, record.id): record
            for model, ids in parents.items()
            for record in self.env[model].sudo().with_context(active_test=False).browse(list(ids)).exists()
        }
        on_parent = self._xero_parent_bindings(sync, set(parent_records))
        taken = {
            ref: {b.xero_number for b in bindings if b.xero_number} for ref, bindings in on_parent.items()
        }
        counts = {ref: len(bindings) for ref, bindings in on_parent.items()}
        items = []
        for attachment_id, parent_key, parent_xero_id in rows:
            attachment = by_id[attachment_id]
            ref = _parent_ref(attachment.res_model, attachment.res_id)
            parent = parent_records.get(ref)
            if parent is None or ("xero_no_sync" in parent._fields and parent.xero_no_sync):
                sync.recorder.add("skipped", attachment)
                continue
            item = AttachmentItem(
                attachment, parent, parent_key, parent_xero_id, self._xero_binding_of(sync, attachment)
            )
            if not sync.force and (attachment.id, attachment.checksum) in refused:
                # Xero (or the check before sending) refused this very file: not again
                # until it changes, or Retry.
                sync.recorder.add("skipped", attachment)
                continue
            if not sync.settings._allows("update" if item.replace else "create"):
                sync.recorder.add("skipped", attachment)  # the object's Mode says so
                continue
            if item.replace:
                item.name = item.binding.xero_number
            else:
                item.name = attachment_map.unique_name(
                    attachment_map.xero_file_name(attachment.name, attachment.mimetype), taken.get(ref, ())
                )
            item.online = self._xero_online(sync, item)
            try:
                attachment_map.check(
                    item.name, attachment.file_size, None if item.replace else counts.get(ref, 0)
                )
            except MappingError as exc:
                message, hint = mapping_texts(self.env, exc)
                self._xero_refused(sync, item, [message], hint, exc.kind)
                continue
            if not item.replace:
                counts[ref] = counts.get(ref, 0) + 1
                taken.setdefault(ref, set()).add(item.name)
            items.append(item)
        if not items:
            return
        if sync.dry_run:
            for item in items:
                sync.recorder.add(
                    "updated" if item.replace else "created", item.attachment, note=self._xero_line_note(item)
                )
            return
        if not sync.force:  # Retry (force) is "send Odoo's version over Xero's"
            items = self._xero_hold_changed_in_xero(sync, items)
        self._xero_mark_inflight(sync, items)
        for index, item in enumerate(items):
            try:
                answer = self._xero_upload(sync, item)
            except (XeroValidationError, XeroNotFound) as exc:
                self._xero_upload_refused(sync, item, exc, counts)
                continue
            except XeroError as exc:
                if _refusal(exc):
                    self._xero_upload_refused(sync, item, exc, counts)
                    continue
                # The run stops (day limit, authorisation, connection, Xero down): what was
                # not sent is not in flight. This one may have reached Xero when no answer
                # came (the next run looks in Xero's list); an answer says it did not.
                unsent = (
                    items[index + 1 :]
                    if isinstance(exc, (XeroConnectionError, XeroServerError))
                    else items[index:]
                )
                self._xero_drop_inflight(sync, [i for i in unsent if i.inflight])
                raise
            self._xero_uploaded(sync, item, answer or {})

    def _xero_hold_changed_in_xero(self, sync, items):
        """``items`` less the files changed in Odoo whose Xero copy changed too since the last
        sync, while Import Xero Attachments is on: Xero replaced it under its name without its
        record moving (so the import did not look), and Odoo's version would be sent over it,
        lost in Xero for good. One list of the record's attachments per record with such a
        file; Xero's version is brought in as a replacement (Odoo's edit stays, unlinked), as
        when the record moved. Import off, Odoo's files are the ones that count: sent as they
        are."""
        replacing = [item for item in items if item.replace and item.binding and item.binding.xero_id]
        if not replacing or not self._xero_supports(sync.account, "import"):
            return items
        listings, held = {}, []
        for item in replacing:
            key = (item.parent_key, item.parent_xero_id)
            if key not in listings:
                try:
                    found = sync.client.list_attachments(
                        self._xero_parent_collection(item.parent_key), item.parent_xero_id
                    )
                except XeroNotFound:
                    found = []
                listings[key] = {
                    (a.get("AttachmentID") or "").lower(): a
                    for a in found
                    if isinstance(a, dict) and isinstance(a.get("AttachmentID"), str)
                }
            in_xero = listings[key].get(item.binding.xero_id.lower())
            size = (item.binding.xero_data or {}).get("size")
            if in_xero is not None and in_xero.get("ContentLength") != size:
                held.append(item)
        if not held:
            return items
        sync.account._xero_run_object(
            self._xero_key,
            "import",
            trigger="dependency",
            xero_ids=sorted({item.parent_xero_id for item in held}),
            commit=sync.commit_hook,
        )
        for item in held:
            sync.recorder.add("skipped")
            sync.recorder.line(
                "skipped",
                item.attachment,
                xero_id=item.binding.xero_id,
                note=self.env._(
                    "changed in Odoo and in Xero: not sent over Xero's version, which was brought "
                    "in on %(record)s (Odoo's version stays, no longer linked)",
                    record=item.parent.display_name,
                ),
            )
        return [item for item in items if item not in held]

    # --------------------------------------------------------------- sending
    def _xero_upload(self, sync, item):
        attachment = item.attachment
        collection = self._xero_parent_collection(item.parent_key)
        uploads = ((item.binding.xero_data or {}).get("uploads") or 0) if item.binding else 0
        # The content of this one file only (a recordset would read its whole batch's).
        content = self.env["ir.attachment"].sudo().browse(attachment.id).raw or b""
        return sync.client.upload_attachment(
            collection,
            item.parent_xero_id,
            item.name,
            content,
            mime=attachment.mimetype or None,
            include_online=item.online,
            replace=item.replace,
            # The attachment and how many times it was uploaded: a retry of this upload
            # reuses its key, a later upload of the same bytes does not.
            hint=f"ir.attachment:{attachment.id}:{uploads}",
        )

    def _xero_data(self, item, uploads):
        return {
            "parent": _parent_ref(item.parent._name, item.parent.id),
            "parent_key": item.parent_key,
            "collection": self._xero_parent_collection(item.parent_key),
            "parent_xero_id": item.parent_xero_id,
            "include_online": item.online,
            "size": item.attachment.file_size,
            "uploads": uploads,
        }

    def _xero_mark_inflight(self, sync, items):
        """New files are bound "in flight" (no AttachmentID yet) before they are sent, and
        committed when the entry point commits per batch: a crash after Xero stored one
        leaves the trace the next run follows (``_xero_resolve_inflight``)."""
        new = [item for item in items if not item.binding]
        if not new:
            return
        now = fields.Datetime.now()
        bindings = self._xero_bindings(sync).create(
            [
                {
                    "account_id": sync.account.id,
                    "object_key": self._xero_key,
                    "res_model": self._xero_model,
                    "res_id": item.attachment.id,
                    "state": "inflight",
                    "xero_number": item.name,
                    "inflight_token": item.name.lower(),
                    "inflight_at": now,
                    "payload_hash": item.attachment.checksum,
                    "last_direction": "export",
                    "xero_data": self._xero_data(item, 0),
                }
                for item in new
            ]
        )
        for item, binding in zip(new, bindings):
            item.binding, item.inflight = binding, True
        self._xero_remember(sync, bindings)
        if sync.commit_hook:
            sync.checkpoint(0)

    def _xero_drop_inflight(self, sync, items):
        cache = sync.cache.get("binding_of", {})
        for item in items:
            cache.pop(item.attachment.id, None)
            item.binding.unlink()
            item.binding, item.inflight = None, False

    def _xero_uploaded(self, sync, item, answer):
        attachment = item.attachment
        uploads = ((item.binding.xero_data or {}).get("uploads") or 0) + 1
        item.binding.write(
            {
                "xero_id": answer.get("AttachmentID") or item.binding.xero_id,
                "xero_number": answer.get("FileName") or item.name,
                "payload_hash": attachment.checksum,
                "state": "synced",
                "last_error": False,
                "inflight_token": False,
                "inflight_at": False,
                "last_sync_at": fields.Datetime.now(),
                "last_direction": "export",
                "xero_data": self._xero_data(item, uploads),
            }
        )
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "export", res_model=self._xero_model, res_ids=[attachment.id]
        )
        sync.recorder.add(
            "updated" if item.replace else "created",
            attachment,
            xero_id=item.binding.xero_id,
            note=self._xero_line_note(item),
        )

    def _xero_line_note(self, item):
        note = self.env._("on %(record)s", record=item.parent.display_name)
        if item.name != item.attachment.name:
            note = self.env._("%(where)s, as %(name)s", where=note, name=item.name)
        return note

    # --------------------------------------------------------------- refusals
    def _xero_upload_refused(self, sync, item, exc, counts):
        if not item.replace:
            ref = _parent_ref(item.parent._name, item.parent.id)
            counts[ref] = max(0, counts.get(ref, 1) - 1)
        if item.inflight:
            self._xero_drop_inflight(sync, [item])
        messages = list(getattr(exc, "messages", None) or []) or [exc.message]
        if isinstance(exc, XeroNotFound):
            hint = self.env._(
                "Xero no longer has %(record)s: export the record again (or check it in "
                "Xero), then click Retry.",
                record=item.parent.display_name,
            )
        else:
            hint = self.env._(
                "Change the file in Odoo with Xero's message in mind (e.g. a smaller file, a "
                "PDF, another name), or remove an attachment from the record in Xero; then "
                "click Retry."
            )
        self._xero_refused(sync, item, messages, hint, "validation")

    def _xero_refused(self, sync, item, messages, hint, kind):
        attachment = item.attachment
        record_name = self.env._(
            "%(file)s on %(record)s", file=attachment.name or "?", record=item.parent.display_name
        )
        sync.mismatch(
            "export",
            kind=kind,
            record_name=record_name,
            res_model=self._xero_model,
            res_id=attachment.id,
            xero_id=item.binding.xero_id if item.binding else None,
            messages=messages,
            hint=hint,
            payload_hash=attachment.checksum,
            payload=json.dumps(
                {
                    "Collection": self._xero_parent_collection(item.parent_key),
                    "RecordID": item.parent_xero_id,
                    "FileName": item.name,
                    "MimeType": attachment.mimetype,
                    "ContentLength": attachment.file_size,
                    "IncludeOnline": item.online,
                    "Replace": item.replace,
                },
                indent=2,
                sort_keys=True,
            ),
        )
        if item.binding:
            item.binding.write({"state": "error", "last_error": "\n".join(messages)})
        sync.recorder.add("failed", attachment, xero_id=item.parent_xero_id, note=(messages or [""])[0][:200])

    # ------------------------------------------------------ after a crash
    def _xero_resolve_inflight(self, sync):
        """First thing of every run: files an interrupted run sent as new without recording
        Xero's answer. One read of the attachments of each record concerned: a file Xero has
        under the name it was sent as is bound to it (and sent again as a replacement only
        if its size differs, i.e. it is not the same file); the others are sent as new."""
        inflight = self._xero_bindings(sync)._xero_find(sync.account, self._xero_key, states=["inflight"])
        if not inflight:
            return
        groups = {}
        for binding in inflight:
            data = binding.xero_data or {}
            groups.setdefault((data.get("collection"), data.get("parent_xero_id")), []).append(binding)
        cache = sync.cache.setdefault("binding_of", {})
        for (collection, parent_xero_id), bindings in groups.items():
            try:
                listed = (
                    sync.client.list_attachments(collection, parent_xero_id)
                    if collection and parent_xero_id
                    else []
                )
            except XeroNotFound:
                listed = []
            in_xero = {(a.get("FileName") or "").lower(): a for a in listed if isinstance(a, dict)}
            for binding in bindings:
                found = in_xero.get((binding.xero_number or "").lower())
                attachment = self.env["ir.attachment"].sudo().browse(binding.res_id).exists()
                if not found or not attachment:
                    cache.pop(binding.res_id, None)
                    binding.unlink()
                    continue
                data = dict(binding.xero_data or {}, uploads=1)
                same = found.get("ContentLength") == data.get("size")
                binding.write(
                    {
                        "xero_id": found.get("AttachmentID"),
                        "state": "synced",
                        "inflight_token": False,
                        "inflight_at": False,
                        "payload_hash": binding.payload_hash if same else False,
                        "last_sync_at": fields.Datetime.now(),
                        "xero_data": data,
                    }
                )
                sync.recorder.add(
                    "updated",
                    attachment,
                    xero_id=found.get("AttachmentID"),
                    note=self.env._("found in Xero after an interrupted export"),
                )
        sync.checkpoint(0)

    # ------------------------------------------------------- deleted in Odoo
    def _xero_note_deleted(self, sync):
        """Attachments deleted in Odoo since their upload: Xero's API cannot delete an
        attachment, so the file stays there; the link is closed and the run says so."""
        Attachment = self.env["ir.attachment"].sudo()
        gone = self._xero_bindings(sync)._xero_orphans(
            sync.account, self._xero_key, "ir_attachment", skip_states=("closed", "deleted", "inflight")
        )
        for binding in gone:
            sync.recorder.add("skipped")
            sync.recorder.line(
                "skipped",
                xero_id=binding.xero_id,
                name=binding.xero_number,
                note=self.env._(
                    "deleted in Odoo: left in Xero (Xero's API cannot delete "
                    "attachments; remove it there if it should go)"
                ),
            )
            if not sync.dry_run:
                binding.write(
                    {
                        "state": "closed",
                        "last_error": False,
                        "deleted_name": binding.xero_number,
                        "last_direction": "export",
                    }
                )
        # What was refused about files deleted since no longer applies.
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
                ]
            )
        )
        ids = set(entries.mapped("res_id"))
        gone = ids - set(Attachment.browse(list(ids)).exists().ids)
        if gone and not sync.dry_run:
            self.env["xero.mismatch.log"]._resolve(
                sync.account, self._xero_key, "export", res_model=self._xero_model, res_ids=list(gone)
            )

    # ================================================================ import
    @api.model
    def _xero_supports(self, account, direction):
        """Import: only while the account's "Import Xero Attachments" is on."""
        if direction == "import":
            return bool(account.sudo().attachments_import)
        return super()._xero_supports(account, direction)

    @api.model
    def _xero_unsupported_message(self, account, direction):
        if direction == "import":
            return self.env._(
                "Importing Xero's attachments is off for %(account)s: a Xero Manager ticks Import "
                "Xero Attachments on the account (Synchronisation tab); the Attachments object's "
                "runs then bring them in.",
                account=account.display_name,
            )
        return super()._xero_unsupported_message(account, direction)

    def _xero_import(self, sync, full=False, xero_ids=None, since=None):
        """Xero -> Odoo: the new files of the records whose Xero version has attachments and
        moved since their last look (every such record when ``full`` or forced; ``xero_ids``:
        the files of these open entries, or all files of these Xero records). One list call
        per record, one download per file Odoo does not hold; committed record by record."""
        if not sync.dry_run:
            self._xero_resolve_inflight(sync)  # an interrupted upload is never taken for Xero's
        wanted, parent_ids = self._xero_retry_targets(sync, xero_ids) if xero_ids else (None, None)
        parents = self._xero_bindings(sync)._xero_with_xero_attachments(
            sync.account,
            self._xero_parent_keys(),
            changed_only=not (full or sync.force or xero_ids),
            xero_ids=parent_ids,
        )
        if not parents:
            return
        # Retry (``xero_ids``) and forced runs try again what was refused before.
        refused = (
            set()
            if (sync.force or xero_ids)
            else {
                ((r["xero_id"] or "").lower(), r["payload_hash"])
                for r in self.env["xero.mismatch.log"]
                .sudo()
                .search_read(
                    [
                        ("account_id", "=", sync.account.id),
                        ("object_key", "=", self._xero_key),
                        ("direction", "=", "import"),
                        ("state", "=", "open"),
                        ("xero_id", "!=", False),
                        ("payload_hash", "!=", False),
                    ],
                    ["xero_id", "payload_hash"],
                )
            }
        )
        for parent in parents:
            self._xero_import_parent(sync, parent, wanted, refused)
            sync.checkpoint(1)

    def _xero_retry_targets(self, sync, xero_ids):
        """-> (AttachmentIDs to bring in, or None for all; Xero IDs of their records) of
        ``xero_ids``: the files of open import entries (their record is in the entry), or
        records given by their own Xero ID."""
        entries = (
            self.env["xero.mismatch.log"]
            .sudo()
            .search(
                [
                    ("account_id", "=", sync.account.id),
                    ("object_key", "=", self._xero_key),
                    ("direction", "=", "import"),
                    ("state", "=", "open"),
                    ("xero_id", "in", list(xero_ids)),
                ]
            )
        )
        files, parents = set(), set()
        for entry in entries:
            try:
                data = json.loads(entry.payload or "{}")
            except ValueError:
                continue
            if isinstance(data, dict) and isinstance(data.get("RecordID"), str):
                files.add(entry.xero_id.lower())
                parents.add(data["RecordID"])
        others = set(xero_ids) - set(entries.mapped("xero_id"))
        return (files if files and not others else None), parents | others

    def _xero_import_parent(self, sync, parent, wanted, refused):
        """The files of one record (``parent``: its link) that Odoo does not hold yet."""
        record = parent._record()
        if not record.exists() or ("xero_no_sync" in record._fields and record.xero_no_sync):
            return  # not looked at: a later run does once it is synced again
        collection = self._xero_parent_collection(parent.object_key)
        try:
            listed = sync.client.list_attachments(collection, parent.xero_id)
        except XeroNotFound:
            sync.recorder.line(
                "skipped",
                record,
                xero_id=parent.xero_id,
                note=self.env._(
                    "its attachments could not be read: Xero no longer has the record (import "
                    "the record's object to see what happened to it)"
                ),
            )
            listed = []
        ref = _parent_ref(record._name, record.id)
        on_parent = self._xero_parent_bindings(sync, {ref}).get(ref, []) if listed else []
        # The AttachmentIDs of this listing: a file of a known name is a replacement only
        # when the file Odoo holds under that name is no longer listed; an ID listed twice
        # is brought in once.
        listing = {
            "ids": {
                element["AttachmentID"].lower()
                for element in listed
                if isinstance(element, dict) and isinstance(element.get("AttachmentID"), str)
            },
            "seen": set(),
        }
        for element in listed:
            binding = self._xero_import_file(
                sync, parent, record, collection, element, on_parent, wanted, refused, listing
            )
            if binding:
                on_parent.append(binding)
        # This version of the record is looked at: not asked again until it changes in Xero.
        parent.attachments_listed_hash = parent.xero_hash or "-"

    def _xero_import_file(
        self, sync, parent, record, collection, element, on_parent, wanted, refused, listing=None
    ):
        """One element of the record's list -> the new link when the file was brought in."""
        listing = listing or {"ids": set(), "seen": set()}
        try:
            file = attachment_map.listed(element)
        except MappingError as exc:
            self._xero_import_unreadable(sync, record, element, exc)
            return None
        xero_id = file["xero_id"].lower()
        if wanted is not None and xero_id not in wanted:
            return None
        if xero_id in listing["seen"]:
            # Xero never lists one AttachmentID twice: the first is the file, nothing guessed.
            if (xero_id, attachment_map.version(file)) in refused:
                sync.recorder.add("skipped")
                return None
            name = attachment_map.odoo_name(file["file_name"], file["mimetype"])
            message = self.env._(
                "Xero lists the attachment %(id)s twice on %(record)s (also as %(name)s): it was "
                "brought in once.",
                id=file["xero_id"],
                record=record.display_name,
                name=safe_text(file["file_name"]),
            )
            hint = self.env._(
                "Check the attachments of the record in Xero; when both files belong there, "
                "attach the second one again in Xero (it gets its own AttachmentID), then click "
                "Retry; else Mark as Resolved."
            )
            self._xero_import_refused(
                sync, parent, record, collection, file, name, [message], hint, "invalid"
            )
            return None
        listing["seen"].add(xero_id)
        known = next((b for b in on_parent if (b.xero_id or "").lower() == xero_id), None)
        if known and attachment_map.same_file(file, known.xero_id, (known.xero_data or {}).get("size")):
            sync.recorder.add("skipped")  # Odoo holds this very file (sent or brought in)
            return None
        remote_name = safe_text(file["file_name"]).lower()
        # A file of the same name replaces Odoo's only when Odoo's is no longer listed (Xero
        # tells names without case: "SCAN.pdf" and "scan.pdf" listed both are two files).
        old = known or next(
            (
                b
                for b in on_parent
                if (b.xero_number or "").lower() == remote_name
                and (b.xero_id or "").lower() not in listing["ids"]
            ),
            None,
        )
        if old and (old.state == "inflight" or (old.state == "synced" and not old.payload_hash)):
            sync.recorder.add("skipped")  # Odoo's own upload, still to be (re)sent by the export
            return None
        version = attachment_map.version(file)
        if (xero_id, version) in refused:
            sync.recorder.add("skipped")  # refused before, unchanged since: not again until Retry
            return None
        name = attachment_map.odoo_name(file["file_name"], file["mimetype"])
        try:
            attachment_map.import_check(name, file["size"])
        except MappingError as exc:
            message, hint = mapping_texts(self.env, exc)
            self._xero_import_refused(sync, parent, record, collection, file, name, [message], hint, exc.kind)
            return None
        if not sync.settings._allows("create"):
            sync.recorder.add("skipped")  # the object's Mode says so
            return None
        elsewhere = self._xero_bindings_by_xero_id(sync, [file["xero_id"]]).get(file["xero_id"])
        if elsewhere and elsewhere != old:
            # One AttachmentID on two records: Xero never lists that; nothing is guessed.
            message = self.env._(
                "Xero lists the attachment %(id)s on %(record)s, but Odoo holds it on another record "
                "(%(other)s).",
                id=file["xero_id"],
                record=record.display_name,
                other=(elsewhere.xero_data or {}).get("parent") or "?",
            )
            hint = self.env._(
                "Check the attachments of both records in Xero; when the file belongs here, "
                "attach it again in Xero (it gets a new AttachmentID), then click Retry."
            )
            self._xero_import_refused(
                sync, parent, record, collection, file, name, [message], hint, "invalid"
            )
            return None
        mimetype = attachment_map.odoo_mimetype(name)
        try:
            content = sync.client.download_attachment(
                collection, parent.xero_id, file["xero_id"], mime=mimetype
            )
        except XeroNotFound:
            sync.recorder.add("skipped")
            sync.recorder.line(
                "skipped",
                xero_id=file["xero_id"],
                name=self._xero_import_label(name, record),
                note=self.env._("no longer in Xero (removed there since the record's list was read)"),
            )
            return None
        except XeroError as exc:
            if not _refusal(exc):
                raise  # the run stops (limits, authorisation, Xero down); the record is read again
            messages = [self.env._("Xero refused the download of the file:")] + (
                list(getattr(exc, "messages", None) or []) or [exc.message]
            )
            hint = self.env._("Check the file on the record in Xero, then click Retry.")
            self._xero_import_refused(
                sync, parent, record, collection, file, name, messages, hint, "validation"
            )
            return None
        if len(content) > attachment_map.MAX_IMPORT_BYTES:
            try:  # more than Xero's list said: refused all the same
                attachment_map.import_check(name, len(content))
            except MappingError as exc:
                message, hint = mapping_texts(self.env, exc)
                self._xero_import_refused(
                    sync, parent, record, collection, file, name, [message], hint, exc.kind
                )
                return None
        try:
            with self.env.cr.savepoint():
                if old:
                    self._xero_supersede(sync, old)
                attachment = (
                    self.env["ir.attachment"]
                    .with_company(sync.company)
                    .sudo()
                    # The file as Xero has it (no image resizing), never served as markup.
                    .with_context(image_no_postprocess=True, attachments_mime_plainxml=True)
                    .create(
                        {
                            "name": name,
                            "res_model": record._name,
                            "res_id": record.id,
                            "raw": content,
                            "mimetype": mimetype,
                        }
                    )
                )
                binding = self._xero_bind_imported(sync, parent, record, collection, file, attachment)
        except psycopg2.OperationalError:
            raise
        except (UserError, ValidationError, ValueError, psycopg2.DataError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            hint = self.env._(
                "Odoo refused to store the file: save it in Xero in another form (e.g. a PDF), "
                "then click Retry; or download it from Xero and attach it in Odoo yourself."
            )
            self._xero_import_refused(
                sync, parent, record, collection, file, name, [str(message)], hint, "error"
            )
            return None
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "import", xero_ids=[file["xero_id"]]
        )
        note = self.env._("from Xero, on %(record)s", record=record.display_name)
        if name != file["file_name"]:
            note = self.env._("%(where)s, as %(name)s", where=note, name=name)
        if old:
            earlier = self.env["ir.attachment"].sudo().browse(old.res_id).exists()
            note = self.env._(
                "%(note)s; replaced in Xero: brought in again, the earlier version stays in Odoo "
                "(%(earlier)s), no longer linked to Xero",
                note=note,
                earlier=earlier.name or old.xero_number or "?",
            )
        sync.recorder.add("created", attachment, xero_id=file["xero_id"], note=note)
        return binding

    def _xero_bind_imported(self, sync, parent, record, collection, file, attachment):
        """The link of a file brought in: its checksum as the last payload, so that the
        export holds it for sent; Xero's length, so that a replacement in Xero is told."""
        return self._xero_bindings(sync).create(
            {
                "account_id": sync.account.id,
                "object_key": self._xero_key,
                "res_model": self._xero_model,
                "res_id": attachment.id,
                "xero_id": file["xero_id"],
                "xero_number": safe_text(file["file_name"]),
                "xero_hash": attachment_map.version(file),
                "payload_hash": attachment.checksum,
                "state": "synced",
                "last_sync_at": fields.Datetime.now(),
                "last_direction": "import",
                "xero_data": {
                    "parent": _parent_ref(record._name, record.id),
                    "parent_key": parent.object_key,
                    "collection": collection,
                    "parent_xero_id": parent.xero_id,
                    "include_online": file["include_online"],
                    "size": file["size"],
                    "uploads": 0,
                    "origin": "xero",
                },
            }
        )

    def _xero_supersede(self, sync, old):
        """Xero replaced the file of ``old``: its link is closed (and no longer the one of the
        AttachmentID), the Odoo file kept and never sent over Xero's newer version."""
        old.write(
            {
                "state": "closed",
                "is_primary": False,
                "last_error": False,
                "last_sync_at": fields.Datetime.now(),
                "xero_data": dict(old.xero_data or {}, replaced=True),
            }
        )
        old.flush_recordset()  # before the new link takes the AttachmentID (a unique index)
        # What Xero refused about the earlier version no longer applies.
        self.env["xero.mismatch.log"]._resolve(
            sync.account, self._xero_key, "export", res_model=self._xero_model, res_ids=[old.res_id]
        )

    def _xero_import_label(self, name, record):
        return self.env._("%(file)s on %(record)s", file=name, record=record.display_name)

    def _xero_import_refused(self, sync, parent, record, collection, file, name, messages, hint, kind):
        label = self._xero_import_label(name, record)
        sync.mismatch(
            "import",
            kind=kind,
            record_name=label,
            xero_id=file["xero_id"],
            messages=messages,
            hint=hint,
            payload_hash=attachment_map.version(file),
            payload=json.dumps(
                {
                    "Collection": collection,
                    "RecordID": parent.xero_id,
                    "ParentKey": parent.object_key,
                    "AttachmentID": file["xero_id"],
                    "FileName": file["file_name"],
                    "MimeType": file["mimetype"],
                    "ContentLength": file["size"],
                },
                indent=2,
                sort_keys=True,
            ),
        )
        sync.recorder.add("failed", xero_id=file["xero_id"], name=label, note=(messages or [""])[0][:200])

    def _xero_import_unreadable(self, sync, record, element, exc):
        message, __ = mapping_texts(self.env, exc)
        label = self.env._("An attachment on %(record)s", record=record.display_name)
        try:
            content_hash = payload_hash(element)
        except (TypeError, ValueError):
            content_hash = payload_hash(repr(element))
        sync.mismatch(
            "import",
            kind="invalid",
            record_name=label,
            messages=[message],
            hint=self.env._(
                "Nothing was brought in from it; the other files were. It is read again when the "
                "record changes in Xero; Mark as Resolved closes this entry."
            ),
            payload=safe_json(element),
            payload_hash=content_hash,
        )
        sync.recorder.add("failed", name=label, note=message[:200])
