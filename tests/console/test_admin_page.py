"""Admins' console page: a role granted in place, and the new officer sees their district."""

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
