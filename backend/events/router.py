"""Field events: sync, reports, review, photos, check-in codes, lists, export; upcoming events, RSVPs."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from backend.accounts.dependencies import FieldStaff, Supervisor, Youth
from backend.audit import service as audit
from backend.core.access import Public
from backend.core.dependencies import IfMatch
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, NOT_MODIFIED, Responses
from backend.events import export, lists, photos, reports, rsvps, service
from backend.events.dependencies import Filters, Signer
from schemas.common import Page, Problem
from schemas.events import (
    CheckinCode,
    EventBatch,
    EventBatchResult,
    EventChange,
    EventConflict,
    EventRead,
    EventReport,
    EventReview,
    EventWrite,
    PhotoRead,
    UpcomingEventRead,
)

router = APIRouter(prefix="/events", tags=["events"], responses=AUTH_ERRORS)

District = Annotated[str | None, Query(max_length=64, description="District code, name or alias.")]
Constituency = Annotated[str | None, Query(max_length=16)]
# A 409 of a versioned event: a version conflict carries the stored event (`current`, `current_version`).
EVENT_CONFLICT: Responses = {
    409: {
        "model": EventConflict,
        "description": "Conflicts with the current state; a version conflict carries the stored event.",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/EventConflict"}}},
    }
}
PHOTO_ERRORS: Responses = {
    status: {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, description in (
        (413, "Over 5 MB, or more pixels than a photo has (a decompression bomb)."),
        (415, "Not a JPEG or PNG image."),
    )
}


def _with_etag(response: Response, event: EventRead) -> EventRead:
    response.headers["ETag"] = f'"{event.version}"'
    return event


@router.get("/upcoming", response_model=Page[UpcomingEventRead], status_code=200, dependencies=[Public])
async def list_upcoming_events(
    page: Pagination, district: District = None, constituency: Constituency = None
) -> Page[UpcomingEventRead]:
    """List planned events in a district or constituency, soonest first (public fields only)."""
    return await lists.upcoming(district=district, constituency=constituency, page=page)


@router.get("", response_model=Page[EventRead], status_code=200, responses=NOT_MODIFIED)
async def list_events(
    request: Request, staff: FieldStaff, filters: Filters, page: Pagination, newest_first: bool = False
) -> Response:
    """List the events of the caller's districts, filtered and sorted by start time."""
    query = await lists.list_query(actor=staff, filters=filters)
    return (await lists.kept_list(query=query, newest_first=newest_first, page=page)).response(request)


@router.get(
    "/export.csv",
    status_code=200,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The events as CSV, streamed."}},
)
async def export_events(staff: FieldStaff, filters: Filters) -> StreamingResponse:
    """Export the caller's events as CSV, streamed (audited)."""
    query = await lists.list_query(actor=staff, filters=filters)
    await audit.record(
        actor=staff.id,
        action="events.exported",
        resource_type="event",
        resource_id="*",
        details=filters.model_dump(mode="json", exclude_none=True),
    )
    return StreamingResponse(
        export.csv_chunks(query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="events.csv"'},
    )


@router.post("/batch", response_model=EventBatchResult, status_code=200)
async def sync_events(staff: FieldStaff, batch: EventBatch) -> EventBatchResult:
    """Sync up to 100 queued events; each item answers on its own (201, 200, 409, 422 or 404)."""
    return EventBatchResult(results=await service.sync_batch(actor=staff, items=batch.items))


@router.put(
    "/{event_id}",
    response_model=EventRead,
    status_code=200,
    responses={201: {"model": EventRead, "description": "Created."}} | NOT_FOUND | EVENT_CONFLICT,
)
async def put_event(
    staff: FieldStaff, event_id: UUID, event: EventWrite, response: Response, if_match: IfMatch
) -> EventRead:
    """Create or update an event by the id the phone generated; identical replays return what is stored."""
    stored, created = await service.sync_event(actor=staff, event_id=event_id, write=event, if_match=if_match)
    response.status_code = 201 if created else 200
    return _with_etag(response, stored)


@router.get("/{event_id}", response_model=EventRead, status_code=200, responses=NOT_FOUND)
async def get_event(staff: FieldStaff, event_id: UUID, response: Response) -> EventRead:
    """Read one event of the caller's districts."""
    event = await service.event_in_scope(account=staff, event_id=event_id)
    return _with_etag(response, service.to_read(event))


@router.delete("/{event_id}", status_code=204, responses=NOT_FOUND | EVENT_CONFLICT)
async def delete_event(staff: FieldStaff, event_id: UUID) -> Response:
    """Soft-delete an event (its author or a supervisor, before approval); idempotent."""
    await reports.delete_event(actor=staff, event_id=event_id)
    return Response(status_code=204)


@router.put(
    "/{event_id}/report", response_model=EventRead, status_code=200, responses=NOT_FOUND | EVENT_CONFLICT
)
async def report_event(
    staff: FieldStaff, event_id: UUID, report: EventReport, response: Response
) -> EventRead:
    """Report the event as held (turnout by gender and age band) or cancelled (reason)."""
    return _with_etag(response, await reports.report_event(actor=staff, event_id=event_id, report=report))


@router.put(
    "/{event_id}/review", response_model=EventRead, status_code=200, responses=NOT_FOUND | EVENT_CONFLICT
)
async def review_event(
    supervisor: Supervisor, event_id: UUID, review: EventReview, response: Response
) -> EventRead:
    """Approve or reject (with a reason) a report someone else made; only approved reports count for MPs."""
    return _with_etag(
        response, await reports.review_event(actor=supervisor, event_id=event_id, review=review)
    )


@router.get("/{event_id}/history", response_model=list[EventChange], status_code=200, responses=NOT_FOUND)
async def list_event_history(staff: FieldStaff, event_id: UUID) -> list[EventChange]:
    """Every change to the event: who, when, and each field before and after."""
    return await reports.history(actor=staff, event_id=event_id)


@router.get(
    "/{event_id}/checkin-code", response_model=CheckinCode, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def get_checkin_code(staff: FieldStaff, signer: Signer, event_id: UUID) -> CheckinCode:
    """The signed QR payload attendees scan, valid around the event's time window."""
    return await service.checkin_code(account=staff, event_id=event_id, signer=signer)


@router.put(
    "/{event_id}/photos/{photo_id}",
    response_model=PhotoRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT | PHOTO_ERRORS | {201: {"model": PhotoRead, "description": "Stored."}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def put_photo(
    staff: FieldStaff, event_id: UUID, photo_id: UUID, request: Request, response: Response
) -> PhotoRead:
    """Attach a photo (JPEG or PNG, 5 MB, 10 per event) under an id the phone chose; metadata is removed."""
    declared_length = request.headers.get("content-length")
    data = await photos.read_limited(
        request.stream(),
        declared_length=int(declared_length) if declared_length and declared_length.isdigit() else None,
    )
    declared_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower() or None
    photo, created = await photos.add_photo(
        actor=staff, event_id=event_id, photo_id=photo_id, declared_type=declared_type, data=data
    )
    response.status_code = 201 if created else 200
    return photo


@router.get("/{event_id}/photos", response_model=list[PhotoRead], status_code=200, responses=NOT_FOUND)
async def list_photos(staff: FieldStaff, event_id: UUID) -> list[PhotoRead]:
    """List an event's photos, oldest first."""
    return await photos.list_photos(actor=staff, event_id=event_id)


@router.get("/{event_id}/photos/{photo_id}", status_code=200, response_class=Response, responses=NOT_FOUND)
async def get_photo(staff: FieldStaff, event_id: UUID, photo_id: UUID) -> Response:
    """Download a photo (as stored, without metadata)."""
    content_type, data = await photos.photo_bytes(actor=staff, event_id=event_id, photo_id=photo_id)
    return Response(content=data, media_type=content_type)


@router.delete("/{event_id}/photos/{photo_id}", status_code=204, responses=NOT_FOUND)
async def delete_photo(staff: FieldStaff, event_id: UUID, photo_id: UUID) -> Response:
    """Remove a photo; idempotent."""
    await photos.delete_photo(actor=staff, event_id=event_id, photo_id=photo_id)
    return Response(status_code=204)


@router.put("/{event_id}/rsvp", status_code=204, responses=NOT_FOUND | CONFLICT)
async def put_rsvp(youth: Youth, event_id: UUID) -> Response:
    """Say "I will come" to a planned event; once per person, however often it is sent."""
    await rsvps.rsvp(actor=youth, event_id=event_id)
    return Response(status_code=204)


@router.delete("/{event_id}/rsvp", status_code=204, responses=NOT_FOUND)
async def delete_rsvp(youth: Youth, event_id: UUID) -> Response:
    """Withdraw an "I will come"; idempotent."""
    await rsvps.withdraw_rsvp(actor=youth, event_id=event_id)
    return Response(status_code=204)
