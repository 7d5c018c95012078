"""Short-text answers for editors, never with who wrote them, and the quotes editors approve for MPs."""

from typing import Any
from uuid import UUID

from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError, invalid_field
from backend.core.pagination import PageParams, paginate
from backend.turnout import counting
from backend.voice.polls.editing import load
from backend.voice.polls.models import PollAnswer, PollQuote
from schemas.common import Page
from schemas.polls import TextAnswerRead

# Never `uid`: editors read what was said, not who said it.
_FIELDS = {"question": 1, "value": 1, "quoted": 1, "counted_as.month": 1}


def _read(stored: dict[str, Any]) -> TextAnswerRead:
    return TextAnswerRead(
        id=UUID(hex=stored["_id"]),
        question=stored["question"],
        text=stored.get("value") or "",
        quoted=bool(stored.get("quoted")),
        month=stored["counted_as"]["month"],
    )


async def list_texts(*, poll_id: str, question: str, page: PageParams) -> Page[TextAnswerRead]:
    """The short-text answers to one question of a poll, in a stable order."""
    poll = await load(poll_id)
    kinds = {item["id"]: item["kind"] for item in poll.questions}
    if kinds.get(question) != "short_text":
        raise invalid_field("query.question", "not_short_text", "name a short-text question of this poll")
    query = {"poll": poll.id, "question": question}
    return await paginate(PollAnswer, query, sort=[("_id", 1)], page=page, read=_read, projection=_FIELDS)


async def set_quoted(*, actor: str, poll_id: str, answer_id: UUID, quoted: bool) -> TextAnswerRead:
    """Approve a short-text answer as a quote MPs may read (or withdraw it); again changes nothing.

    The flag on the answer is for editors' list, the copy in `poll_quotes` for the results. A change of
    the answer withdraws the quote (answering.py); an approval that raced such a change reads the answer
    again after copying it and takes the copy back.
    """
    poll = await load(poll_id)
    collection = PollAnswer.get_pymongo_collection()
    key = {"_id": answer_id.hex, "poll": poll.id, "kind": "short_text"}
    stored = await collection.find_one(key, {"question": 1, "value": 1, "quoted": 1, "counted_as": 1})
    if stored is None or not stored.get("value"):
        raise NotFoundError("No short-text answer of this poll has this id.")
    changed = await collection.update_one(key | {"value": stored["value"]}, {"$set": {"quoted": quoted}})
    if changed.matched_count == 0:
        raise ConflictError("The answer changed meanwhile; read it again.", code="answer_changed")
    quotes = PollQuote.get_pymongo_collection()
    if quoted:
        copy = {
            "poll": poll.id,
            "question": stored["question"],
            "text": stored["value"],
            "places": counting.places_of(stored["counted_as"]),
            "approved_by": actor,
            "approved_at": utc_now(),
        }
        await quotes.replace_one({"_id": answer_id.hex}, copy, upsert=True)
        now = await collection.find_one(key, {"value": 1, "quoted": 1})
        if now is None or not now.get("quoted") or now.get("value") != stored["value"]:
            await quotes.delete_one({"_id": answer_id.hex})
            raise ConflictError("The answer changed meanwhile; read it again.", code="answer_changed")
    else:
        await quotes.delete_one({"_id": answer_id.hex})
    if changed.modified_count:
        await audit.record(
            actor=actor,
            action="voice.quote_approved" if quoted else "voice.quote_withdrawn",
            resource_type="poll_answer",
            resource_id=answer_id.hex,
            details={"poll": poll.id, "question": stored["question"]},
        )
    stored["quoted"] = quoted
    return _read(stored)
