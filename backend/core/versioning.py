"""Applying a claimed change to a versioned document, once, and never over a newer version."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


async def apply_at_version(
    collection: AsyncCollection[Any], document_id: str, *, from_version: int, changes: dict[str, Any]
) -> None:
    """Set `changes` on the document if it is still at `from_version`; otherwise do nothing.

    Read, then update, by `_id` alone: FerretDB scans the whole collection for a filter with any other
    field (85 ms at a few hundred documents), and finds by `_id` without a scan. Callers hold the claim
    of the next version, so only a late repeat of the same change can race here, and it is a no-op.
    """
    current = await collection.find_one({"_id": document_id}, {"version": 1})
    if current is not None and current["version"] == from_version:
        await collection.update_one({"_id": document_id}, {"$set": changes})
