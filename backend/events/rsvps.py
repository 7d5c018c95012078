"""Events: RSVPs ("I will come"), counted once per person however often the phone retries."""

from typing import Any
from uuid import UUID

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.events.counters import store_and_count, uncount
from backend.events.models import Event, Rsvp
from schemas.events import EventStatus


async def _rsvp_target(event_id: UUID) -> dict[str, Any]:
    event: dict[str, Any] | None = await Event.get_pymongo_collection().find_one(
        {"_id": str(event_id)}, {"status": 1, "ends_at": 1, "deleted_at": 1}
    )
    if event is None or event.get("deleted_at") is not None:
        raise NotFoundError("No such event.")
    return event


async def rsvp(*, actor: Account, event_id: UUID) -> None:
    """Say "I will come": one per person and counted once, however often the phone retries."""
    event = await _rsvp_target(event_id)
    if event["status"] != EventStatus.PLANNED or event["ends_at"] < utc_now():
        raise ConflictError("The event is not open for RSVPs.", code="not_open")
    # One per person: the id is the event and the person.
    fields = {"event_id": event["_id"], "uid": actor.id, "created_at": utc_now()}
    await store_and_count(
        Rsvp, f"{event['_id']}:{actor.id}", fields, event_id=event["_id"], counter="rsvp_count"
    )


async def withdraw_rsvp(*, actor: Account, event_id: UUID) -> None:
    """Take back an "I will come"; the count drops once, however often it is sent."""
    event = await _rsvp_target(event_id)
    await uncount(Rsvp, f"{event['_id']}:{actor.id}", counter="rsvp_count")
