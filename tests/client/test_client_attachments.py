"""Attachment uploads through the client's one chokepoint, against the sandbox: raw bytes with
the file's type, create (PUT) and replace (POST), IncludeOnline, idempotent retries."""

import uuid

import pytest
from xero import errors


def invoice_id(harness):
    harness.sandbox.load_seed(
        {
            "Accounts": [
                {
                    "AccountID": str(uuid.uuid4()),
                    "Code": "200",
                    "Name": "Sales",
                    "Type": "REVENUE",
                    "Status": "ACTIVE",
                    "TaxType": "OUTPUT",
                }
            ]
        }
    )
    [contact] = harness.client.write("Contacts", [{"Name": "Attach Ltd"}], method="PUT")
    [invoice] = harness.client.write(
        "Invoices",
        [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contact.xero_id},
                "Date": "2026-03-01",
                "LineItems": [
                    {"Description": "Work", "Quantity": 1, "UnitAmount": 10.0, "AccountCode": "200"}
                ],
            }
        ],
        method="PUT",
    )
    assert invoice.ok, invoice.messages
    return invoice.xero_id


def test_upload_sends_raw_bytes_with_their_type(sandbox, harness):
    record_id = invoice_id(harness)
    content = bytes(range(256)) * 4  # binary, not UTF-8
    made = harness.client.upload_attachment(
        "Invoices", record_id, "scan.pdf", content, mime="application/pdf", include_online=True
    )
    assert (made["FileName"], made["MimeType"], made["ContentLength"], made["IncludeOnline"]) == (
        "scan.pdf",
        "application/pdf",
        1024,
        True,
    )
    [stored] = sandbox.attachments("Invoices", record_id)
    assert stored["Content"] == content
    [put] = [r for r in harness.records if "/Attachments/" in r["url"]]
    assert put["method"] == "PUT"
    assert put["url"].endswith(f"/Invoices/{record_id}/Attachments/scan.pdf?IncludeOnline=true")
    assert put["request_headers"]["Content-Type"] == "application/pdf"
    assert put["request_body"] == "<1024 bytes of binary content>"  # never the bytes in a log
    assert put["idempotency_key"].startswith("sxc-")


def test_replace_posts_to_the_same_name(sandbox, harness):
    record_id = invoice_id(harness)
    first = harness.client.upload_attachment("Invoices", record_id, "a.txt", b"one", mime="text/plain")
    second = harness.client.upload_attachment(
        "Invoices", record_id, "a.txt", b"two", mime="text/plain", replace=True
    )
    assert second["AttachmentID"] == first["AttachmentID"]
    assert [a["Content"] for a in sandbox.attachments("Invoices", record_id)] == [b"two"]
    assert harness.ops()["PUT /Invoices/Attachments"] == 1
    assert harness.ops()["POST /Invoices/Attachments"] == 1
    # No type given: octet-stream (the spec's), the sandbox tells it by the name like Xero.
    harness.client.upload_attachment("Invoices", record_id, "b.png", b"\x89PNG")
    upload = [r for r in harness.records if r["url"].endswith("/b.png")][0]
    assert upload["request_headers"]["Content-Type"] == "application/octet-stream"


def test_awkward_names_are_quoted_in_the_path(sandbox, harness):
    record_id = invoice_id(harness)
    name = "Q1 report #2 %20 100%é.pdf"
    made = harness.client.upload_attachment("Invoices", record_id, name, b"x")
    assert made["FileName"] == name
    assert [a["FileName"] for a in harness.client.list_attachments("Invoices", record_id)] == [name]


def test_dropped_upload_is_retried_without_a_second_file(sandbox, harness):
    record_id = invoice_id(harness)
    sandbox.inject_fault(
        "drop_after_commit",
        count=1,
        method="PUT",
        path=f"/api.xro/2.0/Invoices/{record_id}/Attachments/once.txt",
    )
    made = harness.client.upload_attachment("Invoices", record_id, "once.txt", b"x", hint="ir.attachment:7:0")
    assert [a["AttachmentID"] for a in sandbox.attachments("Invoices", record_id)] == [made["AttachmentID"]]
    puts = [r for r in harness.records if "/Attachments/" in r["url"]]
    assert [r["status"] for r in puts] == [0, 200]
    assert puts[0]["idempotency_key"] == puts[1]["idempotency_key"]


def test_idempotency_key_follows_path_bytes_and_hint(harness):
    keys = []
    harness.client.read_only = False

    def capture(method, url, **kwargs):
        keys.append(kwargs["idempotency_key"])
        raise errors.XeroConnectionError("not sent")

    harness.client.transport.request = capture
    for args, kwargs in [
        (("a.txt", b"x"), {}),
        (("a.txt", b"x"), {}),
        (("a.txt", b"y"), {}),
        (("b.txt", b"x"), {}),
        (("a.txt", b"x"), {"hint": "v1"}),
        (("a.txt", b"x"), {"replace": True}),
    ]:
        with pytest.raises(errors.XeroConnectionError):
            harness.client.upload_attachment("Invoices", "id-1", *args, **kwargs)
    assert keys[0] == keys[1]
    assert len(set(keys[1:])) == 5


@pytest.mark.parametrize(
    "name, size, status, words",
    [
        ("big.pdf", 10 * 1024 * 1024 + 1, 413, "larger than the 10 MB limit"),
        ("a:b.pdf", 1, 400, "is not valid"),
        ("data.xml", 4, 400, "is not supported"),
    ],
    ids=["too-large", "bad-name", "bad-type"],
)
def test_refusals_are_typed_errors(sandbox, harness, name, size, status, words):
    record_id = invoice_id(harness)
    content = b"x" * size
    with pytest.raises(errors.XeroError) as caught:
        harness.client.upload_attachment("Invoices", record_id, name, content)
    assert caught.value.status == status
    assert words in str(caught.value)
    assert sandbox.attachments("Invoices", record_id) == []


def test_a_preview_client_uploads_nothing(sandbox, harness):
    record_id = invoice_id(harness)
    harness.client.read_only = True
    with pytest.raises(errors.XeroError, match="A preview sends nothing"):
        harness.client.upload_attachment("Invoices", record_id, "a.txt", b"x")
    assert sandbox.attachments() == []


def test_download_by_attachment_id_gets_the_raw_bytes(sandbox, harness):
    record_id = invoice_id(harness)
    content = bytes(range(256)) * 3
    made = harness.client.upload_attachment(
        "Invoices", record_id, "scan.pdf", content, mime="application/pdf"
    )
    [listed] = harness.client.list_attachments("Invoices", record_id)
    assert listed["AttachmentID"] == made["AttachmentID"]
    got = harness.client.download_attachment(
        "Invoices", record_id, made["AttachmentID"], mime="application/pdf"
    )
    assert got == content
    [get] = [r for r in harness.records if r["method"] == "GET" and "/Attachments/" in r["url"]]
    assert get["url"].endswith(f"/Invoices/{record_id}/Attachments/{made['AttachmentID']}")
    assert get["request_headers"]["contentType"] == "application/pdf"
    assert get["request_headers"]["Accept"] == "application/octet-stream"
    assert get["response_body"] == "<768 bytes of binary content>"  # never the bytes in a log
    assert harness.ops()["GET /Invoices/Attachments/{id}"] == 1
    assert harness.ops()["GET /Invoices/Attachments"] == 1


def test_download_of_an_unknown_attachment_is_not_found(sandbox, harness):
    record_id = invoice_id(harness)
    with pytest.raises(errors.XeroNotFound):
        harness.client.download_attachment("Invoices", record_id, str(uuid.uuid4()))
    with pytest.raises(errors.XeroNotFound):
        harness.client.list_attachments("Invoices", str(uuid.uuid4()))
    with pytest.raises(ValueError):
        harness.client.download_attachment("Invoices", record_id, "..")
    assert harness.client.list_attachments("Invoices", record_id) == []
