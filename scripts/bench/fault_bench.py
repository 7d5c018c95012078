"""Faults during load, each followed by a check that every acknowledged write is in the database
(fault_load.py: phones signing up, registering devices, checking in, answering a poll, officers planning
events). The stack is load_stack.py's (two API processes, real signed tokens), the engine's data in a
file, so that what is checked is what a restart keeps.

Scenarios (`--only` picks some):
  engine_stop  the engine stopped for 20 s, then started again: the API answers 503 while it is gone and
               recovers without a restart.
  api_kill     one API process SIGKILLed: uvicorn's supervisor starts another; the other process goes on.
  fcm_outage   FCM answers 503 for 60 s while an emergency campaign goes out: it completes afterwards,
               every phone gets it exactly once.
  disk_full    the engine's data directory (a small tmpfs) fills up: writes are refused with 503, nothing
               acknowledged is lost, and writes succeed again once space returns. Needs root (mount).

Examples:
  python -m scripts.bench.fault_bench
  python -m scripts.bench.fault_bench --only engine_stop fcm_outage
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from scripts.bench.fault_load import Phones
from scripts.bench.load_stack import LoadStack

WRITERS = 16


def _verdict(stack: LoadStack, phones: Phones) -> list[str]:
    """The timeline, the statuses in all, and every acknowledged write looked up (after an engine restart)."""
    assert stack.engine is not None
    stack.engine.stop()  # a clean restart: what is checked is what the data file keeps
    stack.engine.start()
    missing = phones.checker.missing(stack.environment["MONGODB_URI"], stack.environment["MONGODB_DATABASE"])
    totals: dict[int, int] = {}
    for second in phones.timeline.seconds.values():
        for status, n in second.items():
            totals[status] = totals.get(status, 0) + n
    lines = ["  answers every 5 s:", *phones.timeline.lines()]
    lines.append(
        "  answers in all: " + ", ".join(f"{s or 'no answer'}: {n:,}" for s, n in sorted(totals.items()))
    )
    for kind, acknowledged in phones.checker.acknowledged.items():
        lost = missing.get(kind, [])
        lines.append(f"  {kind:<12} acknowledged {len(acknowledged):6,}  missing afterwards {len(lost)}")
    lost_any = any(missing.values())
    lines.append(
        f"  server errors (5xx other than 503): {sum(n for s, n in totals.items() if s >= 500 and s != 503)}"
    )
    lines.append(f"  every acknowledged write present: {'NO' if lost_any else 'yes'}")
    return lines


def _under_load(stack: LoadStack, seconds: float, fault: Callable[[], Coroutine[Any, Any, None]]) -> Phones:
    """Phones writing for `seconds` while `fault` runs beside them."""
    phones = Phones(stack.base, json.loads(stack.people().read_text()))

    async def both() -> None:
        await asyncio.gather(phones.run(writers=WRITERS, seconds=seconds), fault())

    asyncio.run(both())
    return phones


def engine_stop() -> list[str]:
    with tempfile.TemporaryDirectory() as data, LoadStack(processes=2, data_dir=Path(data)) as stack:
        engine = stack.engine
        assert engine is not None

        async def outage() -> None:
            await asyncio.sleep(10)
            await asyncio.to_thread(engine.stop)
            print("  engine stopped", flush=True)
            await asyncio.sleep(20)
            await asyncio.to_thread(engine.start)
            print("  engine started again", flush=True)

        phones = _under_load(stack, 60, outage)
        return ["engine stopped at 10 s for 20 s (two API processes, 16 writers):", *_verdict(stack, phones)]


def api_kill() -> list[str]:
    with tempfile.TemporaryDirectory() as data, LoadStack(processes=2, data_dir=Path(data)) as stack:
        before = [worker.pid for worker in stack.workers()]

        async def kill() -> None:
            await asyncio.sleep(10)
            stack.workers()[0].send_signal(signal.SIGKILL)
            print(f"  API process {before[0]} killed", flush=True)

        phones = _under_load(stack, 40, kill)
        after = [worker.pid for worker in stack.workers()]
        lines = [f"one of two API processes SIGKILLed at 10 s (processes before {before}, after {after}):"]
        return lines + _verdict(stack, phones)


@contextmanager
def _small_disk(megabytes: int) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="hamqadam-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def disk_full() -> list[str]:
    with _small_disk(512) as disk, LoadStack(processes=2, data_dir=disk) as stack:
        filler = disk / "filler"

        async def fill_then_free() -> None:
            await asyncio.sleep(10)
            await asyncio.to_thread(_fill, filler)
            print(f"  disk full ({_free_bytes(disk):,} bytes free)", flush=True)
            await asyncio.sleep(20)
            filler.unlink()
            print("  space returned", flush=True)

        phones = _under_load(stack, 60, fill_then_free)
        return [
            "the engine's disk filled at 10 s, freed at 30 s (two API processes, 16 writers):",
            *_verdict(stack, phones),
        ]


def _free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _fill(filler: Path) -> None:
    """Take all but about a megabyte of the disk, so that the engine's next pages do not fit (the engine
    writes meanwhile: a size that no longer fits is measured again)."""
    with filler.open("wb") as file:
        for _ in range(20):
            try:
                held = os.fstat(file.fileno()).st_blocks * 512  # what an attempt that failed took already
                os.posix_fallocate(file.fileno(), 0, held + max(_free_bytes(filler.parent) - 2**20, 1))
                return
            except OSError:
                continue


def fcm_outage(phones_count: int = 300) -> list[str]:
    with tempfile.TemporaryDirectory() as data, LoadStack(processes=2, data_dir=Path(data)) as stack:
        people = json.loads(stack.people(youth=phones_count).read_text())
        fcm = stack.environment["FCM_BASE_URL"]
        tokens = {}
        with httpx.Client(base_url=stack.base, timeout=30) as http:
            for person in people["youth"]:
                token = f"fcm-outage-{person['uid']}-" + "t" * 20
                device = {"fcm_token": token, "platform": "android", "app_version": "1.4.0", "locale": "ur"}
                http.put(
                    "/v1/youth/me/devices", json=device, headers=_bearer(person["token"])
                ).raise_for_status()
                tokens[person["uid"]] = token
            httpx.post(
                f"{fcm}/rules", json={"target": None, "error": "UNAVAILABLE", "times": None}
            ).raise_for_status()
            editor = _bearer(people["staff"]["editor"]) | {"Idempotency-Key": "fault-fcm-outage"}
            campaign = {
                "title": {"ur": "ہنگامی اطلاع", "en": "Emergency notice"},
                "body": {"ur": "یہ ایک آزمائش ہے۔", "en": "This is a test."},
                "audience": {"districts": ["lahore"]},
                "priority": "emergency",
            }
            created = http.post("/v1/editorial/campaigns", json=campaign, headers=editor)
            created.raise_for_status()
            campaign_id = created.json()["id"]
            print(f"  campaign {campaign_id} to {len(tokens)} phones; FCM answers 503 for 60 s", flush=True)
            time.sleep(60)
            httpx.delete(f"{fcm}/rules").raise_for_status()
            freed_at = time.monotonic()
            status = _wait_until_sent(http, campaign_id, _bearer(people["staff"]["editor"]))
            took = time.monotonic() - freed_at
        received = httpx.get(f"{fcm}/received", timeout=60).json()
    accepted: dict[str, set[str]] = {token: set() for token in tokens.values()}
    refused = 0
    for request in received:
        if request["kind"] == "send" and request["token"] in accepted:
            if request["error"] is None:  # the phone got it; its Android tag says which notification
                accepted[request["token"]].add(
                    json.dumps(request["message"]["android"]["notification"]["tag"])
                )
            else:
                refused += 1
    got = [len(tags) for tags in accepted.values()]
    whole = got.count(1) == len(tokens)
    return [
        f"FCM answered 503 for 60 s during an emergency campaign to {len(tokens)} phones:",
        f"  sends refused with 503 while it lasted: {refused:,}",
        f"  campaign {status['status']} {took:.0f} s after FCM recovered; stats {status['stats']}",
        f"  phones shown it once {got.count(1)}, as two notifications {sum(n > 1 for n in got)}, "
        f"never {got.count(0)}",
        f"  nothing lost or shown twice: {'yes' if whole else 'NO'}",
    ]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _wait_until_sent(http: httpx.Client, campaign_id: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        campaign: dict[str, Any] = http.get(f"/v1/editorial/campaigns/{campaign_id}", headers=headers).json()
        if campaign["status"] in ("sent", "cancelled"):
            return campaign
        time.sleep(1)
    return campaign


SCENARIOS: dict[str, Callable[[], list[str]]] = {
    "engine_stop": engine_stop,
    "api_kill": api_kill,
    "fcm_outage": fcm_outage,
    "disk_full": disk_full,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.fault_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), help="run these scenarios only")
    args = parser.parse_args(argv)
    summary: list[str] = []
    for name in args.only or list(SCENARIOS):
        print(f"\n{name} ...", flush=True)
        summary += SCENARIOS[name]()
    print("\nsummary (faults during load; every acknowledged write looked up after an engine restart)")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
