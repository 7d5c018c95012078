"""Content: the editors' working copies, their history, published revisions and the app's feed.

FerretDB applies neither conditional updates nor `$inc` atomically under concurrency, so every step that
must happen once is an insert with a unique key: a change claims `<item>:<version>`, a revision claims
`<item>:<revision>`, and a feed entry claims the next sequence number and its change's id.
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

# The fields a revision copies from the working copy: what the app gets.
PUBLISHED_FIELDS = ("kind", "topics", "translations", "provinces", "districts", "expires_at", "contact")


class ContentItem(Document):
    """The working copy editors change; `live_revision` is what the app shows."""

    id: str  # type: ignore[assignment]  # a client-generated UUID, as text
    version: int
    status: str
    kind: str
    topics: list[str]
    translations: dict[str, dict[str, str]]  # language -> {title, summary, body}
    provinces: list[str]
    districts: list[str]
    expires_at: datetime | None = None
    contact: dict[str, Any] | None = None
    sanitised: list[str] = Field(default_factory=list)
    publish_at: datetime | None = None
    live_revision: int | None = None
    live_expires_at: datetime | None = None  # the live revision's expiry, which the scheduler enforces
    latest_revision: int = 0
    archived_reason: str | None = None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    deleted_at: datetime | None = None

    class Settings:
        name = "content_items"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="status_updated"),
        ]


class ContentChange(Document):
    """The claim and history record of one step of an item (`<item>:<version>`).

    `applied` is the `$set` that moves the item to this version; `effect` is what the step publishes
    or withdraws. A claim whose writer died is finished, idempotently, by the next one to touch the item.
    """

    id: str  # type: ignore[assignment]
    item_id: str
    version: int
    action: str
    changed_by: str
    changed_at: datetime
    note: str | None = None
    applied: dict[str, Any]
    effect: dict[str, Any] | None = None

    class Settings:
        name = "content_changes"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("item_id", ASCENDING), ("version", ASCENDING)], name="item_version"),
        ]


class ContentRevision(Document):
    """A published revision (`<item>:<revision>`), kept for good so it can be restored."""

    id: str  # type: ignore[assignment]
    item_id: str
    revision: int
    published_at: datetime
    published_by: str
    kind: str
    topics: list[str]
    translations: dict[str, dict[str, str]]
    provinces: list[str]
    districts: list[str]
    expires_at: datetime | None = None
    contact: dict[str, Any] | None = None

    class Settings:
        name = "content_revisions"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("item_id", ASCENDING), ("revision", ASCENDING)], name="item_revision"),
        ]


class FeedEntry(Document):
    """One entry of the app's change feed, numbered without gaps; a cursor is the last number read.

    Entries are small (the revision itself is read by its id, which FerretDB looks up without a scan)
    and never change, so every API process keeps the feed in memory (see feed.py).
    """

    id: str  # type: ignore[assignment]  # the sequence number as zero-padded text (feed.entry_id)
    seq: int
    change_id: str  # the ContentChange that caused it, unique: a step is never appended twice
    item_id: str
    op: str  # upsert or delete
    revision: int | None = None
    reason: str | None = None
    appended_at: datetime

    class Settings:
        name = "content_feed"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("change_id", ASCENDING)], name="change_id_unique", unique=True),
        ]
