"""A young person's poll answers for their data export, and their erasure (the counts stay)."""

from typing import Any

from backend.voice.polls.models import PollAnswer, PollQuote


async def answers_of(*, uid: str) -> list[dict[str, Any]]:
    """Every poll answer the person gave, as the export shows it."""
    return [
        {
            "poll_id": answer["poll"],
            "question": answer["question"],
            "answer": answer["value"],
            "answered_at": answer["answered_at"],
            "changed_at": answer["changed_at"],
        }
        async for answer in PollAnswer.get_pymongo_collection().find({"uid": uid}, sort=[("_id", 1)])
    ]


async def forget_person(*, uid: str, anonymous: str) -> None:
    """Unlink the person's answers (they stay counted, under the anonymous id) and drop their short texts,
    which may name them; quotes of those texts are withdrawn with them. Retrying changes nothing more."""
    collection = PollAnswer.get_pymongo_collection()
    await collection.update_many({"uid": uid}, {"$set": {"uid": anonymous}})
    texts = [
        answer["_id"]
        async for answer in collection.find({"uid": anonymous, "kind": "short_text"}, {"_id": 1})
    ]
    await PollQuote.get_pymongo_collection().delete_many({"_id": {"$in": texts}})
    await collection.update_many(
        {"uid": anonymous, "kind": "short_text"}, {"$set": {"value": None, "quoted": False}}
    )
