"""Rate limits: per-tenant minute, day and concurrency limits, app-wide minute limit, headers on every response."""

import threading

from sandbox_helpers import Client


def test_headers_on_every_api_response(api):
    first = api.get("Organisation")
    assert (
        first.headers["X-MinLimit-Remaining"],
        first.headers["X-DayLimit-Remaining"],
        first.headers["X-AppMinLimit-Remaining"],
    ) == ("59", "4999", "9999")
    second = api.put("Contacts", {"Contacts": [{}]})  # a 400 counts and carries the headers too
    assert second.status_code == 400
    assert (second.headers["X-MinLimit-Remaining"], second.headers["X-DayLimit-Remaining"]) == ("58", "4998")
    missing = api.get("Invoices/0f0e0d0c-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.headers["X-MinLimit-Remaining"] == "57"


def test_minute_limit_and_window_reset(make_sandbox):
    sandbox = make_sandbox(minute_limit=3)
    api = Client(sandbox)
    assert [api.get("Organisation").status_code for _ in range(3)] == [200, 200, 200]
    blocked = api.get("Organisation")
    assert blocked.status_code == 429
    assert blocked.headers["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert blocked.headers["X-MinLimit-Remaining"] == "0"
    sandbox.advance_clock(int(blocked.headers["Retry-After"]))
    allowed = api.get("Organisation")
    assert allowed.status_code == 200 and allowed.headers["X-MinLimit-Remaining"] == "2"


def test_limits_are_per_tenant(make_sandbox):
    sandbox = make_sandbox(minute_limit=2)
    other = sandbox.add_tenant("Other")
    token = sandbox.issue_token()["access_token"]
    first, second = Client(sandbox, token=token), Client(sandbox, token=token, tenant_id=other)
    assert [first.get("Organisation").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("Organisation").status_code == 200


def test_day_limit(make_sandbox):
    sandbox = make_sandbox(minute_limit=100, day_limit=5)
    api = Client(sandbox)
    for _ in range(5):
        assert api.get("Organisation").status_code == 200
    blocked = api.get("Organisation")
    assert blocked.status_code == 429 and blocked.headers["X-Rate-Limit-Problem"] == "day"
    assert int(blocked.headers["Retry-After"]) > 86000
    assert blocked.headers["X-DayLimit-Remaining"] == "0"
    sandbox.advance_clock(86400)
    assert Client(sandbox).get("Organisation").status_code == 200  # a fresh token: the old one expired


def test_app_minute_limit(make_sandbox):
    sandbox = make_sandbox(app_minute_limit=3)
    other = sandbox.add_tenant("Other")
    token = sandbox.issue_token()["access_token"]
    statuses = [
        Client(sandbox, token=token, tenant_id=t).get("Organisation").status_code
        for t in (sandbox.tenant_id, other, other)
    ]
    assert statuses == [200, 200, 200]
    blocked = Client(sandbox, token=token).get("Organisation")
    assert blocked.status_code == 429 and blocked.headers["X-Rate-Limit-Problem"] == "appminute"
    assert blocked.headers["X-AppMinLimit-Remaining"] == "0"


def test_concurrency_limit(make_sandbox):
    sandbox = make_sandbox(concurrency_limit=2)
    token = sandbox.issue_token()["access_token"]
    sandbox.inject_fault("latency", count=2, seconds=1.0)
    results = []

    def call():
        results.append(Client(sandbox, token=token).get("Organisation"))

    slow = [threading.Thread(target=call) for _ in range(2)]
    for thread in slow:
        thread.start()
    for _ in range(200):  # wait until both slow calls are in flight
        if sandbox.limits.in_flight.get(sandbox.tenant_id) == 2:
            break
        threading.Event().wait(0.01)
    blocked = Client(sandbox, token=token).get("Organisation")
    for thread in slow:
        thread.join()
    assert blocked.status_code == 429 and blocked.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert "Retry-After" not in blocked.headers  # Xero sends it for minute/day only
    assert [r.status_code for r in results] == [200, 200]
    assert Client(sandbox, token=token).get("Organisation").status_code == 200


def test_identity_endpoints_are_not_rate_limited(make_sandbox):
    sandbox = make_sandbox(minute_limit=1)
    for _ in range(3):
        sandbox.issue_token()
    api = Client(sandbox)
    assert api.get("Organisation").status_code == 200
    assert api.get("Organisation").status_code == 429
