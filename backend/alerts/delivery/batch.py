"""Delivering one leased batch: claim each device's delivery, send the claimed ones, record what FCM said.

At least once, shown once. Each device's `Delivery` is claimed (inserted, or moved by a conditional
update for a release or a retry) just before the one `send_each` call of its batch, so a worker never
holds more unsent claims than one call's. A batch taken over from a worker that died finds what that
worker left claimed: it may or may not have reached FCM, so it becomes `unconfirmed` (its own figure in
the statistics) and is sent again by the worker taking over. Every message of a campaign carries the
campaign's collapse identity (pushes.py), so a phone that had the first send shows one notification.
"""

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo import UpdateOne

from backend.alerts.devices.models import Device
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.messages import SendOutcome
from backend.alerts.push.pushes import message_for
from backend.core import claims, metrics
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)

# Retry batches after a retryable failure: at most this many, the n-th waiting n leases (at most six).
MAX_RETRIES = 5
# An attempt whose every message FCM refused as unavailable (503) or with an internal error (500) met an
# FCM outage, not bad tokens: it does not use up a retry, but retrying stops this long after the first
# refusal. (A quota refusal can be one phone's message rate, so it uses up retries as before.)
OUTAGE_RETRY_WINDOW = timedelta(minutes=30)
_OUTAGE_CODES = frozenset({"UNAVAILABLE", "INTERNAL"})
_LONGEST_WAIT_LEASES = 6
# The statuses a release or retry batch claims from.
_CLAIMABLE = {"release": ["held", "releasing"], "retry": ["failed"]}
# A claimed delivery on its way to FCM: claimed, or unconfirmed and being sent again.
_IN_FLIGHT = ("claimed", "unconfirmed")


@dataclass
class BatchReport:
    """What became of a batch's devices in this attempt."""

    batch_id: str = ""
    sent: int = 0
    failed: int = 0
    held: int = 0
    released: int = 0
    unconfirmed: int = 0  # left claimed by a worker that died, found by this takeover
    resolved: int = 0  # unconfirmed ones this attempt sent again and recorded (sent or failed)
    retried: int = 0
    tokens_removed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


async def deliver(
    batch: AlertBatch,
    *,
    campaign: Campaign,
    sender: FcmSender,
    retry_after_s: float,
    takeover: bool,
    claim: str,
) -> BatchReport:
    """Work one batch this worker holds the lease of (`claim` names this lease); the caller marks it done."""
    report = BatchReport(batch_id=batch.id)
    if takeover:
        report.unconfirmed = await _close_unconfirmed(batch.id, now=utc_now())
    if batch.channel == "topic":
        # The devices had the topic message: record each once, send nothing.
        docs = [
            _delivery(batch, r, status="sent", claim=claim, now=utc_now(), channel="topic")
            for r in batch.recipients
        ]
        report.sent = len(await claims.insert_new(Delivery.get_pymongo_collection(), docs))
    else:
        claimed, resent = await _claim(batch, report, claim=claim, now=utc_now())
        retryable = outage = False
        if claimed:
            messages = [message_for(campaign, language=r["language"], token=r["token"]) for r in claimed]
            outcomes = await sender.send(messages)
            await _record(batch, claimed, outcomes, report, claim=claim, resent=resent, now=utc_now())
            retryable = any(outcome.retryable for outcome in outcomes)
            outage = all(outcome.retryable and outcome.code in _OUTAGE_CODES for outcome in outcomes)
        # Looked up only when there can be some: this attempt's own, or a dead worker's on a takeover.
        if retryable or takeover:
            await _queue_retries(batch, report, now=utc_now(), retry_after_s=retry_after_s, outage=outage)
    await _count(campaign.id, report)
    return report


async def _close_unconfirmed(batch_id: str, *, now: datetime) -> int:
    """Mark what a dead worker left claimed in this batch `unconfirmed`, to be sent again by this attempt."""
    closed = await Delivery.get_pymongo_collection().update_many(
        {"batch_id": batch_id, "status": "claimed"},
        {"$set": {"status": "unconfirmed", "reason": "unconfirmed", "at": now}},
    )
    return closed.modified_count


def _delivery(
    batch: AlertBatch,
    recipient: dict[str, Any],
    *,
    status: str,
    claim: str,
    now: datetime,
    channel: str = "token",
) -> dict[str, Any]:
    return {
        "_id": f"{batch.campaign_id}:{recipient['device_id']}",
        "campaign_id": batch.campaign_id,
        "uid": recipient["uid"],
        "device_id": recipient["device_id"],
        "status": status,
        "reason": None,
        "message_id": None,
        "channel": channel,
        "release_at": recipient.get("not_before") if status == "held" else None,
        "retryable": False,
        "batch_id": batch.id,
        "claim": claim,
        "language": recipient["language"],
        "at": now,
    }


async def _claim(
    batch: AlertBatch, report: BatchReport, *, claim: str, now: datetime
) -> tuple[list[dict[str, Any]], set[str]]:
    """The recipients this attempt claimed, and which of their deliveries were unconfirmed (sent again);
    quiet hours hold the others of a planned batch."""
    collection = Delivery.get_pymongo_collection()
    by_id = {f"{batch.campaign_id}:{r['device_id']}": r for r in batch.recipients}
    if batch.kind == "plan":
        wait = [r for r in batch.recipients if r.get("not_before") and r["not_before"] > now]
        held = [_delivery(batch, r, status="held", claim=claim, now=now) for r in wait]
        report.held = len(await claims.insert_new(collection, held))
        due = [r for r in batch.recipients if not (r.get("not_before") and r["not_before"] > now)]
        claiming = [_delivery(batch, r, status="claimed", claim=claim, now=now) for r in due]
        await claims.insert_new(collection, claiming)
    else:
        condition: dict[str, Any] = {"_id": {"$in": list(by_id)}, "status": {"$in": _CLAIMABLE[batch.kind]}}
        if batch.kind == "retry":
            condition["retryable"] = True
        moved = await collection.update_many(
            condition,
            {
                "$set": {
                    "status": "claimed",
                    "batch_id": batch.id,
                    "claim": claim,
                    "retryable": False,
                    "at": now,
                }
            },
        )
        if batch.kind == "release":
            report.released = moved.modified_count
    # What a dead worker left unconfirmed is this attempt's to send again; it stays `unconfirmed` (and
    # counted so) until what FCM answers is recorded.
    await collection.update_many(
        {"batch_id": batch.id, "status": "unconfirmed"}, {"$set": {"claim": claim, "at": now}}
    )
    # By this lease's claim: a worker that lost the lease meanwhile never sends what the new holder claimed.
    mine = await collection.find(
        {"batch_id": batch.id, "status": {"$in": list(_IN_FLIGHT)}, "claim": claim}, {"_id": 1, "status": 1}
    ).to_list()
    resent = {doc["_id"] for doc in mine if doc["status"] == "unconfirmed"}
    return [by_id[doc["_id"]] for doc in mine if doc["_id"] in by_id], resent


async def _record(
    batch: AlertBatch,
    claimed: Sequence[dict[str, Any]],
    outcomes: Sequence[SendOutcome],
    report: BatchReport,
    *,
    claim: str,
    resent: set[str],
    now: datetime,
) -> None:
    updates, dead = [], []
    for recipient, outcome in zip(claimed, outcomes, strict=True):
        changes: dict[str, Any] = {"at": now}
        if outcome.kind == "sent":
            changes |= {"status": "sent", "message_id": outcome.message_id}
            report.sent += 1
        else:
            reason = outcome.status.removeprefix("failed:")
            changes |= {"status": "failed", "reason": reason, "retryable": outcome.retryable}
            report.reasons[reason] += 1
            report.failed += not outcome.retryable
            if outcome.removes_token:
                dead.append({"_id": recipient["device_id"], "fcm_token": recipient["token"]})
        delivery_id = f"{batch.campaign_id}:{recipient['device_id']}"
        report.resolved += delivery_id in resent
        key = {"_id": delivery_id, "status": {"$in": list(_IN_FLIGHT)}, "claim": claim}
        updates.append(UpdateOne(key, {"$set": changes}))
    await Delivery.get_pymongo_collection().bulk_write(updates, ordered=False)
    if dead:
        # By id and token: a device registered again under another token is not this one.
        removed = await Device.get_pymongo_collection().delete_many({"$or": dead})
        report.tokens_removed = removed.deleted_count


async def _queue_retries(
    batch: AlertBatch, report: BatchReport, *, now: datetime, retry_after_s: float, outage: bool = False
) -> None:
    """Put this batch's retryable failures in a retry batch, or fail them for good after MAX_RETRIES (an
    `outage` attempt does not count one) or OUTAGE_RETRY_WINDOW after the first refusal."""
    collection = Delivery.get_pymongo_collection()
    failing = await collection.find(
        {"batch_id": batch.id, "status": "failed", "retryable": True},
        {"_id": 1, "device_id": 1, "language": 1},
    ).to_list()
    if not failing:
        return
    attempt = batch.id.count(":r") + 1
    generation = batch.retry_generation + (0 if outage else 1)
    since = batch.retrying_since or now
    if generation > MAX_RETRIES or now - since > OUTAGE_RETRY_WINDOW:
        given_up = await collection.update_many(
            {"batch_id": batch.id, "status": "failed", "retryable": True}, {"$set": {"retryable": False}}
        )
        report.failed += given_up.modified_count
        return
    tokens = {r["device_id"]: r for r in batch.recipients}
    retry = {
        "_id": f"{batch.id}:r",
        "campaign_id": batch.campaign_id,
        "seq": batch.seq,
        "recipients": [tokens[doc["device_id"]] | {"language": doc["language"]} for doc in failing],
        "kind": "retry",
        "channel": "token",
        "status": "pending",
        "lease_owner": None,
        # Not before then: a free batch is one whose lease_until has passed.
        "lease_until": now + timedelta(seconds=retry_after_s * min(attempt, _LONGEST_WAIT_LEASES)),
        "retry_generation": generation,
        "retrying_since": since,
        "attempts": 0,
        "created_at": now,
    }
    report.retried = (
        len(failing) if await claims.insert_new(AlertBatch.get_pymongo_collection(), [retry]) else 0
    )


async def _count(campaign_id: str, report: BatchReport) -> None:
    changes = {
        "stats.sent": report.sent,
        "stats.failed": report.failed,
        "stats.held": report.held - report.released,
        "stats.unconfirmed": report.unconfirmed - report.resolved,
    }
    for outcome in ("sent", "failed", "held", "released"):
        if pushes := getattr(report, outcome):
            metrics.ALERT_PUSHES.labels(outcome=outcome).inc(pushes)
    if any(changes.values()):
        await Campaign.get_pymongo_collection().update_one({"_id": campaign_id}, {"$inc": changes})
