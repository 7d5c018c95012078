"""Editors moderate questions: approve (the seat's MPs and young people then see it, anonymous) or reject
with a reason the asker sees. Each decision is a compare-and-set from `pending`, audited once; the same
decision again answers as it stands."""

from typing import Any

from pymongo import ReturnDocument

from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.core.pagination import PageParams, paginate
from backend.core.text import plain_or_raise
from backend.voice.questions.models import VoiceQuestion
from schemas.common import Page
from schemas.questions import ModerationQuestionRead, QuestionStatus

# Never `uid`: editors judge what was asked, not who asked it.
_FIELDS = {"uid": 0, "idempotency_key": 0, "request_digest": 0}


def _read(stored: dict[str, Any]) -> ModerationQuestionRead:
    return ModerationQuestionRead(
        id=stored["_id"],
        text=stored["text"],
        topic=stored["topic"],
        seats=stored["seats"],
        status=stored["status"],
        rejection_reason=stored.get("rejection_reason"),
        moderated_at=stored.get("moderated_at"),
        created_at=stored["created_at"],
    )


async def queue(*, status: QuestionStatus, page: PageParams) -> Page[ModerationQuestionRead]:
    """Questions in one status, oldest first (the pending ones are the queue)."""
    query = {"status": status.value}
    return await paginate(
        VoiceQuestion, query, sort=[("created_at", 1), ("_id", 1)], page=page, read=_read, projection=_FIELDS
    )


async def _decide(
    *, actor: str, question_id: str, status: QuestionStatus, reason: str | None
) -> ModerationQuestionRead:
    collection = VoiceQuestion.get_pymongo_collection()
    changes = {
        "status": status.value,
        "rejection_reason": reason,
        "moderated_by": actor,
        "moderated_at": utc_now(),
    }
    moved = await collection.find_one_and_update(
        {"_id": question_id, "status": QuestionStatus.PENDING.value},
        {"$set": changes},
        projection=_FIELDS,
        return_document=ReturnDocument.AFTER,
    )
    if moved is not None:
        await audit.record(
            actor=actor,
            action=f"voice.question_{status.value}",
            resource_type="voice_question",
            resource_id=question_id,
            details={"reason": reason} if reason else None,
        )
        return _read(moved)
    current = await collection.find_one({"_id": question_id}, _FIELDS)
    if current is None:
        raise NotFoundError("No question has this id.")
    same = current["status"] == status.value and current.get("rejection_reason") == reason
    if same or (status is QuestionStatus.APPROVED and current["status"] == QuestionStatus.ANSWERED.value):
        return _read(current)  # a retry of the decision taken
    raise ConflictError(f"This question is already {current['status']}.", code="already_moderated")


async def approve(*, actor: str, question_id: str) -> ModerationQuestionRead:
    """Approve a pending question: it reaches the MPs of its seats, without the asker's identity."""
    return await _decide(actor=actor, question_id=question_id, status=QuestionStatus.APPROVED, reason=None)


async def reject(*, actor: str, question_id: str, reason: str) -> ModerationQuestionRead:
    """Reject a pending question with a reason the asker reads."""
    cleaned = plain_or_raise(reason, field="body.reason")
    return await _decide(actor=actor, question_id=question_id, status=QuestionStatus.REJECTED, reason=cleaned)
