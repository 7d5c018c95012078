"""Supervisors' console page: the reports of their districts waiting for review, approved or returned
with a reason in place; the buttons are absent for a report the supervisor made (four eyes, which the
service enforces all the same)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.accounts.models import Account
from backend.console import pages, sessions
from backend.console.router import ConsoleStaff
from backend.core.errors import ForbiddenError
from backend.events import reports
from schemas.accounts import Role
from schemas.events import EventReview, ReviewDecision

router = APIRouter(prefix="/console/review", include_in_schema=False)

QUEUE_SHOWN = 100


def _supervisor(account: Account) -> Account:
    if Role.SUPERVISOR not in account.roles:
        raise ForbiddenError("This page is for supervisors.", code="role_required")
    return account


@router.get("", response_class=HTMLResponse)
async def review_queue(request: Request, account: ConsoleStaff) -> Response:
    """Reports waiting for review in the caller's districts, the earliest event first."""
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    supervisor = _supervisor(account)
    waiting = await reports.awaiting_review(actor=supervisor, limit=QUEUE_SHOWN)
    return pages.render(request, "review.html", account=supervisor, waiting=waiting)


async def _decide(request: Request, account: Account | None, event_id: UUID, review: EventReview) -> Response:
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    decided = await reports.review_event(actor=_supervisor(account), event_id=event_id, review=review)
    return pages.render(request, "_reviewed.html", account=account, event=decided)


@router.post("/{event_id}/approve", response_class=HTMLResponse)
async def approve_report(request: Request, account: ConsoleStaff, event_id: UUID) -> Response:
    """Approve a report: it counts for the MP's figures."""
    return await _decide(request, account, event_id, EventReview(decision=ReviewDecision.APPROVE))


@router.post("/{event_id}/return", response_class=HTMLResponse)
async def return_report(
    request: Request,
    account: ConsoleStaff,
    event_id: UUID,
    reason: Annotated[str, Form(min_length=3, max_length=1000)],
) -> Response:
    """Return a report to its officer with a reason."""
    return await _decide(
        request, account, event_id, EventReview(decision=ReviewDecision.REJECT, reason=reason)
    )
