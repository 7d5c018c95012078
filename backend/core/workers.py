"""Background work the API process repeats on a timer (started and stopped by the lifespan)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from beanie.exceptions import CollectionWasNotInitialized
from pymongo.errors import PyMongoError

logger = logging.getLogger(__name__)


async def run_every(interval_s: float, job: Callable[[], Awaitable[None]], *, name: str) -> None:
    """Run `job` now and then every `interval_s`; a failed round (database away) waits for the next one."""
    task = asyncio.current_task()
    while True:
        try:
            await job()
        except (PyMongoError, CollectionWasNotInitialized) as exc:
            logger.warning("%s failed; retrying next round", name, extra={"error": type(exc).__name__})
        # A cancellation that arrives during a driver call can be absorbed by the driver; check for it
        # here, or shutting down would wait a whole interval for this task.
        if task is not None and task.cancelling():
            return
        await asyncio.sleep(interval_s)
