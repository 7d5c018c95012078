"""Scheduled content work: publishing items whose time has come and withdrawing expired ones."""

import asyncio
import logging

from beanie.exceptions import CollectionWasNotInitialized
from pymongo.errors import PyMongoError

from backend.content.service import expire_due, publish_due
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)


async def run_content_scheduler(*, interval_s: float) -> None:
    """Every `interval_s`, publish due items and expire old ones; a failed round waits for the next one."""
    while True:
        try:
            now = utc_now()
            published = await publish_due(now=now)
            expired = await expire_due(now=now)
        except (PyMongoError, CollectionWasNotInitialized) as exc:
            logger.warning(
                "content scheduler failed; retrying next round", extra={"error": type(exc).__name__}
            )
        else:
            if published or expired:
                logger.info("scheduled content done", extra={"published": published, "expired": expired})
        await asyncio.sleep(interval_s)
