"""A young person's questions and supports for their data export, and their erasure.

Erasure unlinks everything (the asker and supporter become the tombstone's anonymous id), withdraws the
questions no MP has answered and drops their text (it may name the person); an answered question stays
public, anonymous, as the seat read it. Supports stay counted: each is re-keyed, its key kept.
"""

import contextlib
from typing import Any

from pymongo.errors import DuplicateKeyError

from backend.voice.questions.models import QuestionSupport, VoiceQuestion
from schemas.questions import QuestionStatus

_UNANSWERED = [QuestionStatus.PENDING.value, QuestionStatus.APPROVED.value, QuestionStatus.REJECTED.value]


async def questions_of(*, uid: str) -> list[dict[str, Any]]:
    """The person's questions, with their outcome and answer."""
    return [
        {
            "id": question["_id"],
            "text": question["text"],
            "topic": question["topic"],
            "seats": question["seats"],
            "status": question["status"],
            "rejection_reason": question.get("rejection_reason"),
            "answer": {k: v for k, v in (question.get("answer") or {}).items() if k != "by"} or None,
            "created_at": question["created_at"],
        }
        async for question in VoiceQuestion.get_pymongo_collection().find(
            {"uid": uid}, sort=[("created_at", 1), ("_id", 1)]
        )
    ]


async def supports_of(*, uid: str) -> list[dict[str, Any]]:
    """The questions the person supports, and when."""
    return [
        {"question_id": support["question"], "supported_at": support["created_at"]}
        async for support in QuestionSupport.get_pymongo_collection().find({"uid": uid})
    ]


async def forget_person(*, uid: str, anonymous: str) -> None:
    """Withdraw and blank the person's unanswered questions, unlink the rest, re-key their supports."""
    questions = VoiceQuestion.get_pymongo_collection()
    await questions.update_many(
        {"uid": uid, "status": {"$in": _UNANSWERED}},
        {"$set": {"status": QuestionStatus.WITHDRAWN.value, "text": ""}},
    )
    await questions.update_many({"uid": uid}, {"$set": {"uid": anonymous}})
    supports = QuestionSupport.get_pymongo_collection()
    async for support in supports.find({"uid": uid}):
        with contextlib.suppress(DuplicateKeyError):  # re-keyed by an earlier try of this erasure
            await supports.insert_one(
                support | {"_id": f"{support['question']}:{anonymous}", "uid": anonymous}
            )
        await supports.delete_one({"_id": support["_id"]})
