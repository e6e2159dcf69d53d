"""Fixtures for the mapping tests: ``sandbox`` and ``harness`` (and their factories) of
tests/client/conftest.py, imported rather than copied, and ``check_request`` (spec validation).

tests/ is not a package and every conftest is imported as the module ``conftest``, so the client's
conftest is loaded from its file under a name of its own.
"""
import importlib.util
import json
import os
import sys
import uuid
import warnings

import pytest

_MODULE = "xero_tests_client_fixtures"


def _client_fixtures():
    if _MODULE not in sys.modules:
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "client", "conftest.py")
        spec = importlib.util.spec_from_file_location(_MODULE, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_MODULE] = module
        spec.loader.exec_module(module)
    return sys.modules[_MODULE]


_client = _client_fixtures()
make_sandbox = _client.make_sandbox
sandbox = _client.sandbox
make_harness = _client.make_harness
harness = _client.harness


@pytest.fixture(scope="session")
def check_request(spec_dir):
    """``check_request(method, path, body)``: validates a request with a JSON body against the
    official accounting spec (the project's loader, tests/spec_check.py); raises when it does not
    conform. Skips without ../shared."""
    import spec_check
    from openapi_core.testing import MockRequest

    api = spec_check.openapi(os.path.join(spec_dir, "xero_accounting.yaml"))
    headers = {"Authorization": "Bearer redacted", "xero-tenant-id": str(uuid.UUID(int=1)),
               "Content-Type": "application/json"}

    def check(method, path, body):
        request = MockRequest(spec_check.REAL_HOST, method.lower(), spec_check.API_PREFIX + path,
                              headers=headers, data=json.dumps(body).encode(),
                              content_type="application/json")
        with warnings.catch_warnings():
            # openapi-core does not check the spec's OAuth2 scheme, and says so on every call.
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            api.validate_request(request)

    return check
