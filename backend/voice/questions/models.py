"""Questions young people send their MPs, and each person's support of one.

A question names its asker (`uid`) for them alone: editors, MPs and other young people never see it.
Supports are one document per question and person (`<question>:<uid>`, the unique insert is the claim);
only the winner moves the question's `supports` count and its key sum (turnout/keys.py), so the count
shown passes the same gate as every other figure.
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pymongo import ASCENDING, DESCENDING, IndexModel


class VoiceQuestion(Document):
    id: str  # type: ignore[assignment]  # a UUID chosen by the server
    idempotency_key: str  # "<uid> <Idempotency-Key header>": a retried send is the same question
    request_digest: str  # of the topic and text as sent: the same key with another question is refused
    uid: str  # the asker; "erased:<tombstone id>" after erasure
    text: str
    topic: str
    seats: list[str]  # the asker's National and Provincial Assembly seats when asked
    district: str
    status: str
    rejection_reason: str | None = None
    moderated_by: str | None = None
    moderated_at: datetime | None = None
    answer: dict[str, Any] | None = None  # {"text", "seat", "by", "answered_at"}
    supports: int = 0
    support_key: int = 0
    created_at: datetime

    class Settings:
        name = "voice_questions"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("idempotency_key", ASCENDING)], name="idempotency_key", unique=True),
            # A person's own questions, newest first (and the export, the erasure).
            IndexModel(
                [("uid", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)], name="uid_created"
            ),
            # Editors' queue by status, oldest first.
            IndexModel(
                [("status", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)], name="status_created"
            ),
            # A seat's approved and answered questions, most supported first.
            IndexModel(
                [
                    ("seats", ASCENDING),
                    ("status", ASCENDING),
                    ("supports", DESCENDING),
                    ("created_at", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="seat_status_supports",
            ),
        ]


class QuestionSupport(Document):
    id: str  # type: ignore[assignment]  # "<question id>:<uid>" (the uid re-keyed on erasure)
    question: str
    uid: str
    key: int  # the record key it added to the question's key sum (kept on erasure)
    created_at: datetime

    class Settings:
        name = "voice_question_supports"
        indexes: ClassVar[list[IndexModel]] = [
            # A person's supports (export, erasure) and which of a page's questions they support.
            IndexModel([("uid", ASCENDING), ("question", ASCENDING)], name="uid_question"),
        ]
