"""Turnout reads over HTTP: counter documents summed by month over a period, and compared with peer areas."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from schemas.accounts import Role
from schemas.events import EventKind, Topic
from tests.fixtures.turnout import (
    DISTRICT,
    JANUARY,
    OTHER_SEAT,
    PERIOD,
    PROVINCE,
    SEAT,
    average,
    cell,
    put_counts,
)
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")

JANUARY_COUNTS: dict[str, Any] = {
    "events_held": 6,
    "events_cancelled": 1,
    "headcount": 120,
    "headcount_gender": {"female": 50, "male": 60, "transgender": 5, "prefer_not_to_say": 5},
    "headcount_age": {"under_15": 10, "age_15_19": 40, "age_20_24": 40, "age_25_29": 20, "age_30_plus": 10},
    "events_kind": {"workshop": 6},
    "events_topic": {"legal_migration": 6, "remittances": 5},
    "headcount_topic": {"legal_migration": 120},
    "checkins": 40,
    "active": 30,
    "reached": 30,
    "reached_gender": {"female": 10, "male": 20},
    "reached_age": {"age_15_19": 15, "age_20_24": 15},
    "signups": 10,
    "signups_gender": {"female": 5, "male": 5},
    "signups_age": {"age_20_24": 10},
    "alert_reach": 0,
}


async def test_a_read_sums_counters_into_totals_months_and_breakdowns(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    await put_counts("constituency", SEAT, "2026-01", JANUARY_COUNTS)
    await put_counts("constituency", SEAT, "2026-03", {"events_held": 5, "headcount": 50, "checkins": 10})
    await put_counts("constituency", OTHER_SEAT, "2026-01", {"checkins": 99})
    response = await client.get(
        f"/v1/turnout/constituencies/{SEAT.lower()}", params=PERIOD, headers=editor.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["area"]["code"] == SEAT
    assert (body["from_month"], body["to_month"]) == ("2026-01", "2026-03")
    totals = body["totals"]
    assert (totals["events_held"], totals["events_cancelled"], totals["headcount"]) == (11, 1, cell(170))
    assert totals["checkins"] == cell(50)
    assert totals["reached"] == cell(30)
    assert totals["active"] is None
    assert [m["month"] for m in body["months"]] == ["2026-01", "2026-02", "2026-03"]
    february = body["months"][1]
    assert (february["events_held"], february["checkins"], february["active"]) == (0, cell(0), cell(0))
    assert body["months"][0]["active"] == cell(30)
    breakdowns = body["breakdowns"]
    assert breakdowns["reached_by_gender"] == {
        "female": cell(10),
        "male": cell(20),
        "transgender": cell(0),
        "prefer_not_to_say": cell(0),
    }
    assert set(breakdowns["reached_by_age"]) == {
        "under_15",
        "age_15_19",
        "age_20_24",
        "age_25_29",
        "age_30_plus",
    }
    assert breakdowns["headcount_by_age"]["under_15"] == cell(10)
    assert breakdowns["events_by_kind"] == {
        kind.value: 6 if kind is EventKind.WORKSHOP else 0 for kind in EventKind
    }
    assert set(breakdowns["events_by_topic"]) == {topic.value for topic in Topic}
    assert breakdowns["headcount_by_topic"]["legal_migration"] == cell(120)


async def test_the_default_period_is_the_last_twelve_months_in_pakistan_time(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    body = (await client.get("/v1/turnout/national", headers=admin.headers)).json()
    this_month = datetime.now(ZoneInfo("Asia/Karachi")).strftime("%Y-%m")
    assert body["to_month"] == this_month
    assert len(body["months"]) == 12
    assert body["months"][-1]["month"] == this_month
    assert body["comparisons"] == []


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"from": "2026-05", "to": "2026-04"}, "query.from", "after_to"),
        ({"from": "2021-01", "to": "2026-01"}, "query.from", "span_too_long"),
        ({"from": "2026-13"}, "query.from", "string_pattern_mismatch"),
        ({"to": "26-01"}, "query.to", "string_pattern_mismatch"),
    ],
)
async def test_a_bad_period_answers_422_naming_the_field(
    client: httpx.AsyncClient, make_user: MakeUser, params: dict[str, str], field: str, rule: str
) -> None:
    editor = await make_user(Role.EDITOR)
    response = await client.get("/v1/turnout/national", params=params, headers=editor.headers)
    assert response.status_code == 422
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [(field, rule)]


async def test_sixty_months_are_allowed(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    editor = await make_user(Role.EDITOR)
    params = {"from": "2021-02", "to": "2026-01"}
    response = await client.get("/v1/turnout/national", params=params, headers=editor.headers)
    assert response.status_code == 200
    assert len(response.json()["months"]) == 60


async def test_comparisons_average_the_seats_of_the_same_assembly(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    await put_counts("district", DISTRICT, "2026-01", {"events_held": 8, "headcount": 200, "reached": 40})
    await put_counts("province", PROVINCE, "2026-01", {"events_held": 282, "reached": 1410, "signups": 3})
    await put_counts("national", "PK", "2026-01", {"events_held": 532, "reached": 2660})
    body = (
        await client.get(f"/v1/turnout/constituencies/{SEAT}", params=JANUARY, headers=editor.headers)
    ).json()
    compared = [(c["area"]["kind"], c["area"]["code"], c["unit"], c["units"]) for c in body["comparisons"]]
    assert compared == [
        ("district", DISTRICT, "constituency", 2),
        ("province", PROVINCE, "constituency", 141),
        ("national", "PK", "constituency", 266),
    ]
    district, province, national = (c["average"] for c in body["comparisons"])
    # Averages of the published totals: the adjusted count over the units.
    assert (district["events_held"], district["headcount"], district["reached"]) == (
        4.0,
        average(200, 2),
        average(40, 2),
    )
    assert (province["events_held"], province["reached"], province["signups"]) == (
        2.0,
        average(1410, 141),
        average(3, 141),
    )
    assert (national["events_held"], national["reached"]) == (2.0, average(2660, 266))
    assert body["comparisons"][1]["area"]["name"] == "Punjab"
    provincial_seat = (
        await client.get("/v1/turnout/constituencies/PP-1", params=JANUARY, headers=editor.headers)
    ).json()
    assert [c["units"] for c in provincial_seat["comparisons"]][-2:] == [297, 297 + 130 + 115 + 51]


async def test_districts_and_provinces_compare_with_their_average_peer(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    await put_counts("province", PROVINCE, "2026-01", {"events_held": 410})
    district = (
        await client.get(f"/v1/turnout/districts/{DISTRICT}", params=JANUARY, headers=editor.headers)
    ).json()
    assert [(c["area"]["code"], c["unit"]) for c in district["comparisons"]] == [
        (PROVINCE, "district"),
        ("PK", "district"),
    ]
    units = district["comparisons"][0]["units"]
    assert units > 30
    assert district["comparisons"][0]["average"]["events_held"] == round(410 / units, 2)
    province = (
        await client.get(f"/v1/turnout/provinces/{PROVINCE}", params=JANUARY, headers=editor.headers)
    ).json()
    assert [(c["area"]["code"], c["unit"], c["units"]) for c in province["comparisons"]] == [
        ("PK", "province", 5)
    ]
