"""Timer jobs (content scheduler, device cleanup, topic sync, rate-counter cleanup) run once per interval
across every API process, whichever claims the round first: never once per process."""

import asyncio
import itertools
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI

from backend.core import leases
from backend.core.workers import run_every
from scripts.engine import ROOT


async def test_a_round_is_claimed_by_one_process_until_its_interval_ends(app: FastAPI) -> None:
    claims = await asyncio.gather(
        *(leases.take_round("timer:test", owner=f"process-{n}", every_s=0.3) for n in range(4))
    )
    assert sorted(claims) == [False, False, False, True]
    assert not await leases.take_round("timer:test", owner="process-late", every_s=0.3)
    await asyncio.sleep(0.35)
    assert await leases.take_round("timer:test", owner="process-late", every_s=0.3)  # the next round


async def test_two_processes_timers_run_the_job_once_per_interval(app: FastAPI) -> None:
    ran: list[str] = []

    def job_of(process: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            ran.append(process)

        return job

    timers = [
        asyncio.create_task(run_every(60, job_of(process), name="shared job", owner=process))
        for process in ("api-1", "api-2")
    ]
    await asyncio.sleep(0.5)  # both timers have had their first round
    for timer in timers:
        timer.cancel()
    await asyncio.gather(*timers, return_exceptions=True)
    assert len(ran) == 1


def test_two_real_processes_run_a_timer_job_once_per_interval(mongodb_uri: str, tmp_path: Path) -> None:
    """Two OS processes (as `uvicorn --workers 2`), each with its own timer: one run per round in all."""
    record, database = tmp_path / "runs.txt", f"test_{uuid.uuid4().hex[:12]}"
    interval_s, run_for_s = 0.5, 4.0
    command = [sys.executable, "-m", "tests.fixtures.timer_process", mongodb_uri, database, str(record)]
    processes = [subprocess.Popen([*command, str(interval_s), str(run_for_s)], cwd=ROOT) for _ in range(2)]
    assert [process.wait(timeout=60) for process in processes] == [0, 0]
    runs = sorted((float(at), pid) for pid, at in (line.split() for line in record.read_text().splitlines()))
    # About one run per half second in all (each process alone would have made as many).
    assert run_for_s / interval_s - 2 <= len(runs) <= run_for_s / interval_s + 1
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(runs)]
    assert min(gaps) >= interval_s * 0.9  # never two runs in one round
