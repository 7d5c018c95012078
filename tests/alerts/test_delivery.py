"""Delivery: each device once, in its language, at a decent hour; dead tokens dropped; statistics."""

from collections import Counter
from datetime import UTC, datetime

from backend.alerts.fcm import FcmSender
from backend.alerts.models import Campaign, Delivery, InboxEntry
from backend.alerts.quiet import release_at
from backend.core.settings import Settings
from backend.youth.models import Device
from scripts.fake_fcm import FakeFcm
from tests.alerts.delivery_helpers import add_campaign, add_people, at, device_id, drain, worker


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


async def test_a_campaign_reaches_each_device_once(settings: Settings, fcm: FakeFcm, sender: FcmSender) -> None:
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
    assert stored.stats == {"people": 750, "devices": 1450, "sent": 1450, "failed": 0, "skipped": 0, "held": 0}
    assert await InboxEntry.find({"campaign_id": campaign.id}).count() == 750
    assert await Delivery.find({"campaign_id": campaign.id, "status": "sent"}).count() == 1450
