"""Alerts worker processes, killed for real (SIGKILL) or sharing a campaign: no device lost, none sent
twice by two live workers, a dead planner taken over within the default lease.
"""

import asyncio
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.core.database import Database
from backend.core.settings import Settings
from scripts.alerts_worker import EXIT_WATCHDOG_S
from scripts.fake_fcm import FakeFcm
from tests.fixtures.delivery import add_campaign, add_people, stored_campaign, until
from tests.fixtures.processes import script_env, start_script

pytestmark = pytest.mark.usefixtures("database")


def _start_worker(
    settings: Settings,
    fcm: FakeFcm,
    log: Path,
    *,
    once: bool,
    batch_size: int,
    concurrency: int,
    quick: bool = True,
) -> subprocess.Popen[str]:
    """A worker process; `quick` shortens its lease and polling, else it runs with the defaults."""
    env = script_env(
        ENVIRONMENT="test",
        MONGODB_URI=settings.mongodb_uri,
        MONGODB_DATABASE=settings.mongodb_database,
        FIREBASE_PROJECT_ID="demo-hamqadam",
        FCM_BASE_URL=fcm.base_url,
        ALERTS_BATCH_SIZE=str(batch_size),
        ALERTS_CONCURRENCY=str(concurrency),
        ALERTS_TOPIC_SYNC_INTERVAL_S="0",
        NO_GCE_CHECK="true",
        FIREBASE_AUTH_EMULATOR_HOST=None,
    )
    if quick:
        env |= {"ALERTS_LEASE_S": "3", "ALERTS_POLL_INTERVAL_S": "0.2"}
    return start_script("scripts.alerts_worker", *(["--once"] if once else []), env=env, log=log)


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.timeout(150)
async def test_a_worker_killed_three_times_loses_no_device_and_shows_each_message_once(
    shared_database: Database, fcm: FakeFcm, tmp_path: Path
) -> None:
    """Killed while planning (its topic message at FCM), mid-batch (a whole batch at FCM) and between
    batches: every device ends with the campaign shown exactly once, none lost."""
    tokens = await add_people(600)  # not yet in their topic: each is sent the emergency directly
    settings, log = shared_database.settings, tmp_path / "workers.log"
    topic = "alerts-PK-PB-ur"
    fcm.slow(topic, 3, times=1)
    campaign = await add_campaign(priority="emergency", audience={"provinces": ["PK-PB"]})

    def start() -> subprocess.Popen[str]:
        return _start_worker(settings, fcm, log, once=True, batch_size=50, concurrency=1)

    planner = start()
    try:
        await until(lambda: fcm.in_flight == 1, timeout_s=30, what="the topic message")
    finally:
        _kill(planner)
    assert not (await stored_campaign(campaign.id)).planned
    await until(lambda: fcm.in_flight == 0, timeout_s=10, what="the killed planner's topic message")

    fcm.slow(None, 0.5)
    mid_batch = start()
    try:
        await until(lambda: len(fcm.sent()) >= 50 and fcm.in_flight == 50, timeout_s=60, what="a batch")
    finally:
        _kill(mid_batch)
    await until(lambda: fcm.in_flight == 0, timeout_s=10, what="the killed worker's requests")

    between = start()
    try:
        answered = len(fcm.sent())
        await until(
            lambda: len(fcm.sent()) >= answered + 50 and fcm.in_flight == 0, timeout_s=60, what="a batch end"
        )
    finally:
        _kill(between)
    fcm.app.clear_rules()

    last = start()
    assert await asyncio.to_thread(last.wait, 60) == 0, log.read_text()
    shown = {token: fcm.displayed(token) for token in tokens}
    assert shown == {token: [campaign.id] for token in tokens}  # none lost, each shown once
    twice = sum(len(fcm.received_by(token)) > 1 for token in tokens)
    assert twice >= 50  # the batch at FCM when killed went again, under the same identity
    stored = await stored_campaign(campaign.id)
    assert stored.status == "sent"
    assert (stored.stats["sent"], stored.stats["failed"], stored.stats["unconfirmed"]) == (600, 0, 0)
    deliveries = await Delivery.find({"campaign_id": campaign.id}).to_list()
    assert {(d.status, d.channel) for d in deliveries} == {("sent", "token")}


@pytest.mark.timeout(120)
async def test_a_killed_planner_is_taken_over_within_15_seconds_with_the_default_lease(
    shared_database: Database, fcm: FakeFcm, tmp_path: Path
) -> None:
    tokens = await add_people(20)
    settings, log = shared_database.settings, tmp_path / "workers.log"
    fcm.slow("alerts-PK-PB-ur", 60, times=1)
    heir = _start_worker(settings, fcm, log, once=False, batch_size=50, concurrency=1, quick=False)
    planner = None
    try:
        await until(lambda: log.read_text().count(" ready ") == 1, timeout_s=30, what="the heir")
        heir_owner = log.read_text().split("alerts worker ")[1].split()[0]
        planner = _start_worker(settings, fcm, log, once=True, batch_size=50, concurrency=1, quick=False)
        campaign = await add_campaign(priority="emergency", audience={"provinces": ["PK-PB"]})
        await until(lambda: fcm.in_flight == 1, timeout_s=30, what="the planner's topic message")
        stored = await stored_campaign(campaign.id)
        if stored.plan_owner == heir_owner:  # the idle heir claimed it first: let it be the one killed
            planner, heir = heir, planner
        _kill(planner)
        killed_at = time.monotonic()
        while (await stored_campaign(campaign.id)).status != "sent":
            assert time.monotonic() - killed_at < 60, log.read_text()
            await asyncio.sleep(0.05)
        resumed = min(r.arrived for r in fcm.requests() if r.token in tokens)
        waited = resumed - killed_at
        assert waited < 15, f"taken over after {waited:.1f} s"
    finally:
        for process in (heir, planner):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    assert all(fcm.displayed(token) == [campaign.id] for token in tokens)


@pytest.mark.timeout(120)
async def test_two_worker_processes_share_a_campaign_without_sending_a_device_twice(
    shared_database: Database, fcm: FakeFcm, tmp_path: Path
) -> None:
    tokens = await add_people(2000)
    fcm.slow(None, 0.05)
    log = tmp_path / "workers.log"
    # The default lease: a live worker never loses it to the other on a busy machine (a lost lease would
    # be resent, at least once, and this test counts sends).
    workers = [
        _start_worker(
            shared_database.settings, fcm, log, once=False, batch_size=100, concurrency=2, quick=False
        )
        for _ in range(2)
    ]
    try:
        await until(lambda: log.read_text().count(" ready ") == 2, timeout_s=30, what="both workers")
        campaign = await add_campaign()

        async def finished() -> bool:
            stored = await Campaign.get(campaign.id)
            return stored is not None and stored.status == "sent"

        deadline = time.monotonic() + 90
        while not await finished():
            if time.monotonic() > deadline:
                batches = await AlertBatch.find({"campaign_id": campaign.id}).to_list()
                states = sorted((b.id, b.status, b.lease_owner, str(b.lease_until)) for b in batches)
                raise AssertionError(
                    f"not sent in 90 s; FCM requests in flight: {fcm.in_flight}, received: "
                    f"{len(fcm.sent())}; batches: {states}\n{log.read_text()}"
                )
            await asyncio.sleep(0.2)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        for process in workers:
            # A worker held past its exit watchdog prints its threads' stacks to the log and exits 1.
            process.wait(timeout=EXIT_WATCHDOG_S + 10)
    assert [process.returncode for process in workers] == [0, 0], log.read_text()
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    owners = {batch.lease_owner for batch in await AlertBatch.find({"campaign_id": campaign.id}).to_list()}
    pids = {owner.split(":")[1] for owner in owners if owner}
    assert pids == {str(process.pid) for process in workers}
