"""Scheduled content work: publishing items whose time has come and withdrawing expired ones."""

import logging

from backend.content import feed
from backend.content.service import expire_due, publish_due
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)


async def publish_and_expire() -> None:
    """One round: publish due items, then withdraw expired ones, then bring the live view up to date.

    The last part means that the first app request after a start does not wait for the feed to be read.
    """
    now = utc_now()
    published = await publish_due(now=now)
    expired = await expire_due(now=now)
    await feed.live_view()
    if published or expired:
        logger.info("scheduled content done", extra={"published": published, "expired": expired})
