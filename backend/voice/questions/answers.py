"""MPs and their seat's questions: read them most supported first, and publish one answer each, which
every young person of the seat can read; the asker gets it in their inbox and on their phones."""

from typing import Any

from pymongo import ReturnDocument

from backend.accounts.models import Account
from backend.alerts import personal
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.core.pagination import PageParams, paginate
from backend.core.text import plain_or_raise
from backend.voice.questions.asking import PUBLIC, SEAT_ORDER, seat_read
from backend.voice.questions.models import VoiceQuestion
from schemas.common import Page
from schemas.questions import QuestionStatus, SeatQuestionRead

_FIELDS = {"uid": 0, "idempotency_key": 0, "request_digest": 0}
ANSWERED_TITLE = {"ur": "آپ کے سوال کا جواب آ گیا", "en": "Your question has been answered"}
ANSWERED_BODY = {
    "ur": "آپ کے حلقے کے رکن اسمبلی نے آپ کے سوال کا جواب دیا ہے۔",
    "en": "The member for your constituency has answered your question.",
}


def _seat(account: Account) -> str:
    if not account.constituency:
        raise NotFoundError("Your account has no constituency.")
    return account.constituency


async def seat_questions(*, account: Account, page: PageParams) -> Page[SeatQuestionRead]:
    """The approved and answered questions of the MP's seat, most supported first."""
    query = {"seats": _seat(account), "status": {"$in": PUBLIC}}
    return await paginate(
        VoiceQuestion, query, sort=SEAT_ORDER, page=page, read=seat_read, projection=_FIELDS
    )


async def _of_seat(account: Account, question_id: str) -> dict[str, Any]:
    """The stored question (its asker too: never shown, needed to tell them of the answer)."""
    stored: dict[str, Any] | None = await VoiceQuestion.get_pymongo_collection().find_one(
        {"_id": question_id}
    )
    if stored is None or stored["status"] not in PUBLIC or _seat(account) not in stored["seats"]:
        raise NotFoundError("No question of your seat has this id.")
    return stored


async def get(*, account: Account, question_id: str) -> SeatQuestionRead:
    return seat_read(await _of_seat(account, question_id))


async def publish_answer(*, account: Account, question_id: str, text: str) -> SeatQuestionRead:
    """Publish the one answer to a question of the MP's seat; the same answer again is a replay."""
    await _of_seat(account, question_id)
    cleaned = plain_or_raise(text, field="body.text")
    answer = {"text": cleaned, "seat": _seat(account), "by": account.id, "answered_at": utc_now()}
    collection = VoiceQuestion.get_pymongo_collection()
    moved = await collection.find_one_and_update(
        {"_id": question_id, "status": QuestionStatus.APPROVED.value},
        {"$set": {"status": QuestionStatus.ANSWERED.value, "answer": answer}},
        return_document=ReturnDocument.AFTER,
    )
    if moved is None:
        current = await _of_seat(account, question_id)
        given = current.get("answer") or {}
        if given.get("text") == cleaned and given.get("seat") == answer["seat"]:
            moved = current  # a retry: notify below once more (the message is made once per question)
        else:
            raise ConflictError("This question has been answered.", code="already_answered")
    else:
        await audit.record(
            actor=account.id,
            action="voice.question_answered",
            resource_type="voice_question",
            resource_id=question_id,
            details={"seat": answer["seat"]},
        )
    if not str(moved["uid"]).startswith("erased:"):
        await personal.send(
            key=f"question-answered:{question_id}",
            uids=[moved["uid"]],
            title=ANSWERED_TITLE,
            body=ANSWERED_BODY,
            link={"kind": "question", "id": question_id},
        )
    return seat_read(moved)
