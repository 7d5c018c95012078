"""Timer jobs (content scheduler, device cleanup, topic sync, rate-counter cleanup) run once per interval
across every API process, whichever claims the round first: never once per process."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from backend.core import leases
from backend.core.workers import run_every


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
