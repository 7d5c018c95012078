"""Supervisors' console page: the reports of their districts waiting for review, approved or returned
with a reason in place; the buttons are absent for a report the supervisor made (four eyes, which the
service enforces all the same)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from backend.console import pages
from backend.console.guards import CsrfChecked, Supervisor
from backend.events import reports
from schemas.events import EventReview, ReviewDecision

router = APIRouter(prefix="/console/review", include_in_schema=False)

QUEUE_SHOWN = 100


@router.get("", response_class=HTMLResponse)
async def review_queue(request: Request, supervisor: Supervisor) -> Response:
    """Reports waiting for review in the caller's districts, the earliest event first."""
    waiting = await reports.awaiting_review(actor=supervisor, limit=QUEUE_SHOWN)
    return pages.render(request, "review.html", account=supervisor, waiting=waiting)


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
