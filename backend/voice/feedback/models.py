"""Feedback young people give on events, and the counters MPs read it through.

One feedback per person and event (unique `event`, `uid`): the insert is the claim, and only its winner
moves the counters (one `$inc` upsert per area of the event: its seat, district, province, the country;
by the month the event started). Its id is random and fixes its record key (turnout/keys.py); erasure
replaces `uid` and drops the text, keeping the id and the counts.
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel


class EventFeedback(Document):
    id: str  # type: ignore[assignment]  # random (uuid4 hex)
    event: str
    uid: str  # "erased:<tombstone id>" after erasure
    rating: int
    learned: str | None = None
    recommend: bool
    counted_as: dict[str, Any]  # the event's places, the month it started, the record key
    given_at: datetime

    class Settings:
        name = "event_feedback"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("event", ASCENDING), ("uid", ASCENDING)], name="event_uid", unique=True),
            IndexModel(
                [("event", ASCENDING), ("given_at", ASCENDING), ("_id", ASCENDING)], name="event_given"
            ),
            IndexModel([("uid", ASCENDING)], name="uid"),
        ]


class FeedbackCounter(Document):
    """`<area>:<code>:<YYYY-MM>`: `c.n` people, `c.r.<1-5>` each rating, `c.rec.yes|no`; `k` key sums."""

    id: str  # type: ignore[assignment]
    area: str
    code: str
    month: str
    c: dict[str, object] = Field(default_factory=dict)
    k: dict[str, object] = Field(default_factory=dict)

    class Settings:
        name = "feedback_counters"
