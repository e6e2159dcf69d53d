"""Fixtures for the sandbox tests: a running sandbox, an HTTP helper, and a recorder of every exchange.

Every sandbox made by these fixtures reports its HTTP exchanges to ``sandbox_helpers.RECORDED``;
test_sandbox_conformance.py
(moved to the end of the run) validates them all against the official OpenAPI specs.
"""

import os

import pytest
import xero_sandbox
from sandbox_helpers import Client, record_exchange
from xero_sandbox import DEMO_SEED_DIR, Sandbox

# Every sandbox of the session reports here, also those the client's tests (tests/client) start, so the
# conformance test validates what the client really sends too.
if record_exchange not in xero_sandbox.GLOBAL_OBSERVERS:
    xero_sandbox.GLOBAL_OBSERVERS.append(record_exchange)


def pytest_collection_modifyitems(session, config, items):
    """Run the conformance test last, so that it sees the traffic of every other sandbox test."""
    last = [item for item in items if os.path.basename(str(item.fspath)) == "test_sandbox_conformance.py"]
    if last:
        items[:] = [item for item in items if item not in last] + last


def make(**kwargs):
    return Sandbox(**kwargs).start()


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
