"""The editors' console pages: the questions to MPs waiting for moderation, approved or rejected in place.
Every rule is the API's: the same moderation service (audited, decided once)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from backend.console import pages
from backend.console.guards import CsrfChecked, EditorStaff
from backend.core.pagination import PageParams
from backend.voice.questions import moderation
from schemas.questions import QuestionStatus

router = APIRouter(prefix="/console/editor", include_in_schema=False)

QUEUE_SHOWN = 100


@router.get("/questions", response_class=HTMLResponse)
async def moderation_queue(request: Request, editor: EditorStaff) -> Response:
    """The questions waiting for an editor, oldest first, never with who asked them."""
    queue = await moderation.queue(
        status=QuestionStatus.PENDING, page=PageParams(limit=QUEUE_SHOWN, offset=0)
    )
    return pages.render(request, "moderation.html", account=editor, questions=queue.items, total=queue.total)


@router.post("/questions/{question_id}/approve", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def approve(request: Request, editor: EditorStaff, question_id: UUID) -> Response:
    """Approve a question: it reaches the MPs of its seats; answers the question's new line."""
    decided = await moderation.approve(actor=editor.id, question_id=str(question_id))
    return pages.render(request, "_moderated.html", account=editor, question=decided)


@router.post("/questions/{question_id}/reject", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def reject(
    request: Request,
    editor: EditorStaff,
    question_id: UUID,
    reason: Annotated[str, Form(min_length=1, max_length=300)],
) -> Response:
    """Reject a question with the reason its asker reads; answers the question's new line."""
    decided = await moderation.reject(actor=editor.id, question_id=str(question_id), reason=reason)
    return pages.render(request, "_moderated.html", account=editor, question=decided)
