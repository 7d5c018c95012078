"""Rules of the event service that HTTP tests cannot reach: finishing a change whose writer died."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from backend.core import versioning
from backend.events import service, versions
from backend.events.models import Event, EventVersion
from tests.fixtures.events import plan
from tests.fixtures.users import User


async def _history(event_id: str) -> list[tuple[int, str]]:
    versions = await EventVersion.find({"event_id": event_id}).sort("+version").to_list()
    return [(v.version, v.action) for v in versions]


def _die_once(monkeypatch: pytest.MonkeyPatch, *, version: int) -> list[int]:
    """Make the first write of version `version`'s history fail, as if the process died just before it."""
    real = versions.write_history
    calls: list[int] = []

    async def write_history(event_id: str, pending: dict[str, Any]) -> None:
        calls.append(pending["version"])
        if pending["version"] == version and calls.count(version) == 1:
            raise RuntimeError("the process died here")
        await real(event_id, pending)

    monkeypatch.setattr(versions, "write_history", write_history)
    return calls


async def test_a_change_whose_writer_died_is_finished_once_by_the_next_request(
    client: httpx.AsyncClient, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = str(uuid.uuid4())
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    calls = _die_once(monkeypatch, version=2)
    died = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Died half-way"),
        headers=officer.headers | {"If-Match": "1"},
    )
    assert died.status_code == 500
    stored = await Event.get(event_id)
    assert stored is not None
    assert (stored.version, stored.title, stored.pending_change is not None) == (2, "Died half-way", True)
    assert await _history(event_id) == [(1, "created")]

    # Several readers at once: each may finish the change, the history holds it once.
    reads = await asyncio.gather(
        *[client.get(f"/v1/events/{event_id}", headers=officer.headers) for _ in range(4)]
    )
    assert {r.json()["version"] for r in reads} == {2}
    assert all("pending_change" not in r.json() for r in reads)
    assert await _history(event_id) == [(1, "created"), (2, "updated")]
    assert calls.count(2) >= 2  # the dead writer's attempt, then whoever finished it
    settled = await Event.get(event_id)
    assert settled is not None
    assert settled.pending_change is None

    next_edit = await client.put(
        f"/v1/events/{event_id}", json=plan(title="Next edit"), headers=officer.headers | {"If-Match": "2"}
    )
    assert (next_edit.status_code, next_edit.json()["version"]) == (200, 3)
    history = (await client.get(f"/v1/events/{event_id}/history", headers=officer.headers)).json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "created"), (2, "updated"), (3, "updated")]
    assert history[1]["changes"] == {"title": {"from": plan()["title"], "to": "Died half-way"}}


async def test_a_stale_edit_after_a_dead_writer_gets_409_with_the_finished_event(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = str(uuid.uuid4())
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    event = await Event.get(event_id)
    assert event is not None
    # A writer moved the event to version 2 and died before writing its history record.
    entry = {
        "history": {
            "changed_by": officer.uid,
            "changed_at": event.updated_at,
            "action": "updated",
            "changes": {"title": {"from": event.title, "to": "Claimed title"}},
        }
    }
    assert await versioning.advance(
        Event.get_pymongo_collection(),
        event_id,
        from_version=1,
        changes={"title": "Claimed title"},
        consequences=entry,
    )
    attempt = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Another title"),
        headers=officer.headers | {"If-Match": "1"},
    )
    assert attempt.status_code == 409
    problem = attempt.json()
    assert (problem["code"], problem["current_version"]) == ("version_conflict", 2)
    assert problem["current"]["title"] == "Claimed title"
    assert "pending_change" not in problem["current"]
    assert await _history(event_id) == [(1, "created"), (2, "updated")]
    retried = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Another title"),
        headers=officer.headers | {"If-Match": "2"},
    )
    assert (retried.status_code, retried.json()["version"]) == (200, 3)
    assert await _history(event_id) == [(1, "created"), (2, "updated"), (3, "updated")]


async def test_a_creation_whose_writer_died_gets_its_history_from_the_replay(
    client: httpx.AsyncClient, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = str(uuid.uuid4())
    _die_once(monkeypatch, version=1)
    died = await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    assert died.status_code == 500
    assert await _history(event_id) == []
    replays = await asyncio.gather(
        *[client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers) for _ in range(3)]
    )
    assert [r.status_code for r in replays] == [200, 200, 200]
    assert await _history(event_id) == [(1, "created")]


async def test_an_edit_after_a_creation_whose_writer_died_records_both(
    client: httpx.AsyncClient, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = str(uuid.uuid4())
    _die_once(monkeypatch, version=1)
    assert (
        await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    ).status_code == 500
    edited = await client.put(
        f"/v1/events/{event_id}", json=plan(title="Edited"), headers=officer.headers | {"If-Match": "1"}
    )
    assert (edited.status_code, edited.json()["version"]) == (200, 2)
    history = (await client.get(f"/v1/events/{event_id}/history", headers=officer.headers)).json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "created"), (2, "updated")]
    assert history[0]["changes"]["title"] == {"from": None, "to": plan()["title"]}
    assert history[1]["changes"] == {"title": {"from": plan()["title"], "to": "Edited"}}


async def test_finishing_twice_writes_the_history_once(client: httpx.AsyncClient, officer: User) -> None:
    event_id = str(uuid.uuid4())
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    pending = {
        "version": 1,
        "history": {"changed_by": officer.uid, "changed_at": None, "action": "created", "changes": {}},
    }
    await asyncio.gather(*[versions.write_history(event_id, pending) for _ in range(3)])
    assert await _history(event_id) == [(1, "created")]


async def test_a_list_reads_stored_events_as_a_single_read_does(
    client: httpx.AsyncClient, officer: User
) -> None:
    """`stored_to_read` (lists) skips building the document model: it must give what `to_read` gives,
    for a full event and for one stored before later fields existed (their defaults)."""
    event_id = str(uuid.uuid4())
    assert (
        await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    ).status_code == 201
    stored = await Event.get_pymongo_collection().find_one({"_id": event_id})
    assert stored is not None
    older = {
        name: value
        for name, value in stored.items()
        if name not in ("lat", "lng", "registration_count", "rsvp_count", "turnout", "review_reason")
    }
    for document in (stored, older):
        assert service.stored_to_read(document) == service.to_read(Event.model_validate(document))
    listed = (await client.get("/v1/events", headers=officer.headers)).json()["items"]
    single = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert listed == [single]
