"""Helpers shared by the sandbox tests (a module with a unique name: conftest.py files are not importable
reliably when several test folders each have one)."""

import os

import requests

API = "/api.xro/2.0/"
RECORDED = []  # exchanges of the whole session (dicts, see Sandbox.record), for the conformance test


def record_exchange(exchange):
    # The test that caused it (pytest sets this variable for the running test; the server thread sees it).
    exchange["origin"] = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    RECORDED.append(exchange)


class Client:
    """Thin requests wrapper: base URL, bearer token and tenant header filled in."""

    def __init__(self, sandbox, token=None, tenant_id=None):
        self.sb = sandbox
        self.session = requests.Session()
        self.token = token or sandbox.issue_token()["access_token"]
        self.tenant_id = tenant_id or sandbox.tenant_id

    def headers(self, extra=None):
        out = {
            "Authorization": "Bearer " + self.token,
            "xero-tenant-id": self.tenant_id,
            "Accept": "application/json",
        }
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
        response = self.get(f"{collection}/{record_id}")
        assert response.status_code == 200, response.text
        return response.json()[collection][0]


def invoice_body(contact_id, lines, **fields):
    body = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-01-15",
        "DueDate": "2026-02-15",
        "LineItems": lines,
    }
    body.update(fields)
    return body


def line(quantity, unit, account="200", tax="OUTPUT2", **extra):
    out = {
        "Description": "Widget",
        "Quantity": quantity,
        "UnitAmount": unit,
        "AccountCode": account,
        "TaxType": tax,
    }
    out.update(extra)
    return out
