"""Admins grant and revoke roles and scopes; every change is audited and mirrored into Firebase claims."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from backend.accounts.models import Account
from backend.accounts.revocation import RevocationChecks
from backend.core.firebase import FirebaseAuth
from schemas.accounts import Role
from scripts.firebase_emulator import AuthEmulator
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")


async def _claims_of(app: FastAPI, auth_emulator: AuthEmulator, email: str) -> dict[str, object]:
    _, token = await asyncio.to_thread(auth_emulator.users.sign_in, email)
    claims: dict[str, object] = await app.state.firebase.verify(token, check_revoked=False)
    return claims


async def test_admin_grants_field_officer_with_districts_and_claims_follow(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, auth_emulator: AuthEmulator
) -> None:
    admin = await make_user(Role.ADMIN)
    officer = await make_user()
    response = await client.put(
        f"/v1/admin/accounts/{officer.uid}/roles/field_officer",
        json={"districts": ["Lahore", "laki marwat"]},
        headers=admin.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["roles"], body["districts"], body["claims_synced"]) == (
        ["field_officer"],
        ["lahore", "lakki-marwat"],
        True,
    )
    claims = await _claims_of(app, auth_emulator, officer.email)
    assert claims["roles"] == ["field_officer"]
    assert claims["districts"] == ["lahore", "lakki-marwat"]
    me = await client.get("/v1/me", headers=officer.headers)
    assert me.json()["roles"] == ["field_officer"]


async def test_granting_the_same_role_again_changes_nothing_and_audits_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    mp = await make_user()
    for _ in range(3):
        response = await client.put(
            f"/v1/admin/accounts/{mp.uid}/roles/mp", json={"constituency": "na-120"}, headers=admin.headers
        )
        assert response.status_code == 200
        assert response.json()["constituency"] == "NA-120"
    audit = await client.get(
        "/v1/admin/audit",
        params={"resource_id": mp.uid, "action": "account.role_granted"},
        headers=admin.headers,
    )
    entries = audit.json()["items"]
    assert len(entries) == 1
    assert entries[0]["actor"] == admin.uid
    assert entries[0]["details"]["roles"] == {"from": [], "to": ["mp"]}
    assert entries[0]["request_id"]


@pytest.mark.parametrize(
    ("role", "body", "field", "rule"),
    [
        ("field_officer", {}, "body.districts", "missing"),
        ("field_officer", {"districts": ["Atlantis"]}, "body.districts.0", "unknown_district"),
        ("mp", {}, "body.constituency", "missing"),
        ("mp", {"constituency": "NA-999"}, "body.constituency", "unknown_constituency"),
        ("editor", {"constituency": "NA-1"}, "body.constituency", "scope_not_applicable"),
        ("youth", {"districts": ["lahore"]}, "body.districts", "scope_not_applicable"),
        ("field_officer", {"districts": ["lahore"], "colour": "red"}, "body.colour", "extra_forbidden"),
    ],
)
async def test_scopes_are_validated_against_roles_and_geography(
    client: httpx.AsyncClient, make_user: MakeUser, role: str, body: dict[str, object], field: str, rule: str
) -> None:
    admin = await make_user(Role.ADMIN)
    target = await make_user()
    response = await client.put(
        f"/v1/admin/accounts/{target.uid}/roles/{role}", json=body, headers=admin.headers
    )
    assert response.status_code == 422
    assert {(e["field"], e["rule"]) for e in response.json()["errors"]} == {(field, rule)}
    assert (await Account.get(target.uid)).roles == []  # type: ignore[union-attr]


async def test_unknown_role_is_a_validation_error(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    response = await client.put(f"/v1/admin/accounts/{admin.uid}/roles/king", json={}, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.role"


async def test_revoking_a_role_drops_the_scope_it_needed(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    staff = await make_user(Role.SUPERVISOR, Role.MP, districts=["quetta"], constituency="NA-262")
    response = await client.delete(f"/v1/admin/accounts/{staff.uid}/roles/supervisor", headers=admin.headers)
    assert (response.json()["roles"], response.json()["districts"]) == (["mp"], [])
    again = await client.delete(f"/v1/admin/accounts/{staff.uid}/roles/supervisor", headers=admin.headers)
    assert again.status_code == 200
    last = await client.delete(f"/v1/admin/accounts/{staff.uid}/roles/mp", headers=admin.headers)
    assert (last.json()["roles"], last.json()["constituency"]) == ([], None)


async def test_scope_can_be_changed_and_is_audited(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    response = await client.put(
        f"/v1/admin/accounts/{officer.uid}/scope",
        json={"districts": ["kasur", "okara"]},
        headers=admin.headers,
    )
    assert response.json()["districts"] == ["kasur", "okara"]
    audit = await client.get(
        "/v1/admin/audit", params={"action": "account.scope_changed"}, headers=admin.headers
    )
    assert audit.json()["items"][0]["details"]["districts"] == {"from": ["lahore"], "to": ["kasur", "okara"]}


async def test_the_last_admin_cannot_be_revoked_or_disabled(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    revoke = await client.delete(f"/v1/admin/accounts/{admin.uid}/roles/admin", headers=admin.headers)
    assert revoke.status_code == 409
    disable = await client.put(
        f"/v1/admin/accounts/{admin.uid}/status", json={"disabled": True}, headers=admin.headers
    )
    assert disable.status_code == 409


async def test_disabled_account_is_refused_at_once(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200
    await client.put(
        f"/v1/admin/accounts/{officer.uid}/status", json={"disabled": True}, headers=admin.headers
    )
    refused = await client.get("/v1/me", headers=officer.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "account_disabled"
    await client.put(
        f"/v1/admin/accounts/{officer.uid}/status", json={"disabled": False}, headers=admin.headers
    )
    assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200


async def test_a_revocation_made_in_firebase_is_refused_at_the_next_check_within_a_minute(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    checks: RevocationChecks = app.state.revocation_checks
    now = [0.0]
    monkeypatch.setattr(checks, "clock", lambda: now[0])
    identity: FirebaseAuth = app.state.firebase
    asked: list[bool] = []
    verify = identity.verify

    async def counted(token: str, *, check_revoked: bool) -> dict[str, Any]:
        asked.append(check_revoked)
        return await verify(token, check_revoked=check_revoked)

    monkeypatch.setattr(identity, "verify", counted)
    for _ in range(5):
        assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200
    assert asked.count(True) == 1  # Firebase asked once a minute, not on every request
    await asyncio.sleep(1.1)  # Firebase revocation has one-second granularity
    await asyncio.to_thread(app.state.firebase._client.revoke_refresh_tokens, officer.uid)
    assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200  # not asked yet
    now[0] += checks.interval_s
    response = await client.get("/v1/me", headers=officer.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert asked.count(True) == 2


async def test_admin_reads_of_accounts_are_audited(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    youth = await make_user(Role.YOUTH)
    assert (await client.get(f"/v1/admin/accounts/{youth.uid}", headers=admin.headers)).status_code == 200
    listing = await client.get("/v1/admin/accounts", params={"role": "youth"}, headers=admin.headers)
    assert [a["uid"] for a in listing.json()["items"]] == [youth.uid]
    audit = await client.get("/v1/admin/audit", params={"actor": admin.uid}, headers=admin.headers)
    assert [e["action"] for e in audit.json()["items"]] == ["account.list", "account.read"]
    assert (await client.get("/v1/admin/accounts/nobody", headers=admin.headers)).status_code == 404


async def test_audit_log_pages_and_filters_by_time(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    for district in ("lahore", "kasur", "okara"):
        officer = await make_user()
        await client.put(
            f"/v1/admin/accounts/{officer.uid}/roles/field_officer",
            json={"districts": [district]},
            headers=admin.headers,
        )
    first = await client.get(
        "/v1/admin/audit", params={"action": "account.role_granted", "limit": 2}, headers=admin.headers
    )
    body = first.json()
    assert body["total"] == 4  # the admin's own grant and three officers
    assert len(body["items"]) == 2
    times = [e["at"] for e in body["items"]]
    assert times == sorted(times, reverse=True)
    future = await client.get(
        "/v1/admin/audit", params={"since": "2099-01-01T00:00:00Z"}, headers=admin.headers
    )
    assert future.json()["total"] == 0


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
async def test_nothing_in_the_api_edits_or_deletes_audit_entries(
    client: httpx.AsyncClient, make_user: MakeUser, method: str
) -> None:
    admin = await make_user(Role.ADMIN)
    entry = (await client.get("/v1/admin/audit", headers=admin.headers)).json()["items"][0]
    for path in ("/v1/admin/audit", f"/v1/admin/audit/{entry['id']}"):
        response = await client.request(method, path, headers=admin.headers, json={})
        assert response.status_code in (404, 405)
