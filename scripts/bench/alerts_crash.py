"""The alerts benchmark's crash run: a campaign to every stored device, its worker SIGKILLed mid-campaign.

The worker runs as a process of its own (`scripts.alerts_worker --once`, the default lease and poll) and
is killed once a share of the devices has had the message; a second worker process takes over and
finishes. The local FCM server's tally then says how many devices never received the campaign, how many
received it twice (with the same collapse identity: shown once), and when sending resumed after the kill.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from backend.alerts.models import Campaign
from backend.core.settings import Settings
from scripts.db import beanie_session

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CrashFigures:
    devices: int
    seconds: float  # from the first worker's start to the second's exit
    killed_after: int  # messages FCM had when the worker was killed
    resumed_after_s: float | None  # from the kill to the next message reaching FCM
    never_received: int
    received_twice: int
    shown_twice: int

    @property
    def rate(self) -> float:
        return self.devices / self.seconds


def _worker(settings: Settings, fcm_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MONGODB_URI": settings.mongodb_uri,
        "MONGODB_DATABASE": settings.mongodb_database,
        "FIREBASE_PROJECT_ID": settings.firebase_project_id,
        "FCM_BASE_URL": fcm_url,
        "ALERTS_CONCURRENCY": str(settings.alerts_concurrency),
        "ALERTS_TOPIC_SYNC_INTERVAL_S": "0",
        "NO_GCE_CHECK": "true",
        # An engine holding a few hundred thousand documents pauses for garbage collection on a busy
        # machine: a slow answer, not a lost database.
        "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "30000",
        "MONGODB_SOCKET_TIMEOUT_MS": "60000",
    }
    env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "scripts.alerts_worker", "--once"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _sent(fcm_url: str) -> int:
    """Messages the local FCM server accepted for a token so far (cheap; the tally walks them all)."""
    answer: dict[str, int] = httpx.get(f"{fcm_url}/sent", timeout=60).json()
    return answer["messages"]


def _tally(fcm_url: str, after: float = 0.0) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{fcm_url}/tally", params={"after": after}, timeout=60).json()
    return answer


def bench_campaign(*, priority: str, title: dict[str, str], body: dict[str, str]) -> Campaign:
    """A campaign to the whole country, due now (not stored)."""
    now = datetime.now(UTC)
    return Campaign(
        id=str(uuid.uuid4()),
        idempotency_key=f"bench {uuid.uuid4().hex}",
        created_by="bench-editor",
        title=title,
        body=body,
        audience={"national": True},
        priority=priority,
        send_at=now,
        status="scheduled",
        created_at=now,
        updated_at=now,
    )


def crash_campaign() -> Campaign:
    """The crash run's campaign: a high-priority warning."""
    return bench_campaign(
        priority="high",
        title={"ur": "سیلاب کا خطرہ", "en": "Flood warning"},
        body={"ur": "اونچی جگہ پر جائیں۔", "en": "Move to high ground now."},
    )


async def _add_campaign(settings: Settings) -> None:
    async with beanie_session(settings):
        await crash_campaign().insert()


def crash_run(settings: Settings, fcm_url: str, *, devices: int, kill_at_share: float = 0.4) -> CrashFigures:
    """Send one campaign to `devices` devices, SIGKILL its worker at `kill_at_share` of them, finish it."""
    asyncio.run(_add_campaign(settings))
    log = Path(tempfile.mkdtemp(prefix="alerts-crash-")) / "workers.log"
    began = time.monotonic()
    first = _worker(settings, fcm_url, log)
    try:
        while (sent := _sent(fcm_url)) < devices * kill_at_share:
            if first.poll() is not None:
                raise RuntimeError(f"the worker stopped before the kill: {log.read_text()}")
            print(f"  crash run: {sent:,}/{devices:,} at FCM, killing at {kill_at_share:.0%}", flush=True)
            time.sleep(1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    killed_at = time.monotonic()
    print(f"  crash run: worker SIGKILLed with {sent:,} at FCM; a second worker takes over", flush=True)
    second = _worker(settings, fcm_url, log)
    while second.poll() is None:
        time.sleep(1)
        print(f"  crash run: {_sent(fcm_url):,} at FCM", flush=True)
    if second.returncode != 0:
        raise RuntimeError(f"the second worker failed: {log.read_text()}")
    seconds = time.monotonic() - began
    tally = _tally(fcm_url, after=killed_at)
    resumed = tally["first_arrival_after"]
    print(f"  crash run tally: {json.dumps(tally)}", flush=True)
    return CrashFigures(
        devices=devices,
        seconds=seconds,
        killed_after=sent,
        resumed_after_s=None if resumed is None else resumed - killed_at,
        never_received=devices - tally["phones"],
        received_twice=tally["received_twice"],
        shown_twice=tally["shown_twice"],
    )


def print_crash(run: CrashFigures, bare_rate: float, *, goals: str) -> None:
    """The crash run's figures for the summary, beside the goals."""
    resumed = "never" if run.resumed_after_s is None else f"{run.resumed_after_s:.1f} s"
    print(f"\ncrash run: one SIGKILL of the worker at {run.killed_after:,} messages\n  {goals}")
    print(f"  {run.devices:,} devices: never received {run.never_received:,}")
    print(
        f"  received twice {run.received_twice:,}, shown twice {run.shown_twice:,} (same collapse identity)"
    )
    print(f"  sending resumed {resumed} after the kill")
    print(
        f"  {run.rate:.1f} msg/s over both workers and the takeover, bare loop {bare_rate:.1f} msg/s: "
        f"{run.rate / bare_rate:.2f}x"
    )
