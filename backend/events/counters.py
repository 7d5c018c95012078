"""The event's RSVP and check-in counters: moved once per record, whatever the replays and races.

A record (an RSVP, a check-in) has a unique key, and inserting it is the claim on counting it: exactly
one request's insert succeeds (a replay or a racing retry meets the unique `_id`), and only that request
moves the counter with `$inc`. The record says `counted: true`, so taking it back (or erasing it) knows
to decrement; records stored before counters existed lack the flag and were never counted. A process
that dies between the insert and the `$inc` loses that one count; none is ever counted twice.
"""

from typing import Any, Literal

from beanie import Document
from pymongo.errors import DuplicateKeyError

from backend.events.models import Event

Counter = Literal["rsvp_count", "checkin_count", "registration_count"]


async def store_and_count(
    record: type[Document], record_id: str, fields: dict[str, Any], *, event_id: str, counter: Counter
) -> bool:
    """Store the record and add it to the event's counter, unless it is stored already; True if this
    call counted it (False: a replay, or a racing retry that won)."""
    try:
        await record.get_pymongo_collection().insert_one({"_id": record_id, **fields, "counted": True})
    except DuplicateKeyError:
        return False
    await Event.get_pymongo_collection().update_one({"_id": event_id}, {"$inc": {counter: 1}})
    return True


async def uncount(record: type[Document], record_id: str, *, counter: Counter) -> bool:
    """Delete the record and take it off its event's counter if it was counted; True if this call did."""
    removed: dict[str, Any] | None = await record.get_pymongo_collection().find_one_and_delete(
        {"_id": record_id}
    )
    if removed is None or not removed.get("counted"):
        return False
    await Event.get_pymongo_collection().update_one({"_id": removed["event_id"]}, {"$inc": {counter: -1}})
    return True


async def count(*, event_id: str, counter: Counter) -> None:
    """Add one to the event's counter, for a record whose own unique insert was the claim (a registration)."""
    await Event.get_pymongo_collection().update_one({"_id": event_id}, {"$inc": {counter: 1}})
