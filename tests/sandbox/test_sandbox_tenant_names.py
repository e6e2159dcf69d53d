"""/connections names each tenant after its organisation, as Xero does."""

import requests
from xero_sandbox import DEMO_SEED_DIR, Sandbox


def make(**kwargs):
    return Sandbox(**kwargs).start()


def connection_names(sandbox, tenant_ids=None):
    token = sandbox.issue_token(tenant_ids)["access_token"]
    answer = requests.get(
        sandbox.url + "/connections", timeout=10, headers={"Authorization": "Bearer " + token}
    )
    assert answer.status_code == 200, answer.text
    return {c["tenantId"]: c["tenantName"] for c in answer.json()}


def seed(name, currency="USD"):
    return {"Organisation": [{"Name": name, "BaseCurrency": currency}]}


def test_tenant_named_after_its_seed():
    sandbox = make(seed=seed("Acme Holdings Ltd"))
    try:
        assert connection_names(sandbox) == {sandbox.tenant_id: "Acme Holdings Ltd"}
        assert sandbox.records("Organisation")[0]["Name"] == "Acme Holdings Ltd"
        other = sandbox.add_tenant(seed=seed("Branch NZ", "NZD"))
        sandbox.reset()  # seeds replayed: the names stay the organisations'
        assert connection_names(sandbox) == {sandbox.tenant_id: "Acme Holdings Ltd", other: "Branch NZ"}
        # Renamed in Xero: the next /connections says so, also for an existing grant.
        token = sandbox.issue_token()["access_token"]
        sandbox.update_organisation(other, Name="Branch New Zealand")
        answer = requests.get(
            sandbox.url + "/connections", timeout=10, headers={"Authorization": "Bearer " + token}
        ).json()
        assert {c["tenantId"]: c["tenantName"] for c in answer}[other] == "Branch New Zealand"
    finally:
        sandbox.stop()


def test_explicit_name_wins_and_names_the_organisation():
    sandbox = make(seed=DEMO_SEED_DIR, tenant_name="Explicit Org")
    try:
        assert connection_names(sandbox) == {sandbox.tenant_id: "Explicit Org"}
        assert sandbox.records("Organisation")[0]["Name"] == "Explicit Org"
        named = sandbox.add_tenant("Named Branch", seed=seed("Seed Name"))
        sandbox.reset()
        names = connection_names(sandbox)
        assert (names[sandbox.tenant_id], names[named]) == ("Explicit Org", "Named Branch")
        assert sandbox.records("Organisation", named)[0]["Name"] == "Named Branch"
    finally:
        sandbox.stop()


def test_defaults_without_a_named_seed():
    sandbox = make()
    try:
        assert connection_names(sandbox) == {sandbox.tenant_id: "Demo Company (Sandbox)"}
        tenant = requests.post(
            sandbox.url + "/_sandbox/tenants", timeout=10, json={"seed": seed("Via Control")}
        ).json()["tenantId"]
        assert connection_names(sandbox)[tenant] == "Via Control"
    finally:
        sandbox.stop()
