"""Events: offline-safe sync (client ids, versions), reports, review, soft delete, history, RSVPs.

Writes are idempotent and race-safe without transactions: creation relies on the unique `_id` the phone
chose, and every change moves the version by compare-and-set with its history record as the consequence
(core/versioning.py), so the history is complete even when a writer dies half-way.
"""

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.audit import service as audit
from backend.core.clock import stored_time, utc_now
from backend.core.errors import (
    AppError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
    field_problems_from_validation,
    invalid_field,
    problem_body,
)
from backend.core.pagination import PageParams
from backend.events import versions
from backend.events.counters import store_and_count, uncount
from backend.events.models import PLAN_FIELDS, Event, Rsvp
from backend.geography import service as geography
from backend.youth.models import YouthProfile
from schemas.accounts import Role
from schemas.common import FieldProblem, Page
from schemas.events import (
    BatchItem,
    BatchItemResult,
    CheckinRegistration,
    EventChange,
    EventCheckins,
    EventFilter,
    EventRead,
    EventReport,
    EventReview,
    EventStatus,
    EventWrite,
    ReportOutcome,
    ReviewDecision,
    ReviewStatus,
    UpcomingEventRead,
)

PAKISTAN = ZoneInfo("Asia/Karachi")


def local_time(moment: datetime) -> str:
    return moment.astimezone(PAKISTAN).isoformat()


def to_read(event: Event) -> EventRead:
    """The contract's view of an event: counts from its counters, internal fields left out."""
    data = event.model_dump(include=set(EventRead.model_fields) - {"id", "starts_at_local"})
    return EventRead.model_validate({**data, "id": event.id, "starts_at_local": local_time(event.starts_at)})


def _to_upcoming(event: Event) -> UpcomingEventRead:
    fields = set(UpcomingEventRead.model_fields) - {"starts_at_local"}
    return UpcomingEventRead.model_validate(
        {**event.model_dump(include=fields), "starts_at_local": local_time(event.starts_at)}
    )


def _conflict(event: Event, message: str) -> ConflictError:
    return ConflictError(
        message,
        code="version_conflict",
        extensions={"current_version": event.version, "current": to_read(event).model_dump(mode="json")},
    )


async def _change(event: Event, changes: dict[str, Any], *, actor: str, action: str) -> Event:
    """Move the event to its next version with `changes` (recorded in its history); 409 if someone else
    moved it first."""
    if event.review == ReviewStatus.APPROVED and action in ("updated", "reported"):
        changes = {**changes, "review": ReviewStatus.PENDING.value, "review_reason": None}  # a correction
    updated = await versions.advance(event, changes, actor=actor, action=action)
    if updated is None:
        current = await versions.load(event.id)
        assert current is not None  # events are never removed, only marked deleted
        raise _conflict(current, "The event changed while this edit was made; retry on the current version.")
    return updated


# Scope


def is_field_staff(account: Account) -> bool:
    return Role.FIELD_OFFICER in account.roles or Role.SUPERVISOR in account.roles


async def event_in_scope(*, account: Account, event_id: UUID) -> Event:
    """The event if it exists, is not deleted and lies in the caller's districts; otherwise 404."""
    event = await versions.load(event_id)
    if event is None or event.deleted_at is not None or event.district not in account.districts:
        raise NotFoundError("No such event in your districts.")
    return event


async def _plan(write: EventWrite, account: Account) -> dict[str, Any]:
    """The stored form of a plan: canonical codes, UTC times, the district inside the caller's scope."""
    district = await geography.resolve_district(write.district)
    if district is None:
        raise invalid_field(
            "body.district", "unknown_district", f"'{write.district}' is not a known district"
        )
    if district.code not in account.districts:
        raise invalid_field(
            "body.district", "outside_scope", f"'{district.code}' is not one of your districts"
        )
    constituency = await geography.constituency_code(write.constituency)
    if constituency is None:
        raise invalid_field(
            "body.constituency", "unknown_constituency", f"'{write.constituency}' is not a constituency"
        )
    if not await geography.constituency_covers_district(
        constituency_code=constituency, district_code=district.code
    ):
        raise invalid_field(
            "body.constituency", "inconsistent_pair", f"{constituency} does not cover {district.code}"
        )
    plan = write.model_dump()
    plan.update(
        district=district.code,
        constituency=constituency,
        province=district.province,
        kind=write.kind.value,
        topics=[topic.value for topic in write.topics],
        starts_at=stored_time(write.starts_at),
        ends_at=stored_time(write.ends_at),
    )
    return plan


def _plan_of(event: Event) -> dict[str, Any]:
    return {field: getattr(event, field) for field in (*PLAN_FIELDS, "province")}


# Sync


async def sync_event(
    *, actor: Account, event_id: UUID, write: EventWrite, if_match: int | None
) -> tuple[EventRead, bool]:
    """Create or update from a phone's queue; returns the event and whether it was created.

    An identical replay returns what is stored. A different body needs the current version (If-Match),
    otherwise 409 with the current version, so a stale phone never overwrites a newer edit.
    """
    plan = await _plan(write, actor)
    now = utc_now()
    event = Event(id=str(event_id), version=1, created_by=actor.id, created_at=now, updated_at=now, **plan)
    try:
        # Most queued syncs are new events: try the insert first (one write, no read), and fall back to
        # the stored event when the id exists (a replay, an edit, or a concurrent retry that won).
        await event.insert()
    except DuplicateKeyError:
        existing = await versions.load(event_id)
        assert existing is not None
    else:
        await versions.record_creation(event)
        return to_read(event), True
    if existing.deleted_at is not None or existing.district not in actor.districts:
        raise NotFoundError("No such event in your districts.")
    if _plan_of(existing) == plan:
        if existing.version == 1:  # the replay of a create, perhaps of one that died before its record
            await versions.record_creation(existing)
        return to_read(existing), False
    if if_match is None or if_match != existing.version:
        raise _conflict(existing, "The event changed since this edit was made; merge with the current one.")
    return to_read(await _change(existing, plan, actor=actor.id, action="updated")), False


# Reports and review


def _check_turnout(report: EventReport) -> dict[str, Any] | None:
    if report.outcome == ReportOutcome.CANCELLED:
        if report.turnout is not None:
            raise invalid_field("body.turnout", "not_allowed", "a cancelled event has no turnout")
        if report.cancel_reason is None:
            raise invalid_field("body.cancel_reason", "missing", "say why the event was cancelled")
        return None
    if report.cancel_reason is not None:
        raise invalid_field("body.cancel_reason", "not_allowed", "only a cancelled event has a cancel reason")
    turnout = report.turnout
    if turnout is None:
        raise invalid_field("body.turnout", "missing", "a held event reports its turnout")
    problems = []
    for part in ("by_gender", "by_age"):
        counted = sum(getattr(turnout, part).model_dump().values())
        if counted != turnout.total:
            problems.append(
                FieldProblem(
                    field=f"body.turnout.{part}",
                    rule="sum_mismatch",
                    message=f"the {part.replace('_', ' ')} counts add up to {counted}, "
                    f"not the total {turnout.total}",
                )
            )
    if problems:
        raise ValidationFailedError("The turnout parts do not add up to the total.", errors=problems)
    return turnout.model_dump()


async def report_event(*, actor: Account, event_id: UUID, report: EventReport) -> EventRead:
    """Record the outcome: held (headcount by gender and age band) or cancelled (reason); idempotent."""
    event = await event_in_scope(account=actor, event_id=event_id)
    turnout = _check_turnout(report)
    if report.outcome == ReportOutcome.HELD and event.starts_at > utc_now():
        raise invalid_field(
            "body.outcome", "not_started", "an event can be reported as held once it has started"
        )
    changes: dict[str, Any] = {
        "status": report.outcome.value,
        "turnout": turnout,
        "cancel_reason": report.cancel_reason,
    }
    if all(getattr(event, key) == value for key, value in changes.items()) and event.review != "not_reported":
        return to_read(event)
    changes |= {
        "reported_at": utc_now(),
        "reported_by": actor.id,
        "review": ReviewStatus.PENDING.value,
        "review_reason": None,
    }
    return to_read(await _change(event, changes, actor=actor.id, action="reported"))


async def review_event(*, actor: Account, event_id: UUID, review: EventReview) -> EventRead:
    """A supervisor approves or rejects (with a reason) a report; only approved reports count for MPs."""
    event = await event_in_scope(account=actor, event_id=event_id)
    if event.review == ReviewStatus.NOT_REPORTED:
        raise ConflictError("The event has not been reported yet.", code="not_reported")
    # Four eyes: whoever reported the outcome (the author, for reports older than `reported_by`) never
    # reviews it.
    if (event.reported_by or event.created_by) == actor.id:
        raise ForbiddenError("Another supervisor reviews a report you made.", code="four_eyes")
    if review.decision == ReviewDecision.REJECT and review.reason is None:
        raise invalid_field("body.reason", "missing", "say why the report is rejected")
    outcome = ReviewStatus.APPROVED if review.decision == ReviewDecision.APPROVE else ReviewStatus.REJECTED
    if event.review == outcome and event.review_reason == review.reason:
        return to_read(event)
    changes = {"review": outcome.value, "review_reason": review.reason, "reviewed_by": actor.id}
    return to_read(await _change(event, changes, actor=actor.id, action=f"review_{outcome.value}"))


async def delete_event(*, actor: Account, event_id: UUID) -> None:
    """Soft delete by the author or a supervisor, before approval; deleting twice is fine."""
    event = await versions.load(event_id)
    if event is None or event.district not in actor.districts:
        raise NotFoundError("No such event in your districts.")
    if event.deleted_at is not None:
        return
    if event.created_by != actor.id and Role.SUPERVISOR not in actor.roles:
        raise NotFoundError("No such event among yours.")
    if event.review == ReviewStatus.APPROVED:
        raise ConflictError("An approved event is corrected, not deleted.", code="approved_event")
    await _change(event, {"deleted_at": utc_now(), "deleted_by": actor.id}, actor=actor.id, action="deleted")


async def history(*, actor: Account, event_id: UUID) -> list[EventChange]:
    """Every change to an event of the caller's districts, oldest first."""
    return await versions.history(await event_in_scope(account=actor, event_id=event_id))


# Lists


async def _district_filter(value: str) -> str:
    district = await geography.district_code(value)
    if district is None:
        raise invalid_field("query.district", "unknown_district", "not a known district code, name or alias")
    return district


async def _constituency_filter(value: str) -> str:
    constituency = await geography.constituency_code(value)
    if constituency is None:
        raise invalid_field("query.constituency", "unknown_constituency", "not a known constituency")
    return constituency


async def list_query(*, actor: Account, filters: EventFilter) -> dict[str, Any]:
    """The filter of an officer's list or export: always inside their districts, never deleted events.

    District and constituency are taken by code, name or alias; an unknown one is a 422, never an empty list.
    """
    wanted = None if filters.district is None else await _district_filter(filters.district)
    districts = [d for d in actor.districts if wanted is None or d == wanted]
    query: dict[str, Any] = {"deleted_at": None}
    if len(districts) > 1:
        # One equality per district (not `$in`): each is an index range in start order, merged by MongoDB.
        query["$or"] = [{"district": district} for district in districts]
    else:
        query["district"] = {"$in": districts}  # one district, or none: an empty list
    if filters.constituency is not None:
        query["constituency"] = await _constituency_filter(filters.constituency)
    if filters.kind is not None:
        query["kind"] = filters.kind.value
    if filters.status is not None:
        query["status"] = filters.status.value
    if filters.review is not None:
        query["review"] = filters.review.value
    if filters.starts_from is not None or filters.starts_before is not None:
        query["starts_at"] = {
            **({"$gte": filters.starts_from} if filters.starts_from else {}),
            **({"$lt": filters.starts_before} if filters.starts_before else {}),
        }
    return query


async def list_events(*, query: dict[str, Any], newest_first: bool, page: PageParams) -> Page[EventRead]:
    found = Event.find(query)
    total = await found.count()
    direction = "-" if newest_first else "+"
    events = (
        await found.sort(f"{direction}starts_at", f"{direction}_id")
        .skip(page.offset)
        .limit(page.limit)
        .to_list()
    )
    return Page[EventRead](
        items=[to_read(e) for e in events], total=total, limit=page.limit, offset=page.offset
    )


async def upcoming(
    *, district: str | None, constituency: str | None, page: PageParams
) -> Page[UpcomingEventRead]:
    """Planned events that have not ended, soonest first: what young people may attend."""
    if (district is None) == (constituency is None):
        raise invalid_field("query.district", "one_of", "give either district or constituency")
    query: dict[str, Any] = {
        "status": EventStatus.PLANNED.value,
        "deleted_at": None,
        "ends_at": {"$gte": utc_now()},
    }
    if district is not None:
        query["district"] = await _district_filter(district)
    else:
        assert constituency is not None
        query["constituency"] = await _constituency_filter(constituency)
    found = Event.find(query)
    total = await found.count()
    events = await found.sort("+starts_at", "+_id").skip(page.offset).limit(page.limit).to_list()
    return Page[UpcomingEventRead](
        items=[_to_upcoming(e) for e in events], total=total, limit=page.limit, offset=page.offset
    )


async def checkins(*, actor: Account, event_id: UUID) -> EventCheckins:
    """Who came to an event of the caller's districts: counts, and the people registered there by first name
    only (no phone or other personal data; audited all the same, as a staff read of young people's data)."""
    event = await event_in_scope(account=actor, event_id=event_id)
    registered = await (
        YouthProfile.get_pymongo_collection()
        .find({"registered_at_event": event.id}, {"display_name": 1, "created_at": 1})
        .sort([("created_at", 1), ("_id", 1)])
        .limit(1000)
        .to_list()
    )
    if registered:
        await audit.record(
            actor=actor.id, action="youth.listed_at_event", resource_type="event", resource_id=event.id
        )
    return EventCheckins(
        event_id=UUID(event.id),
        checkin_count=event.checkin_count,
        rsvp_count=event.rsvp_count,
        registration_count=event.registration_count,
        registrations=[
            CheckinRegistration(
                id=UUID(person["_id"].removeprefix("registered:")),
                first_name=(person["display_name"].split() or [""])[0],
                registered_at=person["created_at"],
            )
            for person in registered
        ],
    )


# RSVPs


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


async def sync_batch(*, actor: Account, items: list[BatchItem]) -> list[BatchItemResult]:
    """Sync up to 100 queued events; each item succeeds or fails on its own, in order."""
    results = []
    for position, item in enumerate(items):
        prefix = f"body.items.{position}"
        try:
            event_id = _parse_uuid(item.id, field=f"{prefix}.id")
            try:
                write = EventWrite.model_validate(item.event)
            except ValidationError as exc:
                problems = field_problems_from_validation(exc.errors())
                for problem in problems:
                    problem.field = f"{prefix}.event.{problem.field}" if problem.field else f"{prefix}.event"
                raise ValidationFailedError("The event is not valid.", errors=problems) from exc
            event, created = await sync_event(
                actor=actor, event_id=event_id, write=write, if_match=item.version
            )
        except AppError as exc:
            results.append(BatchItemResult(id=item.id, status=exc.status, problem=problem_body(exc)))
        else:
            results.append(BatchItemResult(id=item.id, status=201 if created else 200, event=event))
    return results


def _parse_uuid(value: str, *, field: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as exc:
        raise invalid_field(field, "uuid_parsing", "the event id must be a UUID") from exc
