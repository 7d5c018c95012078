"""Event feedback: give it (once, after checking in, within 14 days), read one's own, the event's for its
officers and supervisors, and an area's in aggregate for MPs and other staff (through the one gate)."""

import asyncio
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.core import counters
from backend.core.clock import month_of, stored_time, utc_now
from backend.core.errors import ConflictError, NotFoundError, invalid_field
from backend.core.pagination import PageParams
from backend.core.text import plain_or_raise
from backend.events.models import Attendance, Event
from backend.events.service import event_in_scope
from backend.turnout import counting, protection
from backend.turnout.figures import flat_counts
from backend.turnout.keys import record_key
from backend.turnout.models import NATIONAL_CODE
from backend.turnout.scope import Area, area_in_scope
from backend.turnout.service import month_range
from backend.voice.feedback.models import EventFeedback, FeedbackCounter
from schemas.feedback import AreaFeedbackRead, EventFeedbackRead, FeedbackFigures, FeedbackRead, FeedbackWrite
from schemas.turnout import AreaKind

FEEDBACK_DAYS = 14
RATINGS = ("1", "2", "3", "4", "5")


def _read(stored: EventFeedback | Mapping[str, Any]) -> FeedbackRead:
    feedback: Mapping[str, Any] = stored.model_dump() if isinstance(stored, EventFeedback) else stored
    return FeedbackRead(
        rating=feedback["rating"],
        learned=feedback.get("learned"),
        recommend=feedback["recommend"],
        given_at=feedback["given_at"],
    )


def _counts(rating: int, recommend: bool) -> dict[str, int]:
    return {"n": 1, f"r.{rating}": 1, f"rec.{'yes' if recommend else 'no'}": 1}


def figures(counts: Mapping[str, int], keys: Mapping[str, int]) -> FeedbackFigures:
    """Feedback figures from summed counts and key sums (dotted paths), every count through the gate."""

    def cell(path: str) -> Any:
        return protection.protect(counts.get(path, 0), keys.get(path, 0))

    ratings = {rating: cell(f"r.{rating}") for rating in RATINGS}
    average = protection.mean_of({int(rating): found for rating, found in ratings.items()})
    return FeedbackFigures(
        respondents=cell("n"),
        ratings=ratings,
        recommend=cell("rec.yes"),
        not_recommend=cell("rec.no"),
        average_rating=average,
    )


async def give(*, account: Account, event_id: UUID, write: FeedbackWrite) -> tuple[FeedbackRead, bool]:
    """Give feedback on an event the caller checked in at; the same feedback again is a replay."""
    event = await Event.get(str(event_id))
    if event is None or event.deleted_at is not None:
        raise NotFoundError("No event has this id.")
    if await Attendance.get(f"{event.id}:{account.id}") is None:
        raise ConflictError("Check in at the event to give feedback on it.", code="not_checked_in")
    now = utc_now()
    if now > stored_time(event.ends_at) + timedelta(days=FEEDBACK_DAYS):
        raise ConflictError("Feedback closes 14 days after the event.", code="feedback_closed")
    learned = None if write.learned is None else plain_or_raise(write.learned, field="body.learned")
    feedback_id = uuid.uuid4().hex
    places = counting.places_of(event.model_dump())
    month = month_of(event.starts_at)
    feedback = EventFeedback(
        id=feedback_id,
        event=event.id,
        uid=account.id,
        rating=write.rating,
        learned=learned,
        recommend=write.recommend,
        counted_as={**places, "month": month, "key": record_key(feedback_id)},
        given_at=now,
    )
    try:
        await feedback.insert()
    except DuplicateKeyError:
        given = await EventFeedback.find_one({"event": event.id, "uid": account.id})
        if given is None:
            raise
        if (given.rating, given.learned, given.recommend) != (write.rating, learned, write.recommend):
            raise ConflictError("You gave feedback on this event already.", code="feedback_given") from None
        return _read(given), False
    inc = counting.tallied(_counts(write.rating, write.recommend), feedback.counted_as["key"])
    collection = FeedbackCounter.get_pymongo_collection()
    await asyncio.gather(
        *(
            counters.increment(
                collection,
                {"_id": f"{area}:{code}:{month}"},
                inc,
                set_on_insert={"area": area, "code": code, "month": month},
            )
            for area, code in counting.areas(places)
        )
    )
    return _read(feedback), True


async def own_feedback(*, account: Account, event_id: UUID) -> FeedbackRead:
    given = await EventFeedback.find_one({"event": str(event_id), "uid": account.id})
    if given is None:
        raise NotFoundError("You have given no feedback on this event.")
    return _read(given)


async def event_feedback(*, account: Account, event_id: UUID, page: PageParams) -> EventFeedbackRead:
    """An event's feedback for the officers and supervisors of its district: protected figures, and the
    entries without who gave them."""
    event = await event_in_scope(account=account, event_id=event_id)
    collection = EventFeedback.get_pymongo_collection()
    counts: dict[str, int] = {}
    keys: dict[str, int] = {}
    entries: list[FeedbackRead] = []
    position = 0
    fields = {"rating": 1, "learned": 1, "recommend": 1, "given_at": 1, "counted_as.key": 1}
    async for stored in collection.find({"event": event.id}, fields, sort=[("given_at", 1), ("_id", 1)]):
        for path in _counts(stored["rating"], stored["recommend"]):
            counts[path] = counts.get(path, 0) + 1
            keys[path] = keys.get(path, 0) + int(stored["counted_as"]["key"])
        if page.offset <= position < page.offset + page.limit:
            entries.append(_read(stored))
        position += 1
    return EventFeedbackRead(
        event_id=UUID(event.id),
        figures=figures(counts, keys),
        entries=entries,
        total=position,
        limit=page.limit,
        offset=page.offset,
    )


async def area_sums(area: Area, months: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """An area's feedback counts and key sums over `months`."""
    ids = [f"{area.kind.value}:{area.code}:{month}" for month in months]
    counts: dict[str, int] = {}
    keys: dict[str, int] = {}
    async for stored in FeedbackCounter.get_pymongo_collection().find({"_id": {"$in": ids}}):
        for target, source in ((counts, stored.get("c", {})), (keys, stored.get("k", {}))):
            for path, n in flat_counts(source).items():
                target[path] = target.get(path, 0) + n
    return counts, keys


async def area_feedback(
    *, account: Account, kind: AreaKind, code: str | None, from_month: str | None, to_month: str | None
) -> AreaFeedbackRead:
    """Feedback on an area's events over months, beside the country's, if the caller may read the area."""
    national = Area(AreaKind.NATIONAL, NATIONAL_CODE)
    if kind is AreaKind.NATIONAL:
        area = national
    elif not code:
        raise invalid_field("query.code", "missing", "name the area's code")
    else:
        area = await area_in_scope(account=account, kind=kind, code=code)
    months = month_range(from_month=from_month, to_month=to_month)
    own, country = await asyncio.gather(area_sums(area, months), area_sums(national, months))
    return AreaFeedbackRead(
        kind=area.kind,
        code=area.code,
        from_month=months[0],
        to_month=months[-1],
        figures=figures(*own),
        national=figures(*country),
        note=protection.NOTE,
    )
