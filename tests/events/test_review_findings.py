"""Findings of the security and usability review (issue 11) on events: each was reproduced first."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from schemas.accounts import Role
from tests.fixtures.app import problem_fields
from tests.fixtures.events import HELD_REPORT, new_id, past_plan, plan
from tests.fixtures.users import MakeUser, User

EXTREME_TIMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


# 1. Extreme times


@pytest.mark.parametrize("moment", EXTREME_TIMES)
@pytest.mark.parametrize(("path", "param"), [("/v1/events", "from"), ("/v1/events/export.csv", "to")])
async def test_extreme_filter_times_are_refused_naming_the_field(
    client: httpx.AsyncClient, officer: User, moment: str, path: str, param: str
) -> None:
    response = await client.get(path, params={param: moment}, headers=officer.headers)
    assert response.status_code == 422
    assert (f"query.{param}", "datetime_out_of_range") in problem_fields(response)


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("9999-12-31T20:00:00-05:00", "9999-12-31T22:00:00-05:00"),
        ("0001-01-01T10:00:00+00:00", "0001-01-01T12:00:00+00:00"),
    ],
)
async def test_events_outside_2000_to_2100_are_refused(
    client: httpx.AsyncClient, officer: User, starts: str, ends: str
) -> None:
    event_id = new_id()
    response = await client.put(
        f"/v1/events/{event_id}", json=plan(starts_at=starts, ends_at=ends), headers=officer.headers
    )
    assert response.status_code == 422
    assert ("body.starts_at", "datetime_out_of_range") in problem_fields(response)
    # Nothing stored: the check-in code route has no event of year 1 to crash on.
    code = await client.get(f"/v1/events/{event_id}/checkin-code", headers=officer.headers)
    assert code.status_code == 404


# 2. Free text is bounded


async def test_huge_strings_are_refused(client: httpx.AsyncClient, officer: User) -> None:
    huge = ["x" * 1024 * 1024] * 20
    response = await client.put(
        f"/v1/events/{new_id()}", json=plan(partner_organisations=huge), headers=officer.headers
    )
    assert response.status_code in (413, 422)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "t" * 201}, "body.title"),
        ({"venue_name": "v" * 201}, "body.venue_name"),
        ({"partner_organisations": ["p" * 201]}, "body.partner_organisations.0"),
        ({"partner_organisations": ["SSDO"] * 21}, "body.partner_organisations"),
    ],
)
async def test_a_field_just_over_its_limit_is_refused(
    client: httpx.AsyncClient, officer: User, overrides: dict[str, Any], field: str
) -> None:
    response = await client.put(f"/v1/events/{new_id()}", json=plan(**overrides), headers=officer.headers)
    assert response.status_code == 422
    assert field in {f for f, _ in problem_fields(response)}


async def test_a_rejection_reason_over_1000_characters_is_refused(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=officer.headers)
    await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    response = await client.put(
        f"/v1/events/{event_id}/review",
        json={"decision": "reject", "reason": "r" * 1001},
        headers=supervisor.headers,
    )
    assert ("body.reason", "string_too_long") in problem_fields(response)


# 6. Strict types


@pytest.mark.parametrize("turnout", [True, "10", 10.0])
async def test_expected_turnout_takes_only_a_json_integer(
    client: httpx.AsyncClient, officer: User, turnout: object
) -> None:
    response = await client.put(
        f"/v1/events/{new_id()}", json=plan(expected_turnout=turnout), headers=officer.headers
    )
    assert response.status_code == 422
    assert "body.expected_turnout" in {f for f, _ in problem_fields(response)}


async def test_turnout_counts_take_only_json_integers(client: httpx.AsyncClient, officer: User) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=officer.headers)
    report = {**HELD_REPORT, "turnout": {**HELD_REPORT["turnout"], "total": "50"}}
    response = await client.put(f"/v1/events/{event_id}/report", json=report, headers=officer.headers)
    assert ("body.turnout.total", "int_type") in problem_fields(response)


# 7. Four eyes


async def test_a_supervisor_never_reviews_a_report_they_made(
    client: httpx.AsyncClient, officer: User, supervisor: User, make_user: MakeUser
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=supervisor.headers)
    await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=supervisor.headers)
    for decision in ({"decision": "approve"}, {"decision": "reject", "reason": "Numbers look wrong"}):
        own = await client.put(f"/v1/events/{event_id}/review", json=decision, headers=supervisor.headers)
        assert (own.status_code, own.json()["code"]) == (403, "four_eyes")
    other = await make_user(Role.SUPERVISOR, districts=["lahore"])
    approved = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=other.headers
    )
    assert (approved.status_code, approved.json()["review"]) == (200, "approved")


# 8. Geography filters by code, name or alias


async def test_event_filters_take_district_names_and_refuse_unknown_places(
    client: httpx.AsyncClient, officer: User
) -> None:
    await client.put(f"/v1/events/{new_id()}", json=plan(), headers=officer.headers)
    for district in ("lahore", "Lahore", "LAHORE"):
        listed = await client.get("/v1/events", params={"district": district}, headers=officer.headers)
        assert listed.json()["total"] == 1, district
    by_seat = await client.get("/v1/events", params={"constituency": "na-117"}, headers=officer.headers)
    assert by_seat.json()["total"] == 1
    unknown = await client.get("/v1/events", params={"district": "Atlantis"}, headers=officer.headers)
    assert ("query.district", "unknown_district") in problem_fields(unknown)
    seat = await client.get("/v1/events", params={"constituency": "NA-999"}, headers=officer.headers)
    assert ("query.constituency", "unknown_constituency") in problem_fields(seat)
    export = await client.get(
        "/v1/events/export.csv", params={"district": "Atlantis"}, headers=officer.headers
    )
    assert export.status_code == 422


async def test_upcoming_events_take_names_and_refuse_unknown_seats(
    client: httpx.AsyncClient, officer: User
) -> None:
    await client.put(f"/v1/events/{new_id()}", json=plan(), headers=officer.headers)
    assert (await client.get("/v1/events/upcoming", params={"district": "Lahore"})).json()["total"] == 1
    assert (await client.get("/v1/events/upcoming", params={"constituency": "na-117"})).json()["total"] == 1
    unknown = await client.get("/v1/events/upcoming", params={"constituency": "NA-999"})
    assert ("query.constituency", "unknown_constituency") in problem_fields(unknown)


# 11. Reports awaiting review; who came


async def test_review_pending_lists_only_reports_awaiting_review(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    reported, approved, planned = new_id(), new_id(), new_id()
    for event_id in (reported, approved):
        await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=officer.headers)
        await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    await client.put(f"/v1/events/{planned}", json=plan(), headers=officer.headers)
    await client.put(
        f"/v1/events/{approved}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    pending = await client.get("/v1/events", params={"review": "pending"}, headers=supervisor.headers)
    assert [event["id"] for event in pending.json()["items"]] == [reported]
    bad = await client.get("/v1/events", params={"review": "soon"}, headers=supervisor.headers)
    assert bad.status_code == 422


async def test_event_checkins_show_counts_and_first_names_only(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    person = {
        "display_name": "  Ayesha Khan ",
        "birth_year": 2005,
        "gender": "female",
        "district": "Lahore",
        "constituency": "NA-117",
        "provincial_constituency": "PP-145",
        "languages": ["ur"],
        "phone": "+92 300 1234567",
        "consent": {"version": "2026-11-v1"},
    }
    registration_id = str(uuid.uuid4())
    body = {"person": person, "consent_method": "paper", "event_id": event_id}
    for _ in range(2):  # a replay counts once
        await client.put(f"/v1/youth/registrations/{registration_id}", json=body, headers=officer.headers)
    came = await client.get(f"/v1/events/{event_id}/checkins", headers=officer.headers)
    assert came.status_code == 200, came.text
    assert (came.json()["registration_count"], came.json()["checkin_count"]) == (1, 0)
    assert came.json()["registrations"] == [
        {
            "id": registration_id,
            "first_name": "Ayesha",
            "registered_at": came.json()["registrations"][0]["registered_at"],
        }
    ]
    assert "+92" not in came.text
    assert "Khan" not in came.text
    event = await client.get(f"/v1/events/{event_id}", headers=officer.headers)
    assert event.json()["registration_count"] == 1
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (await client.get(f"/v1/events/{event_id}/checkins", headers=quetta.headers)).status_code == 404


# 13. Declared statuses


def test_event_routes_declare_conflict_details_and_every_status(app: FastAPI) -> None:
    spec = app.openapi()
    put_event = spec["paths"]["/v1/events/{event_id}"]["put"]["responses"]
    conflict = put_event["409"]["content"]["application/problem+json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][conflict.rsplit("/", 1)[-1]]
    assert {"current", "current_version", "code"} <= set(schema["properties"])
    assert "201" in put_event
    assert "409" in spec["paths"]["/v1/events/{event_id}/report"]["put"]["responses"]
    photo = spec["paths"]["/v1/events/{event_id}/photos/{photo_id}"]["put"]["responses"]
    assert {"201", "413", "415"} <= set(photo)
