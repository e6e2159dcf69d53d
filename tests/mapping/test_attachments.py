"""Attachments: the file name Xero gets and Xero's limits, checked before anything is sent."""

import pytest
from xero.mapping import attachments as am
from xero.mapping.common import MappingError


@pytest.mark.parametrize(
    "name, mime, expected",
    [
        ("receipt.pdf", "application/pdf", "receipt.pdf"),
        ("Photo.JPG", "image/jpeg", "Photo.JPG"),
        # Characters Xero refuses become "_".
        ('a<b>c:d"e/f\\g|h?i*j+k.pdf', None, "a_b_c_d_e_f_g_h_i_j_k.pdf"),
        # A path is no path in Xero.
        ("../../etc/passwd", "text/plain", "_.._etc_passwd.txt"),
        # Invisible characters go: a right-to-left override cannot disguise the extension.
        ("invoice\u202efdp.exe", "application/x-msdownload", "invoicefdp.exe"),
        ("zero\u200bwidth.pdf", None, "zerowidth.pdf"),
        # Control characters and line breaks become spaces, runs of spaces one.
        ("a\tb\r\nc\x00d.txt", None, "a b c d.txt"),
        # No extension: the MIME type's (Xero tells a file's type by its name).
        ("scan", "application/pdf", "scan.pdf"),
        ("notes", "text/plain", "notes.txt"),
        ("report.v2", "application/pdf", "report.v2.pdf"),
        # A type Xero refuses is not disguised by the type the file claims.
        ("tool.exe", "application/pdf", "tool.exe"),
        ("data.xml", "application/pdf", "data.xml"),
        # Nothing left: a name all the same.
        ("", None, "attachment"),
        (" .. ", "application/pdf", "attachment.pdf"),
        (None, "image/png", "attachment.png"),
    ],
)
def test_xero_file_name(name, mime, expected):
    assert am.xero_file_name(name, mime) == expected


def test_long_names_keep_their_extension():
    name = am.xero_file_name("x" * 1000 + ".pdf")
    assert len(name) == am.MAX_NAME_CHARS
    assert name.endswith("x.pdf")
    assert am.unique_name(name, [name]).endswith(" (2).pdf")
    assert len(am.unique_name(name, [name])) <= am.MAX_NAME_CHARS


def test_unique_name_ignores_case():
    assert am.unique_name("a.pdf", []) == "a.pdf"
    assert am.unique_name("a.pdf", ["A.PDF"]) == "a (2).pdf"
    assert am.unique_name("a.pdf", ["A.pdf", "a (2).PDF"]) == "a (3).pdf"
    assert am.unique_name("README", ["readme"]) == "README (2)"


def test_check_accepts_what_xero_takes():
    am.check("receipt.pdf", am.MAX_BYTES, 0)
    am.check("receipt.PDF", 1, am.MAX_PER_RECORD - 1)
    am.check("receipt.pdf", 1, None)  # a replacement: the count does not grow


@pytest.mark.parametrize(
    "name, size, count, words",
    [
        ("big.pdf", am.MAX_BYTES + 1, 0, "10.0 MB; Xero takes attachments of at most 10 MB"),
        ("data.xml", 10, 0, "Xero does not accept files of type .xml"),
        ("run.exe", 10, 0, "type .exe"),
        ("README", 10, 0, "type (none)"),
        ("eleventh.pdf", 10, am.MAX_PER_RECORD, "has 10 attachments already"),
    ],
)
def test_check_refuses_what_xero_refuses(name, size, count, words):
    with pytest.raises(MappingError) as caught:
        am.check(name, size, count)
    assert words in caught.value.message
    assert caught.value.kind == "unsupported"
    assert caught.value.hint


# ------------------------------------------------------------------ Xero -> Odoo
GUID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"


def element(**fields):
    base = {"AttachmentID": GUID, "FileName": "scan.pdf", "MimeType": "application/pdf", "ContentLength": 12}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_listed_reads_one_element_of_xeros_list():
    assert am.listed(element(IncludeOnline=True)) == {
        "xero_id": GUID,
        "file_name": "scan.pdf",
        "size": 12,
        "mimetype": "application/pdf",
        "include_online": True,
    }
    assert am.listed(element(MimeType=None))["mimetype"] is None
    assert len(am.listed(element(FileName="x" * 5000 + ".pdf"))["file_name"]) == am.MAX_REMOTE_NAME_CHARS


@pytest.mark.parametrize(
    "bad, what",
    [
        ("not an object", "str"),
        (element(AttachmentID="../../Contacts"), "AttachmentID"),
        (element(AttachmentID=None), "AttachmentID"),
        (element(FileName="  "), "FileName"),
        (element(FileName=7), "FileName"),
        (element(ContentLength=-1), "ContentLength"),
        (element(ContentLength="12"), "ContentLength"),
        (element(ContentLength=True), "ContentLength"),
    ],
)
def test_listed_refuses_what_it_cannot_read(bad, what):
    with pytest.raises(MappingError) as caught:
        am.listed(bad)
    assert caught.value.kind == "invalid"
    assert caught.value.code == "attachments.unreadable"
    assert what in caught.value.message


def test_version_and_same_file():
    file = am.listed(element())
    assert am.same_file(file, GUID.upper(), 12)
    assert not am.same_file(file, GUID, 13)  # replaced in Xero under its AttachmentID
    assert not am.same_file(file, "11111111-2222-4333-8444-555555555555", 12)
    assert not am.same_file(file, None, 12)
    assert am.version(file) == am.version(am.listed(element(FileName="SCAN.PDF")))
    assert am.version(file) != am.version(am.listed(element(ContentLength=13)))


@pytest.mark.parametrize(
    "name, mime, expected",
    [
        ("receipt.pdf", "application/pdf", "receipt.pdf"),
        ("../../etc/passwd", "text/plain", "_.._etc_passwd.txt"),
        ("C:\\Users\\me\\scan.pdf", None, "C__Users_me_scan.pdf"),
        ("a\x00b\x1b[31m.pdf", None, "a b [31m.pdf"),
        ("invoice\u202efdp.html", "application/pdf", "invoicefdp.html"),
        ("scan", "application/pdf", "scan.pdf"),
        ("", "image/png", "attachment.png"),
    ],
)
def test_odoo_name_is_safe(name, mime, expected):
    assert am.odoo_name(name, mime) == expected


def test_odoo_name_of_a_very_long_name_keeps_its_extension():
    name = am.odoo_name("y" * 10000 + ".pdf")
    assert len(name) == am.MAX_NAME_CHARS and name.endswith("y.pdf")


def test_odoo_mimetype_follows_the_extension_only():
    assert am.odoo_mimetype("scan.PDF") == "application/pdf"
    assert am.odoo_mimetype("photo.jpg") == "image/jpeg"
    assert am.odoo_mimetype("notes.txt") == "text/plain"
    assert am.odoo_mimetype("page.html") == "application/octet-stream"
    assert set(am.EXTENSION_MIMES) == am.ALLOWED_EXTENSIONS


def test_import_check():
    am.import_check("scan.pdf", am.MAX_IMPORT_BYTES)
    for name, size, words in [
        ("scan.pdf", am.MAX_IMPORT_BYTES + 1, "25.0 MB; Odoo brings in from Xero files of at most 25 MB"),
        ("page.html", 1, "is of type .html"),
        ("image.svg", 1, "is of type .svg"),
        ("README", 1, "is of type (none)"),
    ]:
        with pytest.raises(MappingError) as caught:
            am.import_check(name, size)
        assert words in caught.value.message, name
        assert caught.value.kind == "unsupported"
        assert caught.value.hint
