"""Editors' campaigns: write (idempotent, reviewed first if wished), preview, confirm (four eyes), cancel,
list and read.

Status moves are conditional updates on `status` (compare-and-set): a cancel racing the planner's claim
(`scheduled` -> `sending`) has exactly one winner, and the loser reads what won.
"""

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.alerts import audience as audiences
from backend.alerts import checks
from backend.alerts.models import Campaign
from backend.audit import service as audit
from backend.core.clock import stored_time, utc_now
from backend.core.errors import ConflictError, ForbiddenError, NotFoundError
from backend.core.pagination import PageParams, paginate
from schemas.alerts import (
    Audience,
    AudiencePreview,
    CampaignRead,
    CampaignStats,
    CampaignStatus,
    CampaignWrite,
    DeepLink,
    Priority,
)
from schemas.common import Page

_CANCELLABLE = [CampaignStatus.SCHEDULED.value, CampaignStatus.AWAITING_CONFIRMATION.value]
_STATS = frozenset(CampaignStats.model_fields)


def to_read(campaign: Campaign) -> CampaignRead:
    """The contract's view of a stored campaign; statistics only under CampaignStats' names."""
    stats = {key: value for key, value in campaign.stats.items() if key in _STATS}
    return CampaignRead(
        id=campaign.id,
        title=campaign.title,
        body=campaign.body,
        link=campaign.link,  # type: ignore[arg-type]  # validated into DeepLink
        audience=Audience.model_validate(campaign.audience),
        priority=Priority(campaign.priority),
        send_at=campaign.send_at,
        status=CampaignStatus(campaign.status),
        created_by=campaign.created_by,
        created_at=campaign.created_at,
        confirmation_required=campaign.confirmation_required,
        confirmed_by=campaign.confirmed_by,
        cancelled_at=campaign.cancelled_at,
        finished_at=campaign.finished_at,
        stats=CampaignStats(**stats),
    )


def _digest(write: CampaignWrite) -> str:
    request = json.dumps(write.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(request.encode()).hexdigest()


def _replay(existing: Campaign, digest: str) -> CampaignRead:
    if existing.request_digest != digest:
        raise ConflictError(
            "This Idempotency-Key was used for another campaign; use a new key.",
            code="idempotency_key_reused",
        )
    return to_read(existing)


async def _drafted(
    write: CampaignWrite, *, actor: str, now: datetime, idempotency_key: str = "", digest: str | None = None
) -> Campaign:
    """The campaign `write` describes, every check passed (places, link, send time, payload), not stored."""
    audience = await checks.canonical_audience(write.audience, field="body.audience")
    link = await checks.check_link(write.link, now=now)
    send_at = stored_time(checks.check_send_at(write.send_at, now=now))
    four_eyes = write.priority is Priority.EMERGENCY and len(await checks.provinces_spanned(audience)) > 1
    status = CampaignStatus.AWAITING_CONFIRMATION if four_eyes else CampaignStatus.SCHEDULED
    campaign = Campaign(
        id=str(uuid.uuid4()),
        idempotency_key=idempotency_key,
        request_digest=digest,
        created_by=actor,
        title={language.value: text for language, text in write.title.items()},
        body={language.value: text for language, text in write.body.items()},
        link=link,
        audience=audience,
        priority=write.priority.value,
        send_at=send_at,
        status=status.value,
        confirmation_required=four_eyes,
        created_at=now,
        updated_at=now,
    )
    checks.check_payload(campaign)
    return campaign


async def create(*, actor: str, key: str, write: CampaignWrite) -> tuple[CampaignRead, bool]:
    """Write a campaign; the same key and request again is the same campaign (created: False)."""
    idempotency_key = f"{actor} {key}"
    digest = _digest(write)
    existing = await Campaign.find_one({"idempotency_key": idempotency_key})
    if existing is not None:
        return _replay(existing, digest), False
    campaign = await _drafted(
        write, actor=actor, now=utc_now(), idempotency_key=idempotency_key, digest=digest
    )
    try:
        await campaign.insert()
    except DuplicateKeyError:
        # A concurrent retry with the same key inserted first: answer as its replay.
        raced = await Campaign.find_one({"idempotency_key": idempotency_key})
        if raced is None:
            raise
        return _replay(raced, digest), False
    if write.priority is Priority.EMERGENCY:
        await audit.record(
            actor=actor,
            action="alerts.emergency_created",
            resource_type="alert_campaign",
            resource_id=campaign.id,
            details={"status": campaign.status, "send_at": campaign.send_at.isoformat()},
        )
    return to_read(campaign), True


async def review(*, actor: str, write: CampaignWrite) -> tuple[CampaignRead, AudiencePreview]:
    """What `create` would store for `write` (checked alike, nothing stored), and whom it reaches now."""
    campaign = await _drafted(write, actor=actor, now=utc_now())
    return to_read(campaign), await audiences.preview(campaign.audience, priority=campaign.priority)


def payload_use(
    *,
    title: Mapping[str, str],
    body: Mapping[str, str],
    priority: Priority,
    link: DeepLink | None,
    audience: Mapping[str, Any],
) -> checks.PayloadSize | None:
    """The fullest push (by share of FCM's limit) of a campaign being written, sized exactly as `create`
    checks it; None before any text. Nothing else is checked: the form may still be incomplete."""
    languages = sorted(set(title) | set(body))
    if not languages:
        return None
    now = utc_now()
    stored_link = None
    if link is not None:
        try:
            stored_link = {"kind": link.kind.value, "id": str(uuid.UUID(link.id))}
        except ValueError:
            stored_link = {"kind": link.kind.value, "id": link.id}
    draft = Campaign(
        id=str(uuid.uuid4()),
        idempotency_key="",
        created_by="",
        title={language: title.get(language, "") for language in languages},
        body={language: body.get(language, "") for language in languages},
        link=stored_link,
        audience=dict(audience),
        priority=priority.value,
        send_at=now,
        status=CampaignStatus.SCHEDULED.value,
        created_at=now,
        updated_at=now,
    )
    return max(checks.payload_sizes(draft), key=lambda push: push.size / push.limit)


async def _load(campaign_id: str) -> Campaign:
    campaign = await Campaign.get(campaign_id)
    if campaign is None or campaign.personal:
        raise NotFoundError("No campaign has this id.")
    return campaign


async def get(*, campaign_id: str) -> CampaignRead:
    """One campaign with its statistics."""
    return to_read(await _load(campaign_id))


async def list_campaigns(*, page: PageParams) -> Page[CampaignRead]:
    """Every editor's campaign, newest first (personal messages are not campaigns to editors)."""
    # Stored before `personal` existed, a campaign has no such field: an `$in` with None finds it too.
    query = {"personal": {"$in": [False, None]}}
    return await paginate(
        Campaign,
        query,
        sort=[("created_at", -1), ("_id", -1)],
        page=page,
        read=lambda stored: to_read(Campaign.model_validate(stored)),
    )


async def awaiting_confirmation(*, page: PageParams) -> Page[CampaignRead]:
    """Emergencies to several provinces waiting for a second editor, the soonest due first."""
    return await paginate(
        Campaign,
        {"status": CampaignStatus.AWAITING_CONFIRMATION.value},
        sort=[("send_at", 1), ("_id", 1)],
        page=page,
        read=lambda stored: to_read(Campaign.model_validate(stored)),
    )


async def _move(campaign_id: str, *, expected: Any, changes: dict[str, Any]) -> Campaign | None:
    """Compare-and-set the status: the campaign after the move, or None when its status was not `expected`."""
    moved = await Campaign.get_pymongo_collection().find_one_and_update(
        {"_id": campaign_id, "status": expected},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    return None if moved is None else Campaign.model_validate(moved)


async def confirm(*, actor: str, campaign_id: str) -> CampaignRead:
    """A second editor confirms an emergency to several provinces; confirming again changes nothing."""
    campaign = await _load(campaign_id)
    if campaign.created_by == actor:
        raise ForbiddenError("Another editor must confirm this emergency alert.", code="four_eyes")
    now = utc_now()
    moved = await _move(
        campaign_id,
        expected=CampaignStatus.AWAITING_CONFIRMATION.value,
        changes={"status": CampaignStatus.SCHEDULED.value, "confirmed_by": actor, "updated_at": now},
    )
    if moved is None:
        current = await _load(campaign_id)
        if current.confirmed_by is not None:
            return to_read(current)
        raise ConflictError(
            f"This campaign is {current.status}, not awaiting confirmation.", code="not_awaiting_confirmation"
        )
    await audit.record(
        actor=actor,
        action="alerts.emergency_confirmed",
        resource_type="alert_campaign",
        resource_id=campaign_id,
        details={"created_by": campaign.created_by},
    )
    return to_read(moved)


async def cancel(*, actor: str, campaign_id: str) -> CampaignRead:
    """Cancel a campaign not yet sending; cancelling again changes nothing."""
    now = utc_now()
    moved = await _move(
        campaign_id,
        expected={"$in": _CANCELLABLE},
        changes={"status": CampaignStatus.CANCELLED.value, "cancelled_at": now, "updated_at": now},
    )
    if moved is None:
        current = await _load(campaign_id)
        if current.status == CampaignStatus.CANCELLED:
            return to_read(current)
        raise ConflictError(f"This campaign is already {current.status}.", code="already_sending")
    await audit.record(
        actor=actor,
        action="alerts.campaign_cancelled",
        resource_type="alert_campaign",
        resource_id=campaign_id,
        details={"priority": moved.priority},
    )
    return to_read(moved)


async def preview(*, audience: Audience, priority: Priority) -> AudiencePreview:
    """Exactly how many people and devices the audience reaches now."""
    stored = await checks.canonical_audience(audience, field="body")
    return await audiences.preview(stored, priority=priority.value)
