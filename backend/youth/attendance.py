"""Check-ins from scanned codes, and the caller's own RSVPs and check-ins."""

import asyncio
from uuid import UUID

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.core.pagination import PageParams
from backend.events.checkin_codes import CheckinSigner
from backend.events.counters import store_and_count
from backend.events.models import Attendance, Event, Rsvp
from backend.turnout import counting, reach
from backend.youth.models import YouthProfile
from backend.youth.service import own_profile
from schemas.common import Page
from schemas.events import EventStatus
from schemas.youth import CheckinRead, MyEvent


async def my_events(*, account: Account, page: PageParams) -> Page[MyEvent]:
    """The caller's RSVPs and check-ins, newest first, with each event's title and start.

    Two collections merged into one page, so not `paginate`: each is read newest first up to the page's
    end, and the page is cut from their merge."""
    await own_profile(account=account)
    wanted = page.offset + page.limit
    rsvps = Rsvp.get_pymongo_collection()
    attendance = Attendance.get_pymongo_collection()
    rsvp_docs, checkin_docs, rsvp_total, checkin_total = await asyncio.gather(
        rsvps.find({"uid": account.id}, {"event_id": 1, "created_at": 1})
        .sort([("created_at", -1), ("_id", -1)])
        .limit(wanted)
        .to_list(),
        attendance.find({"uid": account.id}, {"event_id": 1, "checked_in_at": 1})
        .sort([("checked_in_at", -1), ("_id", -1)])
        .limit(wanted)
        .to_list(),
        rsvps.count_documents({"uid": account.id}),
        attendance.count_documents({"uid": account.id}),
    )
    merged = sorted(
        [("rsvp", doc["event_id"], doc["created_at"]) for doc in rsvp_docs]
        + [("checkin", doc["event_id"], doc["checked_in_at"]) for doc in checkin_docs],
        key=lambda item: (item[2], item[0], item[1]),
        reverse=True,
    )[page.offset : wanted]
    event_ids = sorted({event_id for _, event_id, _ in merged})
    events = (
        {
            event["_id"]: event
            for event in await Event.get_pymongo_collection()
            .find({"_id": {"$in": event_ids}}, {"title": 1, "starts_at": 1, "deleted_at": 1})
            .to_list()
        }
        if event_ids
        else {}
    )
    items = []
    for activity, event_id, at in merged:
        event = events.get(event_id)
        live = event is not None and event.get("deleted_at") is None
        items.append(
            MyEvent(
                event_id=UUID(event_id),
                activity=activity,  # type: ignore[arg-type]
                at=at,
                title=event["title"] if live and event else None,
                starts_at=event["starts_at"] if live and event else None,
            )
        )
    return Page[MyEvent](items=items, total=rsvp_total + checkin_total, limit=page.limit, offset=page.offset)


async def check_in(*, account: Account, code: str, signer: CheckinSigner) -> tuple[CheckinRead, bool]:
    """Record attendance from a scanned code: one per person per event, counted once, whatever the retries.

    This is the single place a check-in enters the counts: the event's counter and the turnout counters,
    both moved only by the request whose insert stored the record. The record keeps how it was counted
    (`counted_as`: month, places, gender, age band), so a rebuild recounts it the same way.
    """
    now = utc_now()
    event_id = str(signer.verify(code, now=now))
    # The two reads are independent: one round trip's wait instead of two.
    profile, event = await asyncio.gather(
        YouthProfile.get_pymongo_collection().find_one(
            {"_id": account.id}, {"district": 1, "status": 1, "gender": 1, "birth_year": 1}
        ),
        Event.get_pymongo_collection().find_one(
            {"_id": event_id},
            {"status": 1, "deleted_at": 1, "constituency": 1, "district": 1, "province": 1},
        ),
    )
    if profile is None or profile["status"] == "erased":
        raise NotFoundError("Sign up first.")
    if event is None or event.get("deleted_at") is not None:
        raise NotFoundError("No such event.")
    if event["status"] == EventStatus.CANCELLED:
        raise ConflictError("This event was cancelled.", code="event_cancelled")
    record_id = f"{event_id}:{account.id}"
    counted = counting.snapshot(
        event, gender=profile["gender"], birth_year=profile["birth_year"], at=now, record=record_id
    )
    attendance = {
        "event_id": event_id,
        "uid": account.id,
        "district": profile["district"],
        "checked_in_at": now,
        "counted_as": counted,
    }
    if await store_and_count(Attendance, record_id, attendance, event_id=event_id, counter="checkin_count"):
        await reach.count_checkin(person=account.id, counted=counted, record=record_id)
        return CheckinRead(event_id=UUID(event_id), checked_in_at=now), True
    existing = await Attendance.get_pymongo_collection().find_one({"_id": record_id}, {"checked_in_at": 1})
    assert existing is not None  # a replay: the first check-in is stored
    return CheckinRead(event_id=UUID(event_id), checked_in_at=existing["checked_in_at"]), False
