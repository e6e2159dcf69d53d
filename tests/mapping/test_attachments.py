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
