"""Supervisors' console pages: the reports of their districts waiting for review, each with its report,
photos and history, approved or returned with a reason in place; the buttons are absent for a report the
supervisor made (four eyes, which the service enforces all the same)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from backend.console import pages
from backend.console.guards import CsrfChecked, Supervisor
from backend.core.clock import pakistan_time
from backend.events import photos, reports
from schemas.events import EventReview, ReviewDecision

router = APIRouter(prefix="/console/review", include_in_schema=False)

QUEUE_SHOWN = 100


@router.get("", response_class=HTMLResponse)
async def review_queue(request: Request, supervisor: Supervisor) -> Response:
    """Reports waiting for review in the caller's districts, the earliest event first."""
    waiting = await reports.awaiting_review(actor=supervisor, limit=QUEUE_SHOWN)
    return pages.render(request, "review.html", account=supervisor, waiting=waiting)


@router.get("/{event_id}", response_class=HTMLResponse)
async def report_page(request: Request, supervisor: Supervisor, event_id: UUID) -> Response:
    """One report in full: the turnout by gender and age, the photos, every change made to the event."""
    report = await reports.report_in_full(actor=supervisor, event_id=event_id)
    return pages.render(
        request,
        "review_report.html",
        account=supervisor,
        event=report.event,
        reviewable=report.reviewable,
        photos=report.photos,
        history=[(pakistan_time(change.changed_at), change) for change in report.history],
    )


@router.get("/{event_id}/photos/{photo_id}")
async def report_photo(supervisor: Supervisor, event_id: UUID, photo_id: UUID) -> Response:
    """A photo of the report, as stored (its metadata was removed on upload)."""
    content_type, data = await photos.photo_bytes(actor=supervisor, event_id=event_id, photo_id=photo_id)
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(content=data, media_type=content_type, headers=headers)


@router.post("/{event_id}/approve", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def approve_report(request: Request, supervisor: Supervisor, event_id: UUID) -> Response:
    """Approve a report: it counts for the MP's figures."""
    review = EventReview(decision=ReviewDecision.APPROVE)
    decided = await reports.review_event(actor=supervisor, event_id=event_id, review=review)
    return pages.render(request, "_reviewed.html", account=supervisor, event=decided)


@router.post("/{event_id}/return", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def return_report(
    request: Request,
    supervisor: Supervisor,
    event_id: UUID,
    reason: Annotated[str, Form(min_length=3, max_length=1000)],
) -> Response:
    """Return a report to its officer with a reason."""
    review = EventReview(decision=ReviewDecision.REJECT, reason=reason)
    decided = await reports.review_event(actor=supervisor, event_id=event_id, review=review)
    return pages.render(request, "_reviewed.html", account=supervisor, event=decided)
