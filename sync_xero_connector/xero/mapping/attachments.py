# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Odoo attachments <-> Xero attachments: the file name Xero gets, and Xero's limits checked
before anything is sent (../shared/xero/API_FACTS.md section 7); the other way, one element of
Xero's list of a record's attachments read, the name and type a file from Xero gets in Odoo,
and what Odoo refuses to bring in.

Pure functions: a file name, a size, a MIME type and a count in; a name or a MappingError out.
"""

import mimetypes
import os
import re
import unicodedata

from .common import MappingError, payload_hash
from .messages import Text

# Xero's size limit per attachment is given as 10 MB, 25 MB and 3 MB by different sources
# (API_FACTS section 7, unverified): the smallest current figure, 10 MB, is the safe one.
MAX_BYTES = 10 * 1024 * 1024
# Attachments per document (API_FACTS section 7: T8, T7).
MAX_PER_RECORD = 10
# Characters Xero refuses in a file name (API_FACTS section 7, T1).
FORBIDDEN_CHARS = frozenset('<>:"/\\|?*+')
# File types Xero accepts, by extension: the first release's list (T8) and Codat's 2026 list
# (T7) together.
ALLOWED_EXTENSIONS = frozenset(
    {
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
)
# Long enough for any real file name; what a path or URL can carry safely.
MAX_NAME_CHARS = 180
# Extensions of the MIME types Odoo stores most, where mimetypes' choice is not the usual one.
MIME_EXTENSIONS = {"image/jpeg": "jpg", "text/plain": "txt", "image/tiff": "tif"}

# Files from Xero larger than this are not downloaded: the largest size Xero is said to take
# (25 MB, API_FACTS section 7), so that no file Xero really holds is refused for its size.
MAX_IMPORT_BYTES = 25 * 1024 * 1024
# The MIME type a file from Xero gets in Odoo, by extension (every type Xero takes): fixed here,
# not left to the machine's mime.types nor to the type Xero's list claims.
EXTENSION_MIMES = {
    "7z": "application/x-7z-compressed",
    "bmp": "image/bmp",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "eml": "message/rfc822",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "keynote": "application/vnd.apple.keynote",
    "msg": "application/vnd.ms-outlook",
    "numbers": "application/vnd.apple.numbers",
    "odf": "application/vnd.oasis.opendocument.formula",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "pages": "application/vnd.apple.pages",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rar": "application/vnd.rar",
    "rtf": "application/rtf",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
# How long a Xero file name is kept to compare and store (the Odoo name is shorter still).
MAX_REMOTE_NAME_CHARS = 1000

_SPACES = re.compile(r"\s+")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def extension(file_name):
    """The extension of ``file_name``, lower case, without the dot ('' when none)."""
    return os.path.splitext(file_name or "")[1][1:].lower()


def _mime_extension(mimetype):
    mimetype = (mimetype or "").split(";")[0].strip().lower()
    if mimetype in MIME_EXTENSIONS:
        return MIME_EXTENSIONS[mimetype]
    guessed = mimetypes.guess_extension(mimetype) if mimetype else None
    return guessed[1:] if guessed else ""


def xero_file_name(name, mimetype=None):
    """The name the file gets in Xero: ``name`` without what Xero refuses or what could
    mislead (control and invisible formatting characters such as a right-to-left override,
    path separators, ``< > : " / \\ | ? * +``, each replaced by ``_``), at most
    MAX_NAME_CHARS long, with the extension of its MIME type when it has none (Xero tells a
    file's type by its name; a declared type never turns ``tool.exe`` into a PDF)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    chars = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in FORBIDDEN_CHARS:
            chars.append("_")
        elif category in ("Cc", "Zs", "Zl", "Zp"):
            chars.append(" ")  # tabs, line breaks, odd spaces
        elif category.startswith("C"):
            continue  # invisible: bidi overrides, zero-width characters, unassigned
        else:
            chars.append(ch)
    text = _SPACES.sub(" ", "".join(chars)).strip(" .")
    stem, ext = os.path.splitext(text)
    if extension(text) not in ALLOWED_EXTENSIONS and not mimetypes.guess_type(text)[0]:
        # No extension, or none that names a file type ("report.v2"): its type's. A file
        # type Xero refuses ("tool.exe") keeps its extension, and is refused as such.
        wanted = _mime_extension(mimetype)
        if wanted in ALLOWED_EXTENSIONS:
            stem, ext = text, "." + wanted
    stem = stem.strip(" .") or "attachment"
    ext = ext.strip()
    if len(stem) + len(ext) > MAX_NAME_CHARS:
        stem = stem[: max(1, MAX_NAME_CHARS - len(ext))].rstrip(" .") or "attachment"
    return stem + ext


def unique_name(file_name, taken):
    """``file_name``, or ``stem (2).ext``, ``stem (3).ext``... the first one not in ``taken``
    (compared without case: Xero replaces an attachment uploaded under the same name)."""
    used = {name.lower() for name in taken}
    if file_name.lower() not in used:
        return file_name
    stem, ext = os.path.splitext(file_name)
    number = 2
    while True:
        candidate = f"{stem[: MAX_NAME_CHARS - len(ext) - 6]} ({number}){ext}"
        if candidate.lower() not in used:
            return candidate
        number += 1


def check(file_name, size, count_in_xero):
    """Raise MappingError when Xero would refuse the file: its type (``file_name``'s
    extension), its ``size`` in bytes, or a new attachment on a record that has
    ``count_in_xero`` attachments there already (None: not a new one)."""
    ext = extension(file_name)
    if ext not in ALLOWED_EXTENSIONS:
        raise MappingError(
            Text(
                "attachments.type_refused",
                type=("." + ext) if ext else Text("words.none"),
                file=file_name,
                types=", ".join(sorted(ALLOWED_EXTENSIONS)),
            ),
            hint=Text("attachments.type_refused.hint"),
            kind="unsupported",
        )
    if size > MAX_BYTES:
        raise MappingError(
            Text(
                "attachments.too_big",
                file=file_name,
                size=f"{size / 1048576:.1f}",
                limit=MAX_BYTES // 1048576,
            ),
            hint=Text("attachments.too_big.hint"),
            kind="unsupported",
        )
    if count_in_xero is not None and count_in_xero >= MAX_PER_RECORD:
        raise MappingError(
            Text("attachments.too_many", count=count_in_xero, limit=MAX_PER_RECORD, file=file_name),
            hint=Text("attachments.too_many.hint"),
            kind="unsupported",
        )


# ------------------------------------------------------------------ Xero -> Odoo
def listed(element):
    """One element of Xero's list of a record's attachments (``GET .../Attachments``) ->
    ``{"xero_id", "file_name", "size", "mimetype", "include_online"}``; MappingError (kind
    "invalid") when it cannot be read: no AttachmentID of Xero's form, no file name, no
    length. The file name is Xero's as it is (``odoo_name`` makes it safe); the MIME type is
    only what Xero claims (``odoo_mimetype`` decides)."""
    if not isinstance(element, dict):
        raise MappingError(Text("attachments.unreadable", what=type(element).__name__), kind="invalid")
    xero_id = element.get("AttachmentID")
    name = element.get("FileName")
    size = element.get("ContentLength")
    if not isinstance(xero_id, str) or not _GUID.fullmatch(xero_id):
        raise MappingError(Text("attachments.unreadable", what="AttachmentID"), kind="invalid")
    if not isinstance(name, str) or not name.strip():
        raise MappingError(Text("attachments.unreadable", what="FileName"), kind="invalid")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise MappingError(Text("attachments.unreadable", what="ContentLength"), kind="invalid")
    mimetype = element.get("MimeType")
    return {
        "xero_id": xero_id,
        "file_name": name[:MAX_REMOTE_NAME_CHARS],
        "size": size,
        "mimetype": mimetype if isinstance(mimetype, str) else None,
        "include_online": element.get("IncludeOnline") is True,
    }


def version(file):
    """What tells one version of a Xero file (``listed``) from another: Xero keeps the
    AttachmentID when a file is replaced under its name, so its length counts too."""
    return payload_hash([file["xero_id"].lower(), file["file_name"].lower(), file["size"]])


def same_file(file, xero_id, size):
    """Whether the Xero file ``file`` (``listed``) is the one Odoo holds as ``xero_id`` of
    ``size`` bytes (a link's): same AttachmentID, same length."""
    return bool(xero_id) and file["xero_id"].lower() == str(xero_id).lower() and file["size"] == size


def odoo_name(file_name, mimetype=None):
    """The name a file from Xero gets in Odoo: its Xero name made safe like the names Odoo
    sends (``xero_file_name``): no path separators, NUL, control or invisible characters,
    at most MAX_NAME_CHARS long, the extension of its type when it has none, never empty."""
    return xero_file_name(file_name, mimetype)


def odoo_mimetype(file_name):
    """The MIME type Odoo stores for a file from Xero: the one of its extension (Xero tells a
    file's type by its name), never the type Xero's list claims: a ``scan.pdf`` said to be
    ``text/html`` is stored, and served, as a PDF."""
    return EXTENSION_MIMES.get(extension(file_name), "application/octet-stream")


def import_check(file_name, size):
    """Raise MappingError when Odoo does not bring the file in: a type Xero itself does not
    take (by ``file_name``'s extension: what else a Xero record holds, e.g. a web page or a
    program, is not opened up in Odoo), or more than MAX_IMPORT_BYTES."""
    ext = extension(file_name)
    if ext not in ALLOWED_EXTENSIONS:
        raise MappingError(
            Text(
                "attachments.import_type_refused",
                type=("." + ext) if ext else Text("words.none"),
                file=file_name,
                types=", ".join(sorted(ALLOWED_EXTENSIONS)),
            ),
            hint=Text("attachments.import_type_refused.hint"),
            kind="unsupported",
        )
    if size > MAX_IMPORT_BYTES:
        raise MappingError(
            Text(
                "attachments.import_too_big",
                file=file_name,
                size=f"{size / 1048576:.1f}",
                limit=MAX_IMPORT_BYTES // 1048576,
            ),
            hint=Text("attachments.import_too_big.hint"),
            kind="unsupported",
        )
