"""Planning: one planner at a time per campaign, resumed after its lease, counting each person once."""

import asyncio

import pytest

from backend.alerts.delivery.planner import claim_due, plan
from backend.alerts.devices.models import Device
from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from scripts.fake_fcm import FakeFcm
from tests.fixtures.delivery import add_campaign, add_people, at, device_id, drain, worker
from tests.fixtures.users import Clock

pytestmark = pytest.mark.usefixtures("database")


async def test_a_planner_whose_lease_ran_out_is_replaced_and_counts_nothing_twice(
    few_connections: None, fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    await add_people(600)
    campaign = await add_campaign()
    first = worker("first", lease_s=30, batch_size=200)
    claimed = await claim_due(config=first)
    assert claimed is not None
    assert await claim_due(config=worker("second")) is None  # the plan lease holds
    service_clock.shift(31)  # the first planner's lease has run out
    later = worker("second", lease_s=30, batch_size=200)
    resumed = await claim_due(config=later)
    assert resumed is not None
    assert resumed.id == campaign.id
    assert await plan(resumed, sender=sender, config=later)
    # The first planner wakes up: its first step finds the plan is not its own any more.
    assert not await plan(claimed, sender=sender, config=first)
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    # 500 people a chunk: batches of 200, 200 and 100, then 100.
    assert (stored.planned, stored.batches_planned) == (True, 4)
    assert (stored.stats["people"], stored.stats["devices"]) == (600, 600)
    assert await AlertBatch.find({"campaign_id": campaign.id}).count() == 4
    assert await InboxEntry.find({"campaign_id": campaign.id}).count() == 600


async def test_a_cancelled_campaign_is_never_planned(fcm: FakeFcm, sender: FcmSender) -> None:
    await add_people(3)
    campaign = await add_campaign()
    await Campaign.get_pymongo_collection().update_one(
        {"_id": campaign.id, "status": "scheduled"}, {"$set": {"status": "cancelled"}}
    )
    await drain(sender, worker())
    assert fcm.requests() == []
    assert await InboxEntry.find({"campaign_id": campaign.id}).count() == 0


async def test_a_held_device_deleted_before_the_morning_is_skipped(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    tokens = await add_people(2, quiet=("22:00", "07:00"))
    campaign = await add_campaign(send_at=at("2026-03-01T18:00:00+00:00"))
    service_clock.set(at("2026-03-01T18:30:00+00:00"))
    await drain(sender, worker())
    await Device.get_pymongo_collection().delete_one({"_id": device_id(tokens[0])})
    service_clock.set(at("2026-03-02T02:00:00+00:00"))
    await drain(sender, worker())
    assert [r.token for r in fcm.sent()] == [tokens[1]]
    gone = await Delivery.get(f"{campaign.id}:{device_id(tokens[0])}")
    assert gone is not None
    assert (gone.status, gone.reason) == ("skipped", "device_gone")
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["skipped"], stored.stats["held"]) == (
        "sent",
        1,
        1,
        0,
    )


async def test_a_planner_told_to_stop_hands_its_plan_over_at_once(fcm: FakeFcm, sender: FcmSender) -> None:
    await add_people(3)
    campaign = await add_campaign()
    first = worker("first")
    claimed = await claim_due(config=first)
    assert claimed is not None
    stop = asyncio.Event()
    stop.set()
    assert not await plan(claimed, sender=sender, config=first, stop=stop)
    resumed = await claim_due(config=worker("second"))
    assert resumed is not None
    assert resumed.id == campaign.id
