"""Rate limits shared by every API process: the `limits` library's fixed-window algorithm, counted in MongoDB.

Each window is one counter document `<limit key>:<window number>`, moved by an atomic `$inc` upsert, so
all API processes share it. Windows are aligned to the clock; expired counters are deleted by a timer
(TTL indexes are not enforced by the embedded engine). `limits` ships no storage on PyMongo's async API
(its MongoDB storage needs motor), hence the small storage class here.
"""

import ipaddress
import math
import re
import time
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from beanie import Document
from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from pymongo import ASCENDING, IndexModel
from pymongo.errors import PyMongoError

from backend.core import counters, metrics
from backend.core.clock import utc_now
from backend.core.errors import AppError
from backend.core.settings import Settings


class RateCounter(Document):
    """Hits of one caller on one limit in one window."""

    id: str  # type: ignore[assignment]  # "<limit key>:<window number>"
    hits: int
    expires_at: datetime

    class Settings:
        name = "rate_counters"
        indexes: ClassVar[list[IndexModel]] = [IndexModel([("expires_at", ASCENDING)], name="expires")]


class RateLimitedError(AppError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Too many requests; try again in {retry_after_s} seconds.",
            headers={"Retry-After": str(retry_after_s)},
        )


def _window(expiry_s: int, now: float) -> int:
    return int(now // expiry_s)


def _limit_of(key: str) -> str:
    """The limit part of a `limits` key (`LIMITER/<name>/<ids...>/<amount>/<multiples>/<granularity>`)."""
    return "/".join(key.split("/")[-3:])


class MongoCounterStorage(Storage):
    """A `limits` storage on the `rate_counters` collection (fixed windows only)."""

    STORAGE_SCHEME: ClassVar[list[str] | None] = None  # type: ignore[misc]  # not registered by URI

    def __init__(self) -> None:
        super().__init__(wrap_exceptions=False)
        # Window length per limit (not per caller, so it stays as small as the configured limits).
        self._expiry_of: dict[str, int] = {}

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        self._expiry_of[_limit_of(key)] = expiry
        window = _window(expiry, time.time())
        ends = datetime.fromtimestamp((window + 1) * expiry, UTC)
        before = await counters.increment(
            RateCounter.get_pymongo_collection(),
            {"_id": f"{key}:{window}"},
            {"hits": amount},
            set_on_insert={"expires_at": ends},
        )
        return amount + (int(before["hits"]) if before else 0)

    async def get(self, key: str) -> int:
        expiry = self._expiry_of.get(_limit_of(key))
        if expiry is None:
            return 0
        found = await RateCounter.get(f"{key}:{_window(expiry, time.time())}")
        return found.hits if found else 0

    async def get_expiry(self, key: str) -> float:
        expiry = self._expiry_of.get(_limit_of(key), 1)
        return float((_window(expiry, time.time()) + 1) * expiry)

    async def check(self) -> bool:
        return True

    async def reset(self) -> int | None:
        result = await RateCounter.get_pymongo_collection().delete_many({})
        return result.deleted_count

    async def clear(self, key: str) -> None:
        await RateCounter.get_pymongo_collection().delete_many({"_id": {"$regex": f"^{re.escape(key)}:"}})


_limiter = FixedWindowRateLimiter(MongoCounterStorage())


async def take_daily(name: str, who: str, *, limit: int, day: str, ends: datetime) -> None:
    """Take one of `who`'s `limit` allowances of `name` for `day` (ending at `ends`); 429 when none is left.

    A business rule per person (questions a young person may ask a day), not per request or address: many
    young people at one event share an address. One `$inc` each, so exactly `limit` calls pass at once.
    """
    before = await counters.increment(
        RateCounter.get_pymongo_collection(),
        {"_id": f"daily/{name}/{who}:{day}"},
        {"hits": 1},
        set_on_insert={"expires_at": ends},
    )
    if before is not None and int(before["hits"]) >= limit:
        metrics.RATE_LIMIT_REFUSALS.labels(rule=name).inc()
        retry_after = max(1, math.ceil((ends - utc_now()).total_seconds()))
        raise RateLimitedError(retry_after)


async def delete_expired_counters() -> None:
    """Drop counters of windows that ended more than a minute ago."""
    cutoff = datetime.now(UTC) - timedelta(minutes=1)
    await RateCounter.get_pymongo_collection().delete_many({"expires_at": {"$lt": cutoff}})


def client_address(request: Request, settings: Settings) -> str:
    """The caller's address: X-Forwarded-For is believed only from a configured proxy."""
    peer = request.client.host if request.client else "unknown"
    if not _trusted(peer, settings):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if not _trusted(address, settings):
            return address
    return peer


def _trusted(address: str, settings: Settings) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.trusted_proxies)


async def enforce(items: list[RateLimitItem], *identifiers: str) -> None:
    """Count one hit against every item; 429 with Retry-After when any is exhausted."""
    for item in items:
        if not await _limiter.hit(item, *identifiers):
            metrics.RATE_LIMIT_REFUSALS.labels(rule=identifiers[0] if identifiers else "unnamed").inc()
            reset_at = await _limiter.storage.get_expiry(item.key_for(*identifiers))
            raise RateLimitedError(max(1, math.ceil(reset_at - time.time())))


def rules(request: Request, name: str) -> list[RateLimitItem]:
    """The limits configured for `name` (none when rate limiting is off)."""
    settings: Settings = request.app.state.settings
    rule = settings.rate_limits.get(name)
    return parse_many(rule) if rule and settings.rate_limiting else []


class RateLimit:
    """A route dependency limiting `name` per client address (accounts add a per-account one)."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, request: Request) -> None:
        items = rules(request, self.name)
        if items:
            await enforce(items, self.name, "ip", client_address(request, request.app.state.settings))
