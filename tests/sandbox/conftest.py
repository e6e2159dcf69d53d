"""Fixtures for the sandbox tests: a running sandbox, an HTTP helper, and a recorder of every exchange.

Every sandbox made by these fixtures reports its HTTP exchanges to ``RECORDED``; test_conformance.py
(moved to the end of the run) validates them all against the official OpenAPI specs.
"""
import os

import pytest
import requests

from xero_sandbox import DEMO_SEED_DIR, Sandbox

API = "/api.xro/2.0/"
RECORDED = []  # exchanges of the whole session (dicts, see Sandbox.record)


def record_exchange(exchange):
    RECORDED.append(exchange)


def pytest_collection_modifyitems(session, config, items):
    """Run the conformance test last, so that it sees the traffic of every other sandbox test."""
    last = [item for item in items if os.path.basename(str(item.fspath)) == "test_conformance.py"]
    if last:
        items[:] = [item for item in items if item not in last] + last


class Client:
    """Thin requests wrapper: base URL, bearer token and tenant header filled in."""

    def __init__(self, sandbox, token=None, tenant_id=None):
        self.sb = sandbox
        self.session = requests.Session()
        self.token = token or sandbox.issue_token()["access_token"]
        self.tenant_id = tenant_id or sandbox.tenant_id

    def headers(self, extra=None):
        out = {"Authorization": "Bearer " + self.token, "xero-tenant-id": self.tenant_id, "Accept": "application/json"}
        out.update(extra or {})
        return out

    def request(self, method, path, **kwargs):
        url = self.sb.url + (path if path.startswith("/") else API + path)
        headers = self.headers(kwargs.pop("headers", None))
        return self.session.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, json=body, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, json=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    # shortcuts -----------------------------------------------------------------------------------
    def create(self, collection, element, **kwargs):
        """PUT one element; assert 200; return the created element."""
        response = self.put(collection, {collection: [element]}, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()[collection][0]

    def one(self, collection, record_id):
        response = self.get("%s/%s" % (collection, record_id))
        assert response.status_code == 200, response.text
        return response.json()[collection][0]


def make(**kwargs):
    sandbox = Sandbox(**kwargs)
    sandbox.observers.append(record_exchange)
    return sandbox.start()


@pytest.fixture(scope="session")
def demo_sandbox():
    sandbox = make(seed=DEMO_SEED_DIR)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sb(demo_sandbox):
    """The demo-seeded sandbox, reset to its seed before each test; no unexpected internal errors after."""
    demo_sandbox.reset()
    del demo_sandbox.errors[:]
    yield demo_sandbox
    assert demo_sandbox.errors == []


@pytest.fixture
def api(sb):
    return Client(sb)


@pytest.fixture
def make_sandbox():
    """Factory for sandboxes with their own settings; all are stopped after the test."""
    made = []

    def factory(**kwargs):
        sandbox = make(**kwargs)
        made.append(sandbox)
        return sandbox

    yield factory
    for sandbox in made:
        sandbox.stop()
        assert sandbox.errors == []


@pytest.fixture
def contact(api):
    return api.create("Contacts", {"Name": "Test Customer Ltd", "EmailAddress": "ap@test-customer.example"})


def invoice_body(contact_id, lines, **fields):
    body = {"Type": "ACCREC", "Contact": {"ContactID": contact_id}, "Date": "2026-01-15", "DueDate": "2026-02-15",
            "LineItems": lines}
    body.update(fields)
    return body


def line(quantity, unit, account="200", tax="OUTPUT2", **extra):
    out = {"Description": "Widget", "Quantity": quantity, "UnitAmount": unit, "AccountCode": account, "TaxType": tax}
    out.update(extra)
    return out
