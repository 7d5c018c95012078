"""Questions to MPs (youth voice): young people ask and support, editors moderate, MPs answer."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from schemas.common import ContractModel
from schemas.events import Topic
from schemas.turnout import Cell

QUESTION_LENGTH = 500
QuestionText500 = Annotated[str, Field(min_length=1, max_length=QUESTION_LENGTH)]


class QuestionStatus(StrEnum):
    PENDING = "pending"  # waiting for an editor
    APPROVED = "approved"  # visible to the seat's MPs and young people
    REJECTED = "rejected"  # with a reason the asker sees
    ANSWERED = "answered"  # an MP of the seat published the answer
    WITHDRAWN = "withdrawn"  # the asker was erased before an answer


class QuestionWrite(ContractModel):
    """A young person's question or concern for the MPs of their seats (both assemblies)."""

    text: QuestionText500 = Field(description="Plain text; markup is removed.")
    topic: Topic


class RejectionWrite(ContractModel):
    reason: str = Field(min_length=1, max_length=300, description="Shown to the asker.")


class MpAnswerWrite(ContractModel):
    text: str = Field(min_length=1, max_length=2000, description="Plain text; markup is removed.")


class MpAnswerRead(ContractModel):
    text: str
    seat: str = Field(description="The seat of the MP who answered.")
    answered_at: datetime


class OwnQuestionRead(ContractModel):
    """A question as its asker sees it, with the moderation outcome."""

    id: UUID
    text: str
    topic: Topic
    seats: list[str]
    status: QuestionStatus
    rejection_reason: str | None
    answer: MpAnswerRead | None
    created_at: datetime


class SeatQuestionRead(ContractModel):
    """An approved question of a seat, never with who asked it; supports are protected like every count."""

    id: UUID
    text: str
    topic: Topic
    seats: list[str]
    status: QuestionStatus
    supports: Cell
    answer: MpAnswerRead | None
    created_at: datetime
    supported_by_me: bool | None = Field(
        default=None, description="For young people: whether they support it."
    )


class ModerationQuestionRead(ContractModel):
    """A question as editors moderate it: never who asked it."""

    id: UUID
    text: str
    topic: Topic
    seats: list[str]
    status: QuestionStatus
    rejection_reason: str | None
    moderated_at: datetime | None
    created_at: datetime
