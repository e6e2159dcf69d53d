"""Control endpoints and in-process controls: stats, faults, reset, clock, tenants."""

import http.client
import json
import time

import pytest
import requests
from sandbox_helpers import Client, invoice_body, line


def control(sb, method, name, body=None):
    response = requests.request(method, sb.url + "/_sandbox/" + name, json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_stats_count_requests_by_operation_and_status(sb, api, contact):
    sb.reset()
    api = Client(sb)
    api.get("Invoices")
    api.get("Invoices/" + "00000000-0000-4000-8000-000000000001")
    api.put(
        "Invoices",
        {"Invoices": [invoice_body(api.get("Contacts").json()["Contacts"][0]["ContactID"], [line(1, 10)])]},
    )
    note = api.create(
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Contact": {"Name": "Stats Ltd"},
            "Date": "2026-01-01",
            "Status": "AUTHORISED",
            "LineItems": [line(1, 1)],
        },
    )
    api.put("CreditNotes/{}/Allocations".format(note["CreditNoteID"]), {"Allocations": []})
    requests.get(sb.url + "/connections", headers={"Authorization": "Bearer " + api.token}, timeout=10)
    stats = control(sb, "GET", "stats")
    assert stats == sb.stats()
    assert stats["total"] == 7
    assert stats["by_operation"] == {
        "GET /Invoices": 2,
        "GET /Contacts": 1,
        "PUT /Invoices": 1,
        "PUT /CreditNotes": 1,
        "PUT /CreditNotes/Allocations": 1,
        "GET /connections": 1,
    }
    assert stats["by_status"] == {"200": 6, "404": 1}
    requests.post(sb.url + "/connect/token", data={"grant_type": "client_credentials"}, timeout=10)
    assert sb.stats()["by_operation"]["POST /connect/token"] == 1


def test_http_500_and_503_faults(sb, api):
    control(sb, "POST", "faults", {"kind": "http_500", "count": 2, "path": "/api.xro/2.0/Invoices"})
    assert api.get("Contacts").status_code == 200  # path filter
    assert [api.get("Invoices").status_code for _ in range(3)] == [500, 500, 200]
    sb.inject_fault("http_503", method="PUT")
    assert api.get("Invoices").status_code == 200
    unavailable = api.put("Contacts", {"Contacts": [{"Name": "Not written"}]})
    assert unavailable.status_code == 503
    assert "Not written" not in [c["Name"] for c in sb.records("Contacts")]


def test_drop_after_commit(sb, api):
    sb.inject_fault("drop_after_commit", method="PUT")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.put("Contacts", {"Contacts": [{"Name": "Committed But Unanswered"}]})
    assert "Committed But Unanswered" in [c["Name"] for c in sb.records("Contacts")]
    assert sb.stats()["by_operation"]["PUT /Contacts"] == 1


def test_latency_fault(sb, api):
    sb.inject_fault("latency", seconds=0.3)
    started = time.monotonic()
    assert api.get("Organisation").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_rate_limit_fault(sb, api):
    control(sb, "POST", "faults", {"kind": "rate_limit", "count": 1, "problem": "minute", "retry_after": 7})
    burst = api.get("Invoices")
    assert (burst.status_code, burst.headers["X-Rate-Limit-Problem"], burst.headers["Retry-After"]) == (
        429,
        "minute",
        "7",
    )
    sb.inject_fault("rate_limit", problem="day", retry_after=3600)
    assert api.get("Invoices").headers["X-Rate-Limit-Problem"] == "day"
    sb.inject_fault("rate_limit", problem="concurrent")
    assert api.get("Invoices").headers["X-Rate-Limit-Problem"] == "concurrent"
    assert api.get("Invoices").status_code == 200
    bad = requests.post(sb.url + "/_sandbox/faults", json={"kind": "meteor"}, timeout=10)
    assert bad.status_code == 400


def test_reset_restores_seed_and_clears_state(sb, api):
    before = len(sb.records("Contacts"))
    api.create("Contacts", {"Name": "Temporary"})
    sb.inject_fault("http_500")
    control(sb, "POST", "reset")
    assert len(sb.records("Contacts")) == before
    assert sb.stats() == {"total": 0, "by_operation": {}, "by_status": {}}
    fresh = Client(sb)  # tokens are cleared by a reset
    assert api.get("Organisation").status_code == 401
    assert fresh.get("Organisation").status_code == 200  # the fault was cleared too


def test_clock_moves_updated_dates_and_tokens(sb, api):
    first = api.create("Contacts", {"Name": "Clock One"})
    moved = control(sb, "POST", "clock", {"advance": 3600})
    assert "now" in moved
    second = Client(sb).create("Contacts", {"Name": "Clock Two"})
    delta_ms = int(second["UpdatedDateUTC"][6:19]) - int(first["UpdatedDateUTC"][6:19])
    assert 3600 * 1000 <= delta_ms < 3700 * 1000
    assert api.get("Organisation").status_code == 401  # 30-minute token expired


def test_tenants_and_token_control_endpoints(sb):
    made = control(sb, "POST", "tenants", {"name": "Via HTTP"})
    assert made["tenantId"] in sb.tenants_in_order()
    token = control(sb, "POST", "token", {"tenant_ids": [made["tenantId"]]})
    org = (
        Client(sb, token=token["access_token"], tenant_id=made["tenantId"])
        .get("Organisation")
        .json()["Organisations"][0]
    )
    assert org["Name"] == "Via HTTP"
    assert requests.get(sb.url + "/_sandbox/nothing", timeout=10).status_code == 404


def test_records_inspection_and_load_seed(sb):
    tenant = sb.add_tenant(
        "Seeded by dict",
        seed={
            "Contacts": [
                {
                    "ContactID": "11111111-2222-4333-8444-555555555555",
                    "Name": "Seed Co",
                    "UpdatedDateUTC": "2024-05-01T10:00:00Z",
                }
            ]
        },
    )
    [contact] = sb.records("Contacts", tenant)
    assert (contact["ContactID"], contact["Name"], contact["UpdatedDateUTC"]) == (
        "11111111-2222-4333-8444-555555555555",
        "Seed Co",
        "/Date(1714557600000+0000)/",
    )
    assert sb.records("Organisation", tenant)[0]["Name"] == "Seeded by dict"


def test_not_found_paths(api, sb):
    assert (
        api.get("NoSuchCollection", headers={"X-Test-Invalid-Request": "unknown path on purpose"}).status_code
        == 404
    )
    assert requests.get(sb.url + "/nothing-here", timeout=10).status_code == 404
    connection = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    connection.request("GET", "/api.xro/2.0/Organisation")
    assert connection.getresponse().status == 401
    connection.close()
    assert json.loads(requests.get(sb.url + "/_sandbox/stats", timeout=10).text)["total"] >= 1
