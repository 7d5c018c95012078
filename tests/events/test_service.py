"""Rules of the event service that HTTP tests cannot reach: finishing a change whose writer died."""

import uuid

import httpx

from backend.events.models import Event, EventVersion
from tests.conftest import User
from tests.events.conftest import plan


async def test_a_claimed_change_whose_writer_died_is_finished_by_the_next_writer(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = str(uuid.uuid4())
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    event = await Event.get(event_id)
    assert event is not None
    # A writer claimed version 2 (its history record) and died before updating the event.
    await EventVersion(
        id=f"{event_id}:2",
        event_id=event_id,
        version=2,
        changed_by=officer.uid,
        changed_at=event.updated_at,
        action="updated",
        changes={"title": {"from": event.title, "to": "Claimed title"}},
        applied={"title": "Claimed title", "version": 2, "updated_at": event.updated_at},
    ).insert()
    attempt = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Another title"),
        headers=officer.headers | {"If-Match": "1"},
    )
    assert attempt.status_code == 409
    assert (attempt.json()["current_version"], attempt.json()["current"]["title"]) == (2, "Claimed title")
    retried = await client.put(
        f"/v1/events/{event_id}",
        json=plan(title="Another title"),
        headers=officer.headers | {"If-Match": "2"},
    )
    assert (retried.status_code, retried.json()["version"]) == (200, 3)
