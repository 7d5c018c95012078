"""Young people's side of questions to MPs: ask (idempotent, a few a day), read their own with the
outcome, read their seats' approved questions, and support one (once per person)."""

import hashlib
import uuid
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.core.clock import pakistan_date, pakistan_day_end, utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.core.pagination import PageParams, paginate
from backend.core.rate_limit import take_daily
from backend.core.text import plain_or_raise
from backend.turnout import protection
from backend.turnout.keys import record_key
from backend.voice.questions.models import QuestionSupport, VoiceQuestion
from backend.youth.service import own_profile
from schemas.common import Page
from schemas.questions import MpAnswerRead, OwnQuestionRead, QuestionStatus, QuestionWrite, SeatQuestionRead

# What the seat's MPs and young people see: approved questions, and answered ones with their answer.
PUBLIC = [QuestionStatus.APPROVED.value, QuestionStatus.ANSWERED.value]
# Most supported first, then oldest: one order for MPs and young people.
SEAT_ORDER = [("supports", -1), ("created_at", 1), ("_id", 1)]


def answer_read(answer: dict[str, Any] | None) -> MpAnswerRead | None:
    if answer is None:
        return None
    return MpAnswerRead(text=answer["text"], seat=answer["seat"], answered_at=answer["answered_at"])


def own_read(stored: VoiceQuestion | dict[str, Any]) -> OwnQuestionRead:
    question: dict[str, Any] = (
        stored.model_dump() | {"_id": stored.id} if isinstance(stored, VoiceQuestion) else stored
    )
    return OwnQuestionRead(
        id=question["_id"],
        text=question["text"],
        topic=question["topic"],
        seats=question["seats"],
        status=question["status"],
        rejection_reason=question.get("rejection_reason"),
        answer=answer_read(question.get("answer")),
        created_at=question["created_at"],
    )


def seat_read(question: dict[str, Any], *, supported: set[str] | None = None) -> SeatQuestionRead:
    """A question as its seat sees it: anonymous, its support count through the one gate."""
    return SeatQuestionRead(
        id=question["_id"],
        text=question["text"],
        topic=question["topic"],
        seats=question["seats"],
        status=question["status"],
        supports=protection.protect(int(question.get("supports", 0)), int(question.get("support_key", 0))),
        answer=answer_read(question.get("answer")),
        created_at=question["created_at"],
        supported_by_me=None if supported is None else question["_id"] in supported,
    )


def _digest(write: QuestionWrite) -> str:
    return hashlib.sha256(f"{write.topic.value}\n{write.text}".encode()).hexdigest()


def _replay(existing: VoiceQuestion, digest: str) -> OwnQuestionRead:
    if existing.request_digest != digest:
        raise ConflictError(
            "This Idempotency-Key was used for another question; use a new key.",
            code="idempotency_key_reused",
        )
    return own_read(existing)


async def ask(
    *, account: Account, key: str, write: QuestionWrite, per_day: int
) -> tuple[OwnQuestionRead, bool]:
    """Send a question to the MPs of the caller's seats; the same key and question again is a replay."""
    idempotency_key = f"{account.id} {key}"
    digest = _digest(write)
    existing = await VoiceQuestion.find_one({"idempotency_key": idempotency_key})
    if existing is not None:
        return _replay(existing, digest), False
    profile = await own_profile(account=account)
    text = plain_or_raise(write.text, field="body.text")
    now = utc_now()
    await take_daily(
        "question", account.id, limit=per_day, day=pakistan_date(now).isoformat(), ends=pakistan_day_end(now)
    )
    seats = [profile.constituency] + (
        [profile.provincial_constituency] if profile.provincial_constituency else []
    )
    question = VoiceQuestion(
        id=str(uuid.uuid4()),
        idempotency_key=idempotency_key,
        request_digest=digest,
        uid=account.id,
        text=text,
        topic=write.topic.value,
        seats=seats,
        district=profile.district,
        status=QuestionStatus.PENDING.value,
        created_at=now,
    )
    try:
        await question.insert()
    except DuplicateKeyError:  # a concurrent retry inserted it first
        raced = await VoiceQuestion.find_one({"idempotency_key": idempotency_key})
        if raced is None:
            raise
        return _replay(raced, digest), False
    return own_read(question), True


async def own_questions(*, account: Account, page: PageParams) -> Page[OwnQuestionRead]:
    """The caller's questions, newest first, with what became of each."""
    query = {"uid": account.id}
    return await paginate(
        VoiceQuestion, query, sort=[("created_at", -1), ("_id", -1)], page=page, read=own_read
    )


async def seat_questions(*, account: Account, page: PageParams) -> Page[SeatQuestionRead]:
    """The approved questions of the caller's seats (both assemblies), most supported first."""
    profile = await own_profile(account=account)
    seats = [seat for seat in (profile.constituency, profile.provincial_constituency) if seat]
    query = {"seats": {"$in": seats}, "status": {"$in": PUBLIC}}
    listed = await paginate(VoiceQuestion, query, sort=SEAT_ORDER, page=page, read=lambda stored: stored)
    ids = [stored["_id"] for stored in listed.items]
    supported = {
        found["question"]
        async for found in QuestionSupport.get_pymongo_collection().find(
            {"uid": account.id, "question": {"$in": ids}}, {"question": 1}
        )
    }
    return Page[SeatQuestionRead](
        items=[seat_read(stored, supported=supported) for stored in listed.items],
        total=listed.total,
        limit=listed.limit,
        offset=listed.offset,
    )


async def support(*, account: Account, question_id: str, per_day: int) -> SeatQuestionRead:
    """Support an approved question of one of the caller's seats, once; supporting again changes nothing."""
    profile = await own_profile(account=account)
    seats = {profile.constituency, profile.provincial_constituency} - {None}
    stored = await VoiceQuestion.get_pymongo_collection().find_one({"_id": question_id})
    if stored is None or stored["status"] not in PUBLIC or not seats & set(stored["seats"]):
        raise NotFoundError("No approved question of your seats has this id.")
    support_id = f"{question_id}:{account.id}"
    if await QuestionSupport.get(support_id) is None:
        now = utc_now()
        await take_daily(
            "support",
            account.id,
            limit=per_day,
            day=pakistan_date(now).isoformat(),
            ends=pakistan_day_end(now),
        )
        key = record_key(support_id)
        try:
            await QuestionSupport(
                id=support_id, question=question_id, uid=account.id, key=key, created_at=now
            ).insert()
        except DuplicateKeyError:
            pass  # a concurrent retry supported it first, and counted it
        else:
            counted = await VoiceQuestion.get_pymongo_collection().find_one_and_update(
                {"_id": question_id},
                {"$inc": {"supports": 1, "support_key": key}},
                return_document=ReturnDocument.AFTER,
            )
            stored = counted or stored
    return seat_read(stored, supported={question_id})


async def linkable(question_id: str) -> bool:
    """Whether an approved or answered question has this id (an alert may link to it)."""
    query = {"_id": question_id, "status": {"$in": PUBLIC}}
    return await VoiceQuestion.get_pymongo_collection().find_one(query, {"_id": 1}) is not None
