"""The package itself: framework-free, independent of the client, runnable as a command, seeds load."""

import ast
import json
import os
import re
import subprocess
import sys

import pytest
import requests
import xero_sandbox
from xero_sandbox import DEMO_SEED_DIR, Sandbox, seed_gen

PACKAGE = os.path.dirname(xero_sandbox.__file__)
ROOT = os.path.dirname(os.path.dirname(PACKAGE))


def python_files():
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def test_never_imports_odoo_or_the_client():
    for path in python_files():
        tree = ast.parse(open(path, encoding="utf-8").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative imports stay inside the package by construction
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in ("odoo", "xero", "xero_sandbox"), f"{path} imports {name}"


def test_command_prints_url_and_serves(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "sync_xero_connector"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xero_sandbox",
            "--port",
            "0",
            "--seed",
            DEMO_SEED_DIR,
            "--client-id",
            "cli-id",
            "--client-secret",
            "cli-secret",
            "--minute-limit",
            "60",
            "--day-limit",
            "5000",
            "--concurrency-limit",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert match, line + process.stderr.read()
        url = match.group(1)
        token = requests.post(
            url + "/connect/token",
            data={"grant_type": "client_credentials"},
            auth=("cli-id", "cli-secret"),
            timeout=10,
        ).json()["access_token"]
        invoices = requests.get(
            url + "/api.xro/2.0/Invoices",
            params={"page": 1},
            headers={"Authorization": "Bearer " + token},
            timeout=10,
        )
        assert invoices.status_code == 200 and len(invoices.json()["Invoices"]) == 100
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_seed_loads_with_every_collection():
    sandbox = Sandbox(seed=DEMO_SEED_DIR)
    counts = {
        name: len(sandbox.records(name))
        for name in (
            "Contacts",
            "ContactGroups",
            "Accounts",
            "TaxRates",
            "Currencies",
            "Items",
            "TrackingCategories",
            "Invoices",
            "CreditNotes",
            "Payments",
            "ManualJournals",
            "Quotes",
            "PurchaseOrders",
        )
    }
    assert counts == {
        "Contacts": 60,
        "ContactGroups": 3,
        "Accounts": 21,
        "TaxRates": 5,
        "Currencies": 5,
        "Items": 24,
        "TrackingCategories": 2,
        "Invoices": 160,
        "CreditNotes": 24,
        "Payments": 47,
        "ManualJournals": 12,
        "Quotes": 18,
        "PurchaseOrders": 18,
    }
    assert sum(counts.values()) > 300


def test_demo_seed_files_are_what_the_generator_makes(tmp_path):
    seed_gen.write(seed_gen.demo(), str(tmp_path))
    for name in os.listdir(DEMO_SEED_DIR):
        with open(os.path.join(DEMO_SEED_DIR, name)) as shipped, open(tmp_path / name) as made:
            assert json.load(shipped) == json.load(made), name


def test_seed_dir_with_ms_and_iso_dates(tmp_path):
    contact_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    (tmp_path / "Contacts.json").write_text(
        json.dumps({"Contacts": [{"ContactID": contact_id, "Name": "Dated"}]})
    )
    (tmp_path / "Invoices.json").write_text(
        json.dumps(
            {
                "Invoices": [
                    {
                        "Type": "ACCPAY",
                        "InvoiceID": "11111111-bbbb-4ccc-8ddd-eeeeeeeeeeee",
                        "Contact": {"ContactID": contact_id},
                        "Date": "/Date(1552262400000+0000)/",
                        "DueDate": "2019-03-25",
                        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5}],
                    },
                ]
            }
        )
    )
    (tmp_path / "Organisation.json").write_text(
        json.dumps({"Organisations": [{"Name": "Dated Org", "BaseCurrency": "AUD"}]})
    )
    sandbox = Sandbox(seed=str(tmp_path))
    [invoice] = sandbox.records("Invoices")
    assert (invoice["DateString"], invoice["DueDateString"], invoice["Total"]) == (
        "2019-03-11T00:00:00",
        "2019-03-25T00:00:00",
        5.0,
    )
    org = sandbox.records("Organisation")[0]
    assert (org["Name"], org["BaseCurrency"], org["OrganisationID"]) == (
        "Dated Org",
        "AUD",
        sandbox.tenant_id,
    )
    (tmp_path / "empty").mkdir()
    empty = Sandbox(seed=str(tmp_path / "empty"))
    assert (
        empty.records("Invoices") == []
        and empty.records("Organisation")[0]["Name"] == "Demo Company (Sandbox)"
    )
    with pytest.raises(ValueError, match="seed folder not found"):
        Sandbox(seed=str(tmp_path / "typo"))


def test_generator_is_deterministic():
    assert seed_gen.invoices_seed(50) == seed_gen.invoices_seed(50)
    assert len(seed_gen.invoices_seed(50)["Invoices"]) == 50


def test_context_manager_and_ports():
    with Sandbox() as sandbox:
        assert sandbox.url == "http://127.0.0.1:%d" % sandbox.port and sandbox.port > 0
        assert requests.get(sandbox.url + "/_sandbox/stats", timeout=5).status_code == 200
    assert sandbox._server is None
