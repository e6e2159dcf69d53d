"""Fixtures for the client tests: a real in-process sandbox and a client wired to it with a
fake clock (sleeping advances the sandbox's clock instead of waiting)."""

import pytest
from xero import Transport, XeroClient, XeroOAuth
from xero.ratelimit import LimiterRegistry
from xero.transport import RetryPolicy


class FakeTime:
    """clock()/sleep() for the transport: sleeping moves this clock and the sandbox's."""

    def __init__(self, sandbox=None):
        self.now = 1_000.0
        self.sleeps = []
        self.sandbox = sandbox

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        if self.sandbox is not None and seconds > 0:
            self.sandbox.advance_clock(seconds)


@pytest.fixture
def make_sandbox():
    from xero_sandbox import Sandbox

    started = []

    def factory(**kwargs):
        sandbox = Sandbox(port=0, **kwargs).start()
        started.append(sandbox)
        return sandbox

    yield factory
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()


class Harness:
    """A client bound to a sandbox tenant, with every log record kept."""

    def __init__(self, sandbox, policy=None, tenant_id=None):
        self.sandbox = sandbox
        self.time = FakeTime(sandbox)
        self.records = []
        self.tokens = sandbox.issue_token()
        self.token_calls = []
        self.transport = Transport(
            policy=policy or RetryPolicy(),
            log_hook=self.records.append,
            sleep=self.time.sleep,
            clock=self.time.clock,
            limiters=LimiterRegistry(),
        )
        self.client = XeroClient(
            self.transport,
            tenant_id or sandbox.tenant_id,
            self.token_provider,
            api_url=sandbox.url,
        )

    def token_provider(self, force=False):
        self.token_calls.append(force)
        if force:
            self.tokens = self.sandbox.issue_token()
        return self.tokens["access_token"]

    def oauth(self, redirect_uri="http://127.0.0.1:9/callback", **kwargs):
        return XeroOAuth(
            kwargs.pop("client_id", "sandbox-client"),
            kwargs.pop("client_secret", "sandbox-secret"),
            transport=self.transport,
            redirect_uri=redirect_uri,
            login_url=kwargs.pop("login_url", self.sandbox.url),
            identity_url=kwargs.pop("identity_url", self.sandbox.url),
            api_url=kwargs.pop("api_url", self.sandbox.url),
            **kwargs,
        )

    def ops(self):
        return self.sandbox.stats()["by_operation"]


@pytest.fixture
def harness(sandbox):
    return Harness(sandbox)


@pytest.fixture
def make_harness():
    return Harness
