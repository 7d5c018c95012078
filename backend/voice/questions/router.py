"""Questions to MPs: young people ask and support, editors moderate, MPs answer their seat's questions."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from backend.accounts.dependencies import Editor, EditorOnly, MemberOfParliament, Youth
from backend.core.dependencies import IdempotencyKey
from backend.core.pagination import Pagination
from backend.core.responses import (
    AUTH_ERRORS,
    CONFLICT,
    NOT_FOUND,
    RATE_LIMITED,
    VALIDATION_FAILED,
    Responses,
)
from backend.core.settings import Settings
from backend.voice.questions import answers, asking, moderation
from schemas.common import Page
from schemas.questions import (
    ModerationQuestionRead,
    MpAnswerWrite,
    OwnQuestionRead,
    QuestionStatus,
    QuestionWrite,
    RejectionWrite,
    SeatQuestionRead,
)

router = APIRouter(prefix="/questions", tags=["voice"], responses=AUTH_ERRORS | VALIDATION_FAILED)
editorial_router = APIRouter(
    prefix="/editorial/questions",
    tags=["voice"],
    dependencies=[EditorOnly],
    responses=AUTH_ERRORS | VALIDATION_FAILED,
)
mp_router = APIRouter(prefix="/mp/questions", tags=["voice"], responses=AUTH_ERRORS | VALIDATION_FAILED)

REPLAYED: Responses = {200: {"model": OwnQuestionRead, "description": "A retry: the question this key sent."}}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.post(
    "",
    response_model=OwnQuestionRead,
    status_code=201,
    responses=REPLAYED | CONFLICT | NOT_FOUND | RATE_LIMITED,
)
async def ask_question(
    youth: Youth,
    question: QuestionWrite,
    idempotency_key: IdempotencyKey,
    request: Request,
    response: Response,
) -> OwnQuestionRead:
    """Send a question or concern to the MPs of your seats; editors read it first."""
    per_day = _settings(request).questions_per_day
    stored, created = await asking.ask(account=youth, key=idempotency_key, write=question, per_day=per_day)
    response.status_code = 201 if created else 200
    return stored


@router.get("/mine", response_model=Page[OwnQuestionRead], status_code=200)
async def list_own_questions(youth: Youth, page: Pagination) -> Page[OwnQuestionRead]:
    """Your questions, newest first, with what became of each (a rejection gives its reason)."""
    return await asking.own_questions(account=youth, page=page)


@router.get("", response_model=Page[SeatQuestionRead], status_code=200, responses=NOT_FOUND)
async def list_seat_questions(youth: Youth, page: Pagination) -> Page[SeatQuestionRead]:
    """The approved questions of your seats and their answers, most supported first."""
    return await asking.seat_questions(account=youth, page=page)


@router.put(
    "/{question_id}/support",
    response_model=SeatQuestionRead,
    status_code=200,
    responses=NOT_FOUND | RATE_LIMITED,
)
async def support_question(youth: Youth, question_id: UUID, request: Request) -> SeatQuestionRead:
    """Support an approved question of your seats, once; supporting again changes nothing."""
    per_day = _settings(request).supports_per_day
    return await asking.support(account=youth, question_id=str(question_id), per_day=per_day)


@editorial_router.get("", response_model=Page[ModerationQuestionRead], status_code=200)
async def list_questions_to_moderate(
    page: Pagination,
    status: Annotated[QuestionStatus, Query(description="Which questions; the pending ones by default.")] = (
        QuestionStatus.PENDING
    ),
) -> Page[ModerationQuestionRead]:
    """Questions in one status, oldest first, never with who asked them."""
    return await moderation.queue(status=status, page=page)


@editorial_router.post(
    "/{question_id}/approve",
    response_model=ModerationQuestionRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT,
)
async def approve_question(editor: Editor, question_id: UUID) -> ModerationQuestionRead:
    """Approve a pending question: the MPs and young people of its seats see it, anonymous."""
    return await moderation.approve(actor=editor.id, question_id=str(question_id))


@editorial_router.post(
    "/{question_id}/reject",
    response_model=ModerationQuestionRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT,
)
async def reject_question(
    editor: Editor, question_id: UUID, rejection: RejectionWrite
) -> ModerationQuestionRead:
    """Reject a pending question with a reason the asker reads."""
    return await moderation.reject(actor=editor.id, question_id=str(question_id), reason=rejection.reason)


@mp_router.get("", response_model=Page[SeatQuestionRead], status_code=200, responses=NOT_FOUND)
async def list_my_seat_questions(mp: MemberOfParliament, page: Pagination) -> Page[SeatQuestionRead]:
    """The approved questions of your seat, most supported first, never with who asked them."""
    return await answers.seat_questions(account=mp, page=page)


@mp_router.get("/{question_id}", response_model=SeatQuestionRead, status_code=200, responses=NOT_FOUND)
async def read_seat_question(mp: MemberOfParliament, question_id: UUID) -> SeatQuestionRead:
    """One approved question of your seat."""
    return await answers.get(account=mp, question_id=str(question_id))


@mp_router.put(
    "/{question_id}/answer", response_model=SeatQuestionRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def answer_question(
    mp: MemberOfParliament, question_id: UUID, answer: MpAnswerWrite
) -> SeatQuestionRead:
    """Publish your one answer: young people of the seat read it, and the asker is told."""
    return await answers.publish_answer(account=mp, question_id=str(question_id), text=answer.text)
