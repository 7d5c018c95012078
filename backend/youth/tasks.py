"""Scheduled work for young people's data: dropping devices unseen for 270 days."""

import asyncio
import logging

from beanie.exceptions import CollectionWasNotInitialized
from pymongo.errors import PyMongoError

from backend.core.clock import utc_now
from backend.youth.service import drop_stale_devices

logger = logging.getLogger(__name__)


async def run_device_cleanup(*, interval_s: float) -> None:
    """Every `interval_s`, drop stale devices; a failed round (database away) waits for the next one."""
    while True:
        try:
            dropped = await drop_stale_devices(now=utc_now())
        except (PyMongoError, CollectionWasNotInitialized) as exc:
            logger.warning("device cleanup failed; retrying next round", extra={"error": type(exc).__name__})
        else:
            if dropped:
                logger.info("stale devices dropped", extra={"count": dropped})
        await asyncio.sleep(interval_s)
