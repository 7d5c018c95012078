"""Background work the API processes repeat on a timer (started and stopped by the lifespan): each round
is done by one process, whichever claims it first (core/leases.py `take_round`), however many run."""

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable

from beanie.exceptions import CollectionWasNotInitialized
from pymongo.errors import PyMongoError

from backend.core import leases

logger = logging.getLogger(__name__)


async def run_every(
    interval_s: float, job: Callable[[], Awaitable[None]], *, name: str, owner: str | None = None
) -> None:
    """Run `job` now and then every `interval_s`, in the one process that claims each round (`owner`:
    this process's name for it); a failed round (database away) waits for the next one."""
    task = asyncio.current_task()
    owner = owner or secrets.token_hex(8)
    while True:
        try:
            if await leases.take_round(f"timer:{name}", owner=owner, every_s=interval_s):
                await job()
        except (PyMongoError, CollectionWasNotInitialized) as exc:
            logger.warning("%s failed; retrying next round", name, extra={"error": type(exc).__name__})
        # A cancellation that arrives during a driver call can be absorbed by the driver; check for it
        # here, or shutting down would wait a whole interval for this task.
        if task is not None and task.cancelling():
            return
        await asyncio.sleep(interval_s)
