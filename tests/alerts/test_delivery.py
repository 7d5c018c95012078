"""Delivery: each device once, in its language, at a decent hour; dead tokens dropped; statistics."""

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest

from backend.alerts.delivery.quiet import release_at
from backend.alerts.devices.models import Device
from backend.alerts.devices.topics import topic_name
from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.core.database import Database
from backend.geography.loading import import_seed_data
from backend.geography.models import Province
from backend.main import create_app
from schemas.youth import Language
from scripts.fake_fcm import FakeFcm
from tests.fixtures.app import make_settings
from tests.fixtures.delivery import add_campaign, add_people, at, device_id, drain, worker
from tests.fixtures.users import Clock

pytestmark = pytest.mark.usefixtures("database")


def test_quiet_hours_wrap_midnight_and_end_in_the_morning() -> None:
    # 23:30 in Pakistan is 18:30 UTC; quiet 22:00-07:00 ends at 07:00 PKT, 02:00 UTC the next day.
    assert release_at("22:00", "07:00", datetime(2026, 3, 1, 18, 30, tzinfo=UTC)) == datetime(
        2026, 3, 2, 2, 0, tzinfo=UTC
    )
    # 03:00 PKT (22:00 UTC the day before) is still quiet: the same morning.
    assert release_at("22:00", "07:00", datetime(2026, 3, 1, 22, 0, tzinfo=UTC)) == datetime(
        2026, 3, 2, 2, 0, tzinfo=UTC
    )
    assert release_at("22:00", "07:00", datetime(2026, 3, 1, 2, 0, tzinfo=UTC)) is None  # 07:00 PKT
    assert release_at("22:00", "07:00", datetime(2026, 3, 1, 16, 59, tzinfo=UTC)) is None  # 21:59 PKT
    assert release_at("13:00", "15:00", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)) == datetime(
        2026, 3, 1, 10, 0, tzinfo=UTC
    )
    assert release_at("07:00", "07:00", datetime(2026, 3, 1, 2, 0, tzinfo=UTC)) is None


@pytest.mark.timeout(120)  # thousands of messages through the SDK
async def test_a_campaign_reaches_each_device_once(
    few_connections: None, fcm: FakeFcm, sender: FcmSender
) -> None:
    tokens = await add_people(700, devices_each=2) + await add_people(50, prefix="v", languages=["en"])
    campaign = await add_campaign(link={"kind": "event", "id": "e1"})
    config = worker(batch_size=300)
    await drain(sender, config)
    await drain(sender, config)  # a second pass sends nothing again
    received = Counter(r.token for r in fcm.sent())
    assert received == Counter(tokens)
    english = next(r for r in fcm.sent() if r.token == "token-v00001-0")
    assert english.message is not None
    assert english.message["notification"] == {"title": "Alert", "body": "Beware of fake visas"}
    assert english.message["data"] == {
        "campaign_id": campaign.id,
        "priority": "normal",
        "link_kind": "event",
        "link_id": "e1",
    }
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert stored.status == "sent"
    assert stored.finished_at is not None
    assert stored.stats == {
        "people": 750,
        "devices": 1450,
        "sent": 1450,
        "by_topic": 0,
        "failed": 0,
        "skipped": 0,
        "held": 0,
        "unconfirmed": 0,
    }
    assert await InboxEntry.find({"campaign_id": campaign.id}).count() == 750
    assert await Delivery.find({"campaign_id": campaign.id, "status": "sent"}).count() == 1450


async def test_dead_tokens_leave_the_registry_at_once_but_a_bad_payload_keeps_them(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    tokens = await add_people(6)
    answers = ["UNREGISTERED", "INVALID_TOKEN", "SENDER_ID_MISMATCH", "INVALID_PAYLOAD"]
    for token, answer in zip(tokens, answers, strict=False):
        fcm.fail(token, answer)
    campaign = await add_campaign()
    await drain(sender, worker())
    remaining = {device.fcm_token for device in await Device.find_all().to_list()}
    assert remaining == set(tokens[3:])
    reasons = {
        delivery.device_id: delivery.reason
        for delivery in await Delivery.find({"campaign_id": campaign.id, "status": "failed"}).to_list()
    }
    assert reasons == {
        device_id(tokens[0]): "unregistered",
        device_id(tokens[1]): "invalid_token",
        device_id(tokens[2]): "sender_mismatch",
        device_id(tokens[3]): "invalid_payload",
    }
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["failed"]) == ("sent", 2, 4)


async def test_quiet_hours_hold_normal_alerts_until_the_morning(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    night = "2026-03-01T18:30:00+00:00"  # 23:30 in Pakistan
    quiet = await add_people(3, prefix="q", quiet=("22:00", "07:00"))
    awake = await add_people(2, prefix="a")
    campaign = await add_campaign(priority="high", send_at=datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    service_clock.set(at(night))
    await drain(sender, worker())
    assert Counter(r.token for r in fcm.sent()) == Counter(awake)
    held = await Delivery.find({"campaign_id": campaign.id, "status": "held"}).to_list()
    assert {d.release_at for d in held} == {datetime(2026, 3, 2, 2, 0, tzinfo=UTC)}
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["held"]) == ("sending", 3)
    # Everyone has the alert in their inbox already.
    assert await InboxEntry.find({"campaign_id": campaign.id}).count() == 5

    service_clock.set(at("2026-03-02T01:59:00+00:00"))
    await drain(sender, worker())
    assert len(fcm.sent()) == 2
    service_clock.set(at("2026-03-02T02:00:00+00:00"))
    await drain(sender, worker())
    assert Counter(r.token for r in fcm.sent()) == Counter(quiet + awake)
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["held"], stored.stats["sent"]) == ("sent", 0, 5)


async def test_emergencies_are_never_held_and_reach_stopped_people(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    service_clock.set(at("2026-03-01T18:30:00+00:00"))
    stopped = await add_people(2, prefix="s", stopped=True)
    quiet = await add_people(2, prefix="q", quiet=("22:00", "07:00"))
    send_at = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    normal = await add_campaign(audience={"districts": ["Lahore"]}, send_at=send_at)
    await drain(sender, worker())
    assert fcm.sent() == []
    assert await Delivery.find({"campaign_id": normal.id}).count() == 2  # the quiet people, held
    assert await InboxEntry.find({"campaign_id": normal.id}).count() == 2  # not the stopped people

    emergency = await add_campaign(audience={"districts": ["Lahore"]}, priority="emergency", send_at=send_at)
    await drain(sender, worker())
    assert Counter(r.token for r in fcm.sent()) == Counter(stopped + quiet)
    stored = await Campaign.get(emergency.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["held"]) == ("sent", 4, 0)


async def test_a_retryable_failure_is_sent_once_by_a_later_retry_batch(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    tokens = await add_people(4)
    fcm.fail(tokens[0], "QUOTA_EXCEEDED", times=3)  # the sender's three quick attempts all fail
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    campaign = await add_campaign(send_at=start)
    service_clock.set(start)
    await drain(sender, worker(lease_s=30))
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens[1:])
    failing = await Delivery.get(f"{campaign.id}:{device_id(tokens[0])}")
    assert failing is not None
    assert (failing.status, failing.reason, failing.retryable) == ("failed", "QUOTA_EXCEEDED", True)

    service_clock.set(at("2026-03-01T08:00:31+00:00"))
    await drain(sender, worker(lease_s=30))
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["failed"]) == ("sent", 4, 0)


async def test_an_emergency_to_the_whole_country_goes_out_as_province_topic_messages(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    await import_seed_data()
    provinces = [province.id for province in await Province.find_all().to_list()]
    # Confirmed in their topic before the emergency: reached by its topic messages, no push of their own.
    tokens = await add_people(30, quiet=("22:00", "07:00"), in_topic=True)
    tokens += await add_people(5, prefix="s", stopped=True, in_topic=True)
    campaign = await add_campaign(priority="emergency")
    await drain(sender, worker())
    await drain(sender, worker())
    topics = {r.topic: r.message for r in fcm.sent() if r.topic is not None}
    assert len(topics) == len(provinces) * len(Language) == len(fcm.sent())  # no push to any device
    sindhi = topics[topic_name("PK-SD", "sd")]
    english = topics[topic_name("PK-SD", "en")]
    assert sindhi is not None
    assert english is not None
    assert sindhi["notification"]["title"] == "انتباہ"  # no Sindhi text: Urdu
    assert english["notification"]["title"] == "Alert"
    deliveries = await Delivery.find({"campaign_id": campaign.id}).to_list()
    assert {(d.status, d.channel) for d in deliveries} == {("sent", "topic")}
    assert {d.device_id for d in deliveries} == {device_id(token) for token in tokens}
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.topics_sent, stored.stats["sent"], stored.stats["by_topic"]) == (
        "sent",
        True,
        35,
        35,
    )


async def test_the_api_process_sends_due_campaigns_with_its_own_worker(
    shared_database: Database, fcm: FakeFcm
) -> None:
    settings = make_settings(
        shared_database.settings.mongodb_uri,
        mongodb_database=shared_database.db.name,
        fcm_base_url=fcm.base_url,
        alerts_poll_interval_s=0.05,
        alerts_topic_sync_interval_s=0,
    )
    app = create_app(settings, database=shared_database)
    tokens = await add_people(20)
    async with app.router.lifespan_context(app):
        assert isinstance(app.state.fcm, FcmSender)
        campaign = await add_campaign()
        for _ in range(400):
            stored = await Campaign.get(campaign.id)
            if stored is not None and stored.status == "sent":
                break
            await asyncio.sleep(0.05)
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
