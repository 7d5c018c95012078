"""Scheduled work for young people's data: dropping devices unseen for 270 days."""

import logging

from backend.alerts.devices.service import drop_stale_devices
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)


async def clean_up_devices() -> None:
    """One round: drop devices unseen for 270 days."""
    dropped = await drop_stale_devices(now=utc_now())
    if dropped:
        logger.info("stale devices dropped", extra={"count": dropped})
