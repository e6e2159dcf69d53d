"""Attachments: upload (PUT creates, POST replaces by file name), list, download by id or file name;
``plant`` stores one as given (hostile-input tests)."""

import mimetypes
import urllib.parse

from .common import ApiError, bad_request, new_id, not_found

MAX_PER_DOCUMENT = 10
MAX_BYTES = 10 * 1024 * 1024
BAD_NAME_CHARS = set('<>:"/\\|?*+')
# File types Xero accepts, by extension (API_FACTS section 7: the first release's list and Codat's 2026 list).
ALLOWED_TYPES = {
    "7z",
    "bmp",
    "csv",
    "doc",
    "docx",
    "eml",
    "gif",
    "jpeg",
    "jpg",
    "keynote",
    "msg",
    "numbers",
    "odf",
    "ods",
    "odt",
    "pages",
    "pdf",
    "png",
    "ppt",
    "pptx",
    "rar",
    "rtf",
    "tif",
    "tiff",
    "txt",
    "xls",
    "xlsx",
    "zip",
}
OBJECTS = {
    "Accounts": "AccountID",
    "Contacts": "ContactID",
    "CreditNotes": "CreditNoteID",
    "Invoices": "InvoiceID",
    "ManualJournals": "ManualJournalID",
    "PurchaseOrders": "PurchaseOrderID",
    "Quotes": "QuoteID",
}


def public(attachment):
    return {k: v for k, v in attachment.items() if not k.startswith("_")}


def listing(ctx, collection, record):
    return [public(a) for a in ctx.tenant.attachments.get((collection, record[OBJECTS[collection]]), ())]


def _name(segment):
    """The file name of a path segment. The server decodes paths once, except those holding an
    encoded slash (%2F), which it leaves encoded so that they still split into segments."""
    return urllib.parse.unquote(segment) if "%2F" in segment.upper() else segment


def upload(ctx, collection, record, file_name, content, content_type, method):
    file_name = _name(file_name)
    if not file_name or any(ch in BAD_NAME_CHARS for ch in file_name):
        raise bad_request(f"The file name '{file_name}' is not valid")
    if file_name.rsplit(".", 1)[-1].lower() not in ALLOWED_TYPES or "." not in file_name:
        raise bad_request(f"The file type of '{file_name}' is not supported")
    if len(content) > MAX_BYTES:
        raise ApiError(
            413, bad_request("The attachment is larger than the %d MB limit" % (MAX_BYTES // 1048576)).body
        )
    record_id = record[OBJECTS[collection]]
    key = (collection, record_id)
    existing = list(ctx.tenant.attachments.get(key, ()))
    same = next((a for a in existing if a["FileName"].lower() == file_name.lower()), None)
    if same is None and len(existing) >= MAX_PER_DOCUMENT:
        raise bad_request("A document can have at most %d attachments" % MAX_PER_DOCUMENT)
    mime = content_type if content_type and content_type != "application/octet-stream" else None
    mime = mime or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    attachment = {
        "AttachmentID": same["AttachmentID"] if same else new_id(),
        "FileName": file_name,
        "Url": f"{ctx.base_url}/api.xro/2.0/{collection}/{record_id}/Attachments/{urllib.parse.quote(file_name)}",
        "MimeType": mime,
        "ContentLength": len(content),
        "_content": bytes(content),
    }
    if collection in ("Invoices", "CreditNotes"):
        attachment["IncludeOnline"] = str(ctx.param("IncludeOnline", "")).lower() == "true"
    if same is not None:
        existing = [attachment if a is same else a for a in existing]
    else:
        existing.append(attachment)
    ctx.tenant.attachments[key] = tuple(existing)
    if not record.get("HasAttachments"):
        updated = dict(record)
        updated["HasAttachments"] = True
        ctx.tenant.put(collection, updated)
    return public(attachment)


def download(ctx, collection, record, id_or_name):
    name = _name(id_or_name).lower()
    for attachment in ctx.tenant.attachments.get((collection, record[OBJECTS[collection]]), ()):
        if attachment["AttachmentID"] == name or attachment["FileName"].lower() == name:
            return attachment
    raise not_found()


def header_safe(text):
    """``text`` fit for an HTTP header value (a planted name or type may hold line breaks)."""
    return "".join(ch for ch in str(text or "") if 32 <= ord(ch) < 127)


def disposition(file_name):
    """Content-Disposition of a download: an ASCII name, and the exact one RFC 5987-encoded."""
    plain = header_safe(file_name).replace('"', "_").replace("\\", "_")
    return "attachment; filename=\"{}\"; filename*=UTF-8''{}".format(
        plain, urllib.parse.quote(str(file_name), safe="", errors="replace")
    )


def plant(ctx, collection, record, file_name, content, mime=None, attachment_id=None):
    """Store an attachment exactly as given: no check of its name, type, size or count (what a
    hostile or changed Xero could list). The record says it has attachments, as after an upload."""
    record_id = record[OBJECTS[collection]]
    key = (collection, record_id)
    attachment = {
        "AttachmentID": attachment_id or new_id(),
        "FileName": file_name,
        "Url": "{}/api.xro/2.0/{}/{}/Attachments/{}".format(
            ctx.base_url, collection, record_id, urllib.parse.quote(file_name, errors="replace")
        ),
        "MimeType": mime or mimetypes.guess_type(file_name)[0] or "application/octet-stream",
        "ContentLength": len(content),
        "_content": bytes(content),
    }
    ctx.tenant.attachments[key] = tuple(ctx.tenant.attachments.get(key, ())) + (attachment,)
    if not record.get("HasAttachments"):
        ctx.tenant.put(collection, dict(record, HasAttachments=True))
    return public(attachment)
