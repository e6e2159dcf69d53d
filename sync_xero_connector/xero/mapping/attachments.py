# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Odoo attachments -> Xero attachments: the file name Xero gets, and Xero's limits checked
before anything is sent (../shared/xero/API_FACTS.md section 7).

Pure functions: a file name, a size, a MIME type and a count in; a name or a MappingError out.
"""

import mimetypes
import os
import re
import unicodedata

from .common import MappingError
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

_SPACES = re.compile(r"\s+")


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
