"""Stored polls, each person's answers, and the result counters kept on every answer.

Exactly once without transactions:
- an answer is one document per person and question (unique `poll`, `uid`, `question`), inserted by the
  first submission; a change is one findAndModify returning the value it replaced, so of concurrent
  changes each moves the counts from exactly that value to its own, and a retry that finds its value
  stored changes nothing (`revision` counts the changes);
- only the writer that won the insert or the change moves the counters (one `$inc` upsert per
  area document). A process dying in between loses that move, never doubles it: the rebuild recounts
  from the answers (`rebuild.py`).
An answer's id is random, never derived from the person, and fixes its record key (turnout/keys.py);
erasure replaces `uid` and keeps the id, the snapshot it was counted with, and so the counts.
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel


class Poll(Document):
    id: str  # type: ignore[assignment]  # a UUID chosen by the server
    idempotency_key: str  # "<creator uid> <Idempotency-Key header>": a retried create is the same poll
    request_digest: str
    title: dict[str, str]
    # [{"id": "q1", "kind": ..., "text": {...}, "options": [{"id": "o1", "label": {...}}]}]
    questions: list[dict[str, Any]]
    audience: dict[str, Any]
    opens_at: datetime
    closes_at: datetime
    version: int = 1
    # Set by the first answer's claim (a conditional update): from then on the questions stay as they are.
    answered: bool = False
    announcement: dict[str, Any] | None = None
    announcement_campaign_id: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "polls"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("idempotency_key", ASCENDING)], name="idempotency_key", unique=True),
            # Polls open now (a young person's list) and every poll newest first (editors).
            IndexModel([("closes_at", ASCENDING), ("opens_at", ASCENDING)], name="closes_opens"),
            IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)], name="created"),
        ]


class PollAnswer(Document):
    id: str  # type: ignore[assignment]  # random (uuid4 hex): the record key's id
    poll: str
    uid: str  # "erased:<tombstone id>" after erasure
    question: str
    kind: str
    # single choice: "o2"; multiple: ["o1", "o3"]; rating: 4; short text: the plain text
    value: Any
    revision: int = 1
    # Where and as whom the answer counts (places, gender, age band at the first answer, the key).
    counted_as: dict[str, Any]
    quoted: bool = False  # a short text an editor approved as a quote for MPs
    answered_at: datetime
    changed_at: datetime

    class Settings:
        name = "poll_answers"
        indexes: ClassVar[list[IndexModel]] = [
            # One answer per person and question: the first submission's insert is the claim.
            IndexModel(
                [("poll", ASCENDING), ("uid", ASCENDING), ("question", ASCENDING)],
                name="poll_uid_question",
                unique=True,
            ),
            # Answers of a person across polls (export, erasure).
            IndexModel([("uid", ASCENDING)], name="uid"),
            # A question's answers in a stable order (editors' text list, the rebuild walks one poll).
            IndexModel(
                [("poll", ASCENDING), ("question", ASCENDING), ("_id", ASCENDING)], name="poll_question"
            ),
        ]


class PollQuote(Document):
    """A short-text answer an editor approved as a quote for MPs: a copy kept apart from the answers, so
    reading a poll's results reads its few quotes, never its (perhaps millions of) answers."""

    id: str  # type: ignore[assignment]  # the answer's id
    poll: str
    question: str
    text: str
    places: dict[str, Any]  # where the answer counts (its snapshot's places), never who wrote it
    approved_by: str
    approved_at: datetime

    class Settings:
        name = "poll_quotes"
        indexes: ClassVar[list[IndexModel]] = [IndexModel([("poll", ASCENDING)], name="poll")]


class PollCounter(Document):
    """A poll's counts in one area: `<poll>:<area>:<code>`, moved only by `$inc` upserts.

    `c.<question>.<split>.n` counts people who answered, `c.<question>.<split>.v.<value>` those who chose a
    value, where split is `all`, `g_<gender>` or `a_<age band>`; `k` holds the key sums beside them.
    """

    id: str  # type: ignore[assignment]
    poll: str
    area: str
    code: str
    c: dict[str, object] = Field(default_factory=dict)
    k: dict[str, object] = Field(default_factory=dict)

    class Settings:
        name = "poll_counters"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("poll", ASCENDING)], name="poll"),
            # The polls counted in one area (the brief's page of what young people said).
            IndexModel(
                [("area", ASCENDING), ("code", ASCENDING), ("poll", ASCENDING)], name="area_code_poll"
            ),
        ]
