"""Polls: editors write and close them and read short answers; young people answer; staff read results."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from backend.accounts.dependencies import Editor, EditorOnly, Staff, Youth
from backend.core.dependencies import IdempotencyKey, IfMatch
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, VALIDATION_FAILED, Responses
from backend.voice.polls import answering, editing, results, texts
from schemas.common import Page
from schemas.polls import (
    AnswersWrite,
    PollRead,
    PollResults,
    PollUpdate,
    PollWrite,
    QuestionId,
    TextAnswerRead,
    YouthPollRead,
)
from schemas.turnout import AreaKind

editorial_router = APIRouter(
    prefix="/editorial/polls",
    tags=["voice"],
    dependencies=[EditorOnly],
    responses=AUTH_ERRORS | VALIDATION_FAILED,
)
router = APIRouter(prefix="/polls", tags=["voice"], responses=AUTH_ERRORS | VALIDATION_FAILED)

REPLAYED: Responses = {200: {"model": PollRead, "description": "A retry: the poll this key created."}}


@editorial_router.post("", response_model=PollRead, status_code=201, responses=REPLAYED | CONFLICT)
async def create_poll(
    editor: Editor, poll: PollWrite, idempotency_key: IdempotencyKey, response: Response
) -> PollRead:
    """Write a poll for an audience, open between two times, announced by an alert if asked."""
    stored, created = await editing.create(actor=editor.id, key=idempotency_key, write=poll)
    response.status_code = 201 if created else 200
    return stored


@editorial_router.get("", response_model=Page[PollRead], status_code=200)
async def list_polls(page: Pagination) -> Page[PollRead]:
    """List polls, newest first."""
    return await editing.list_polls(page=page)


@editorial_router.get("/{poll_id}", response_model=PollRead, status_code=200, responses=NOT_FOUND)
async def get_poll(poll_id: UUID, response: Response) -> PollRead:
    """Read a poll as editors see it (its version is the ETag)."""
    poll = await editing.get(poll_id=str(poll_id))
    response.headers["ETag"] = f'"{poll.version}"'
    return poll


@editorial_router.patch(
    "/{poll_id}", response_model=PollRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def update_poll(editor: Editor, poll_id: UUID, changes: PollUpdate, if_match: IfMatch) -> PollRead:
    """Change a poll: its questions only while unanswered, its opening only before it opens."""
    return await editing.update(actor=editor.id, poll_id=str(poll_id), update=changes, if_match=if_match)


@editorial_router.post(
    "/{poll_id}/close", response_model=PollRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def close_poll(editor: Editor, poll_id: UUID) -> PollRead:
    """Close an open poll now; closing it again changes nothing."""
    return await editing.close(actor=editor.id, poll_id=str(poll_id))


@editorial_router.get(
    "/{poll_id}/texts", response_model=Page[TextAnswerRead], status_code=200, responses=NOT_FOUND
)
async def list_text_answers(
    poll_id: UUID,
    question: Annotated[QuestionId, Query(description="A short-text question.")],
    page: Pagination,
) -> Page[TextAnswerRead]:
    """List the short-text answers to a question, never with who wrote them."""
    return await texts.list_texts(poll_id=str(poll_id), question=question, page=page)


@editorial_router.put(
    "/{poll_id}/quotes/{answer_id}", response_model=TextAnswerRead, status_code=200, responses=NOT_FOUND
)
async def approve_quote(editor: Editor, poll_id: UUID, answer_id: UUID) -> TextAnswerRead:
    """Approve a short-text answer as a quote MPs may read in the results (anonymous)."""
    return await texts.set_quoted(actor=editor.id, poll_id=str(poll_id), answer_id=answer_id, quoted=True)


@editorial_router.delete(
    "/{poll_id}/quotes/{answer_id}", response_model=TextAnswerRead, status_code=200, responses=NOT_FOUND
)
async def withdraw_quote(editor: Editor, poll_id: UUID, answer_id: UUID) -> TextAnswerRead:
    """Withdraw a quote: MPs no longer read it."""
    return await texts.set_quoted(actor=editor.id, poll_id=str(poll_id), answer_id=answer_id, quoted=False)


@router.get("", response_model=list[YouthPollRead], status_code=200, responses=NOT_FOUND)
async def list_open_polls(youth: Youth) -> list[YouthPollRead]:
    """The polls open to the caller now, soonest closing first, with their own answers."""
    return await answering.open_polls(account=youth)


@router.get("/{poll_id}", response_model=YouthPollRead, status_code=200, responses=NOT_FOUND)
async def read_poll(youth: Youth, poll_id: UUID) -> YouthPollRead:
    """A poll open (or once open) to the caller, with their own answers."""
    return await answering.get_poll(account=youth, poll_id=str(poll_id))


@router.put(
    "/{poll_id}/answers", response_model=YouthPollRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def answer_poll(youth: Youth, poll_id: UUID, answers: AnswersWrite) -> YouthPollRead:
    """Answer questions of an open poll, or change answers until it closes; sending again changes nothing."""
    return await answering.submit(account=youth, poll_id=str(poll_id), write=answers)


@router.get("/{poll_id}/results", response_model=PollResults, status_code=200, responses=NOT_FOUND)
async def read_poll_results(
    staff: Staff,
    poll_id: UUID,
    area: Annotated[
        AreaKind, Query(description="The kind of area; the country by default.")
    ] = AreaKind.NATIONAL,
    code: Annotated[str | None, Query(min_length=1, max_length=64, description="The area's code.")] = None,
) -> PollResults:
    """A poll's protected results in an area in the caller's scope, beside the country's."""
    return await results.read_results(account=staff, poll_id=str(poll_id), kind=area, code=code)
