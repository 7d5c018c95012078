"""Every `from`/`to` pair the contract accepts answers 200 or a 422 naming the field, never a 500 (issue 19,
defect 1: `to=2000-01` defaulted `from` to 1999-02, outside the contract's months)."""

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")

EDGES = ["2000-01", "2000-02", "2000-11", "2000-12", "2001-01", "2026-12", "2099-01", "2099-12", None]


@pytest.mark.parametrize("path", ["/v1/turnout/national", "/v1/turnout/constituencies/NA-117/brief"])
async def test_every_window_the_contract_accepts_answers_200_or_a_422_naming_the_field(
    client: httpx.AsyncClient, make_user: MakeUser, path: str
) -> None:
    editor = await make_user(Role.EDITOR)
    for first in EDGES:
        for last in EDGES:
            params = {key: value for key, value in (("from", first), ("to", last)) if value is not None}
            response = await client.get(path, params=params, headers=editor.headers)
            assert response.status_code in (200, 422), (params, response.text)
            if response.status_code == 422:
                fields = {error["field"] for error in response.json()["errors"]}
                assert fields <= {"query.from", "query.to"}, (params, fields)


async def test_a_window_ending_in_the_first_month_starts_there(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    response = await client.get("/v1/turnout/national", params={"to": "2000-01"}, headers=editor.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["from_month"], response.json()["to_month"]) == ("2000-01", "2000-01")
