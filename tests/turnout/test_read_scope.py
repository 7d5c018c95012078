"""Turnout reads over HTTP: the areas each role may read; any other answers 404, as an unknown one does."""

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.turnout import DISTRICT, JANUARY, OTHER_SEAT, PROVINCE, SEAT
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")


async def _statuses(client: httpx.AsyncClient, headers: dict[str, str], paths: list[str]) -> list[int]:
    return [
        (await client.get(f"/v1/turnout/{path}", params=JANUARY, headers=headers)).status_code
        for path in paths
    ]


async def test_mp_reads_own_constituency_and_the_areas_holding_it_only(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    allowed = [
        f"constituencies/{SEAT}",
        f"districts/{DISTRICT}",
        "districts/Jhelum",
        f"provinces/{PROVINCE}",
        "national",
    ]
    assert await _statuses(client, mp.headers, allowed) == [200] * 5
    refused = [
        f"constituencies/{OTHER_SEAT}",
        "districts/lahore",
        "provinces/PK-SD",
        f"constituencies/{OTHER_SEAT}/brief",
    ]
    assert await _statuses(client, mp.headers, refused) == [404] * 4


async def test_mp_cannot_read_other_constituency(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    response = await client.get(f"/v1/turnout/constituencies/{OTHER_SEAT}", headers=mp.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", [Role.FIELD_OFFICER, Role.SUPERVISOR])
async def test_field_staff_read_their_districts_the_seats_covering_them_and_wider_areas(
    client: httpx.AsyncClient, make_user: MakeUser, role: Role
) -> None:
    staff = await make_user(role, districts=[DISTRICT])
    allowed = [
        f"districts/{DISTRICT}",
        f"constituencies/{SEAT}",
        f"constituencies/{OTHER_SEAT}",
        f"provinces/{PROVINCE}",
        "national",
    ]
    assert await _statuses(client, staff.headers, allowed) == [200] * 5
    refused = ["districts/lahore", "constituencies/NA-117", "provinces/PK-SD"]
    assert await _statuses(client, staff.headers, refused) == [404] * 3


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_editors_and_admins_read_every_area(
    client: httpx.AsyncClient, make_user: MakeUser, role: Role
) -> None:
    caller = await make_user(role)
    paths = [
        "constituencies/NA-117",
        "constituencies/PS-1",
        "districts/quetta",
        "provinces/PK-SD",
        "national",
    ]
    assert await _statuses(client, caller.headers, paths) == [200] * 5


async def test_young_people_read_no_turnout(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    youth = await make_user(Role.YOUTH)
    for path in ["national", f"constituencies/{SEAT}", f"constituencies/{SEAT}/brief.pdf"]:
        response = await client.get(f"/v1/turnout/{path}", headers=youth.headers)
        assert response.status_code == 403
        assert response.json()["code"] == "role_required"


async def test_an_unknown_area_answers_404(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    editor = await make_user(Role.EDITOR)
    paths = ["constituencies/NA-999", "constituencies/PK-KP", "districts/atlantis", "provinces/PK-XX"]
    assert await _statuses(client, editor.headers, paths) == [404] * 4
