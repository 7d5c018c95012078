"""Event feedback: young people give it on events they attended; staff read an event's or an area's."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from backend.accounts.dependencies import FieldStaff, Staff, Youth
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, VALIDATION_FAILED, Responses
from backend.voice.feedback import service
from schemas.feedback import AreaFeedbackRead, EventFeedbackRead, FeedbackRead, FeedbackWrite
from schemas.turnout import MONTH_PATTERN, AreaKind

events_router = APIRouter(prefix="/events", tags=["voice"], responses=AUTH_ERRORS | VALIDATION_FAILED)
router = APIRouter(prefix="/feedback", tags=["voice"], responses=AUTH_ERRORS | VALIDATION_FAILED)

REPLAYED: Responses = {200: {"model": FeedbackRead, "description": "A retry: the feedback already given."}}


@events_router.put(
    "/{event_id}/feedback",
    response_model=FeedbackRead,
    status_code=201,
    responses=REPLAYED | NOT_FOUND | CONFLICT,
)
async def give_event_feedback(
    youth: Youth, event_id: UUID, feedback: FeedbackWrite, response: Response
) -> FeedbackRead:
    """Rate an event you checked in at, once, within 14 days of it; sending the same again is a replay."""
    given, created = await service.give(account=youth, event_id=event_id, write=feedback)
    response.status_code = 201 if created else 200
    return given


@events_router.get(
    "/{event_id}/feedback/mine", response_model=FeedbackRead, status_code=200, responses=NOT_FOUND
)
async def read_own_event_feedback(youth: Youth, event_id: UUID) -> FeedbackRead:
    """The feedback you gave on an event."""
    return await service.own_feedback(account=youth, event_id=event_id)


@events_router.get(
    "/{event_id}/feedback", response_model=EventFeedbackRead, status_code=200, responses=NOT_FOUND
)
async def read_event_feedback(staff: FieldStaff, event_id: UUID, page: Pagination) -> EventFeedbackRead:
    """An event's feedback (figures protected, entries without names) for its district's officers."""
    return await service.event_feedback(account=staff, event_id=event_id, page=page)


@router.get("", response_model=AreaFeedbackRead, status_code=200, responses=NOT_FOUND)
async def read_area_feedback(
    staff: Staff,
    area: Annotated[
        AreaKind, Query(description="The kind of area; the country by default.")
    ] = AreaKind.NATIONAL,
    code: Annotated[str | None, Query(min_length=1, max_length=64, description="The area's code.")] = None,
    from_month: Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)] = None,
    to_month: Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)] = None,
) -> AreaFeedbackRead:
    """Feedback on the events of an area in the caller's scope, in aggregate, beside the country's."""
    return await service.area_feedback(
        account=staff, kind=area, code=code, from_month=from_month, to_month=to_month
    )
