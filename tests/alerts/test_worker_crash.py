"""Workers die and share: nothing a dead worker left claimed is lost, nothing is shown twice.

At least once, shown once: a device whose delivery a worker claimed but whose send it never recorded is
`unconfirmed` when the batch is taken over, and is sent again by the worker taking it over. Every message
of a campaign carries its collapse identity (Android `tag`, `apns-collapse-id`, the campaign id in the
data), so a phone that had the first send replaces it with the second: one notification shown. The same
with worker processes killed for real: test_worker_processes.py.
"""

import asyncio
from collections import Counter

import pytest

from backend.alerts.delivery.planner import claim_due, plan
from backend.alerts.delivery.worker import lease_batch, work_one
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.core.clock import utc_now
from scripts.fake_fcm import FakeFcm
from tests.fixtures.delivery import (
    add_campaign,
    add_people,
    device_id,
    drain,
    stored_campaign,
    until,
    worker,
)
from tests.fixtures.users import Clock

pytestmark = pytest.mark.usefixtures("database")


async def _claimed_by_a_dead_worker(claimed: list[str], sender: FcmSender) -> Campaign:
    """A campaign planned by a worker (30 s lease) that leased its batch, claimed the devices of `claimed`
    and died before recording any send."""
    await add_campaign()
    dead = worker("dead", lease_s=30)
    campaign = await claim_due(config=dead)
    assert campaign is not None
    assert await plan(campaign, sender=sender, config=dead)
    batch = await lease_batch(config=dead)
    assert batch is not None
    for token in claimed:
        await Delivery(
            id=f"{campaign.id}:{device_id(token)}",
            campaign_id=campaign.id,
            uid=token.split("-")[1],
            device_id=device_id(token),
            status="claimed",
            batch_id=batch.id,
            claim="dead#1",
            language="ur",
            at=utc_now(),
        ).insert()
    return campaign


async def test_a_batch_taken_over_after_its_lease_resends_what_the_dead_worker_left_claimed(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    tokens = await add_people(10)
    # The dead worker claimed four devices and died before recording any send.
    campaign = await _claimed_by_a_dead_worker(tokens[:4], sender)

    service_clock.shift(10)
    await drain(sender, worker("heir"))
    assert fcm.sent() == []  # the lease still holds
    service_clock.shift(31)
    reports = await drain(sender, worker("heir"))
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    assert sum(batch.unconfirmed for report in reports for batch in report.reports) == 4
    deliveries = await Delivery.find({"campaign_id": campaign.id}).to_list()
    assert {d.status for d in deliveries} == {"sent"}
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert stored.status == "sent"
    assert (stored.stats["sent"], stored.stats["failed"], stored.stats["unconfirmed"]) == (10, 0, 0)


async def test_unconfirmed_is_its_own_figure_until_the_resend_resolves_it(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    tokens = await add_people(3)
    campaign = await _claimed_by_a_dead_worker(tokens, sender)
    fcm.fail(tokens[0], "UNREGISTERED")
    fcm.fail(tokens[1], "QUOTA_EXCEEDED")  # retryable, for ever: given up after the retries
    service_clock.shift(31)
    heir = worker("heir", lease_s=0.05)
    for _ in range(100):  # retry batches wait a lease each (0.05 s here) before they are due
        await drain(sender, heir)
        if (await stored_campaign(campaign.id)).status == "sent":
            break
        await asyncio.sleep(0.05)
    stored = await stored_campaign(campaign.id)
    assert stored.status == "sent"
    assert {key: stored.stats[key] for key in ("sent", "failed", "unconfirmed")} == {
        "sent": 1,
        "failed": 2,
        "unconfirmed": 0,
    }


async def test_a_worker_that_loses_its_lease_stops_without_recording_or_finishing_the_batch(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    await add_people(5)
    fcm.slow(None, 3)
    campaign = await add_campaign()
    config = worker("loser", lease_s=1.5)
    claimed = await claim_due(config=config)
    assert claimed is not None
    assert await plan(claimed, sender=sender, config=config)

    async def steal_when_sending() -> None:
        await until(lambda: fcm.in_flight == 5, timeout_s=10, what="the sends")
        await AlertBatch.get_pymongo_collection().update_many({}, {"$set": {"lease_owner": "thief"}})

    thief = asyncio.create_task(steal_when_sending())
    report = await work_one(sender=sender, config=config)
    await thief
    assert report is not None
    assert report.sent == 0
    deliveries = await Delivery.find({"campaign_id": campaign.id}).to_list()
    assert {d.status for d in deliveries} == {"claimed"}  # left for the thief's takeover to close
    (batch,) = await AlertBatch.find({"campaign_id": campaign.id}).to_list()
    assert (batch.status, batch.lease_owner) == ("pending", "thief")
