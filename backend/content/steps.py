"""How an item moves from version N to N+1: claim, carry out, apply; and finishing interrupted steps.

A step first inserts the change record `<item>:<N+1>` (a claim: only one writer gets it), then does what
the step publishes or withdraws, then updates the item. A claim whose writer died midway is finished by
the next one to touch the item (`settled`). FerretDB applies neither conditional updates nor `$inc`
atomically under concurrency, which is why the claim is an insert with a unique `_id`.
"""

from contextlib import suppress
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.content import feed
from backend.content.models import ContentChange, ContentItem, ContentRevision
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from backend.core.versioning import apply_at_version
from schemas.content import ContentRead


def to_read(item: ContentItem) -> ContentRead:
    return ContentRead.model_validate(
        item.model_dump(exclude={"deleted_at", "revision_id", "live_expires_at"})
    )


async def version_conflict(item: ContentItem, message: str) -> ConflictError:
    return ConflictError(
        message,
        code="version_conflict",
        extensions={"current_version": item.version, "current": to_read(item).model_dump(mode="json")},
    )


async def carry_out(change: ContentChange) -> None:
    """Do what a claimed step publishes or withdraws, then apply it to the item. Safe to repeat."""
    effect = change.effect or {}
    if effect.get("op") == "publish":
        revision = ContentRevision.model_validate(effect["revision"])
        with suppress(DuplicateKeyError):  # inserted by an earlier attempt
            await revision.insert()
        await feed.append(
            change_id=change.id, item_id=change.item_id, op="upsert", revision=revision.revision, reason=None
        )
    elif effect.get("op") == "withdraw":
        await feed.append(
            change_id=change.id, item_id=change.item_id, op="delete", revision=None, reason=effect["reason"]
        )
    await apply_at_version(
        ContentItem.get_pymongo_collection(),
        change.item_id,
        from_version=change.version - 1,
        changes=change.applied,
    )


async def settled(item_id: str) -> ContentItem | None:
    """The item with any claimed-but-unfinished step finished."""
    item = await ContentItem.get(item_id)
    if item is None:
        return None
    pending = await ContentChange.get(f"{item_id}:{item.version + 1}")
    if pending is not None:
        await carry_out(pending)
        item = await ContentItem.get(item_id)
    return item


async def load(item_id: UUID | str, *, if_match: int | None = None) -> ContentItem:
    item = await settled(str(item_id))
    if item is None or item.deleted_at is not None:
        raise NotFoundError("No content item has this id.")
    if if_match is not None and if_match != item.version:
        raise await version_conflict(item, "The item changed since you loaded it; reload and retry.")
    return item


async def take_step(
    item: ContentItem,
    *,
    actor: str,
    action: str,
    changes: dict[str, Any],
    effect: dict[str, Any] | None = None,
    note: str | None = None,
) -> ContentItem:
    now = utc_now()
    applied = {**changes, "version": item.version + 1, "updated_by": actor, "updated_at": now}
    change = ContentChange(
        id=f"{item.id}:{item.version + 1}",
        item_id=item.id,
        version=item.version + 1,
        action=action,
        changed_by=actor,
        changed_at=now,
        note=note,
        applied=applied,
        effect=effect,
    )
    try:
        await change.insert()
    except DuplicateKeyError as exc:
        current = await settled(item.id)
        assert current is not None
        raise await version_conflict(
            current, "Someone else changed the item at the same moment; retry."
        ) from exc
    await carry_out(change)
    updated: ContentItem = item.model_copy(update=applied)
    return updated
