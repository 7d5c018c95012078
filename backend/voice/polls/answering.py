"""Young people and polls: the polls open to them, and their answers (idempotent, changeable until closing).

A submission is judged against the poll as loaded, at one moment: refused whole when the poll is not
open then, or counted whole. The first answer to a poll freezes its questions by a compare-and-set on
the version it judged (so the questions it answered cannot have changed meanwhile, and an editor's close
before it is seen); after that, each answer is stored and counted exactly once (models.py).
"""

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.alerts import audience as audiences
from backend.core.clock import stored_time, utc_now
from backend.core.errors import ConflictError, NotFoundError, ValidationFailedError
from backend.core.text import plain_or_none
from backend.turnout import counting as turnout_counting
from backend.voice.polls import counting
from backend.voice.polls.editing import load, status_of
from backend.voice.polls.models import Poll, PollAnswer, PollQuote
from backend.youth.models import YouthProfile
from backend.youth.service import own_profile
from schemas.common import FieldProblem
from schemas.polls import AnswerRead, AnswersWrite, AnswerWrite, PollStatus, YouthPollRead

# Claims of the poll's version (against an editor's concurrent changes) before a 409.
ATTEMPTS = 5
# The most polls open at once a young person is shown (soonest closing first).
MAX_OPEN = 50


async def _reaches(poll: Poll | dict[str, Any], uid: str) -> bool:
    audience = poll.audience if isinstance(poll, Poll) else poll["audience"]
    query = {"$and": [{"_id": uid}, audiences.audience_filter(audience)]}
    return await YouthProfile.get_pymongo_collection().find_one(query, {"_id": 1}) is not None


def _answer_read(stored: PollAnswer | dict[str, Any]) -> AnswerRead:
    answer = stored.model_dump() if isinstance(stored, PollAnswer) else stored
    value, kind = answer["value"], answer["kind"]
    fields: dict[str, Any] = {
        "single_choice": {"choice": value},
        "multiple_choice": {"choices": value},
        "rating": {"rating": value},
        "short_text": {"text": value},
    }[kind]
    return AnswerRead(
        question=answer["question"],
        answered_at=answer["answered_at"],
        changed_at=answer["changed_at"],
        **fields,
    )


def _youth_read(
    poll: Poll, answers: Sequence[PollAnswer | dict[str, Any]], *, now: datetime
) -> YouthPollRead:
    return YouthPollRead.model_validate(
        {
            "id": poll.id,
            "title": poll.title,
            "questions": poll.questions,
            "opens_at": poll.opens_at,
            "closes_at": poll.closes_at,
            "status": status_of(poll, now=now),
            "my_answers": [_answer_read(answer) for answer in sorted(answers, key=_question_order)],
        }
    )


def _question_order(answer: PollAnswer | dict[str, Any]) -> int:
    question = answer.question if isinstance(answer, PollAnswer) else answer["question"]
    return int(question[1:])


async def _own_answers(uid: str, poll_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {poll_id: [] for poll_id in poll_ids}
    async for answer in PollAnswer.get_pymongo_collection().find({"uid": uid, "poll": {"$in": poll_ids}}):
        found[answer["poll"]].append(answer)
    return found


async def open_polls(*, account: Account) -> list[YouthPollRead]:
    """The polls open now whose audience includes the caller, soonest closing first, with their answers."""
    await own_profile(account=account)
    now = utc_now()
    candidates = (
        await Poll.find({"closes_at": {"$gt": now}, "opens_at": {"$lte": now}})
        .sort("+closes_at", "+opens_at")
        .limit(MAX_OPEN * 4)
        .to_list()
    )
    reached = await asyncio.gather(*(_reaches(poll, account.id) for poll in candidates))
    visible = [poll for poll, reaches in zip(candidates, reached, strict=True) if reaches][:MAX_OPEN]
    answers = await _own_answers(account.id, [poll.id for poll in visible])
    return [_youth_read(poll, answers[poll.id], now=now) for poll in visible]


async def _visible(poll_id: str, uid: str, *, now: datetime) -> Poll:
    """The poll if it has opened and its audience includes `uid`; otherwise 404 (no existence leaks)."""
    try:
        poll = await load(poll_id)
    except NotFoundError:
        poll = None
    if poll is None or status_of(poll, now=now) is PollStatus.SCHEDULED or not await _reaches(poll, uid):
        raise NotFoundError("No poll open to you has this id.")
    return poll


async def get_poll(*, account: Account, poll_id: str) -> YouthPollRead:
    """One poll open (or once open) to the caller, with their answers."""
    await own_profile(account=account)
    now = utc_now()
    poll = await _visible(poll_id, account.id, now=now)
    answers = await _own_answers(account.id, [poll.id])
    return _youth_read(poll, answers[poll.id], now=now)


def _checked_value(
    question: dict[str, Any], answer: AnswerWrite, index: int
) -> tuple[Any, FieldProblem | None]:
    """The stored value of one answer to `question`, or the problem naming its field and rule."""
    field = f"body.answers.{index}"
    options = {option["id"] for option in question["options"]}
    kind = question["kind"]
    expected = {
        "single_choice": "choice",
        "multiple_choice": "choices",
        "rating": "rating",
        "short_text": "text",
    }
    given = getattr(answer, expected[kind])
    if given is None:
        rule, message = "wrong_kind", f"answer this question with `{expected[kind]}`"
        return None, FieldProblem(field=f"{field}.{expected[kind]}", rule=rule, message=message)
    if kind == "single_choice" and given not in options:
        return None, FieldProblem(
            field=f"{field}.choice", rule="unknown_option", message="choose one of its options"
        )
    if kind == "multiple_choice":
        if not set(given) <= options:
            message = "choose among its options"
            return None, FieldProblem(field=f"{field}.choices", rule="unknown_option", message=message)
        return sorted(set(given), key=lambda option: int(option[1:])), None
    if kind == "short_text":
        text = plain_or_none(given)
        if text is None:
            message = "write some text (markup is removed)"
            return None, FieldProblem(field=f"{field}.text", rule="empty_text", message=message)
        return text, None
    return given, None


def _checked_answers(poll: Poll, write: AnswersWrite) -> list[tuple[dict[str, Any], Any]]:
    """Each answer's question and stored value; a 422 naming every field that breaks a rule."""
    questions = {question["id"]: question for question in poll.questions}
    checked: list[tuple[dict[str, Any], Any]] = []
    problems: list[FieldProblem] = []
    for index, answer in enumerate(write.answers):
        question = questions.get(answer.question)
        if question is None:
            message = "answer a question of this poll"
            problems.append(
                FieldProblem(field=f"body.answers.{index}.question", rule="unknown_question", message=message)
            )
            continue
        value, problem = _checked_value(question, answer, index)
        if problem is not None:
            problems.append(problem)
        else:
            checked.append((question, value))
    if problems:
        raise ValidationFailedError("Some answers do not fit the poll's questions.", errors=problems)
    return checked


async def _claim_questions(poll: Poll, *, now: datetime) -> Poll:
    """Mark the poll answered on the version judged; a poll changed meanwhile is judged again."""
    for _ in range(ATTEMPTS):
        if status_of(poll, now=now) is not PollStatus.OPEN:
            code = "poll_closed" if now >= stored_time(poll.closes_at) else "poll_not_open"
            raise ConflictError("This poll is not open.", code=code)
        if poll.answered:
            return poll  # the questions are frozen already: nothing an editor changes can undo them
        marked = await Poll.get_pymongo_collection().update_one(
            {"_id": poll.id, "version": poll.version}, {"$set": {"answered": True}}
        )
        if marked.matched_count:
            return poll
        poll = await load(poll.id)
    raise ConflictError("The poll kept changing; try again.", code="poll_changing")


async def _store(
    poll: Poll, *, uid: str, question: dict[str, Any], value: Any, profile: YouthProfile, now: datetime
) -> counting.Tally | None:
    """Store one answer; what it adds to the counts when this call won its claim (else None), so each
    answer and change is counted exactly once however often it is sent."""
    collection = PollAnswer.get_pymongo_collection()
    answer_id = uuid.uuid4().hex
    counted = turnout_counting.snapshot(
        profile.model_dump(), gender=profile.gender, birth_year=profile.birth_year, at=now, record=answer_id
    )
    first = {
        "_id": answer_id,
        "poll": poll.id,
        "uid": uid,
        "question": question["id"],
        "kind": question["kind"],
        "value": value,
        "revision": 1,
        "counted_as": dict(counted),
        "quoted": False,
        "answered_at": now,
        "changed_at": now,
    }
    try:
        await collection.insert_one(first)
    except DuplicateKeyError:
        pass
    else:
        return counting.first_answer(
            question=question["id"], kind=question["kind"], value=value, counted=counted
        )
    # One findAndModify: the value it replaced comes back from inside the write, so of any number of
    # concurrent changes each moves the counts from exactly the value it replaced, with no retry loop.
    before = await collection.find_one_and_update(
        {"poll": poll.id, "uid": uid, "question": question["id"], "value": {"$ne": value}},
        {"$set": {"value": value, "changed_at": now, "quoted": False}, "$inc": {"revision": 1}},
        projection={"value": 1, "counted_as": 1},
        return_document=ReturnDocument.BEFORE,
    )
    if before is None:
        return None  # the same answer again (a retry), or erased meanwhile
    # The quote an editor approved was of the old text: it goes with it.
    await PollQuote.get_pymongo_collection().delete_one({"_id": before["_id"]})
    return counting.changed_answer(
        question=question["id"],
        kind=question["kind"],
        old=before["value"],
        new=value,
        counted=before["counted_as"],
    )


async def submit(*, account: Account, poll_id: str, write: AnswersWrite) -> YouthPollRead:
    """Answer some questions of an open poll, or change answers; the same submission again is a no-op."""
    profile = await own_profile(account=account)
    now = utc_now()
    poll = await _visible(poll_id, account.id, now=now)
    checked = _checked_answers(poll, write)
    poll = await _claim_questions(poll, now=now)
    checked = _checked_answers(poll, write)  # the version claimed may be newer than the one first judged
    stored = await asyncio.gather(
        *(
            _store(poll, uid=account.id, question=question, value=value, profile=profile, now=now)
            for question, value in checked
        ),
        return_exceptions=True,
    )
    # Every claim won is counted, even when another answer of the submission failed (raised after). A
    # process dying here loses these moves, never doubles one: the rebuild recounts from the answers.
    await counting.apply(poll.id, [tally for tally in stored if isinstance(tally, tuple)])
    for failure in stored:
        if isinstance(failure, BaseException):
            raise failure
    answers = await _own_answers(account.id, [poll.id])
    return _youth_read(poll, answers[poll.id], now=now)
