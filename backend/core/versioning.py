"""The one way a versioned document moves from version N to N+1, exactly once, with its consequences.

The move is one conditional update (compare-and-set on `version`) that also stores the change's
consequences as `pending_change` on the document: a history record to write, a revision to publish, a
feed entry to append. The caller then carries them out (each idempotent, keyed by the change) and clears
the mark. A writer that dies in between leaves the mark behind; the next one to load the document
finishes it first (`settle`), and no new change is accepted while a mark is set. So every change's
consequences happen exactly once and in version order, with no transactions.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

PENDING_FIELD = "pending_change"

CarryOut = Callable[[dict[str, Any]], Awaitable[None]]


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
    result = await collection.update_one(
        {"_id": document_id, "version": from_version, PENDING_FIELD: None},
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
