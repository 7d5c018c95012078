"""An event's versions and its history (who changed what, when).

A change moves the event from version N to N+1 by compare-and-set (core/versioning.py) with its history
record stored on the event as the consequence (and, when the change moves what the event counts for
turnout, the old and new contribution); the record is then written under `<event id>:<N+1>`, which makes
writing it twice a no-op, the turnout counters moved once under the same key, and the mark cleared.
Whoever loads an event with a mark left by a dead writer finishes it first, so the history is complete
and holds each version once.

Creation needs no mark: an event at version 1 is its creation, so the record of version 1 is built from
the stored event and written after the insert, and again (a no-op when present) by a replay, by the
history read, and before any change from version 1, should the creating writer have died before it.
"""

import contextlib
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.core import versioning
from backend.core.clock import utc_now
from backend.events.models import PLAN_FIELDS, Event, EventVersion
from backend.turnout import counting
from schemas.events import EventChange


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"from": before.get(key), "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def _entry(*, actor: str, at: datetime, action: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The consequence of one change: its history record."""
    return {"history": {"changed_by": actor, "changed_at": at, "action": action, "changes": changes}}


async def write_history(event_id: str, pending: dict[str, Any]) -> None:
    """Store the history record of `pending` (a change's consequences); repeating it is a no-op."""
    version = pending["version"]
    # A duplicate: written already, by the change's writer or by whoever finished it.
    with contextlib.suppress(DuplicateKeyError):
        await EventVersion.get_pymongo_collection().insert_one(
            {"_id": f"{event_id}:{version}", "event_id": event_id, "version": version, **pending["history"]}
        )


async def _carry_out(event_id: str, pending: dict[str, Any]) -> None:
    """A change's consequences: its history record, and the change of its turnout counts (each once)."""
    await write_history(event_id, pending)
    if turnout := pending.get("turnout"):
        await counting.apply_event_change(
            claim=f"{event_id}:{pending['version']}", remove=turnout["remove"], add=turnout["add"]
        )


async def finish(event: Event) -> Event:
    """Carry out the consequences marked on `event` (its own, or a dead writer's) and clear the mark."""
    if event.pending_change is not None:
        await versioning.settle(
            Event.get_pymongo_collection(),
            event.id,
            event.pending_change,
            lambda pending: _carry_out(event.id, pending),
        )
        event.pending_change = None
    return event


async def load(event_id: UUID | str) -> Event | None:
    """The stored event, with any unfinished change finished first."""
    event = await Event.get(str(event_id))
    return await finish(event) if event is not None else None


async def record_creation(event: Event) -> None:
    """Write the history record of version 1 from the event as created (the event must be at version 1)."""
    plan = {field: getattr(event, field) for field in (*PLAN_FIELDS, "province")}
    entry = _entry(
        actor=event.created_by, at=event.created_at, action="created", changes=_diff({}, _jsonable(plan))
    )
    await write_history(event.id, {**entry, "version": 1})


async def advance(event: Event, changes: dict[str, Any], *, actor: str, action: str) -> Event | None:
    """The event moved from its version N to N+1 with `changes` and the change recorded; None when
    someone else moved it from N first."""
    if event.version == 1:
        await record_creation(event)
    now = utc_now()
    before = {key: getattr(event, key) for key in changes}
    entry = _entry(actor=actor, at=now, action=action, changes=_diff(_jsonable(before), _jsonable(changes)))
    # What the event adds to the turnout counters before and after; a difference is applied once.
    counted_before = counting.event_contribution(event.model_dump())
    counted_after = counting.event_contribution({**event.model_dump(), **changes})
    if counted_before != counted_after:
        entry["turnout"] = {"remove": counted_before, "add": counted_after}
    changes = {**changes, "updated_at": now}
    moved = await versioning.advance(
        Event.get_pymongo_collection(),
        event.id,
        from_version=event.version,
        changes=changes,
        consequences=entry,
    )
    if not moved:
        return None
    version = event.version + 1
    mark = {**entry, "version": version}
    return await finish(event.model_copy(update={**changes, "version": version, "pending_change": mark}))


async def history(event: Event) -> list[EventChange]:
    """Every change of the event, oldest first."""
    if event.version == 1:
        await record_creation(event)
    versions = await EventVersion.find({"event_id": event.id}).sort("+version").to_list()
    return [EventChange.model_validate(v.model_dump(include=set(EventChange.model_fields))) for v in versions]
