"""Scheduled content work: publishing items whose time has come, withdrawing expired ones, and
finishing steps whose writers died."""

import logging

from backend.content import steps
from backend.content.service import expire_due, publish_due
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)


async def publish_and_expire() -> None:
    """One round: finish abandoned steps, publish due items, then withdraw expired ones."""
    now = utc_now()
    settled = await steps.settle_abandoned(now=now)
    published = await publish_due(now=now)
    expired = await expire_due(now=now)
    if settled or published or expired:
        logger.info(
            "scheduled content done", extra={"settled": settled, "published": published, "expired": expired}
        )
