"""Admins' console page: roles granted and revoked, scopes changed, accounts disabled and enabled."""

import httpx
from fastapi import FastAPI

from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.users import MakeUser


async def test_an_admin_grants_a_role_and_the_new_officer_sees_their_district(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    admin = await make_user(Role.ADMIN)
    newcomer = await make_user()
    token = await signed_in(client, admin)
    page = await client.get("/console/admin/accounts")
    assert page.status_code == 200
    assert f'id="account-{newcomer.uid}"' in page.text
    url = f"/console/admin/accounts/{newcomer.uid}/roles"
    form = {"role": "field_officer", "districts": "Lahore"}
    assert (await client.post(url, data=form)).status_code == 403  # no CSRF token
    granted = await client.post(url, data=form, headers={"X-CSRF-Token": token})
    assert granted.status_code == 200, granted.text
    assert 'data-role="field_officer"' in granted.text
    assert "lahore" in granted.text
    officer = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with officer:
        await signed_in(officer, newcomer)
        assert (await officer.get("/console/events")).status_code == 200
        me = await officer.get("/v1/me", headers=newcomer.headers)
        assert me.json()["districts"] == ["lahore"]
    revoked = await client.post(f"{url}/field_officer/revoke", headers={"X-CSRF-Token": token})
    assert 'data-role="field_officer"' not in revoked.text
    last = await client.post(
        f"/console/admin/accounts/{admin.uid}/roles/admin/revoke", headers={"X-CSRF-Token": token}
    )
    assert last.status_code == 409  # the last enabled admin stays


async def test_an_admin_disables_an_account_and_its_api_calls_are_refused(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    admin = await make_user(Role.ADMIN)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    token = await signed_in(client, admin)
    assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200
    url = f"/console/admin/accounts/{officer.uid}/status"
    assert (await client.post(url, data={"disabled": "true"})).status_code == 403  # no CSRF token
    disabled = await client.post(url, data={"disabled": "true"}, headers={"X-CSRF-Token": token})
    assert disabled.status_code == 200, disabled.text
    assert f'id="account-{officer.uid}"' in disabled.text
    assert 'data-status="disabled"' in disabled.text
    assert 'name="disabled" value="false"' in disabled.text  # the button now enables
    refused = await client.get("/v1/me", headers=officer.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "account_disabled")
    enabled = await client.post(url, data={"disabled": "false"}, headers={"X-CSRF-Token": token})
    assert 'data-status="active"' in enabled.text
    assert (await client.get("/v1/me", headers=officer.headers)).status_code == 200


async def test_the_last_enabled_admin_cannot_be_disabled_and_the_page_says_why(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    token = await signed_in(client, admin)
    last = await client.post(
        f"/console/admin/accounts/{admin.uid}/status",
        data={"disabled": "true"},
        headers={"X-CSRF-Token": token},
    )
    assert last.status_code == 409
    assert last.headers["content-type"].startswith("application/problem+json")
    assert last.json()["code"] == "last_admin"
    assert "last enabled admin" in last.json()["detail"]
    assert (await client.get("/console/admin/accounts")).status_code == 200  # still signed in


async def test_an_admin_changes_an_officers_districts_in_place(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    admin = await make_user(Role.ADMIN)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    token = await signed_in(client, admin)
    url = f"/console/admin/accounts/{officer.uid}/scope"
    assert (await client.post(url, data={"districts": "Gujranwala"})).status_code == 403  # no CSRF token
    changed = await client.post(
        url, data={"districts": "Gujranwala, Lahore"}, headers={"X-CSRF-Token": token}
    )
    assert changed.status_code == 200, changed.text
    me = await client.get("/v1/me", headers=officer.headers)
    assert sorted(me.json()["districts"]) == ["gujranwala", "lahore"]
    unknown = await client.post(url, data={"districts": "Atlantis"}, headers={"X-CSRF-Token": token})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"].startswith("body.districts")


async def test_account_changes_are_for_admins_only(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    editor = await make_user(Role.EDITOR)
    other = await make_user(Role.EDITOR)
    token = await signed_in(client, editor)
    refused = await client.post(
        f"/console/admin/accounts/{other.uid}/status",
        data={"disabled": "true"},
        headers={"X-CSRF-Token": token},
    )
    assert refused.status_code == 403
    assert (await client.get("/v1/me", headers=other.headers)).status_code == 200
