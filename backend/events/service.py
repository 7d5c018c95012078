"""Events: offline-safe sync (client ids, versions), the caller's scope, and the shared read form.

Writes are idempotent and race-safe without transactions: creation relies on the unique `_id` the phone
chose, and every change moves the version by compare-and-set with its history record as the consequence
(core/versioning.py), so the history is complete even when a writer dies half-way.

Reports and review live in reports.py, lists and upcoming events in lists.py, RSVPs in rsvps.py.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError

from backend.accounts import scope
from backend.accounts.models import Account
from backend.core import versioning
from backend.core.clock import pakistan_time, stored_time, utc_now
from backend.core.errors import (
    AppError,
    ConflictError,
    NotFoundError,
    ValidationFailedError,
    field_problems_from_validation,
    invalid_field,
    problem_body,
)
from backend.events import versions
from backend.events.checkin_codes import CheckinSigner
from backend.events.models import PLAN_FIELDS, Event
from backend.geography import places
from schemas.accounts import Role
from schemas.events import (
    BatchItem,
    BatchItemResult,
    CheckinCode,
    EventRead,
    EventStatus,
    EventWrite,
    ReviewStatus,
)


def local_time(moment: datetime) -> str:
    return pakistan_time(moment).isoformat()


_READ_FIELDS = frozenset(EventRead.model_fields) - {"id", "starts_at_local"}
# What an event stored before a field existed reads as (the model's defaults), for `stored_to_read`.
_READ_DEFAULTS = {
    name: field.get_default(call_default_factory=True)
    for name, field in Event.model_fields.items()
    if name in _READ_FIELDS and not field.is_required()
}


def to_read(event: Event) -> EventRead:
    """The contract's view of an event: counts from its counters, internal fields left out."""
    return _contract(event.model_dump(include=set(_READ_FIELDS)), event.id)


def stored_to_read(stored: dict[str, Any]) -> EventRead:
    """`to_read` of an event as stored, without building the document model first: lists read many."""
    return _contract(
        _READ_DEFAULTS | {name: stored[name] for name in _READ_FIELDS if name in stored}, stored["_id"]
    )


def _contract(fields: dict[str, Any], event_id: str) -> EventRead:
    starts_at_local = local_time(fields["starts_at"])
    return EventRead.model_validate({**fields, "id": event_id, "starts_at_local": starts_at_local})


def _conflict(event: Event, message: str, *, kind: type[ConflictError] = ConflictError) -> ConflictError:
    return kind(
        message,
        code="version_conflict",
        extensions={"current_version": event.version, "current": to_read(event).model_dump(mode="json")},
    )


async def change(event: Event, changes: dict[str, Any], *, actor: str, action: str) -> Event:
    """Move the event to its next version with `changes` (recorded in its history); LostRaceError (a 409
    unless the operation is `versioning.replaying`) if someone else moved it first."""
    if event.review == ReviewStatus.APPROVED and action in ("updated", "reported"):
        changes = {**changes, "review": ReviewStatus.PENDING.value, "review_reason": None}  # a correction
    updated = await versions.advance(event, changes, actor=actor, action=action)
    if updated is None:
        current = await versions.load(event.id)
        assert current is not None  # events are never removed, only marked deleted
        message = "The event changed while this edit was made; retry on the current version."
        raise _conflict(current, message, kind=versioning.LostRaceError)
    return updated


# Scope


def is_field_staff(account: Account) -> bool:
    return Role.FIELD_OFFICER in account.roles or Role.SUPERVISOR in account.roles


async def event_in_scope(*, account: Account, event_id: UUID) -> Event:
    """The event if it exists, is not deleted and lies in the caller's districts; otherwise 404."""
    event = await versions.load(event_id)
    if event is None or event.deleted_at is not None or not scope.covers(account, event.district):
        raise NotFoundError("No such event in your districts.")
    return event


async def checkin_code(*, account: Account, event_id: UUID, signer: CheckinSigner) -> CheckinCode:
    """The signed QR payload attendees of an event in the caller's districts scan (none when cancelled)."""
    event = await event_in_scope(account=account, event_id=event_id)
    if event.status == EventStatus.CANCELLED:
        raise ConflictError("A cancelled event has no check-in.", code="event_cancelled")
    return signer.issue(event)


async def _plan(write: EventWrite, account: Account) -> dict[str, Any]:
    """The stored form of a plan: canonical codes, UTC times, the district inside the caller's scope."""
    district = await places.district_or_raise("body.district", write.district)
    scope.require(account, district.code, field="body.district")
    constituency = await places.seat_covering_or_raise(
        "body.constituency", write.constituency, district=district.code
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


@versioning.replaying
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
    if existing.deleted_at is not None or not scope.covers(actor, existing.district):
        raise NotFoundError("No such event in your districts.")
    if _plan_of(existing) == plan:
        if existing.version == 1:  # the replay of a create, perhaps of one that died before its record
            await versions.record_creation(existing)
        return to_read(existing), False
    if if_match is None or if_match != existing.version:
        raise _conflict(existing, "The event changed since this edit was made; merge with the current one.")
    return to_read(await change(existing, plan, actor=actor.id, action="updated")), False


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
