"""The one way a versioned document moves from version N to N+1, exactly once, with its consequences.

The move is one conditional update (compare-and-set on `version`) that also stores the change's
consequences as `pending_change` on the document: a history record to write, a revision to publish, a
feed entry to append. The caller then carries them out (each idempotent, keyed by the change) and clears
the mark. A writer that dies in between leaves the mark behind; the next one to load the document
finishes it first (`settle`), and no new change is accepted while a mark is set. So every change's
consequences happen exactly once and in version order, with no transactions.

A write that loses the compare-and-set to a concurrent one raises `LostRaceError`; a service operation
wrapped in `replaying` then runs again on the current version, exactly as if it had come second: an
identical request (a double tap and the app's retry) finds its change made and answers as a replay,
a request with a stale If-Match gets its 409, and any other write applies after the winner's.
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from pymongo.asynchronous.collection import AsyncCollection

from backend.core.errors import ConflictError

PENDING_FIELD = "pending_change"
# Runs of an operation that keeps losing its compare-and-set before it answers 409.
ATTEMPTS = 3

CarryOut = Callable[[dict[str, Any]], Awaitable[None]]
P = ParamSpec("P")
T = TypeVar("T")


class LostRaceError(ConflictError):
    """A concurrent write moved the document first: a 409 (with the current document) unless replayed."""


def replaying(operation: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run a versioned write; when it loses the compare-and-set, run it again on the current version."""

    @functools.wraps(operation)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await operation(*args, **kwargs)
            except LostRaceError:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return run


async def advance(
    collection: AsyncCollection[Any],
    document_id: str,
    *,
    from_version: int,
    changes: dict[str, Any],
    consequences: dict[str, Any],
) -> bool:
    """Move the document to `from_version + 1` with `changes`; False when it is no longer at that version.

    `consequences` is what the caller will carry out next; it is stored with the new version number so
    that anyone can finish it (see `settle`).
    """
    version = from_version + 1
    # A document stored before its kind was versioned has no version: it is version 0.
    current: Any = from_version if from_version else {"$in": [0, None]}
    result = await collection.update_one(
        {"_id": document_id, "version": current, PENDING_FIELD: None},
        {"$set": {**changes, "version": version, PENDING_FIELD: {**consequences, "version": version}}},
    )
    return result.matched_count == 1


async def finish(collection: AsyncCollection[Any], document_id: str, *, version: int) -> None:
    """Clear the mark of version `version` once its consequences are carried out (safe to repeat)."""
    await collection.update_one(
        {"_id": document_id, f"{PENDING_FIELD}.version": version}, {"$set": {PENDING_FIELD: None}}
    )


async def settle(
    collection: AsyncCollection[Any], document_id: str, pending: dict[str, Any] | None, carry_out: CarryOut
) -> bool:
    """Finish the consequences a dead (or slow) writer left (`pending`, the document's mark); True if any.

    `carry_out` must be idempotent: a slow writer may still be doing the same thing.
    """
    if not pending:
        return False
    await carry_out(pending)
    await finish(collection, document_id, version=pending["version"])
    return True
