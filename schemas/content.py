"""Safe-migration information: items in several languages, editorial workflow, offline feed, search."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from schemas.common import ContractModel, Problem
from schemas.events import SaneAwareDatetime, Topic
from schemas.youth import Language

# Every published item has these; the app falls back to them, in this order, for any other language.
REQUIRED_LANGUAGES = (Language.URDU, Language.ENGLISH)


def _within_date_range(value: date) -> date:
    if not date(2000, 1, 1) <= value < date(2100, 1, 1):
        raise PydanticCustomError("date_out_of_range", "must be between 2000-01-01 and 2100-01-01")
    return value


# A calendar date the API takes: 2000 to 2099, like every time it takes (schemas.common.SaneDatetime).
SaneDate = Annotated[date, AfterValidator(_within_date_range)]
Phone = Annotated[str, Field(min_length=1, max_length=32)]
ProvinceCode = Annotated[str, Field(min_length=1, max_length=8)]
DistrictName = Annotated[str, Field(min_length=1, max_length=64)]


class ContentKind(StrEnum):
    ARTICLE = "article"
    FAQ = "faq"
    CHECKLIST = "checklist"
    HELPLINE = "helpline"
    OFFICE = "office"
    ALERT = "alert"


class ContentStatus(StrEnum):
    """Where the editors' working copy stands. What the app shows is the live revision, if any."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Translation(ContractModel):
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)
    body: str = Field(
        min_length=1,
        max_length=12_000,
        description="CommonMark. Raw HTML, images and links other than https, http, mailto and tel are "
        "removed when saved; the stored body is what the app gets.",
    )


class Contact(ContractModel):
    """How to reach a helpline or office, and when and where that was last checked."""

    phones: list[Phone] = Field(default_factory=list, max_length=10)
    address: str | None = Field(default=None, min_length=2, max_length=300)
    verified_at: SaneDate | None = Field(default=None, description="When the details were last checked.")
    source: str | None = Field(
        default=None, min_length=2, max_length=300, description="Checked against what."
    )


class ContentWrite(ContractModel):
    """The editors' working copy; the client generates the id and saves with PUT."""

    kind: ContentKind
    topics: list[Topic] = Field(min_length=1, max_length=9)
    translations: dict[Language, Translation] = Field(
        min_length=1,
        max_length=len(Language),
        description="Keyed by language; Urdu and English are required to publish.",
    )
    provinces: list[ProvinceCode] = Field(
        default_factory=list, max_length=7, description="Only for these provinces (codes); empty: everywhere."
    )
    districts: list[DistrictName] = Field(
        default_factory=list,
        max_length=200,
        description="Only for these districts (codes, names or aliases).",
    )
    expires_at: SaneAwareDatetime | None = Field(
        default=None, description="Withdrawn from the app at this time (2000 to 2100)."
    )
    contact: Contact | None = Field(default=None, description="Required for helplines and offices.")


class StoredContent(ContractModel):
    """What an item says: the part of a working copy that each published revision keeps."""

    kind: ContentKind
    topics: list[Topic]
    translations: dict[Language, Translation]
    provinces: list[str]
    districts: list[str]
    expires_at: datetime | None
    contact: Contact | None


class ContentRead(StoredContent):
    """The working copy as editors see it."""

    id: str
    version: int = Field(description="Changes with every edit and step; send it back as If-Match.")
    status: ContentStatus
    publish_at: datetime | None = Field(description="When a scheduled item goes live.")
    live_revision: int | None = Field(description="The revision the app shows; none when not live.")
    latest_revision: int = Field(description="How many revisions have been published (0: never).")
    archived_reason: str | None
    sanitised: list[str] = Field(
        description="What the last save removed: raw_html (body, title or summary), unsafe_link, image."
    )
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class ContentConflict(Problem):
    """A 409 problem of the editorial workflow; a version conflict carries the working copy as it is now."""

    current_version: int | None = Field(
        default=None, description="The stored version, to send as If-Match after merging (version conflicts)."
    )
    current: ContentRead | None = Field(
        default=None, description="The stored working copy, to merge with (version conflicts)."
    )
    item_status: ContentStatus | None = Field(
        default=None, description="The item's workflow status, when a step is not allowed from it."
    )


class ContentSummary(ContractModel):
    id: str
    version: int
    status: ContentStatus
    kind: ContentKind
    topics: list[Topic]
    title: str = Field(description="The Urdu title, or the English one while there is no Urdu yet.")
    languages: list[Language]
    live_revision: int | None
    publish_at: datetime | None
    updated_at: datetime


class PublishRequest(ContractModel):
    publish_at: SaneAwareDatetime | None = Field(
        default=None, description="Publish later, at this time (2000 to 2100); omit to publish now."
    )


class EditorNote(ContractModel):
    note: str | None = Field(default=None, max_length=500, description="Why, for the other editors.")


class RevisionSummary(ContractModel):
    revision: int
    published_at: datetime
    published_by: str
    title: str


class RevisionRead(StoredContent):
    """One published revision, kept for good; it can be restored into the working copy."""

    revision: int
    published_at: datetime
    published_by: str


class ContentChangeRead(ContractModel):
    version: int
    action: str
    changed_by: str
    changed_at: datetime
    note: str | None


class ContentPublic(ContractModel):
    """A live item in one language, as the app shows it."""

    id: str
    revision: int
    kind: ContentKind
    topics: list[Topic]
    lang: Language = Field(description="The language served: the one asked for, else Urdu, else English.")
    languages: list[Language] = Field(description="Every language this item is available in.")
    title: str
    summary: str
    body: str
    provinces: list[str]
    districts: list[str]
    expires_at: datetime | None
    contact: Contact | None
    published_at: datetime


class SyncEntry(ContractModel):
    """One change: an item to store (upsert) or to drop (delete, with the reason)."""

    op: Literal["upsert", "delete"]
    id: str
    item: ContentPublic | None = None
    reason: Literal["unpublished", "deleted", "expired", "not_for_district"] | None = None


class SyncPage(ContractModel):
    """What changed since the cursor. Store `cursor` and send it as `since` next time."""

    entries: list[SyncEntry] = Field(description="In change order; an item appears at most once per page.")
    cursor: str = Field(description="Opaque; everything up to here has been delivered.")
    has_more: bool = Field(description="Ask again at once with the new cursor.")
    reset: bool = Field(
        description="The cursor is not from this server's feed: drop stored content and sync from the start."
    )


class ContentCard(ContractModel):
    """A live item in a list: enough to show a card, without the body."""

    id: str
    revision: int
    kind: ContentKind
    topics: list[Topic]
    lang: Language = Field(description="The language shown: the one asked for, else Urdu, else English.")
    title: str
    summary: str
    published_at: datetime


class SearchHit(ContentCard):
    score: float = Field(description="Higher is better; matches in titles weigh most.")


class SearchResults(ContractModel):
    query: str
    hits: list[SearchHit]
