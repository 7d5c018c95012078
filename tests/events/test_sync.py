"""Offline-safe sync: client ids, identical replays, versions, conflicts and batches."""

import asyncio

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.events import new_id, plan
from tests.fixtures.users import MakeUser, User


async def test_put_creates_then_replay_returns_the_stored_event(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    created = await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    assert created.status_code == 201
    body = created.json()
    assert (body["id"], body["version"], body["status"], body["review"]) == (
        event_id,
        1,
        "planned",
        "not_reported",
    )
    assert (body["district"], body["constituency"], body["province"]) == ("lahore", "NA-117", "PK-PB")
    assert body["starts_at_local"].endswith("+05:00")
    assert created.headers["etag"] == '"1"'
    for _ in range(3):
        replay = await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
        assert replay.status_code == 200
        assert replay.json() == body


async def test_times_are_stored_in_utc_and_shown_in_pakistan_time(
    client: httpx.AsyncClient, officer: User
) -> None:
    body = plan(starts_at="2030-03-01T10:00:00+05:00", ends_at="2030-03-01T12:00:00+05:00")
    event = (await client.put(f"/v1/events/{new_id()}", json=body, headers=officer.headers)).json()
    assert event["starts_at"] == "2030-03-01T05:00:00Z"
    assert event["starts_at_local"] == "2030-03-01T10:00:00+05:00"


async def test_edit_without_current_version_gets_409_with_the_current_event(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    conflict = await client.put(
        f"/v1/events/{event_id}", json=plan(title="A new title"), headers=officer.headers
    )
    assert conflict.status_code == 409
    problem = conflict.json()
    assert (problem["code"], problem["current_version"]) == ("version_conflict", 1)
    assert problem["current"]["title"] == plan()["title"]


async def test_edit_with_current_version_updates_and_stale_phone_cannot_overwrite(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    first = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Edited on phone A"),
        headers=officer.headers | {"If-Match": '"1"'},
    )
    assert (first.status_code, first.json()["version"], first.headers["etag"]) == (200, 2, '"2"')
    stale = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Edited on phone B"),
        headers=officer.headers | {"If-Match": '"1"'},
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Edited on phone A"


async def test_concurrent_edits_on_the_same_version_let_exactly_one_win(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    responses = await asyncio.gather(
        *[
            client.put(
                f"/v1/events/{event_id}",
                json=plan(title=f"Edit number {n}"),
                headers=officer.headers | {"If-Match": "1"},
            )
            for n in range(4)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]


async def test_parallel_retries_of_one_create_store_one_event(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    responses = await asyncio.gather(
        *[client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers) for _ in range(4)]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    listing = await client.get("/v1/events", headers=officer.headers)
    assert listing.json()["total"] == 1


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"district": "atlantis"}, "body.district", "unknown_district"),
        ({"district": "quetta", "constituency": "NA-262"}, "body.district", "outside_scope"),
        ({"constituency": "NA-999"}, "body.constituency", "unknown_constituency"),
        ({"constituency": "NA-132"}, "body.constituency", "inconsistent_pair"),
        ({"kind": "party"}, "body.kind", "enum"),
        ({"topics": []}, "body.topics", "too_short"),
        ({"lat": 51.5, "lng": -0.1}, "body.lat", "less_than_equal"),
        ({"ends_at": "2020-01-01T00:00:00Z"}, "body", "value_error"),
        ({"starts_at": "2030-03-01T10:00:00"}, "body.starts_at", "timezone_aware"),
        ({"secret": "x"}, "body.secret", "extra_forbidden"),
    ],
)
async def test_invalid_plans_name_the_field_and_rule(
    client: httpx.AsyncClient, officer: User, overrides: dict[str, object], field: str, rule: str
) -> None:
    response = await client.put(f"/v1/events/{new_id()}", json=plan(**overrides), headers=officer.headers)
    assert response.status_code == 422
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}


async def test_officer_cannot_move_an_event_outside_their_districts(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    moved = await client.put(
        f"/v1/events/{event_id}",
        json=plan(district="quetta", constituency="NA-262"),
        headers=officer.headers | {"If-Match": "1"},
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["rule"] == "outside_scope"


async def test_event_of_another_district_answers_404(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (await client.get(f"/v1/events/{event_id}", headers=quetta.headers)).status_code == 404
    edit = await client.put(
        f"/v1/events/{event_id}",
        json=plan(district="quetta", constituency="NA-262"),
        headers=quetta.headers | {"If-Match": "1"},
    )
    assert edit.status_code == 404
    assert (await client.get(f"/v1/events/{event_id}/history", headers=quetta.headers)).status_code == 404
    assert (await client.delete(f"/v1/events/{event_id}", headers=quetta.headers)).status_code == 404


async def test_batch_stores_good_items_and_answers_each(client: httpx.AsyncClient, officer: User) -> None:
    existing = new_id()
    await client.put(f"/v1/events/{existing}", json=plan(), headers=officer.headers)
    good, replay_id = new_id(), existing
    items = [
        {"id": good, "event": plan(title="Batch event one")},
        {"id": replay_id, "event": plan()},
        {"id": existing, "event": plan(title="Stale edit")},
        {"id": new_id(), "event": plan(ends_at="2000-01-01T00:00:00Z")},
        {"id": "not-a-uuid", "event": plan()},
        {"id": new_id(), "event": plan(district="quetta", constituency="NA-262")},
    ]
    response = await client.post("/v1/events/batch", json={"items": items}, headers=officer.headers)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 200, 409, 422, 422, 422]
    assert results[3]["problem"]["errors"][0]["field"] == "body.items.3.event"
    assert results[4]["problem"]["errors"][0]["field"] == "body.items.4.id"
    assert results[5]["problem"]["errors"][0]["rule"] == "outside_scope"
    assert (await client.get(f"/v1/events/{good}", headers=officer.headers)).json()[
        "title"
    ] == "Batch event one"


async def test_batch_is_limited_to_100_items(client: httpx.AsyncClient, officer: User) -> None:
    items = [{"id": new_id(), "event": plan()} for _ in range(101)]
    response = await client.post("/v1/events/batch", json={"items": items}, headers=officer.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.items"


async def test_every_change_keeps_the_previous_values(client: httpx.AsyncClient, officer: User) -> None:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    await client.put(
        f"/v1/events/{event_id}", json=plan(expected_turnout=80), headers=officer.headers | {"If-Match": "1"}
    )
    history = (await client.get(f"/v1/events/{event_id}/history", headers=officer.headers)).json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "created"), (2, "updated")]
    assert history[1]["changes"] == {"expected_turnout": {"from": 60, "to": 80}}
    assert history[1]["changed_by"] == officer.uid


async def test_youth_and_mp_cannot_use_field_routes(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    for role, extra in ((Role.YOUTH, {}), (Role.MP, {"constituency": "NA-117"})):
        user = await make_user(role, **extra)  # type: ignore[arg-type]
        response = await client.put(f"/v1/events/{new_id()}", json=plan(), headers=user.headers)
        assert response.status_code == 403
