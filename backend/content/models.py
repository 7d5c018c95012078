"""Content: the editors' working copies, their history, published revisions, the app's feed and what is live.

A working copy moves from version to version by compare-and-set (core/versioning.py); each step's
consequences (a history record, a revision, a feed entry, the live item) are idempotent writes keyed by
the step, `<item>:<version>`, so a step whose writer died is finished exactly once by the next one.
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

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
    # The consequences of the latest step while they are being carried out (core/versioning.py).
    pending_change: dict[str, Any] | None = None

    class Settings:
        name = "content_items"
        indexes: ClassVar[list[IndexModel]] = [
            # The editors' list: not deleted, optionally one status, kind or topic; newest change first.
            IndexModel(
                [("deleted_at", ASCENDING), ("updated_at", DESCENDING), ("_id", ASCENDING)],
                name="deleted_updated",
            ),
            IndexModel(
                [
                    ("deleted_at", ASCENDING),
                    ("status", ASCENDING),
                    ("updated_at", DESCENDING),
                    ("_id", ASCENDING),
                ],
                name="deleted_status_updated",
            ),
            IndexModel(
                [
                    ("deleted_at", ASCENDING),
                    ("kind", ASCENDING),
                    ("updated_at", DESCENDING),
                    ("_id", ASCENDING),
                ],
                name="deleted_kind_updated",
            ),
            IndexModel(
                [
                    ("deleted_at", ASCENDING),
                    ("topics", ASCENDING),
                    ("updated_at", DESCENDING),
                    ("_id", ASCENDING),
                ],
                name="deleted_topics_updated",
            ),
            # The scheduler: items due to go live, live items past their expiry, abandoned steps.
            IndexModel([("status", ASCENDING), ("publish_at", ASCENDING)], name="status_publish_at"),
            IndexModel([("live_expires_at", ASCENDING)], name="live_expires_at"),
            IndexModel([("pending_change.at", ASCENDING)], name="pending_change_at"),
        ]


class ContentChange(Document):
    """The history record of one step of an item (`<item>:<version>`): who did what, and when."""

    id: str  # type: ignore[assignment]
    item_id: str
    version: int
    action: str
    changed_by: str
    changed_at: datetime
    note: str | None = None

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
    """One entry of the app's change feed, numbered 1, 2, 3 ... without gaps (`_id`); a cursor is the
    last number read. Entries never change."""

    id: int  # type: ignore[assignment]
    change_id: str  # the step that caused it (`<item>:<version>`), unique: a step is never appended twice
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


class TermWeights(BaseModel):
    """The search terms that weigh `weight` in language `lang` of a live item (a few groups a language)."""

    lang: str
    weight: float
    terms: list[str]


class LiveContent(Document):
    """What the app sees of one item now (`_id` is the item's id): its live revision, or why it has none.

    `seq` is the feed entry of the item's last change; it only ever grows, so a slow writer of an older
    change cannot overwrite a newer one. Sync delivers an entry only when it is still its item's `seq`.
    """

    id: str  # type: ignore[assignment]
    seq: int
    live: bool
    reason: str | None = None  # why it is not live: unpublished, deleted or expired
    revision: int | None = None
    published_at: datetime | None = None
    kind: str | None = None
    topics: list[str] = Field(default_factory=list)
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
    provinces: list[str] = Field(default_factory=list)
    districts: list[str] = Field(default_factory=list)
    expires_at: datetime | None = None
    contact: dict[str, Any] | None = None
    # Where it applies: "*" for everywhere, else "province:<code>" and "district:<code>" for each target.
    targets: list[str] = Field(default_factory=list)
    visible_until: datetime | None = None  # expires_at, or a far-off date, so "not expired" is one range
    # The normalised search terms of every language by weight: what its postings hold (postings.py).
    weights: list[TermWeights] = Field(default_factory=list)

    class Settings:
        name = "content_live"
        indexes: ClassVar[list[IndexModel]] = [
            # The app's list: live, optionally of a topic or kind, newest first, not expired. A district's
            # `targets` (most items apply everywhere) are checked on the way, as search does.
            IndexModel(
                [
                    ("live", ASCENDING),
                    ("published_at", DESCENDING),
                    ("_id", DESCENDING),
                    ("visible_until", ASCENDING),
                ],
                name="live_published",
            ),
            IndexModel(
                [
                    ("live", ASCENDING),
                    ("topics", ASCENDING),
                    ("published_at", DESCENDING),
                    ("_id", DESCENDING),
                    ("visible_until", ASCENDING),
                ],
                name="live_topics_published",
            ),
            IndexModel(
                [
                    ("live", ASCENDING),
                    ("kind", ASCENDING),
                    ("published_at", DESCENDING),
                    ("_id", DESCENDING),
                    ("visible_until", ASCENDING),
                ],
                name="live_kind_published",
            ),
        ]


class PostingEntry(BaseModel):
    """One language of one live item holding a term, as of the item's feed entry `seq`."""

    item: str
    lang: str
    weight: float
    seq: int


class SearchPosting(Document):
    """The items that went live holding a term in one range of feed numbers: `_id` is
    "<term> <seq // BUCKET>" (postings.py). Read by `_id` alone, which every engine serves by index;
    an entry is a hint, checked against the item's live record before it counts."""

    id: str  # type: ignore[assignment]
    entries: list[PostingEntry] = Field(default_factory=list)

    class Settings:
        name = "content_postings"
