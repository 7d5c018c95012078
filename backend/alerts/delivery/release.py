"""The morning release: held deliveries whose quiet hours have ended go out in release batches.

A release batch claims each delivery by a conditional update (`held`/`releasing` to `claimed`), so two
batches made for the same deliveries (a releaser died between making one and marking the deliveries)
never send a device twice. A device deleted meanwhile (its token died, its person was erased) is skipped.
"""

import secrets
from collections import defaultdict
from datetime import datetime
from typing import Any

from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.devices.models import Device
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.core import claims
from backend.core.clock import utc_now


async def release_due(*, config: WorkerConfig) -> int:
    """Put held deliveries whose release time has come into release batches; how many were released."""
    released = 0
    while True:
        now = utc_now()
        due = (
            await Delivery.get_pymongo_collection()
            .find(
                {"status": "held", "release_at": {"$lte": now}},
                {"campaign_id": 1, "device_id": 1, "uid": 1, "language": 1},
            )
            .sort([("release_at", 1), ("_id", 1)])
            .limit(config.batch_size)
            .to_list()
        )
        if not due:
            return released
        by_campaign: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for delivery in due:
            by_campaign[delivery["campaign_id"]].append(delivery)
        for campaign_id, deliveries in by_campaign.items():
            released += await _release(campaign_id, deliveries, now=now)


async def _release(campaign_id: str, deliveries: list[dict[str, Any]], *, now: datetime) -> int:
    devices = {
        device["_id"]: device
        for device in await Device.get_pymongo_collection()
        .find({"_id": {"$in": [d["device_id"] for d in deliveries]}}, {"fcm_token": 1, "uid": 1})
        .to_list()
    }
    recipients, gone = [], []
    for delivery in deliveries:
        device = devices.get(delivery["device_id"])
        if device is None or device["uid"] != delivery["uid"]:
            gone.append(delivery["_id"])
            continue
        recipients.append(
            {
                "device_id": delivery["device_id"],
                "token": device["fcm_token"],
                "uid": delivery["uid"],
                "language": delivery["language"],
            }
        )
    collection = Delivery.get_pymongo_collection()
    if gone:
        skipped = await collection.update_many(
            {"_id": {"$in": gone}, "status": "held"},
            {"$set": {"status": "skipped", "reason": "device_gone", "at": now}},
        )
        await Campaign.get_pymongo_collection().update_one(
            {"_id": campaign_id},
            {"$inc": {"stats.skipped": skipped.modified_count, "stats.held": -skipped.modified_count}},
        )
    if not recipients:
        return 0
    batch_id = f"{campaign_id}:h:{secrets.token_hex(6)}"
    batch = {
        "_id": batch_id,
        "campaign_id": campaign_id,
        "seq": 0,
        "recipients": recipients,
        "kind": "release",
        "channel": "token",
        "status": "pending",
        "lease_owner": None,
        "lease_until": now,
        "attempts": 0,
        "created_at": now,
    }
    await claims.insert_new(AlertBatch.get_pymongo_collection(), [batch])
    # Marked after the batch exists: a releaser dying in between leaves them held, batched again later.
    ids = [f"{campaign_id}:{r['device_id']}" for r in recipients]
    moved = await collection.update_many(
        {"_id": {"$in": ids}, "status": "held"}, {"$set": {"status": "releasing", "batch_id": batch_id}}
    )
    return moved.modified_count
