"""The alerts worker: plans due campaigns, works batches under a renewed lease, releases held deliveries
at their morning and finishes campaigns. Runs inside the API process (a timer) or alone
(scripts/alerts_worker.py); any number of them share the work.

A campaign is `sent` (with `finished_at`) once it is planned, none of its batches is pending and none of
its deliveries is held for quiet hours or claimed: a campaign with held deliveries stays `sending` until
their morning. Its delivery statistics are then recounted from the delivery records, so they are exact
even when a worker died between recording outcomes and counting them.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from backend.alerts.delivery.batch import BatchReport, deliver
from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.planner import claim_due, plan
from backend.alerts.delivery.release import release_due
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.core import metrics
from backend.core.clock import utc_now
from backend.core.leases import Lease, LeaseLostError

logger = logging.getLogger(__name__)


@dataclass
class RoundReport:
    """What one round of the worker did."""

    planned: int = 0
    batches: int = 0
    released: int = 0
    finished: int = 0
    reports: list[BatchReport] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.planned or self.batches or self.released or self.finished)


async def run_round(
    *, sender: FcmSender, config: WorkerConfig, stop: asyncio.Event | None = None, log: bool = False
) -> RoundReport:
    """Plan what is due, work every free batch, release held deliveries, finish campaigns."""
    report = RoundReport()
    waiting = await AlertBatch.get_pymongo_collection().count_documents({"status": "pending"})
    metrics.ALERT_BACKLOG.set(waiting)  # the backlog this round starts from

    async def plan_all() -> None:
        while (stop is None or not stop.is_set()) and (campaign := await claim_due(config=config)):
            report.planned += await plan(campaign, sender=sender, config=config, stop=stop)

    # Batches are worked while the plan is still being made: a big audience starts leaving at once.
    planning = asyncio.create_task(plan_all())
    try:
        report.released = await release_due(config=config)

        async def work_batches() -> None:
            while stop is None or not stop.is_set():
                batch = await work_one(sender=sender, config=config)
                if batch is not None:
                    report.batches += 1
                    report.reports.append(batch)
                    if log:
                        _log_batch(batch)
                elif planning.done():
                    return
                else:
                    await asyncio.sleep(0.05)

        # Several batches at once: one's bookkeeping overlaps another's sending.
        await asyncio.gather(*(work_batches() for _ in range(config.concurrency)))
        await planning
    finally:
        planning.cancel()
        await asyncio.gather(planning, return_exceptions=True)
    report.finished = await finish_campaigns(now=utc_now())
    return report


def _log_batch(report: BatchReport) -> None:
    """One JSON log line per batch worked (the worker command's progress)."""
    counts = {"sent": report.sent, "failed": report.failed, "held": report.held}
    # Unconfirmed: left claimed by a dead worker and sent again; retried: queued in a retry batch.
    counts |= {"unconfirmed": report.unconfirmed, "retried": report.retried}
    logger.info("alert batch worked", extra={"batch_id": report.batch_id, **counts})


async def lease_batch(*, config: WorkerConfig) -> AlertBatch | None:
    """Lease the oldest free batch (pending, its lease run out); None when there is none."""
    now = utc_now()
    before = await AlertBatch.get_pymongo_collection().find_one_and_update(
        {"status": "pending", "lease_until": {"$lte": now}},
        {"$set": {"lease_owner": config.owner, "lease_until": config.lease_until()}, "$inc": {"attempts": 1}},
        sort=[("lease_until", 1), ("_id", 1)],
        return_document=ReturnDocument.BEFORE,
    )
    if before is None:
        return None
    batch: AlertBatch = AlertBatch.model_validate({**before, "id": before["_id"]})
    return batch


async def work_one(*, sender: FcmSender, config: WorkerConfig) -> BatchReport | None:
    """Lease one batch and deliver it while renewing the lease; None when no batch was free."""
    batch = await lease_batch(config=config)
    if batch is None:
        return None
    campaign = await Campaign.get(batch.campaign_id)
    if campaign is None:  # never deleted today; a batch without its campaign has nothing to send
        await _mark_done(batch, config=config)
        return BatchReport(batch_id=batch.id)
    lease = Lease(
        AlertBatch.get_pymongo_collection(),
        batch.id,
        owner=config.owner,
        duration_s=config.lease_s,
        condition={"status": "pending"},
    )
    # A batch leased before by someone (attempts counts leases) may hold claims of a worker that died.
    work = deliver(
        batch,
        campaign=campaign,
        sender=sender,
        retry_after_s=config.lease_s,
        takeover=batch.attempts > 0,
        claim=f"{config.owner}#{batch.attempts + 1}",
    )
    try:
        report = await lease.hold_while(work)
    except LeaseLostError:
        # Another worker may own the batch now: stopped before sending or recording anything more.
        logger.warning("alert batch lease lost", extra={"batch_id": batch.id})
        return BatchReport(batch_id=batch.id)
    await _mark_done(batch, config=config)
    return report


async def _mark_done(batch: AlertBatch, *, config: WorkerConfig) -> None:
    await AlertBatch.get_pymongo_collection().update_one(
        {"_id": batch.id, "lease_owner": config.owner}, {"$set": {"status": "done"}}
    )


async def finish_campaigns(*, now: datetime) -> int:
    """Mark `sent` the planned campaigns with nothing left to send, their statistics recounted."""
    finished = 0
    campaigns = Campaign.get_pymongo_collection().find({"status": "sending", "planned": True}, {"_id": 1})
    async for campaign in campaigns:
        campaign_id = campaign["_id"]
        if await AlertBatch.get_pymongo_collection().find_one(
            {"campaign_id": campaign_id, "status": "pending"}
        ):
            continue
        waiting = {"campaign_id": campaign_id, "status": {"$in": ["held", "releasing", "claimed"]}}
        if await Delivery.get_pymongo_collection().find_one(waiting):
            continue
        counts = await _delivery_counts(campaign_id)
        moved = await Campaign.get_pymongo_collection().update_one(
            {"_id": campaign_id, "status": "sending", "planned": True},
            {"$set": {"status": "sent", "finished_at": now, "updated_at": now, **counts}},
        )
        finished += moved.modified_count
    return finished


async def _delivery_counts(campaign_id: str) -> dict[str, int]:
    names = ("sent", "failed", "skipped", "held", "unconfirmed", "by_topic")
    counts = {f"stats.{name}": 0 for name in names}
    pipeline: list[dict[str, Any]] = [
        {"$match": {"campaign_id": campaign_id}},
        {"$group": {"_id": {"status": "$status", "channel": "$channel"}, "n": {"$sum": 1}}},
    ]
    async for group in await Delivery.get_pymongo_collection().aggregate(pipeline):
        status, channel = group["_id"].get("status"), group["_id"].get("channel")
        if f"stats.{status}" in counts:
            counts[f"stats.{status}"] += group["n"]
        if status == "sent" and channel == "topic":
            counts["stats.by_topic"] += group["n"]
    return counts
