"""Leases: a document worked by one process at a time, renewed while it works, taken over once it runs out.

A lease is two fields of the leased document: who holds it (an owner id unique per worker) and until
when. Taking a lease is the feature's own conditional update, since only the feature knows what is free
to take (a pending batch whose lease ran out, a due campaign); holding it while working, renewing it,
noticing its loss and handing it over are here, the same for every worker.

Renewal every third of the lease keeps a live holder's lease; a holder that dies (SIGKILL, a lost
machine) stops renewing, and another worker takes the document over once `duration_s` has passed.

A lease on nothing but a name (`exclusive`) is a mutex across processes: a `leases` document per name,
taken by an insert or by a conditional update once its holder's time ran out. `take_round` keeps such a
name for a timer's whole interval, so a job every process's timer runs is done once per interval.
"""

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from beanie import Document
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from backend.core.clock import utc_now
from backend.core.errors import ConflictError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class LeaseLostError(Exception):
    """The lease was taken over, or could not be renewed before it ran out: the work was stopped."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease this process holds on one document (taken already by the feature's conditional update)."""

    collection: AsyncCollection[Any]
    document_id: Any
    owner: str
    duration_s: float
    owner_field: str = "lease_owner"
    until_field: str = "lease_until"
    # What must still hold for the lease to be ours (for example, the batch still pending).
    condition: Mapping[str, Any] = field(default_factory=dict)

    def until(self) -> datetime:
        """When the lease runs out if taken or renewed now."""
        return utc_now() + timedelta(seconds=self.duration_s)

    def _ours(self) -> dict[str, Any]:
        return {"_id": self.document_id, self.owner_field: self.owner, **self.condition}

    async def renew(self) -> bool:
        """Push the end of the lease out; False once another holder has it (or the condition broke)."""
        renewed = await self.collection.update_one(self._ours(), {"$set": {self.until_field: self.until()}})
        return renewed.matched_count == 1

    async def keep(self) -> None:
        """Renew every third of the lease; return once it is lost, or could not be renewed in time."""
        expires = self.until()
        while True:
            await asyncio.sleep(self.duration_s / 3)
            try:
                if not await self.renew():
                    return
            except PyMongoError:  # the database away: keep trying while the lease lasts
                logger.warning("lease not renewed", extra={"lease_of": str(self.document_id)})
                if utc_now() >= expires:
                    return
                continue
            expires = self.until()

    async def hold_while(self, work: Awaitable[T]) -> T:
        """Run `work` while renewing the lease; if the lease is lost first, cancel it: LeaseLostError."""
        task = asyncio.ensure_future(work)
        keeper = asyncio.create_task(self.keep())
        try:
            done, _ = await asyncio.wait({task, keeper}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled from outside: stop both
            task.cancel()
            keeper.cancel()
            await asyncio.gather(task, keeper, return_exceptions=True)
            raise
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        if task not in done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise LeaseLostError(str(self.document_id))
        return task.result()

    async def hand_over(self, **changes: Any) -> bool:
        """End the lease now (so another worker may take the document at once), with `changes` set."""
        ended = await self.collection.update_one(
            self._ours(), {"$set": {self.until_field: utc_now(), **changes}}
        )
        return ended.matched_count == 1


async def take_many(
    collection: AsyncCollection[Any],
    ids: Sequence[Any],
    *,
    owner: str,
    duration_s: float,
    condition: Mapping[str, Any] | None = None,
    owner_field: str = "lease_owner",
    until_field: str = "lease_until",
) -> None:
    """Take the lease of each document of `ids` that `condition` selects and no live holder has (one
    conditional update); read back which are `owner`'s by its owner field."""
    now = utc_now()
    free = {"$or": [{until_field: None}, {until_field: {"$lte": now}}]}
    await collection.update_many(
        {"_id": {"$in": list(ids)}, **(condition or {}), **free},
        {"$set": {owner_field: owner, until_field: now + timedelta(seconds=duration_s)}},
    )


async def release_many(
    collection: AsyncCollection[Any],
    ids: Sequence[Any],
    *,
    owner: str,
    owner_field: str = "lease_owner",
    until_field: str = "lease_until",
) -> None:
    """Give back the leases `owner` still holds among `ids` (each free for anyone at once)."""
    await collection.update_many(
        {"_id": {"$in": list(ids)}, owner_field: owner}, {"$set": {owner_field: None, until_field: None}}
    )


class NamedLease(Document):
    """A mutex across processes: who holds the name, until when."""

    id: str  # type: ignore[assignment]  # the name
    lease_owner: str
    lease_until: datetime

    class Settings:
        name = "leases"


class LeaseBusyError(ConflictError):
    """Another process held the named lease for longer than the caller would wait."""


async def _take(name: str, owner: str, duration_s: float) -> bool:
    collection = NamedLease.get_pymongo_collection()
    now = utc_now()
    lease = {"lease_owner": owner, "lease_until": now + timedelta(seconds=duration_s)}
    if (
        await collection.update_one({"_id": name, "lease_until": {"$lte": now}}, {"$set": lease})
    ).matched_count:
        return True
    try:
        await collection.insert_one({"_id": name, **lease})
    except DuplicateKeyError:
        return False  # held, and not run out
    return True


async def take_round(name: str, *, owner: str, every_s: float) -> bool:
    """Claim this round of a timer job that runs once across processes: True for one process, and the
    name stays taken for `every_s` (not given back), so every process's timer finds the round done."""
    return await _take(name, owner, every_s)


@asynccontextmanager
async def exclusive(name: str, *, duration_s: float = 10.0, wait_s: float = 5.0) -> AsyncIterator[None]:
    """Run the block while holding the named lease (renewed), one process at a time; LeaseBusyError when
    it could not be taken within `wait_s`. Keep the block short: a holder that dies blocks the name for
    `duration_s`."""
    owner, deadline = secrets.token_hex(8), time.monotonic() + wait_s
    while not await _take(name, owner, duration_s):
        if time.monotonic() >= deadline:
            raise LeaseBusyError("Another change of the same kind is being made; try again.", code="busy")
        await asyncio.sleep(0.02)
    lease = Lease(NamedLease.get_pymongo_collection(), name, owner=owner, duration_s=duration_s)
    keeper = asyncio.create_task(lease.keep())
    try:
        yield
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        await NamedLease.get_pymongo_collection().delete_one({"_id": name, "lease_owner": owner})
