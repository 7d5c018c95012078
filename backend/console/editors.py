"""The editors' console pages: the questions to MPs waiting for moderation, approved or rejected in place.
Every rule is the API's: the same moderation service (audited, decided once)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.accounts.models import Account
from backend.console import pages, sessions
from backend.console.router import ConsoleStaff
from backend.core.errors import ForbiddenError
from backend.core.pagination import PageParams
from backend.voice.questions import moderation
from schemas.accounts import Role
from schemas.questions import QuestionStatus

router = APIRouter(prefix="/console/editor", include_in_schema=False)

QUEUE_SHOWN = 100
EDITING_ROLES = frozenset({Role.EDITOR, Role.ADMIN})


def _editor(account: Account) -> Account:
    if not account.has_any_role(EDITING_ROLES):
        raise ForbiddenError("These pages are for editors.", code="role_required")
    return account


@router.get("/questions", response_class=HTMLResponse)
async def moderation_queue(request: Request, account: ConsoleStaff) -> Response:
    """The questions waiting for an editor, oldest first, never with who asked them."""
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    editor = _editor(account)
    queue = await moderation.queue(
        status=QuestionStatus.PENDING, page=PageParams(limit=QUEUE_SHOWN, offset=0)
    )
    return pages.render(request, "moderation.html", account=editor, questions=queue.items, total=queue.total)


@router.post("/questions/{question_id}/approve", response_class=HTMLResponse)
async def approve(request: Request, account: ConsoleStaff, question_id: UUID) -> Response:
    """Approve a question: it reaches the MPs of its seats; answers the question's new line."""
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    decided = await moderation.approve(actor=_editor(account).id, question_id=str(question_id))
    return pages.render(request, "_moderated.html", account=account, question=decided)


@router.post("/questions/{question_id}/reject", response_class=HTMLResponse)
async def reject(
    request: Request,
    account: ConsoleStaff,
    question_id: UUID,
    reason: Annotated[str, Form(min_length=1, max_length=300)],
) -> Response:
    """Reject a question with the reason its asker reads; answers the question's new line."""
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    decided = await moderation.reject(actor=_editor(account).id, question_id=str(question_id), reason=reason)
    return pages.render(request, "_moderated.html", account=account, question=decided)
