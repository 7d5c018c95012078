"""Events: reports of the outcome, their review (four eyes), soft delete and history."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from backend.accounts import scope
from backend.accounts.models import Account
from backend.core import versioning
from backend.core.clock import utc_now
from backend.core.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
    invalid_field,
)
from backend.events import lists, photos, versions
from backend.events.models import Event
from backend.events.service import change, event_in_scope, to_read
from schemas.accounts import Role
from schemas.common import FieldProblem
from schemas.events import (
    EventChange,
    EventFilter,
    EventRead,
    EventReport,
    EventReview,
    PhotoRead,
    ReportOutcome,
    ReviewDecision,
    ReviewStatus,
)


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


@versioning.replaying
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
    return to_read(await change(event, changes, actor=actor.id, action="reported"))


@dataclass(frozen=True)
class ReportInFull:
    """A report as its reviewer reads it."""

    event: EventRead
    reviewable: bool  # not the reader's own report (four eyes)
    photos: list[PhotoRead]
    history: list[EventChange]


async def report_in_full(*, actor: Account, event_id: UUID) -> ReportInFull:
    """An event of the caller's districts with its photos and history, loaded once."""
    event = await event_in_scope(account=actor, event_id=event_id)
    return ReportInFull(
        event=to_read(event),
        reviewable=may_review(event, actor),
        photos=await photos.photos_of(event),
        history=await versions.history(event),
    )


def may_review(event: Event, actor: Account) -> bool:
    """Four eyes: whoever reported the outcome (the author, for reports older than `reported_by`) never
    reviews it."""
    return (event.reported_by or event.created_by) != actor.id


@versioning.replaying
async def review_event(*, actor: Account, event_id: UUID, review: EventReview) -> EventRead:
    """A supervisor approves or rejects (with a reason) a report; only approved reports count for MPs."""
    event = await event_in_scope(account=actor, event_id=event_id)
    if event.review == ReviewStatus.NOT_REPORTED:
        raise ConflictError("The event has not been reported yet.", code="not_reported")
    if not may_review(event, actor):
        raise ForbiddenError("Another supervisor reviews a report you made.", code="four_eyes")
    if review.decision == ReviewDecision.REJECT and review.reason is None:
        raise invalid_field("body.reason", "missing", "say why the report is rejected")
    outcome = ReviewStatus.APPROVED if review.decision == ReviewDecision.APPROVE else ReviewStatus.REJECTED
    if event.review == outcome and event.review_reason == review.reason:
        return to_read(event)
    changes = {"review": outcome.value, "review_reason": review.reason, "reviewed_by": actor.id}
    return to_read(await change(event, changes, actor=actor.id, action=f"review_{outcome.value}"))


@versioning.replaying
async def delete_event(*, actor: Account, event_id: UUID) -> None:
    """Soft delete by the author or a supervisor, before approval; deleting twice is fine."""
    event = await versions.load(event_id)
    if event is None or not scope.covers(actor, event.district):
        raise NotFoundError("No such event in your districts.")
    if event.deleted_at is not None:
        return
    if event.created_by != actor.id and Role.SUPERVISOR not in actor.roles:
        raise NotFoundError("No such event among yours.")
    if event.review == ReviewStatus.APPROVED:
        raise ConflictError("An approved event is corrected, not deleted.", code="approved_event")
    await change(event, {"deleted_at": utc_now(), "deleted_by": actor.id}, actor=actor.id, action="deleted")


async def history(*, actor: Account, event_id: UUID) -> list[EventChange]:
    """Every change to an event of the caller's districts, oldest first."""
    return await versions.history(await event_in_scope(account=actor, event_id=event_id))


async def awaiting_review(*, actor: Account, limit: int) -> list[tuple[EventRead, bool]]:
    """Reports of the caller's districts waiting for review, the earliest event first, each with whether
    the caller may review it (never a report they made: four eyes)."""
    query = await lists.list_query(actor=actor, filters=EventFilter(review=ReviewStatus.PENDING))
    found = await Event.find(query).sort("+starts_at", "+_id").limit(limit).to_list()
    return [(to_read(event), may_review(event, actor)) for event in found]
