"""Who a worker is, how long it holds what it leases, and how much it takes on."""

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.core.clock import utc_now
from backend.core.settings import Settings


def worker_id() -> str:
    """hostname:pid:random, unique per running worker."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    owner: str
    lease_s: float
    batch_size: int
    concurrency: int = 1  # batches worked at once

    @classmethod
    def from_settings(cls, settings: Settings) -> "WorkerConfig":
        """A new worker identity with the settings' lease, batch size and concurrency."""
        return cls(
            worker_id(),
            settings.alerts_lease_s,
            settings.alerts_batch_size,
            settings.alerts_concurrency,
        )

    def lease_until(self) -> datetime:
        """When a lease taken or renewed now runs out."""
        return utc_now() + timedelta(seconds=self.lease_s)
