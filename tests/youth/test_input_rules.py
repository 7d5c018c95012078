"""What young people's routes accept (review, issue 11): visible names, trimmed; exact JSON types; ages
counted in Pakistan time across the new year."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.app import problem_fields
from tests.fixtures.users import Clock, MakeUser
from tests.fixtures.youth import CONSENT_VERSION, registration, signed_up, signup

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("   ", "blank_name"),
        ("\u200b\u200b", "blank_name"),
        ("\u200b \u2060\u00a0", "blank_name"),
        ("\u0301\u0301", "blank_name"),
        ("\u2028", "blank_name"),
        ("Ali\x00", "control_character"),
        ("Ali\nKhan", "control_character"),
        ("\x1b[31mAli", "control_character"),
    ],
)
async def test_invisible_or_control_names_are_refused_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser, name: str, rule: str
) -> None:
    user = await make_user()
    response = await client.post("/v1/youth/signup", json=signup(display_name=name), headers=user.headers)
    assert ("body.display_name", rule) in problem_fields(response)
    youth = await signed_up(client, make_user)
    change = await client.patch("/v1/youth/me", json={"display_name": name}, headers=youth.headers)
    assert ("body.display_name", rule) in problem_fields(change)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    registered = await client.put(
        f"/v1/youth/registrations/{uuid.uuid4()}",
        json=registration(display_name=name),
        headers=officer.headers,
    )
    assert ("body.person.display_name", rule) in problem_fields(registered)


async def test_names_are_trimmed(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    created = await client.post(
        "/v1/youth/signup", json=signup(display_name="  Ayesha  "), headers=user.headers
    )
    assert created.json()["display_name"] == "Ayesha"
    changed = await client.patch(
        "/v1/youth/me", json={"display_name": " Zainab\u200d "}, headers=user.headers
    )
    assert changed.json()["display_name"] == "Zainab\u200d"  # a joiner inside a name is writing, not blank


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"birth_year": "2005"}, "body.birth_year", "int_type"),
        ({"birth_year": 2005.0}, "body.birth_year", "int_type"),
        (
            {"consent": {"version": CONSENT_VERSION, "guardian_consent": "true"}},
            "body.consent.guardian_consent",
            "bool_type",
        ),
        (
            {"consent": {"version": CONSENT_VERSION, "guardian_consent": 1}},
            "body.consent.guardian_consent",
            "bool_type",
        ),
    ],
)
async def test_sign_up_takes_only_exact_json_types(
    client: httpx.AsyncClient, make_user: MakeUser, overrides: dict[str, Any], field: str, rule: str
) -> None:
    user = await make_user()
    response = await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
    assert (field, rule) in problem_fields(response)


async def test_preferences_take_only_json_booleans_and_hh_mm_times(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await signed_up(client, make_user)
    stopped = await client.patch(
        "/v1/youth/me/preferences", json={"alerts_stopped": 1}, headers=youth.headers
    )
    assert ("body.alerts_stopped", "bool_type") in problem_fields(stopped)
    bad_time = await client.patch(
        "/v1/youth/me/preferences",
        json={"quiet_hours": {"start": "25:00", "end": "07:00"}},
        headers=youth.headers,
    )
    assert bad_time.status_code == 422


@pytest.mark.parametrize(
    ("utc_time", "accepted"),
    [
        (datetime(2026, 12, 31, 18, 59, tzinfo=UTC), False),  # 23:59 in Pakistan: still 2026, aged 12
        (datetime(2026, 12, 31, 19, 0, tzinfo=UTC), True),  # midnight in Pakistan: 2027, aged 13
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), True),
    ],
)
async def test_age_is_counted_in_pakistan_across_the_new_year(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    service_clock: Clock,
    utc_time: datetime,
    accepted: bool,
) -> None:
    service_clock.set(utc_time)
    user = await make_user()
    response = await client.post(
        "/v1/youth/signup",
        json=signup(birth_year=2014, consent={"version": CONSENT_VERSION, "guardian_consent": True}),
        headers=user.headers,
    )
    if accepted:
        assert response.status_code == 201, response.text
    else:
        assert ("body.birth_year", "age_out_of_range") in problem_fields(response)
