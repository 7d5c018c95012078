"""What editors read: working copies, an item's published revisions and its history."""

import re
from typing import Any
from uuid import UUID

from backend.content import steps
from backend.content.models import ContentChange, ContentItem, ContentRevision
from backend.core.errors import NotFoundError
from backend.core.pagination import PageParams, paginate
from schemas.common import Page
from schemas.content import (
    REQUIRED_LANGUAGES,
    ContentChangeRead,
    ContentKind,
    ContentRead,
    ContentStatus,
    ContentSummary,
    RevisionRead,
    RevisionSummary,
)
from schemas.events import Topic
from schemas.youth import Language


def _title(translations: dict[str, dict[str, str]]) -> str:
    for lang in (*REQUIRED_LANGUAGES, *Language):
        if lang.value in translations:
            return translations[lang.value]["title"]
    return ""


def _summary(item: ContentItem) -> ContentSummary:
    return ContentSummary(
        id=item.id,
        version=item.version,
        status=ContentStatus(item.status),
        kind=ContentKind(item.kind),
        topics=[Topic(topic) for topic in item.topics],
        title=_title(item.translations),
        languages=[lang for lang in Language if lang.value in item.translations],
        live_revision=item.live_revision,
        publish_at=item.publish_at,
        updated_at=item.updated_at,
    )


async def get(*, item_id: UUID) -> ContentRead:
    return steps.to_read(await steps.load(item_id))


async def list_items(
    *,
    status: ContentStatus | None,
    kind: ContentKind | None,
    topic: Topic | None,
    page: PageParams,
    language: Language | None = None,
    title_words: str | None = None,
) -> Page[ContentSummary]:
    """Working copies, most recently changed first; optionally those with a `language`, or whose title in
    any language holds `title_words` (any case).

    One index per filter; with several filters the first (status, kind, topic) picks the index. The
    language and title conditions are checked on the way along it (an editors' tool: a few thousand items).
    """
    query: dict[str, Any] = {"deleted_at": None}
    if status is not None:
        query["status"] = status.value
    if kind is not None:
        query["kind"] = kind.value
    if topic is not None:
        query["topics"] = topic.value
    if language is not None:
        query[f"translations.{language.value}"] = {"$exists": True}
    if title_words:
        pattern = {"$regex": re.escape(title_words), "$options": "i"}
        query["$or"] = [{f"translations.{lang.value}.title": pattern} for lang in Language]
    return await paginate(
        ContentItem,
        query,
        sort=[("updated_at", -1), ("_id", 1)],
        page=page,
        read=lambda stored: _summary(ContentItem.model_validate(stored)),
    )


async def revisions(*, item_id: UUID) -> list[RevisionSummary]:
    item = await steps.load(item_id)
    stored = await ContentRevision.find({"item_id": item.id}).sort("+revision").to_list()
    return [
        RevisionSummary(
            revision=revision.revision,
            published_at=revision.published_at,
            published_by=revision.published_by,
            title=_title(revision.translations),
        )
        for revision in stored
    ]


async def revision(*, item_id: UUID, revision: int) -> RevisionRead:
    item = await steps.load(item_id)
    stored = await ContentRevision.get(f"{item.id}:{revision}")
    if stored is None:
        raise NotFoundError("This item has no such published revision.")
    return RevisionRead.model_validate(stored.model_dump(exclude={"id", "item_id"}))


async def history(*, item_id: UUID) -> list[ContentChangeRead]:
    item = await steps.load(item_id)
    changes = await ContentChange.find({"item_id": item.id}).sort("+version").to_list()
    return [
        ContentChangeRead(
            version=change.version,
            action=change.action,
            changed_by=change.changed_by,
            changed_at=change.changed_at,
            note=change.note,
        )
        for change in changes
    ]
