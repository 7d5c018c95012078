"""A young person's event feedback for their data export, and their erasure (the counts stay)."""

from typing import Any

from backend.voice.feedback.models import EventFeedback


async def feedback_of(*, uid: str) -> list[dict[str, Any]]:
    """Every feedback the person gave, as the export shows it."""
    return [
        {
            "event_id": given["event"],
            "rating": given["rating"],
            "learned": given.get("learned"),
            "recommend": given["recommend"],
            "given_at": given["given_at"],
        }
        async for given in EventFeedback.get_pymongo_collection().find({"uid": uid})
    ]


async def forget_person(*, uid: str, anonymous: str) -> None:
    """Unlink the person's feedback (it stays counted) and drop what they wrote, which may name them."""
    await EventFeedback.get_pymongo_collection().update_many(
        {"uid": uid}, {"$set": {"uid": anonymous, "learned": None}}
    )
