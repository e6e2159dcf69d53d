"""Fixtures for the mapping tests: ``sandbox`` and ``harness`` (and their factories) of
tests/client/conftest.py, imported rather than copied, ``check_request`` (spec validation) and ``books``
(a sandbox organisation to post documents and payments to).

tests/ is not a package and every conftest is imported as the module ``conftest``, so the client's
conftest is loaded from its file under a name of its own.
"""

import copy
import importlib.util
import json
import os
import sys
import uuid
import warnings
from types import SimpleNamespace

import pytest

_MODULE = "xero_tests_client_fixtures"


def _client_fixtures():
    if _MODULE not in sys.modules:
        path = os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "client", "conftest.py"
        )
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
    headers = {
        "Authorization": "Bearer redacted",
        "xero-tenant-id": str(uuid.UUID(int=1)),
        "Content-Type": "application/json",
    }

    def check(method, path, body):
        request = MockRequest(
            spec_check.REAL_HOST,
            method.lower(),
            spec_check.API_PREFIX + path,
            headers=headers,
            data=json.dumps(body).encode(),
            content_type="application/json",
        )
        with warnings.catch_warnings():
            # openapi-core does not check the spec's OAuth2 scheme, and says so on every call.
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            api.validate_request(request)

    return check


CUSTOMER_ID = "4a0f5c1e-3c2b-4b7d-9a51-1f2e3d4c5b6a"
SUPPLIER_ID = "9d3e2b1a-7c6f-4e5d-8a4b-3c2d1e0f9a8b"
BOOKS_SEED = {
    "Currencies": [{"Code": "USD", "Description": "United States Dollar"}],
    "TaxRates": [
        {
            "TaxType": tax_type,
            "Name": name,
            "ReportTaxType": report,
            "Status": "ACTIVE",
            "TaxComponents": components,
        }
        for tax_type, name, report, components in (
            ("OUTPUT2", "GST on Income", "OUTPUT", [{"Name": "GST", "Rate": 15.0}]),
            ("INPUT2", "GST on Expenses", "INPUT", [{"Name": "GST", "Rate": 15.0}]),
            ("OUTPUT3", "Reduced rate", "OUTPUT", [{"Name": "GST", "Rate": 12.5}]),
            ("QST", "Quebec sales tax", "OUTPUT", [{"Name": "QST", "Rate": 9.975}]),
            (
                "TAX001",
                "Levy and surcharge",
                "OUTPUT",
                [{"Name": "Levy", "Rate": 5.0}, {"Name": "Surcharge", "Rate": 2.0, "IsCompound": True}],
            ),
            ("ZERORATED", "Zero rated", "OUTPUT", [{"Name": "GST", "Rate": 0.0}]),
        )
    ],
    "Accounts": [
        {"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
        {"Code": "400", "Name": "Purchases", "Type": "EXPENSE", "Status": "ACTIVE"},
        {
            "Code": "090",
            "Name": "Business Bank",
            "Type": "BANK",
            "Status": "ACTIVE",
            "BankAccountNumber": "12-3456-7890123-00",
        },
    ],
    "TrackingCategories": [
        {"Name": "Region", "Options": [{"Name": "North"}, {"Name": "South"}]},
        {"Name": "Channel", "Options": [{"Name": "Retail"}, {"Name": "Online"}]},
    ],
    "Items": [
        {
            "Code": "WIDGET",
            "Name": "Widget",
            "Description": "Widget (catalogue)",
            "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT2"},
            "PurchaseDetails": {"UnitPrice": 7.5, "AccountCode": "400", "TaxType": "INPUT2"},
        }
    ],
    "Contacts": [
        {"ContactID": CUSTOMER_ID, "Name": "Ridgeway Bakery Ltd"},
        {"ContactID": SUPPLIER_ID, "Name": "Flour Mills Ltd"},
    ],
}


@pytest.fixture
def books(harness):
    """The harness's sandbox seeded with a small NZD organisation (BOOKS_SEED): sales and purchase
    accounts, bank account 090, six tax rates, two tracking categories, item WIDGET, USD enabled,
    a customer and a supplier. ``tax_rates``: {TaxType: EffectiveRate} as the sandbox serves them."""
    harness.sandbox.load_seed(copy.deepcopy(BOOKS_SEED))
    client = harness.client
    rates = {rate["TaxType"]: rate["EffectiveRate"] for rate in client.iter_records("TaxRates")}
    return SimpleNamespace(
        client=client,
        sandbox=harness.sandbox,
        customer_id=CUSTOMER_ID,
        supplier_id=SUPPLIER_ID,
        tax_rates=rates,
        bank_code="090",
        base_currency="NZD",
    )
