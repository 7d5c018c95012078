"""Workers die and share: a taken-over batch never repeats a claimed device; processes never double-send.

The at-most-once window: a device whose delivery a worker claimed but whose send it never recorded is
closed as `unconfirmed` by the worker taking the batch over, and never sent again. If the dead worker had
already put its request on the wire, the phone got it once; if it died between the claim and the request,
the phone gets nothing (a known loss, counted as failed). The crash test kills the worker while FCM holds
a whole batch's requests unanswered, so every claimed device had reached FCM: exactly once.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from backend.alerts.fcm import FcmSender
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.planner import claim_due, plan
from backend.alerts.worker import lease_batch, work_one
from backend.core.clock import utc_now
from backend.core.database import Database
from backend.core.settings import Settings
from scripts.fake_fcm import FakeFcm
from tests.alerts.delivery_helpers import (
    add_campaign,
    add_people,
    database,  # noqa: F401  (a fixture, used by the module's mark)
    device_id,
    drain,
    worker,
)

pytestmark = pytest.mark.usefixtures("database")
ROOT = Path(__file__).resolve().parents[2]


async def test_a_batch_taken_over_after_its_lease_closes_claimed_devices_as_unconfirmed(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    tokens = await add_people(10)
    await add_campaign()
    dead = worker("dead", lease_s=30)
    campaign = await claim_due(config=dead)
    assert campaign is not None
    assert await plan(campaign, sender=sender, config=dead)
    batch = await lease_batch(config=dead)
    assert batch is not None
    # The dead worker claimed four devices and died before recording any send.
    now = utc_now()
    for token in tokens[:4]:
        await Delivery(
            id=f"{campaign.id}:{device_id(token)}",
            campaign_id=campaign.id,
            uid=token.split("-")[1],
            device_id=device_id(token),
            status="claimed",
            batch_id=batch.id,
            language="ur",
            at=now,
        ).insert()

    early = worker("heir", clock=lambda: utc_now() + timedelta(seconds=10))
    await drain(sender, early)
    assert fcm.sent() == []  # the lease still holds
    heir = worker("heir", clock=lambda: utc_now() + timedelta(seconds=31))
    await drain(sender, heir)
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens[4:])
    unconfirmed = await Delivery.find({"campaign_id": campaign.id, "status": "unconfirmed"}).to_list()
    assert {d.device_id for d in unconfirmed} == {device_id(token) for token in tokens[:4]}
    assert {d.reason for d in unconfirmed} == {"unconfirmed"}
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["failed"]) == ("sent", 6, 4)


def _start_worker(
    settings: Settings, fcm: FakeFcm, log: Path, *, once: bool, batch_size: int, concurrency: int
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MONGODB_URI": settings.mongodb_uri,
        "MONGODB_DATABASE": settings.mongodb_database,
        "FIREBASE_PROJECT_ID": "demo-hamqadam",
        "FCM_BASE_URL": fcm.base_url,
        "ALERTS_LEASE_S": "3",
        "ALERTS_BATCH_SIZE": str(batch_size),
        "ALERTS_CONCURRENCY": str(concurrency),
        "ALERTS_POLL_INTERVAL_S": "0.2",
        "ALERTS_TOPIC_SYNC_INTERVAL_S": "0",
        "NO_GCE_CHECK": "true",
    }
    env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
    command = [sys.executable, "-m", "scripts.alerts_worker", *(["--once"] if once else [])]
    with log.open("a") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True
        )


async def _until(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_a_worker_killed_mid_campaign_leaves_every_device_received_exactly_once(
    shared_database: Database, fcm: FakeFcm, tmp_path: Path
) -> None:
    tokens = await add_people(600)
    # The first three batches of 50 are answered slowly, one batch at a time: the kill lands while the third
    # is in flight, all of it at FCM.
    fcm.slow(None, 1.5, times=150)
    campaign = await add_campaign()
    log = tmp_path / "workers.log"
    first = _start_worker(shared_database.settings, fcm, log, once=True, batch_size=50, concurrency=1)
    try:
        await _until(
            lambda: len(fcm.requests()) >= 100 and fcm.in_flight == 50, timeout_s=30, what="3rd batch"
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    await _until(lambda: fcm.in_flight == 0, timeout_s=10, what="the killed worker's requests")
    second = _start_worker(shared_database.settings, fcm, log, once=True, batch_size=50, concurrency=1)
    assert await asyncio.to_thread(second.wait, 40) == 0, log.read_text()

    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    unconfirmed = await Delivery.find({"campaign_id": campaign.id, "status": "unconfirmed"}).count()
    assert unconfirmed == 50
    stored = await Campaign.get(campaign.id)
    assert stored is not None
    assert (stored.status, stored.stats["sent"], stored.stats["failed"]) == ("sent", 550, 50)


async def test_two_worker_processes_share_a_campaign_without_sending_a_device_twice(
    shared_database: Database, fcm: FakeFcm, tmp_path: Path
) -> None:
    tokens = await add_people(2000)
    fcm.slow(None, 0.05)
    log = tmp_path / "workers.log"
    workers = [
        _start_worker(shared_database.settings, fcm, log, once=False, batch_size=100, concurrency=2)
        for _ in range(2)
    ]
    try:
        await _until(lambda: log.read_text().count(" ready ") == 2, timeout_s=30, what="both workers")
        campaign = await add_campaign()

        async def finished() -> bool:
            stored = await Campaign.get(campaign.id)
            return stored is not None and stored.status == "sent"

        deadline = time.monotonic() + 40
        while not await finished():
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.2)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        for process in workers:
            process.wait(timeout=15)
    assert [process.returncode for process in workers] == [0, 0], log.read_text()
    assert Counter(r.token for r in fcm.sent()) == Counter(tokens)
    owners = {batch.lease_owner for batch in await AlertBatch.find({"campaign_id": campaign.id}).to_list()}
    pids = {owner.split(":")[1] for owner in owners if owner}
    assert pids == {str(process.pid) for process in workers}


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
        await _until(lambda: fcm.in_flight == 5, timeout_s=10, what="the sends")
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
