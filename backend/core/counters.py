"""Counter documents kept with `$inc` upserts (dashboards read these, never scans of personal records)."""

from collections.abc import Mapping
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from backend.core import claims


async def increment(
    collection: AsyncCollection[Any],
    key: Mapping[str, Any],
    inc: Mapping[str, int],
    *,
    set_on_insert: Mapping[str, Any] | None = None,
    also_set: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Add `inc` to the counter document matched by `key` (equality on `_id` or a unique key), creating it
    when missing, and set `also_set` in the same write; the document as it was before (None when this
    call created it)."""
    update: dict[str, Any] = {"$inc": dict(inc)}
    if also_set:
        update["$set"] = dict(also_set)
    if set_on_insert:
        update["$setOnInsert"] = dict(set_on_insert)
    return await claims.upsert_before(collection, key, update)
