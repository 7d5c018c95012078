"""The last enabled admin stays, whatever admins do at the same moment (issue 19, defect 2)."""

import asyncio

import httpx
import pytest

from backend.accounts.models import Account
from schemas.accounts import Role
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")


async def _enabled_admins() -> int:
    return await Account.find({"roles": Role.ADMIN.value, "disabled": False}).count()


@pytest.mark.parametrize("attempt", range(4))
async def test_two_admins_revoking_each_other_at_once_leave_one(
    client: httpx.AsyncClient, make_user: MakeUser, attempt: int
) -> None:
    first, second = await make_user(Role.ADMIN), await make_user(Role.ADMIN)
    answers = await asyncio.gather(
        client.delete(f"/v1/admin/accounts/{second.uid}/roles/admin", headers=first.headers),
        client.delete(f"/v1/admin/accounts/{first.uid}/roles/admin", headers=second.headers),
    )
    assert sorted(r.status_code for r in answers) in ([200, 403], [200, 409]), [r.text for r in answers]
    assert await _enabled_admins() == 1


@pytest.mark.parametrize("attempt", range(4))
async def test_two_admins_disabling_each_other_at_once_leave_one(
    client: httpx.AsyncClient, make_user: MakeUser, attempt: int
) -> None:
    first, second = await make_user(Role.ADMIN), await make_user(Role.ADMIN)
    answers = await asyncio.gather(
        client.put(f"/v1/admin/accounts/{second.uid}/status", json={"disabled": True}, headers=first.headers),
        client.put(f"/v1/admin/accounts/{first.uid}/status", json={"disabled": True}, headers=second.headers),
    )
    assert sorted(r.status_code for r in answers) in ([200, 403], [200, 409]), [r.text for r in answers]
    assert await _enabled_admins() == 1


async def test_five_identical_grants_at_once_all_answer_200_and_audit_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin, staff = await make_user(Role.ADMIN), await make_user()
    url = f"/v1/admin/accounts/{staff.uid}/roles/field_officer"
    answers = await asyncio.gather(
        *(client.put(url, json={"districts": ["lahore"]}, headers=admin.headers) for _ in range(5))
    )
    assert [r.status_code for r in answers] == [200] * 5, [r.text for r in answers]
    audit = await client.get(
        "/v1/admin/audit", params={"action": "account.role_granted"}, headers=admin.headers
    )
    granted = [entry for entry in audit.json()["items"] if entry["resource_id"] == staff.uid]
    assert len(granted) == 1
