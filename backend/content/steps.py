"""How an item moves from version N to N+1 and what each step does, exactly once.

A step is `versioning.advance`: one compare-and-set that applies the change and marks its consequences
on the item. Then they are carried out, each an idempotent write keyed by the step `<item>:<N+1>`:
the history record, the published revision, the feed entry and the live record. A step whose writer
died midway is finished by the next one to load the item, or by the scheduler (`settle_abandoned`).
"""

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.content import feed, live
from backend.content.models import ContentChange, ContentItem, ContentRevision
from backend.core import versioning
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError
from schemas.content import ContentRead

# A step still marked this long after it began is taken to be abandoned by its writer.
ABANDONED_AFTER = timedelta(minutes=1)


def to_read(item: ContentItem) -> ContentRead:
    return ContentRead.model_validate(
        item.model_dump(exclude={"deleted_at", "revision_id", "live_expires_at", "pending_change"})
    )


async def version_conflict(
    item: ContentItem, message: str, *, kind: type[ConflictError] = ConflictError
) -> ConflictError:
    return kind(
        message,
        code="version_conflict",
        extensions={"current_version": item.version, "current": to_read(item).model_dump(mode="json")},
    )


def consequences(
    item_id: str,
    *,
    actor: str,
    action: str,
    at: datetime,
    note: str | None = None,
    effect: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a step leads to, as marked on the item: its history record and what it publishes or withdraws."""
    return {
        "item_id": item_id,
        "at": at,
        "history": {"action": action, "changed_by": actor, "changed_at": at, "note": note},
        "effect": effect,
    }


async def carry_out(pending: dict[str, Any]) -> None:
    """Do what a marked step leads to. Safe to repeat, and to run while another process does the same."""
    item_id, version = pending["item_id"], pending["version"]
    change_id = f"{item_id}:{version}"
    with suppress(DuplicateKeyError):  # written by an earlier attempt
        await ContentChange(id=change_id, item_id=item_id, version=version, **pending["history"]).insert()
    effect = pending.get("effect") or {}
    if effect.get("op") == "publish":
        revision = ContentRevision.model_validate(effect["revision"])
        with suppress(DuplicateKeyError):
            await revision.insert()
        seq = await feed.append(
            change_id=change_id, item_id=item_id, op="upsert", revision=revision.revision, reason=None
        )
        await live.record(live.published(revision, seq))
    elif effect.get("op") == "withdraw":
        seq = await feed.append(
            change_id=change_id, item_id=item_id, op="delete", revision=None, reason=effect["reason"]
        )
        await live.record(live.withdrawn(item_id, seq, effect["reason"]))


def _collection() -> Any:
    return ContentItem.get_pymongo_collection()


async def finish(pending: dict[str, Any]) -> None:
    """Carry out a marked step and clear the mark."""
    await carry_out(pending)
    await versioning.finish(_collection(), pending["item_id"], version=pending["version"])


async def settled(item_id: str) -> ContentItem | None:
    """The item with any marked-but-unfinished step finished."""
    item = await ContentItem.get(item_id)
    if item is not None and await versioning.settle(_collection(), item.id, item.pending_change, carry_out):
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
    """Move `item` (as loaded) to its next version with `changes`, and carry out what that leads to."""
    now = utc_now()
    applied = {**changes, "updated_by": actor, "updated_at": now}
    pending = consequences(item.id, actor=actor, action=action, at=now, note=note, effect=effect)
    moved = await versioning.advance(
        _collection(), item.id, from_version=item.version, changes=applied, consequences=pending
    )
    if not moved:
        current = await settled(item.id)
        assert current is not None
        message = "Someone else changed the item at the same moment; retry."
        raise await version_conflict(current, message, kind=versioning.LostRaceError)
    version = item.version + 1
    await finish({**pending, "version": version})
    updated: ContentItem = item.model_copy(update={**applied, "version": version, "pending_change": None})
    return updated


async def settle_abandoned(*, now: datetime) -> int:
    """Finish steps whose writers died (marked for over a minute) on items nobody has loaded since."""
    marked = ContentItem.find({"pending_change.at": {"$lte": now - ABANDONED_AFTER}})
    settled_count = 0
    for item in await marked.to_list():
        if await versioning.settle(_collection(), item.id, item.pending_change, carry_out):
            settled_count += 1
    return settled_count
