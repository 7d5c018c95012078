"""The editorial workflow: drafts, review, publishing now or later, archiving, deleting, restoring.

What editors read (working copies, revisions, history) is in reads.py.

Each step goes through steps.py, which makes it and its consequences happen once, even when editors act
at the same moment or a process dies midway.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.audit import service as audit
from backend.content import rules, steps
from backend.content.models import PUBLISHED_FIELDS, ContentItem, ContentRevision
from backend.core import versioning
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError, ValidationFailedError
from schemas.content import ContentRead, ContentStatus, ContentWrite

SCHEDULER = "scheduler"
_EDITABLE_FIELDS = (*PUBLISHED_FIELDS, "sanitised")


def _invalid_step(item: ContentItem, step: str) -> ConflictError:
    return ConflictError(
        f"An item that is {item.status.replace('_', ' ')} cannot be {step}.",
        code="invalid_transition",
        extensions={"item_status": item.status},
    )


# Editing


@versioning.replaying
async def save(
    *, actor: str, item_id: UUID, write: ContentWrite, if_match: int | None
) -> tuple[ContentRead, bool]:
    """Create or change the working copy; returns it and whether it was created.

    Saving the same content again changes nothing. Any other change needs If-Match with the current
    version. Editing moves the item back to draft (review stays in review), leaving the live revision
    on the app until the next publish.
    """
    fields = await rules.prepare(write)
    now = utc_now()
    created = steps.consequences(str(item_id), actor=actor, action="created", at=now) | {"version": 1}
    item = ContentItem(
        id=str(item_id),
        version=1,
        status=ContentStatus.DRAFT.value,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        pending_change=created,
        **fields,
    )
    try:
        await item.insert()
    except DuplicateKeyError:
        existing = await steps.load(item_id)
    else:
        await steps.finish(created)
        return steps.to_read(item), True
    if {name: getattr(existing, name) for name in _EDITABLE_FIELDS} == fields:
        return steps.to_read(existing), False
    if if_match is None or if_match != existing.version:
        raise await steps.version_conflict(
            existing, "The item changed since this edit began; merge with the current one."
        )
    status = ContentStatus.IN_REVIEW if existing.status == ContentStatus.IN_REVIEW else ContentStatus.DRAFT
    changes = {**fields, "status": status.value, "publish_at": None}
    updated = await steps.take_step(existing, actor=actor, action="edited", changes=changes)
    return steps.to_read(updated), False


async def _audit(actor: str, action: str, item_id: str, details: dict[str, Any] | None = None) -> None:
    await audit.record(
        actor=actor, action=f"content.{action}", resource_type="content", resource_id=item_id, details=details
    )


def _require_publishable(item: ContentItem) -> None:
    problems = rules.publish_problems(item.model_dump(), now=utc_now())
    if problems:
        raise ValidationFailedError("The item is not ready to publish.", errors=problems)


@versioning.replaying
async def submit(*, actor: str, item_id: UUID, if_match: int | None, note: str | None) -> ContentRead:
    """Send a draft for review; it must already meet everything publishing needs."""
    item = await steps.load(item_id, if_match=if_match)
    if item.status == ContentStatus.IN_REVIEW:
        return steps.to_read(item)
    if item.status != ContentStatus.DRAFT:
        raise _invalid_step(item, "sent for review")
    _require_publishable(item)
    changes = {"status": ContentStatus.IN_REVIEW.value}
    return steps.to_read(
        await steps.take_step(item, actor=actor, action="submitted", changes=changes, note=note)
    )


@versioning.replaying
async def return_to_draft(
    *, actor: str, item_id: UUID, if_match: int | None, note: str | None
) -> ContentRead:
    """Send an item in review, scheduled or archived back to draft (a schedule is cancelled)."""
    item = await steps.load(item_id, if_match=if_match)
    if item.status == ContentStatus.DRAFT:
        return steps.to_read(item)
    if item.status not in (ContentStatus.IN_REVIEW, ContentStatus.SCHEDULED, ContentStatus.ARCHIVED):
        raise _invalid_step(item, "returned to draft")
    changes = {"status": ContentStatus.DRAFT.value, "publish_at": None, "archived_reason": None}
    return steps.to_read(
        await steps.take_step(item, actor=actor, action="returned_to_draft", changes=changes, note=note)
    )


def _publication(item: ContentItem, *, actor: str, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    revision = item.latest_revision + 1
    snapshot = ContentRevision(
        id=f"{item.id}:{revision}",
        item_id=item.id,
        revision=revision,
        published_at=now,
        published_by=actor,
        **{name: getattr(item, name) for name in PUBLISHED_FIELDS},
    )
    changes = {
        "status": ContentStatus.PUBLISHED.value,
        "live_revision": revision,
        "live_expires_at": item.expires_at,
        "latest_revision": revision,
        "publish_at": None,
        "archived_reason": None,
    }
    return changes, {"op": "publish", "revision": snapshot.model_dump(by_alias=True)}


@versioning.replaying
async def publish(
    *, actor: str, item_id: UUID, if_match: int | None, publish_at: datetime | None
) -> ContentRead:
    """Publish a reviewed item now, or schedule it; publishing a published item again changes nothing."""
    item = await steps.load(item_id, if_match=if_match)
    now = utc_now()
    if item.status == ContentStatus.PUBLISHED:
        return steps.to_read(item)
    if item.status not in (ContentStatus.IN_REVIEW, ContentStatus.SCHEDULED):
        raise _invalid_step(item, "published (send it for review first)")
    _require_publishable(item)
    if publish_at is not None and publish_at > now:
        at = publish_at.astimezone(UTC)
        if item.status == ContentStatus.SCHEDULED and item.publish_at == at:
            return steps.to_read(item)
        changes = {"status": ContentStatus.SCHEDULED.value, "publish_at": at}
        scheduled = await steps.take_step(item, actor=actor, action="scheduled", changes=changes)
        await _audit(actor, "scheduled", item.id, {"publish_at": at.isoformat()})
        return steps.to_read(scheduled)
    published = await _publish_now(item, actor=actor, now=now)
    return steps.to_read(published)


async def _publish_now(item: ContentItem, *, actor: str, now: datetime) -> ContentItem:
    changes, effect = _publication(item, actor=actor, now=now)
    published = await steps.take_step(item, actor=actor, action="published", changes=changes, effect=effect)
    await _audit(actor, "published", item.id, {"revision": published.live_revision})
    return published


def _withdrawal(item: ContentItem, reason: str) -> dict[str, Any] | None:
    return {"op": "withdraw", "reason": reason} if item.live_revision is not None else None


@versioning.replaying
async def archive(*, actor: str, item_id: UUID, if_match: int | None, note: str | None) -> ContentRead:
    """Take an item off the app (phones get a tombstone) and out of the editors' way."""
    item = await steps.load(item_id, if_match=if_match)
    if item.status == ContentStatus.ARCHIVED:
        return steps.to_read(item)
    changes = {
        "status": ContentStatus.ARCHIVED.value,
        "live_revision": None,
        "live_expires_at": None,
        "publish_at": None,
        "archived_reason": "archived",
    }
    archived = await steps.take_step(
        item,
        actor=actor,
        action="archived",
        changes=changes,
        effect=_withdrawal(item, "unpublished"),
        note=note,
    )
    await _audit(actor, "archived", item.id)
    return steps.to_read(archived)


@versioning.replaying
async def delete(*, actor: str, item_id: UUID) -> None:
    """Delete an item (phones get a tombstone); its revisions and history are kept. Repeating is fine."""
    item = await steps.settled(str(item_id))
    if item is None or item.deleted_at is not None:
        return
    changes = {"deleted_at": utc_now(), "live_revision": None, "live_expires_at": None, "publish_at": None}
    await steps.take_step(
        item, actor=actor, action="deleted", changes=changes, effect=_withdrawal(item, "deleted")
    )
    await _audit(actor, "deleted", item.id)


@versioning.replaying
async def restore(*, actor: str, item_id: UUID, revision: int, if_match: int | None) -> ContentRead:
    """Copy a published revision into the working copy, as a draft to review and publish again."""
    item = await steps.load(item_id, if_match=if_match)
    stored = await ContentRevision.get(f"{item.id}:{revision}")
    if stored is None:
        raise NotFoundError("This item has no such published revision.")
    changes = {name: getattr(stored, name) for name in PUBLISHED_FIELDS} | {
        "status": ContentStatus.DRAFT.value,
        "publish_at": None,
        "sanitised": [],
    }
    restored = await steps.take_step(
        item, actor=actor, action="restored", changes=changes, note=f"revision {revision}"
    )
    await _audit(actor, "restored", item.id, {"revision": revision})
    return steps.to_read(restored)


# Scheduled work


async def publish_due(*, now: datetime) -> int:
    """Publish scheduled items whose time has come; returns how many."""
    due = await ContentItem.find(
        {"status": ContentStatus.SCHEDULED.value, "publish_at": {"$lte": now}}
    ).to_list()
    published = 0
    for found in due:
        item = await steps.settled(found.id)
        if item is None or item.deleted_at is not None or item.status != ContentStatus.SCHEDULED:
            continue
        try:
            await _publish_now(item, actor=SCHEDULER, now=now)
        except ConflictError:
            continue  # an editor changed it at this moment; their step stands
        published += 1
    return published


async def expire_due(*, now: datetime) -> int:
    """Withdraw live items past their expiry, so phones get a tombstone; returns how many."""
    due = await ContentItem.find({"live_expires_at": {"$lte": now}}).to_list()
    expired = 0
    for found in due:
        item = await steps.settled(found.id)
        if item is None or item.live_revision is None:
            continue
        changes = {
            "status": ContentStatus.ARCHIVED.value,
            "live_revision": None,
            "live_expires_at": None,
            "archived_reason": "expired",
        }
        try:
            await steps.take_step(
                item, actor=SCHEDULER, action="expired", changes=changes, effect=_withdrawal(item, "expired")
            )
        except ConflictError:
            continue
        expired += 1
    return expired
