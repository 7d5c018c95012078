"""Each young person's alert inbox: one entry per campaign that reached them."""

from datetime import datetime
from typing import ClassVar

from beanie import Document
from pymongo import ASCENDING, IndexModel


class InboxEntry(Document):
    id: str  # type: ignore[assignment]  # "<campaign id>:<uid>"
    campaign_id: str
    uid: str
    language: str
    title: str
    body: str
    link: dict[str, str] | None = None
    priority: str
    sent_at: datetime
    read_at: datetime | None = None
    opened_at: datetime | None = None
    # Where the person was when sent: their open counts there (turnout alert_reach).
    places: dict[str, str]

    class Settings:
        name = "alert_inbox"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("uid", ASCENDING), ("sent_at", ASCENDING), ("_id", ASCENDING)], name="uid_sent"),
        ]
