"""A young person's two seats: the National Assembly seat and the Provincial Assembly seat of where they
live, each given or, where one seat of its assembly covers the district, derived (issue 18)."""

from typing import Any

import httpx
import pytest

from tests.fixtures.users import MakeUser
from tests.fixtures.youth import signup

pytestmark = pytest.mark.usefixtures("seeded")


async def _sign_up(client: httpx.AsyncClient, make_user: MakeUser, **fields: Any) -> httpx.Response:
    person = await make_user()
    return await client.post("/v1/youth/signup", json=signup(**fields), headers=person.headers)


def _seats(response: httpx.Response) -> tuple[str, str | None]:
    assert response.status_code == 201, response.text
    body = response.json()
    return body["constituency"], body["provincial_constituency"]


@pytest.mark.parametrize(
    ("fields", "seats"),
    [
        # Both given, as the contract asks where several seats of each assembly cover the district.
        (
            {"district": "Lahore", "constituency": "NA-117", "provincial_constituency": "pp-145"},
            ("NA-117", "PP-145"),
        ),
        # An older client's National Assembly seat: the district's only Provincial Assembly seat is added.
        ({"district": "Tank", "constituency": "NA-43", "provincial_constituency": None}, ("NA-43", "PK-108")),
        # An older client's Provincial Assembly seat ("PK-12" is a KP assembly seat, not a province code):
        # the district's only National Assembly seat is added.
        (
            {"district": "Upper Dir", "constituency": "PK-12", "provincial_constituency": None},
            ("NA-5", "PK-12"),
        ),
        # Islamabad elects no provincial assembly.
        (
            {"district": "Islamabad", "constituency": "NA-47", "provincial_constituency": None},
            ("NA-47", None),
        ),
    ],
)
async def test_every_young_person_has_the_seats_of_both_assemblies_where_they_exist(
    client: httpx.AsyncClient, make_user: MakeUser, fields: dict[str, Any], seats: tuple[str, str | None]
) -> None:
    assert _seats(await _sign_up(client, make_user, **fields)) == seats


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"provincial_constituency": None}, "body.provincial_constituency", "provincial_seat_required"),
        (
            {"constituency": "PP-145", "provincial_constituency": None},
            "body.constituency",
            "national_seat_required",
        ),
        ({"provincial_constituency": "NA-118"}, "body.provincial_constituency", "not_provincial"),
        (
            {"constituency": "PP-145", "provincial_constituency": "PP-146"},
            "body.provincial_constituency",
            "not_provincial",
        ),
        ({"provincial_constituency": "PP-176"}, "body.provincial_constituency", "inconsistent_pair"),
        ({"provincial_constituency": "PP-999"}, "body.provincial_constituency", "unknown_constituency"),
    ],
)
async def test_a_seat_that_cannot_be_derived_or_does_not_fit_answers_422_naming_the_field(
    client: httpx.AsyncClient, make_user: MakeUser, fields: dict[str, Any], field: str, rule: str
) -> None:
    response = await _sign_up(client, make_user, **fields)
    assert response.status_code == 422, response.text
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [(field, rule)]


async def test_the_provincial_seat_changes_alone_or_with_the_district(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    person = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=person.headers)
    alone = await client.patch(
        "/v1/youth/me", json={"provincial_constituency": "PP-146"}, headers=person.headers
    )
    assert (alone.json()["constituency"], alone.json()["provincial_constituency"]) == ("NA-117", "PP-146")
    moved = await client.patch(
        "/v1/youth/me", json={"district": "tank", "constituency": "NA-43"}, headers=person.headers
    )
    assert (moved.json()["district"], moved.json()["provincial_constituency"]) == ("tank", "PK-108")
    wrong = await client.patch(
        "/v1/youth/me", json={"provincial_constituency": "PP-146"}, headers=person.headers
    )
    assert [(e["field"], e["rule"]) for e in wrong.json()["errors"]] == [
        ("body.provincial_constituency", "inconsistent_pair")
    ]
