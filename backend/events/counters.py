"""The event's RSVP and check-in counters: moved once per record, whatever the replays and races.

A record (an RSVP, a check-in) is inserted under a unique key with `counted: False`. Whoever flips that
flag by a conditional update moves the counter, so a replay or a racing retry never counts twice, and a
replay finishes the count of a writer that died before its claim. A process that dies between its claim
and the `$inc` loses that one count; none is ever counted twice.
"""

from typing import Any, Literal

from beanie import Document

from backend.events.models import Event

Counter = Literal["rsvp_count", "checkin_count"]


async def count_once(record: type[Document], record_id: str, *, event_id: str, counter: Counter) -> bool:
    """Add the record to the event's counter unless someone has already; True if this call did."""
    claimed = await record.get_pymongo_collection().update_one(
        {"_id": record_id, "counted": False}, {"$set": {"counted": True}}
    )
    if claimed.modified_count == 0:
        return False
    await Event.get_pymongo_collection().update_one({"_id": event_id}, {"$inc": {counter: 1}})
    return True


async def uncount(record: type[Document], record_id: str, *, counter: Counter) -> bool:
    """Delete the record and take it off its event's counter if it was counted; True if this call did."""
    removed: dict[str, Any] | None = await record.get_pymongo_collection().find_one_and_delete(
        {"_id": record_id}
    )
    if removed is None or not removed.get("counted"):
        # Gone already, or its writer had not claimed it yet (that claim now fails, so nothing counts).
        return False
    await Event.get_pymongo_collection().update_one({"_id": removed["event_id"]}, {"$inc": {counter: -1}})
    return True
