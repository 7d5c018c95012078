"""Benchmark alert delivery: a campaign to N devices through the local FCM server, against a bare loop.

Stores young people with one phone each straight into the database (in the form the API stores them),
starts the local FCM-compatible server (`scripts.fake_fcm`) in a process of its own, and sends:
- a normal campaign to every device with the alerts worker (plan, leased batches, a delivery record
  claimed before each send, outcomes, statistics, inbox entries), run in this process until it is `sent`;
- the same messages (built by the same functions) by a bare loop of `send_each_async` calls of 500
  through the same SDK app, with no bookkeeping at all.
Both are timed (messages per second) with the memory each adds to the process at its peak (resident
memory, sampled), first with the small store, then with the full one: memory must stay flat as the
audience grows.

Then the crash run (alerts_crash.py): a campaign to every device with its worker process SIGKILLed
mid-campaign and a second one taking over, beside a bare loop against the same local FCM server.
"""

import argparse
import asyncio
import hashlib
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from firebase_admin import messaging

from backend.alerts.delivery.config import WorkerConfig, worker_id
from backend.alerts.delivery.worker import run_round
from backend.alerts.models import Campaign
from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.messages import to_fcm
from backend.alerts.push.pushes import message_for
from backend.core.settings import Settings
from scripts.bench.alerts_crash import CrashFigures, bench_campaign, crash_campaign, crash_run, print_crash
from scripts.bench.common import add_heap_option, bench_settings, load_geography, store_directly
from scripts.db import beanie_session
from scripts.engine import free_port

BATCH = 500
GOALS = "goals: the worker at 0.7x or more of the bare loop; its peak memory at full within 1.2x of small"
CRASH_GOALS = (
    "goals: none never received, sending resumed within 15 s of the kill, 0.8x or more of the bare loop"
)


@contextmanager
def fake_fcm() -> Iterator[str]:
    """The local FCM server in a process of its own (it would share this process's interpreter lock)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.fake_fcm", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        import httpx

        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/received", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the local FCM server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _people(first: int, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    for number in range(first, first + count):
        yield {
            "_id": f"bench-{number:07d}",
            "display_name": "Bench Person",
            "birth_year": 2004,
            "gender": "female",
            "district": "lahore",
            "constituency": "NA-117",
            "province": "PK-PB",
            "languages": ["ur"],
            "interests": ["legal_migration"],
            "consent": {"version": "2026-11-v1", "given_at": now, "method": "app"},
            # No quiet hours, so that nothing is held for the morning during the run.
            "quiet_start": "00:00",
            "quiet_end": "00:00",
            "alerts_stopped": False,
            "status": "active",
            "created_at": now,
            "updated_at": now,
        }


def _token(number: int) -> str:
    # About the length of a real FCM registration token.
    return f"bench{number:07d}:" + "A" * 150


def _devices(first: int, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    for number in range(first, first + count):
        token = _token(number)
        yield {
            "_id": hashlib.sha256(token.encode()).hexdigest(),
            "fcm_token": token,
            "uid": f"bench-{number:07d}",
            "platform": "android",
            "app_version": "1.0.0",
            "locale": "ur-PK",
            "registered_at": now,
            "last_seen_at": now,
        }


def _normal_campaign() -> Campaign:
    """The normal run's campaign: news."""
    return bench_campaign(
        priority="normal",
        title={"ur": "محفوظ ہجرت", "en": "Safe migration"},
        body={"ur": "جعلی ویزا کے جھانسے سے بچیں۔", "en": "Beware of fake visa offers."},
    )


async def _campaign(settings: Settings, sender: FcmSender) -> None:
    """One national campaign, sent by the alerts worker in this process until it is `sent`."""
    campaign = _normal_campaign()
    await campaign.insert()
    config = WorkerConfig(worker_id(), 60.0, BATCH, concurrency=settings.alerts_concurrency)
    while (stored := await Campaign.get(campaign.id)) is not None and stored.status != "sent":
        report = await run_round(sender=sender, config=config)
        if report.batches:
            print(f"  worker: {report.batches} batches this round", flush=True)


async def _bare(sender: FcmSender, count: int, campaign: Campaign) -> None:
    """`count` messages by a bare loop of send_each_async calls of 500: no database, no records.

    Each is the message the worker sends for `campaign` (its text, data, priority, lifetime and collapse
    identity), so that what the two rates differ by is the worker's bookkeeping.
    """
    for first in range(0, count, BATCH):
        chunk = [
            to_fcm(message_for(campaign, language="ur", token=_token(number)))
            for number in range(first, min(first + BATCH, count))
        ]
        await messaging.send_each_async(chunk, app=sender.app)
        if first // BATCH % 20 == 0:
            print(f"  bare loop: {first + len(chunk):,}/{count:,}", flush=True)


def _rss_bytes() -> int:
    # Resident memory of this process (Linux): the second field of /proc/self/statm, in pages.
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


async def _measure(action: Callable[[], Awaitable[None]]) -> tuple[float, int]:
    """Seconds `action` takes and the most memory it added to the process (peak RSS over the start).

    Sampled every 20 ms beside the work: tracemalloc would slow the worker's Python far more than the
    bare loop's, and the rates are measured in the same pass.
    """
    start = _rss_bytes()
    peak = start
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes())
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    began = time.perf_counter()
    await action()
    elapsed = time.perf_counter() - began
    done.set()
    await sampler
    return elapsed, max(peak, _rss_bytes()) - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.alerts_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--devices", type=int, default=100_000, help="devices at the full size (default 100,000)"
    )
    parser.add_argument(
        "--small", type=int, default=10_000, help="devices at the small size (default 10,000)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="batches the worker sends at once (default: the setting's)",
    )
    parser.add_argument(
        "--skip-crash", action="store_true", help="leave out the crash run (a SIGKILL mid-campaign)"
    )
    parser.add_argument(
        "--crash-only", action="store_true", help="only the crash run (and its bare loop), at --devices"
    )
    add_heap_option(parser)
    args = parser.parse_args(argv)
    overrides = {} if args.concurrency is None else {"alerts_concurrency": args.concurrency}
    results: dict[int, dict[str, tuple[float, int]]] = {}
    with (
        fake_fcm() as fcm_url,
        bench_settings(heap_mb=args.engine_heap_mb, fcm_base_url=fcm_url, **overrides) as settings,
    ):
        print("loading geography ...", flush=True)
        load_geography(settings)
        now = datetime.now(UTC)

        async def run(size: int) -> None:
            async with beanie_session(settings):
                sender = FcmSender(
                    project_id=settings.firebase_project_id,
                    base_url=fcm_url,
                    http_timeout_s=settings.firebase_http_timeout_s,
                )
                try:
                    # Connections and the SDK warm first, so that neither figure pays for starting.
                    print("warming up: 1,000 messages by the bare loop (not counted) ...", flush=True)
                    await _bare(sender, 1_000, _normal_campaign())
                    print(f"campaign to {size:,} devices through the alerts worker ...", flush=True)
                    worker = await _measure(lambda: _campaign(settings, sender))
                    print(f"bare loop of send_each calls, {size:,} messages ...", flush=True)
                    bare = await _measure(lambda: _bare(sender, size, _normal_campaign()))
                finally:
                    await sender.close()
            results[size] = {"worker": worker, "bare": bare}

        stored = 0
        for size in (args.small, args.devices):
            print(f"storing up to {size:,} young people with a phone each ...", flush=True)
            store_directly(settings, "youth_profiles", _people(stored, size - stored, now), label="people")
            store_directly(settings, "youth_devices", _devices(stored, size - stored, now), label="devices")
            stored = size
            if not args.crash_only:
                asyncio.run(run(size))
        crash = None if args.skip_crash else _crash(settings, args.devices)
    print(f"\nsummary (a campaign to every device; memory: the peak resident memory each added)\n  {GOALS}")
    for size, figures in results.items():
        (worker_s, worker_peak), (bare_s, bare_peak) = figures["worker"], figures["bare"]
        print(
            f"  {size:>9,} devices: worker {size / worker_s:8.1f} msg/s, peak {worker_peak / 2**20:7.1f} MiB"
            f" | bare loop {size / bare_s:8.1f} msg/s, peak {bare_peak / 2**20:7.1f} MiB"
            f" | worker/bare rate {bare_s / worker_s:.2f}"
        )
    if results:
        small_peak, full_peak = results[args.small]["worker"][1], results[args.devices]["worker"][1]
        print(f"  worker peak memory, full/small: {full_peak / small_peak:.2f}")
    if crash is not None:
        print_crash(*crash, goals=CRASH_GOALS)
    return 0


def _crash(settings: Settings, devices: int) -> tuple[CrashFigures, float]:
    """The crash run with its own local FCM server, and a bare loop's rate against that server."""
    with fake_fcm() as fcm_url:
        print(
            f"crash run: a campaign to {devices:,} devices, its worker SIGKILLed mid-campaign ...", flush=True
        )
        figures = crash_run(settings, fcm_url, devices=devices)

        async def bare() -> float:
            sender = FcmSender(project_id=settings.firebase_project_id, base_url=fcm_url)
            try:
                async with beanie_session(settings):  # a Campaign is a Beanie document, even unsaved
                    campaign = crash_campaign()
                print(f"bare loop of send_each calls, {devices:,} messages (same server) ...", flush=True)
                began = time.perf_counter()
                await _bare(sender, devices, campaign)
                return devices / (time.perf_counter() - began)
            finally:
                await sender.close()

        return figures, asyncio.run(bare())


if __name__ == "__main__":
    raise SystemExit(main())
