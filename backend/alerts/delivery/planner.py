"""Planning: a due campaign is claimed and cut into batches of devices, resumably, under a plan lease.

Each chunk of people is planned idempotently (inbox entries and batches keyed by campaign and uid or
sequence number), then one conditional update moves `plan_cursor` past it and counts it: a planner that
dies in between is resumed after its lease by another one, which writes the same keys again (duplicates
ignored) and counts the chunk once. The lease is renewed while planning (core/leases.py), so a dead
planner is replaced within one lease (ALERTS_LEASE_S) and a poll.

An emergency to whole provinces goes first as FCM topic messages (topic_reach.py); a device is then
recorded as reached by its topic only if FCM had confirmed it in that topic before the message left.
Every other device of the audience is sent the alert directly.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from backend.alerts.audience import Recipient, recipients
from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.quiet import release_at
from backend.alerts.delivery.topic_reach import TopicReach, topic_reach
from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import AlertBatch, Campaign
from backend.alerts.push.fcm import FcmSender
from backend.core import claims
from backend.core.clock import utc_now
from backend.core.leases import Lease, LeaseLostError

logger = logging.getLogger(__name__)

# Filters that a province topic cannot express: with any of them the audience is not whole provinces.
_NARROWING = ("districts", "constituencies", "languages", "age_bands", "genders", "interests")


def uses_topics(campaign: Campaign) -> bool:
    """Whether an emergency goes out as province topic messages: national, or provinces with no filter."""
    audience = campaign.audience
    whole = bool(audience.get("national") or audience.get("provinces"))
    return campaign.priority == "emergency" and whole and not any(audience.get(key) for key in _NARROWING)


async def claim_due(*, config: WorkerConfig) -> Campaign | None:
    """Move one due scheduled campaign to sending (cancel races this) with its plan lease, or resume one."""
    now = utc_now()
    lease = {"plan_owner": config.owner, "plan_lease_until": config.lease_until()}
    collection = Campaign.get_pymongo_collection()
    # BEFORE: the engine answers the document as it was exactly; the winner knows what it changed.
    before = await collection.find_one_and_update(
        {"status": "scheduled", "send_at": {"$lte": now}},
        {"$set": {"status": "sending", "updated_at": now, **lease}},
        sort=[("send_at", 1), ("_id", 1)],
        return_document=ReturnDocument.BEFORE,
    )
    if before is None:
        # A planner that died: its lease has run out.
        before = await collection.find_one_and_update(
            {"status": "sending", "planned": False, "plan_lease_until": {"$lte": now}},
            {"$set": lease},
            sort=[("plan_lease_until", 1)],
            return_document=ReturnDocument.BEFORE,
        )
    if before is None:
        return None
    before.update(status="sending", **lease)
    campaign: Campaign = Campaign.model_validate({**before, "id": before.pop("_id")})
    return campaign


async def plan(
    campaign: Campaign, *, sender: FcmSender, config: WorkerConfig, stop: asyncio.Event | None = None
) -> bool:
    """Plan a claimed campaign to its end while renewing its plan lease; False when the lease was lost,
    or `stop` came first."""
    lease = Lease(
        Campaign.get_pymongo_collection(),
        campaign.id,
        owner=config.owner,
        duration_s=config.lease_s,
        owner_field="plan_owner",
        until_field="plan_lease_until",
    )
    try:
        return await lease.hold_while(_plan(campaign, sender=sender, config=config, lease=lease, stop=stop))
    except LeaseLostError:
        logger.warning("alert plan lease lost", extra={"campaign_id": campaign.id})
        return False


async def _plan(
    campaign: Campaign, *, sender: FcmSender, config: WorkerConfig, lease: Lease, stop: asyncio.Event | None
) -> bool:
    reach = await topic_reach(campaign, sender=sender) if uses_topics(campaign) else None
    cursor, seq = campaign.plan_cursor, campaign.batches_planned
    languages = list(campaign.title)
    chunks = recipients(campaign.audience, priority=campaign.priority, languages=languages, after_uid=cursor)
    async for chunk in chunks:
        if stop is not None and stop.is_set():
            await lease.hand_over()  # shutting down: another planner may go on at once
            return False
        now = utc_now()
        batches = _batches(campaign, chunk, seq=seq, size=config.batch_size, reach=reach, now=now)
        await claims.insert_new(
            InboxEntry.get_pymongo_collection(), [_inbox_entry(campaign, person, now) for person in chunk]
        )
        await claims.insert_new(AlertBatch.get_pymongo_collection(), batches)
        moved = await Campaign.get_pymongo_collection().update_one(
            {"_id": campaign.id, "plan_owner": config.owner, "plan_cursor": cursor, "batches_planned": seq},
            {
                "$set": {
                    "plan_cursor": chunk[-1].uid,
                    "batches_planned": seq + len(batches),
                    "plan_lease_until": config.lease_until(),
                },
                "$inc": {
                    "stats.people": len(chunk),
                    "stats.devices": sum(len(batch["recipients"]) for batch in batches),
                },
            },
        )
        if moved.modified_count != 1:
            logger.warning("alert plan lease lost", extra={"campaign_id": campaign.id})
            return False
        cursor, seq = chunk[-1].uid, seq + len(batches)
    done = await Campaign.get_pymongo_collection().update_one(
        {"_id": campaign.id, "plan_owner": config.owner, "plan_cursor": cursor},
        {"$set": {"planned": True, "plan_lease_until": None}},
    )
    logger.info("alert campaign planned", extra={"campaign_id": campaign.id, "batches": seq})
    return done.modified_count == 1


def _inbox_entry(campaign: Campaign, person: Recipient, now: datetime) -> dict[str, Any]:
    return {
        "_id": f"{campaign.id}:{person.uid}",
        "campaign_id": campaign.id,
        "uid": person.uid,
        "language": person.language,
        "title": campaign.title[person.language],
        "body": campaign.body[person.language],
        "link": campaign.link,
        "priority": campaign.priority,
        "sent_at": now,
        "read_at": None,
        "opened_at": None,
        "places": person.places,
    }


def _batches(
    campaign: Campaign,
    chunk: Sequence[Recipient],
    *,
    seq: int,
    size: int,
    reach: TopicReach | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """The chunk's devices in batches of `size`: those its topic message reached, then the others."""
    held_allowed = campaign.priority != "emergency"
    by_channel: dict[str, list[dict[str, Any]]] = {"topic": [], "token": []}
    for person in chunk:
        not_before = release_at(person.quiet_start, person.quiet_end, now) if held_allowed else None
        for phone in person.devices:
            recipient: dict[str, Any] = {
                "device_id": phone.device_id,
                "token": phone.token,
                "uid": person.uid,
                "language": person.language,
            }
            if not_before is not None:
                recipient["not_before"] = not_before
            channel = "topic" if reach is not None and reach.reached(phone) else "token"
            by_channel[channel].append(recipient)
    batches: list[dict[str, Any]] = []
    for channel, devices in by_channel.items():
        for start in range(0, len(devices), size):
            number = seq + len(batches)
            batches.append(
                {
                    # Zero-padded, so that batches sort (and are leased) in plan order.
                    "_id": f"{campaign.id}:{number:06d}",
                    "campaign_id": campaign.id,
                    "seq": number,
                    "recipients": devices[start : start + size],
                    "kind": "plan",
                    "channel": channel,
                    "status": "pending",
                    "lease_owner": None,
                    "lease_until": now,
                    "attempts": 0,
                    "created_at": now,
                }
            )
    return batches
