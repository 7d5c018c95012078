"""Planning: a due campaign is claimed and cut into batches of devices, resumably, under a plan lease.

Each chunk of people is planned idempotently (inbox entries and batches keyed by campaign and uid or
sequence number), then one conditional update moves `plan_cursor` past it and counts it: a planner that
dies in between is resumed after its lease by another one, which writes the same keys again (duplicates
ignored) and counts the chunk once.
"""

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from backend.alerts.audience import Recipient, choose_language, recipients
from backend.alerts.claims import insert_new
from backend.alerts.config import WorkerConfig
from backend.alerts.fcm import FcmSender
from backend.alerts.models import AlertBatch, Campaign, InboxEntry
from backend.alerts.pushes import message_for
from backend.alerts.quiet import release_at
from backend.geography.models import Province
from backend.notifications.topics import topic_name
from schemas.youth import Language

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
    now = config.clock()
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
    """Plan a claimed campaign to its end; False when its lease was lost, or `stop` came first."""
    if uses_topics(campaign) and not campaign.topics_sent:
        await _send_topics(campaign, sender=sender)
    cursor, seq = campaign.plan_cursor, campaign.batches_planned
    channel = "topic" if uses_topics(campaign) else "token"
    languages = list(campaign.title)
    chunks = recipients(campaign.audience, priority=campaign.priority, languages=languages, after_uid=cursor)
    async for chunk in chunks:
        if stop is not None and stop.is_set():
            # Shutting down: hand the plan over now rather than after the lease.
            await Campaign.get_pymongo_collection().update_one(
                {"_id": campaign.id, "plan_owner": config.owner},
                {"$set": {"plan_lease_until": config.clock()}},
            )
            return False
        now = config.clock()
        batches = _batches(campaign, chunk, seq=seq, size=config.batch_size, channel=channel, now=now)
        await insert_new(InboxEntry, [_inbox_entry(campaign, person, now) for person in chunk])
        await insert_new(AlertBatch, batches)
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
    campaign: Campaign, chunk: Sequence[Recipient], *, seq: int, size: int, channel: str, now: datetime
) -> list[dict[str, Any]]:
    held_allowed = campaign.priority != "emergency" and channel == "token"
    devices: list[dict[str, Any]] = []
    for person in chunk:
        not_before = release_at(person.quiet_start, person.quiet_end, now) if held_allowed else None
        for device_id, token in person.devices:
            recipient: dict[str, Any] = {
                "device_id": device_id,
                "token": token,
                "uid": person.uid,
                "language": person.language,
            }
            if not_before is not None:
                recipient["not_before"] = not_before
            devices.append(recipient)
    return [
        {
            # Zero-padded, so that batches sort (and are leased) in plan order.
            "_id": f"{campaign.id}:{seq + number:06d}",
            "campaign_id": campaign.id,
            "seq": seq + number,
            "recipients": devices[start : start + size],
            "kind": "plan",
            "channel": channel,
            "status": "pending",
            "lease_owner": None,
            "lease_until": now,
            "attempts": 0,
            "created_at": now,
        }
        for number, start in enumerate(range(0, len(devices), size))
    ]


async def _send_topics(campaign: Campaign, *, sender: FcmSender) -> None:
    # Claimed before sending, so topic messages leave at most once: a crash between claim and send loses
    # them (the per-device records still follow), a retry never repeats them.
    claimed = await Campaign.get_pymongo_collection().update_one(
        {"_id": campaign.id, "topics_sent": False}, {"$set": {"topics_sent": True}}
    )
    if claimed.modified_count != 1:
        return
    provinces = campaign.audience.get("provinces") or [
        province.id for province in await Province.find_all().to_list()
    ]
    # A topic per province and first language a person may have, in the text that person would get.
    messages = [
        message_for(
            campaign, language=choose_language([spoken], campaign.title), topic=topic_name(province, spoken)
        )
        for province in sorted(provinces)
        for spoken in sorted(language.value for language in Language)
    ]
    outcomes = await sender.send(messages)
    failed = [
        message.topic for message, outcome in zip(messages, outcomes, strict=True) if outcome.kind != "sent"
    ]
    logger.info(
        "alert topic messages sent",
        extra={"campaign_id": campaign.id, "topics": len(messages), "failed": len(failed)},
    )
