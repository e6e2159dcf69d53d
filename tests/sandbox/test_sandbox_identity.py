"""OAuth 2.0: authorize, code exchange, refresh rotation with grace, client credentials, revocation, connections."""

import base64
import hashlib
import urllib.parse

import requests
from sandbox_helpers import Client

REDIRECT = "https://app.example/callback"


def basic(client_id="sandbox-client", secret="sandbox-secret"):
    return {"Authorization": "Basic " + base64.b64encode((f"{client_id}:{secret}").encode()).decode()}


def authorize(sb, **extra):
    params = {
        "response_type": "code",
        "client_id": "sandbox-client",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access accounting.transactions accounting.contacts",
        "state": "xyz-123",
    }
    params.update(extra)
    response = requests.get(
        sb.url + "/identity/connect/authorize", params=params, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert location.scheme + "://" + location.netloc + location.path == REDIRECT
    return dict(urllib.parse.parse_qsl(location.query))


def token(sb, form, headers=None):
    return requests.post(
        sb.url + "/connect/token", data=form, headers=headers if headers is not None else basic(), timeout=10
    )


def code_flow(sb):
    code = authorize(sb)["code"]
    response = token(sb, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert response.status_code == 200, response.text
    return response.json()


def test_authorize_redirects_with_code_and_state(sb):
    back = authorize(sb)
    assert back["state"] == "xyz-123" and len(back["code"]) > 20
    bad = requests.get(
        sb.url + "/identity/connect/authorize",
        params={"response_type": "code", "client_id": "nope", "redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=10,
    )
    assert bad.status_code == 400


def test_code_exchange_gives_tokens_once(sb):
    code = authorize(sb)["code"]
    first = token(sb, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    body = first.json()
    assert first.status_code == 200
    assert set(body) >= {"access_token", "refresh_token", "expires_in", "token_type", "id_token", "scope"}
    assert (body["expires_in"], body["token_type"]) == (1800, "Bearer")
    assert token(sb, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}).json() == {
        "error": "invalid_grant"
    }
    wrong_secret = token(
        sb,
        {"grant_type": "authorization_code", "code": authorize(sb)["code"], "redirect_uri": REDIRECT},
        headers=basic(secret="wrong"),
    )
    assert wrong_secret.status_code == 400 and wrong_secret.json() == {"error": "invalid_client"}
    # Client credentials may also come in the form body.
    form = {
        "grant_type": "authorization_code",
        "code": authorize(sb)["code"],
        "redirect_uri": REDIRECT,
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
    }
    assert token(sb, form, headers={}).status_code == 200


def test_pkce_code_flow(sb):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = authorize(sb, code_challenge=challenge, code_challenge_method="S256")["code"]
    wrong = token(
        sb,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "sandbox-client",
            "code_verifier": "w" * 50,
        },
        headers={},
    )
    assert wrong.json()["error"] == "invalid_grant"
    code = authorize(sb, code_challenge=challenge, code_challenge_method="S256")["code"]
    right = token(
        sb,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "sandbox-client",
            "code_verifier": verifier,
        },
        headers={},
    )
    assert right.status_code == 200


def test_refresh_rotation_with_grace_period(sb):
    tokens = code_flow(sb)
    first = token(sb, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != tokens["refresh_token"]
    # The used token still works inside the 30-minute grace period, and hands out the same successor.
    sb.advance_clock(29 * 60)
    retry = token(sb, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert retry.status_code == 200 and retry.json()["refresh_token"] == rotated
    sb.advance_clock(2 * 60)
    late = token(sb, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}
    assert token(sb, {"grant_type": "refresh_token", "refresh_token": rotated}).status_code == 200
    assert token(sb, {"grant_type": "refresh_token", "refresh_token": "made-up"}).json() == {
        "error": "invalid_grant"
    }


def test_access_token_expiry_and_unknown_token(sb):
    tokens = code_flow(sb)
    api = Client(sb, token=tokens["access_token"])
    assert api.get("Organisation").status_code == 200
    sb.advance_clock(1800)
    expired = api.get("Organisation")
    assert expired.status_code == 401
    assert expired.json()["Title"] == "Unauthorized" and expired.json()["Detail"].startswith("TokenExpired")
    assert "invalid_token" in expired.headers["WWW-Authenticate"]
    assert Client(sb, token="not-a-token").get("Organisation").status_code == 401
    refreshed = token(sb, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).json()
    assert Client(sb, token=refreshed["access_token"]).get("Organisation").status_code == 200


def test_tenant_not_connected_is_forbidden(sb):
    other = sb.add_tenant("Second Org")
    only_first = sb.issue_token([sb.tenant_id])["access_token"]
    forbidden = Client(sb, token=only_first, tenant_id=other).get("Organisation")
    assert forbidden.status_code == 403 and forbidden.json()["Title"] == "Forbidden"
    assert (
        Client(sb, token=only_first, tenant_id="a0d8c9a3-0000-4000-8000-000000000000")
        .get("Organisation")
        .status_code
        == 403
    )
    both = code_flow(sb)["access_token"]  # authorize consents for all tenants
    assert (
        Client(sb, token=both, tenant_id=other).get("Organisation").json()["Organisations"][0]["Name"]
        == "Second Org"
    )


def test_connections_list_and_disconnect(sb):
    other = sb.add_tenant("Branch Office")
    tokens = code_flow(sb)
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    connections = requests.get(sb.url + "/connections", headers=headers, timeout=10).json()
    assert sorted(c["tenantId"] for c in connections) == sorted(sb.tenants_in_order())
    assert other in sb.tenants_in_order()
    names = {c["tenantId"]: c["tenantName"] for c in connections}
    assert names[other] == "Branch Office" and {c["tenantType"] for c in connections} == {"ORGANISATION"}
    assert len({c["authEventId"] for c in connections}) == 1
    target = next(c for c in connections if c["tenantId"] == other)
    assert (
        requests.delete(sb.url + "/connections/" + target["id"], headers=headers, timeout=10).status_code
        == 204
    )
    assert (
        requests.delete(sb.url + "/connections/" + target["id"], headers=headers, timeout=10).status_code
        == 404
    )
    assert Client(sb, token=tokens["access_token"], tenant_id=other).get("Organisation").status_code == 403
    remaining = [
        c["tenantId"] for c in requests.get(sb.url + "/Connections", headers=headers, timeout=10).json()
    ]
    assert sorted(remaining) == sorted(t for t in sb.tenants_in_order() if t != other)
    assert requests.get(sb.url + "/connections", timeout=10).status_code == 401


def test_client_credentials_custom_connection(sb):
    other = sb.add_tenant("Custom Org")
    response = token(
        sb, {"grant_type": "client_credentials", "scope": "accounting.transactions accounting.contacts"}
    )
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body and body["token_type"] == "Bearer"
    # No xero-tenant-id needed: the token is bound to one organisation.
    no_tenant = requests.get(
        sb.url + "/api.xro/2.0/Organisation",
        headers={"Authorization": "Bearer " + body["access_token"]},
        timeout=10,
    )
    assert (
        no_tenant.status_code == 200
        and no_tenant.json()["Organisations"][0]["OrganisationID"] == sb.tenant_id
    )
    assert Client(sb, token=body["access_token"], tenant_id=other).get("Organisation").status_code == 403
    sb.custom_connection_tenant = other
    chosen = token(sb, {"grant_type": "client_credentials"}).json()["access_token"]
    assert Client(sb, token=chosen, tenant_id=other).get("Organisation").status_code == 200
    assert token(sb, {"grant_type": "client_credentials"}, headers=basic(secret="bad")).json() == {
        "error": "invalid_client"
    }


def test_revocation_ends_the_grant(sb):
    tokens = code_flow(sb)
    response = requests.post(
        sb.url + "/connect/revocation", data={"token": tokens["refresh_token"]}, headers=basic(), timeout=10
    )
    assert response.status_code == 200 and response.content == b""
    assert token(sb, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).json() == {
        "error": "invalid_grant"
    }
    assert Client(sb, token=tokens["access_token"]).get("Organisation").status_code == 401


def test_unsupported_grant(sb):
    assert token(sb, {"grant_type": "password"}).json() == {"error": "unsupported_grant_type"}


def test_header_names_are_case_insensitive(sb):
    access = sb.issue_token()["access_token"]
    response = requests.get(
        sb.url + "/api.xro/2.0/Organisation",
        timeout=10,
        headers={"AUTHORIZATION": "Bearer " + access, "XERO-TENANT-ID": sb.tenant_id.upper()},
    )
    assert response.status_code == 200


def test_organisation_disconnects_the_app_in_xero(sb):
    """Settings > Connected apps in Xero: the tenant leaves every grant; the tokens still work
    (an empty /connections), its API calls answer 403; the control endpoint does the same."""
    tokens = code_flow(sb)
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    assert Client(sb, token=tokens["access_token"]).get("Organisation").status_code == 200
    answer = requests.post(sb.url + "/_sandbox/disconnect", json={"tenant_id": sb.tenant_id}, timeout=10)
    assert answer.status_code == 200 and answer.json()["removed"] >= 1
    listed = [
        c["tenantId"] for c in requests.get(sb.url + "/connections", headers=headers, timeout=10).json()
    ]
    assert sb.tenant_id not in listed
    assert Client(sb, token=tokens["access_token"]).get("Organisation").status_code == 403
    assert sb.disconnect_tenant() == 0  # nothing left to remove
    sb.reset()  # a reset forgets grants: a new token connects again
    assert Client(sb).get("Organisation").status_code == 200
