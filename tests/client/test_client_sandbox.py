"""The client against the real local sandbox, over real HTTP: paging, rate limits, faults,
batch results, idempotent retries, token handling, OAuth, and redaction of every log."""

import json
import logging
import threading
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from xero import CREATED, REJECTED, UPDATED, errors
from xero.dates import parse_datetime
from xero.transport import RetryPolicy

OLD = "/Date(1262304000000+0000)/"  # 2010-01-01


def contacts(count, prefix="Contact"):
    return [
        {
            "ContactID": str(uuid.uuid4()),
            "Name": f"{prefix} {i:05d}",
            "ContactStatus": "ACTIVE",
            "EmailAddress": f"c{i}@example.com",
            "UpdatedDateUTC": OLD,
        }
        for i in range(count)
    ]


def statuses(harness):
    return [record["status"] for record in harness.records]


# ----------------------------------------------------------------------------- paging
def test_paging_2500_records_takes_three_list_calls(sandbox, harness):
    sandbox.load_seed({"Contacts": contacts(2500)})
    before = harness.ops().get("GET /Contacts", 0)
    pages = list(harness.client.iter_pages("Contacts", page_size=1000))
    assert [len(page) for page in pages] == [1000, 1000, 500]
    assert harness.ops()["GET /Contacts"] - before == 3
    assert len({r["ContactID"] for page in pages for r in page}) == 2500
    sent = [r["url"] for r in harness.records]
    assert all("pageSize=1000" in url for url in sent)
    assert [parse_qs(urlsplit(url).query)["page"] for url in sent] == [["1"], ["2"], ["3"]]


def test_paging_stops_on_last_announced_page(sandbox, harness):
    """2,000 records: the pagination block says 2 pages, so no third, empty read."""
    sandbox.load_seed({"Contacts": contacts(2000)})
    records = list(harness.client.iter_records("Contacts"))
    assert len(records) == 2000
    assert harness.ops()["GET /Contacts"] == 2


def test_ids_filter_is_split_under_the_url_limit(sandbox, harness):
    seeded = contacts(130)
    sandbox.load_seed({"Contacts": seeded})
    wanted = [c["ContactID"] for c in seeded[:120]]
    found = list(harness.client.iter_records("Contacts", ids=wanted))
    assert sorted(r["ContactID"] for r in found) == sorted(wanted)
    id_counts = [len(parse_qs(urlsplit(r["url"]).query)["IDs"][0].split(",")) for r in harness.records]
    assert id_counts == [50, 50, 20]


def test_if_modified_since_returns_only_newer_records(sandbox, harness):
    seeded = contacts(5)
    sandbox.load_seed({"Contacts": seeded})
    sandbox.advance_clock(3600)
    target = {"ContactID": seeded[2]["ContactID"], "Name": "Renamed contact"}
    [result] = harness.client.write("Contacts", [target], method="POST")
    assert result.status == UPDATED
    changed_at = parse_datetime(result.record["UpdatedDateUTC"])
    since = changed_at - timedelta(seconds=1)
    found = list(harness.client.iter_records("Contacts", if_modified_since=since))
    assert [r["ContactID"] for r in found] == [target["ContactID"]]
    assert found[0]["Name"] == "Renamed contact"
    header = harness.records[-1]["request_headers"]["If-Modified-Since"]
    assert header == since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_changes_since_counts_and_names_the_newest_in_one_read(sandbox, harness):
    seeded = contacts(1500)
    sandbox.load_seed({"Contacts": seeded})
    assert harness.client.changes_since("Contacts") == (1500, harness.client.changes_since("Contacts")[1])
    sandbox.advance_clock(3600)
    renamed = [{"ContactID": seeded[i]["ContactID"], "Name": f"Renamed {i}"} for i in (7, 3)]
    results = harness.client.write("Contacts", renamed, method="POST")
    since = parse_datetime(results[0].record["UpdatedDateUTC"]) - timedelta(seconds=1)
    before = harness.ops().get("GET /Contacts", 0)
    count, newest = harness.client.changes_since("Contacts", if_modified_since=since)
    assert harness.ops()["GET /Contacts"] - before == 1
    assert count == 2
    assert newest["ContactID"] in {r["ContactID"] for r in renamed}
    query = parse_qs(urlsplit(harness.records[-1]["url"]).query)
    assert query["pageSize"] == ["1"] and query["order"] == ["UpdatedDateUTC DESC"]
    later = parse_datetime(results[0].record["UpdatedDateUTC"]) + timedelta(hours=1)
    assert harness.client.changes_since("Contacts", if_modified_since=later) == (0, None)
    with pytest.raises(ValueError):
        harness.client.changes_since("Currencies")


def test_client_counts_its_writes(sandbox, harness):
    sandbox.load_seed({"Contacts": contacts(2)})
    list(harness.client.iter_records("Contacts"))
    assert harness.client.writes == 0
    harness.client.write("Contacts", [{"Name": "New one"}], method="PUT")
    assert harness.client.writes == 1


def test_every_call_carries_tenant_and_accept_headers(sandbox, harness):
    harness.client.organisation()
    harness.client.write("Contacts", [{"Name": "Header check"}], method="PUT")
    for record in harness.records:
        headers = record["request_headers"]
        assert headers["xero-tenant-id"] == sandbox.tenant_id
        assert headers["Accept"] == "application/json"
        assert headers["Authorization"] == "***"
    put = harness.records[-1]
    assert put["idempotency_key"].startswith("sxc-")
    assert "summarizeErrors=false" in put["url"]


# ------------------------------------------------------------------------ rate limits
def test_minute_429_with_retry_after_is_waited_out(sandbox, harness):
    sandbox.inject_fault("rate_limit", count=1, problem="minute", retry_after=7)
    organisation = harness.client.organisation()
    assert organisation["OrganisationID"]
    assert harness.time.sleeps == [7]
    assert statuses(harness) == [429, 200]
    assert harness.records[0]["rate_limits"]["X-Rate-Limit-Problem"].lower() == "minute"


def test_real_minute_limit_is_waited_out(make_sandbox, make_harness):
    sandbox = make_sandbox(minute_limit=5)
    harness = make_harness(sandbox, policy=RetryPolicy(min_remaining_threshold=-1))
    for _ in range(8):
        harness.client.organisation()
    assert statuses(harness).count(200) == 8
    assert statuses(harness).count(429) == 1
    assert len(harness.time.sleeps) == 1 and 0 < harness.time.sleeps[0] <= 60


def test_client_slows_down_before_the_minute_wall(make_sandbox, make_harness):
    sandbox = make_sandbox(minute_limit=10)
    harness = make_harness(sandbox, policy=RetryPolicy(min_remaining_threshold=3))
    for _ in range(25):
        harness.client.organisation()
    assert 429 not in statuses(harness)
    assert sandbox.stats()["by_status"].get("429", 0) == 0
    assert len(harness.time.sleeps) >= 3  # it paced itself instead of hitting the limit


def test_day_limit_stops_with_typed_error(sandbox, harness):
    sandbox.inject_fault("rate_limit", count=1, problem="day", retry_after=3600)
    with pytest.raises(errors.XeroDayLimitError) as info:
        harness.client.organisation()
    assert info.value.retry_after == 3600
    expected = datetime.now(timezone.utc) + timedelta(hours=1)
    assert abs((info.value.resume_at - expected).total_seconds()) < 60
    assert "daily API limit" in str(info.value)
    assert statuses(harness) == [429]  # no retry of a day-limit answer
    assert harness.time.sleeps == []


def test_real_day_limit(make_sandbox, make_harness):
    sandbox = make_sandbox(day_limit=3)
    harness = make_harness(sandbox)
    for _ in range(3):
        harness.client.organisation()
    # Xero's last answer said 0 left: the fourth call is not even sent.
    with pytest.raises(errors.XeroDayLimitError) as info:
        harness.client.organisation()
    assert "nearly used up (0 calls left" in str(info.value)
    assert statuses(harness) == [200, 200, 200]
    # Later (the run paused meanwhile) the client asks Xero again, which answers its own 429.
    with pytest.raises(errors.XeroDayLimitError) as info:
        harness.client.organisation()
    assert statuses(harness) == [200, 200, 200, 429]
    assert info.value.retry_after


def test_day_budget_is_checked_for_a_batch(make_sandbox, make_harness):
    sandbox = make_sandbox(day_limit=4)
    harness = make_harness(sandbox)
    harness.client.organisation()
    harness.client.check_day_budget(3)  # 3 left: a batch of 3 calls fits
    with pytest.raises(errors.XeroDayLimitError):
        harness.client.check_day_budget(4)
    assert statuses(harness) == [200]


def test_concurrency_is_bounded_per_tenant(make_sandbox, make_harness):
    """12 threads at once: the client keeps 5 in flight, so the sandbox's concurrency limit
    of 5 is never hit; with the client's bound lifted, it is (and is waited out)."""

    def run(concurrency):
        sandbox = make_sandbox(concurrency_limit=5)
        harness = make_harness(sandbox, policy=RetryPolicy(concurrency=concurrency))
        sandbox.inject_fault("latency", count=12, seconds=0.3)
        failures = []

        def call():
            try:
                harness.client.organisation()
            except Exception as exc:  # collected and asserted below
                failures.append(exc)

        threads = [threading.Thread(target=call) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sandbox.stats()["by_status"], failures

    by_status, failures = run(concurrency=5)
    assert failures == [] and by_status.get("429", 0) == 0 and by_status["200"] == 12
    by_status, failures = run(concurrency=12)
    assert failures == [] and by_status.get("429", 0) > 0 and by_status["200"] == 12


# ----------------------------------------------------------------------------- faults
def test_5xx_storm_is_survived(sandbox, harness):
    sandbox.inject_fault("http_503", count=3)
    assert harness.client.organisation()["OrganisationID"]
    assert statuses(harness) == [503, 503, 503, 200]
    assert len(harness.time.sleeps) == 3
    assert harness.time.sleeps[0] < harness.time.sleeps[2]  # exponential back-off


def test_endless_5xx_gives_up_with_typed_error(sandbox, harness):
    sandbox.inject_fault("http_500", count=50)
    with pytest.raises(errors.XeroServerError, match="not available"):
        harness.client.organisation()
    assert statuses(harness) == [500] * RetryPolicy().max_attempts


def test_dropped_connection_after_commit_is_retried_without_duplicate(sandbox, harness):
    sandbox.inject_fault("drop_after_commit", count=1, method="PUT", path="/api.xro/2.0/Contacts")
    [result] = harness.client.write("Contacts", [{"Name": "Only Once Ltd"}], method="PUT")
    assert result.status == CREATED
    names = [c["Name"] for c in sandbox.records("Contacts")]
    assert names.count("Only Once Ltd") == 1
    puts = [r for r in harness.records if r["method"] == "PUT"]
    assert [r["status"] for r in puts] == [0, 200]  # 0: no answer, connection dropped
    assert puts[0]["idempotency_key"] == puts[1]["idempotency_key"]
    assert result.xero_id == sandbox.records("Contacts")[0]["ContactID"]


def test_retrying_the_same_batch_later_does_not_write_twice(sandbox, harness):
    batch = [{"Name": "Retry Co"}, {"Name": "Retry Two"}]
    first = harness.client.write("Contacts", batch, method="PUT", hint="run-1")
    again = harness.client.write("Contacts", batch, method="PUT", hint="run-1")
    assert [r.xero_id for r in first] == [r.xero_id for r in again]
    assert len(sandbox.records("Contacts")) == 2


# ---------------------------------------------------------------------- batch writes
def test_batch_returns_one_result_per_element(sandbox, harness):
    sandbox.load_seed(
        {"Contacts": [{"ContactID": str(uuid.uuid4()), "Name": "Acme Ltd", "ContactStatus": "ACTIVE"}]}
    )
    results = harness.client.write(
        "Contacts",
        [{"Name": "New One"}, {"Name": "Acme Ltd"}, {"Name": "New Two"}],
        method="PUT",
    )
    assert [r.status for r in results] == [CREATED, REJECTED, CREATED]
    assert [r.index for r in results] == [0, 1, 2]
    assert "already assigned to another contact" in results[1].messages[0]
    assert results[1].xero_id is None
    names = sorted(c["Name"] for c in sandbox.records("Contacts"))
    assert names == ["Acme Ltd", "New One", "New Two"]
    assert results[0].xero_id in {c["ContactID"] for c in sandbox.records("Contacts")}


def test_batches_are_chunked_by_50(sandbox, harness):
    results = harness.client.write("Contacts", [{"Name": f"Bulk {i}"} for i in range(120)], method="PUT")
    assert [r.status for r in results] == [CREATED] * 120
    assert harness.ops()["PUT /Contacts"] == 3
    assert len(sandbox.records("Contacts")) == 120


def test_post_with_id_updates(sandbox, harness):
    [created] = harness.client.write("Contacts", [{"Name": "Before"}], method="PUT")
    [updated] = harness.client.write(
        "Contacts", [{"ContactID": created.xero_id, "Name": "After"}], method="POST"
    )
    assert updated.status == UPDATED and updated.xero_id == created.xero_id
    assert [c["Name"] for c in sandbox.records("Contacts")] == ["After"]


def test_single_object_collections_write_one_by_one(sandbox, harness):
    results = harness.client.write(
        "Accounts",
        [
            {"Code": "9001", "Name": "Test expenses", "Type": "EXPENSE"},
            {"Code": "9002", "Name": "Bad account"},
        ],  # no Type: Xero refuses it
        method="PUT",
    )
    assert [r.status for r in results] == [CREATED, REJECTED]
    assert results[1].messages
    assert harness.ops()["PUT /Accounts"] == 2


# ----------------------------------------------------------------------------- tokens
def test_401_refreshes_the_token_once_and_retries(sandbox, harness):
    harness.tokens = {"access_token": "not-a-valid-token"}
    assert harness.client.organisation()["OrganisationID"]
    assert harness.token_calls == [False, True]
    assert statuses(harness) == [401, 200]


def test_expired_token_gets_401_then_refresh(sandbox, harness):
    harness.client.organisation()
    sandbox.advance_clock(1801)
    assert harness.client.organisation()["OrganisationID"]
    assert statuses(harness) == [200, 401, 200]


def test_unknown_tenant_is_forbidden(sandbox, make_harness):
    harness = make_harness(sandbox, tenant_id=str(uuid.uuid4()))
    with pytest.raises(errors.XeroForbidden, match="Reconnect"):
        harness.client.organisation()


def test_missing_record_is_none(harness):
    assert harness.client.get_record("Contacts", str(uuid.uuid4())) is None


# ------------------------------------------------------------------------------ OAuth
def _authorize(harness, oauth, state="st-123"):
    url = oauth.authorization_url(state)
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303)
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def test_oauth_code_flow_refresh_rotation_and_grace(sandbox, harness):
    oauth = harness.oauth()
    code = _authorize(harness, oauth)
    tokens = oauth.exchange_code(code)
    assert tokens.access_token and tokens.refresh_token
    assert "offline_access" in oauth.authorization_url("x")
    [connection] = oauth.connections(tokens.access_token)
    assert connection.tenant_id == sandbox.tenant_id
    with pytest.raises(errors.XeroInvalidGrant):  # codes are single use
        oauth.exchange_code(code)

    rotated = oauth.refresh(tokens.refresh_token)
    assert rotated.refresh_token != tokens.refresh_token
    # The spent refresh token still works within Xero's 30-minute grace period...
    assert oauth.refresh(tokens.refresh_token).access_token
    # ...and not after it.
    sandbox.advance_clock(31 * 60)
    with pytest.raises(errors.XeroInvalidGrant, match="Reconnect"):
        oauth.refresh(tokens.refresh_token)


def test_wrong_client_secret_is_an_auth_error(harness):
    oauth = harness.oauth(client_secret="wrong-secret-value")
    code = _authorize(harness, oauth)
    with pytest.raises(errors.XeroAuthError) as info:
        oauth.exchange_code(code)
    assert "wrong-secret-value" not in str(info.value)


def test_custom_connection_and_disconnect(sandbox, harness):
    oauth = harness.oauth()
    tokens = oauth.client_credentials()
    assert tokens.access_token and tokens.refresh_token is None
    [connection] = oauth.connections(tokens.access_token)
    assert connection.tenant_id == sandbox.tenant_id

    code_tokens = oauth.exchange_code(_authorize(harness, oauth))
    [connection] = oauth.connections(code_tokens.access_token)
    oauth.delete_connection(code_tokens.access_token, connection.id)
    assert oauth.connections(code_tokens.access_token) == []
    with pytest.raises(errors.XeroNotFound):
        oauth.delete_connection(code_tokens.access_token, connection.id)


def test_revoked_refresh_token_is_invalid_grant(harness):
    oauth = harness.oauth()
    tokens = oauth.exchange_code(_authorize(harness, oauth))
    oauth.revoke(tokens.refresh_token)
    with pytest.raises(errors.XeroInvalidGrant):
        oauth.refresh(tokens.refresh_token)


def test_no_secret_in_any_log(sandbox, harness, caplog):
    caplog.set_level(logging.DEBUG)
    oauth = harness.oauth(client_secret="sandbox-secret")
    code = _authorize(harness, oauth)
    tokens = oauth.exchange_code(code)
    rotated = oauth.refresh(tokens.refresh_token)
    harness.tokens = {"access_token": rotated.access_token}
    harness.client.organisation()
    harness.client.write("Contacts", [{"Name": "Log Check"}], method="PUT")
    sandbox.inject_fault("http_503", count=1)
    harness.client.organisation()
    with pytest.raises(errors.XeroInvalidGrant):
        sandbox.advance_clock(31 * 60)
        oauth.refresh(tokens.refresh_token)
    secrets = [
        code,
        tokens.access_token,
        tokens.refresh_token,
        rotated.access_token,
        rotated.refresh_token,
        "sandbox-secret",
    ]
    captured = json.dumps(harness.records) + caplog.text
    assert len(harness.records) >= 7
    for secret in secrets:
        assert secret and secret not in captured


def test_numbers_filter_reads_100_numbers_a_call_within_the_url_budget(sandbox, harness):
    """Pre-matching of new invoices: ``InvoiceNumbers=`` with up to 100 numbers a read, fewer
    when long numbers would make the URL too long; a comma cannot go in such a filter."""
    [contact] = contacts(1)
    invoices = [
        {
            "InvoiceID": str(uuid.uuid4()),
            "Type": "ACCREC",
            "Status": "AUTHORISED",
            "InvoiceNumber": f"INV/2026/{i:05d}",
            "Contact": {"ContactID": contact["ContactID"]},
            "Date": "2026-01-05",
            "DueDate": "2026-02-05",
            "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}],
            "UpdatedDateUTC": OLD,
        }
        for i in range(150)
    ]
    sales = {
        "AccountID": str(uuid.uuid4()),
        "Code": "200",
        "Name": "Sales",
        "Type": "REVENUE",
        "Status": "ACTIVE",
        "TaxType": "NONE",
    }
    sandbox.load_seed({"Accounts": [sales], "Contacts": [contact], "Invoices": invoices})
    wanted = [f"INV/2026/{i:05d}" for i in range(0, 300, 2)]  # 75 exist, 75 do not
    found = list(harness.client.iter_records("Invoices", numbers=wanted))
    assert sorted(r["InvoiceNumber"] for r in found) == wanted[:75]
    sent = [parse_qs(urlsplit(r["url"]).query)["InvoiceNumbers"][0] for r in harness.records]
    # "INV/2026/00000" is 18 characters encoded, 21 with its comma: 71 fit in 1,500.
    assert [len(s.split(",")) for s in sent] == [71, 71, 8]
    assert sum(len(s.split(",")) for s in sent) == 150
    short = [f"N{i}" for i in range(250)]
    harness.records.clear()
    list(harness.client.iter_records("Invoices", numbers=short))
    assert [
        len(parse_qs(urlsplit(r["url"]).query)["InvoiceNumbers"][0].split(",")) for r in harness.records
    ] == [100, 100, 50]
    with pytest.raises(ValueError):
        list(harness.client.iter_records("Invoices", numbers=["A,B"]))
    with pytest.raises(ValueError):
        list(harness.client.iter_records("Contacts", numbers=["A"]))


def test_ids_without_ids_filter_read_by_where_on_the_id(sandbox, harness):
    """Credit notes take no IDs parameter: a where on the ID, combined with the caller's where,
    as many IDs a read as the URL budget allows; an ID that is no GUID is never put in a where."""
    customer = contacts(1)[0]
    notes = [
        {
            "CreditNoteID": str(uuid.uuid4()),
            "Type": "ACCRECCREDIT" if i % 2 else "ACCPAYCREDIT",
            "Contact": {"ContactID": customer["ContactID"]},
            "Date": "2026-01-05",
            "Status": "DRAFT",
            "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5}],
        }
        for i in range(60)
    ]
    sandbox.load_seed({"Contacts": [customer], "CreditNotes": notes})
    wanted = [n["CreditNoteID"] for n in notes[:55]]
    found = list(
        harness.client.iter_records("CreditNotes", ids=wanted, params={"where": 'Type=="ACCRECCREDIT"'})
    )
    assert sorted(r["CreditNoteID"] for r in found) == sorted(
        n["CreditNoteID"] for n in notes[:55] if n["Type"] == "ACCRECCREDIT"
    )
    wheres = [parse_qs(urlsplit(r["url"]).query)["where"][0] for r in harness.records]
    assert all(w.startswith('(Type=="ACCRECCREDIT") AND (CreditNoteID==Guid("') for w in wheres)
    assert sum(w.count("Guid(") for w in wheres) == 55
    assert all(len(quote(w, safe="")) <= 1500 + 100 for w in wheres)
    assert [w.count("Guid(") for w in wheres] == [18, 18, 18, 1]
    with pytest.raises(ValueError):
        list(harness.client.iter_records("CreditNotes", ids=['x") OR (1==1']))


def test_tracking_categories_write_one_by_one_and_options(sandbox, harness):
    """A category is created by PUT and updated by POST /{id} (no batch); options are created
    in one PUT, one by one when Xero refuses that request, and updated by POST each."""
    client = harness.client
    sandbox.load_seed({"TrackingCategories": [{"Name": "Region", "Options": [{"Name": "North"}]}]})
    region = client.iter_records("TrackingCategories").__next__()
    [made] = client.write("TrackingCategories", [{"Name": "Department"}], method="POST")
    assert made.status == "created" and made.record["Name"] == "Department"
    [renamed] = client.write(
        "TrackingCategories", [{"TrackingCategoryID": made.xero_id, "Name": "Departments"}], method="POST"
    )
    assert renamed.status == "updated" and renamed.record["Name"] == "Departments"
    ops = sandbox.stats()["by_operation"]
    assert ops.get("PUT /TrackingCategories") == 1
    assert ops.get("POST /TrackingCategories") == 1  # to /TrackingCategories/{id}
    created, updated = client.write_tracking_options(
        region["TrackingCategoryID"],
        [{"Name": "South"}, {"Name": "north"}, {"Name": "East"}],
        [(region["Options"][0]["TrackingOptionID"], {"Name": "Northern", "Status": "ACTIVE"})],
    )
    assert [r.status for r in created] == ["created", "rejected", "created"]
    assert [r.index for r in created] == [0, 1, 2]
    assert "already exists" in created[1].messages[0]
    assert [r.status for r in updated] == ["updated"]
    names = sorted(
        o["Name"] for o in client.get_record("TrackingCategories", region["TrackingCategoryID"])["Options"]
    )
    assert names == ["East", "Northern", "South"]
