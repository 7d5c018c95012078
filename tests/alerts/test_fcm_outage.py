"""FCM answering 503 to every send for a while: a campaign waits it out without using up the retries that
bad tokens get, and completes once FCM is back, each phone once; a very long outage is given up.

scripts/bench/fault_bench.py's fcm_outage runs a minute-long outage against the whole stack."""

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from backend.alerts.delivery.batch import MAX_RETRIES, OUTAGE_RETRY_WINDOW
from backend.alerts.push.fcm import FcmSender
from scripts.fake_fcm import FakeFcm
from tests.fixtures.delivery import add_campaign, add_people, drain, stored_campaign, worker
from tests.fixtures.users import Clock

pytestmark = pytest.mark.usefixtures("database")
LEASE_S = 0.05  # retry batches wait a lease or a few (at most six) before they are due


async def _work_until(sender: FcmSender, campaign_id: str, *, attempts: int) -> str:
    config = worker("w", lease_s=LEASE_S)
    for _ in range(attempts):
        await drain(sender, config)
        status = (await stored_campaign(campaign_id)).status
        if status == "sent":
            return status
        await asyncio.sleep(LEASE_S * 7)
    return status


async def test_a_campaign_outlasts_an_outage_longer_than_its_retries(fcm: FakeFcm, sender: FcmSender) -> None:
    tokens = await add_people(4)
    fcm.fail(None, "UNAVAILABLE")
    campaign = await add_campaign()
    assert await _work_until(sender, campaign.id, attempts=MAX_RETRIES * 2) == "sending"
    assert fcm.sent() == []
    fcm.app.clear_rules()  # FCM is back
    assert await _work_until(sender, campaign.id, attempts=10) == "sent"
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    stored = await stored_campaign(campaign.id)
    assert (stored.stats["sent"], stored.stats["failed"]) == (4, 0)


async def test_an_outage_past_the_window_is_given_up(
    fcm: FakeFcm, sender: FcmSender, service_clock: Clock
) -> None:
    await add_people(3)
    fcm.fail(None, "UNAVAILABLE")
    campaign = await add_campaign()
    assert await _work_until(sender, campaign.id, attempts=2) == "sending"
    service_clock.shift(int((OUTAGE_RETRY_WINDOW + timedelta(minutes=1)).total_seconds()))
    assert await _work_until(sender, campaign.id, attempts=10) == "sent"
    stored = await stored_campaign(campaign.id)
    assert (stored.stats["sent"], stored.stats["failed"]) == (0, 3)
