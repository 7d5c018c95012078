"""Counter documents kept with `$inc` upserts (dashboards read these, never scans of personal records).

Two concurrent upserts of a missing counter can both try to insert it. mongo-java-server serialises
them, but MongoDB may answer one of them with a duplicate-key error (code 11000) on the key's unique
index (`_id` or a declared unique field): the other upsert has just created the document, so the same
update, sent once more, now matches it and adds to it. The tests in tests/engine/ check the outcome.
"""

from collections.abc import Mapping
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


async def increment(
    collection: AsyncCollection[Any],
    key: Mapping[str, Any],
    inc: Mapping[str, int],
    *,
    set_on_insert: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Add `inc` to the counter document matched by `key`, creating it when missing.

    `key` must be equality on `_id` or on fields with a unique index, so that at most one document
    matches it. Retries once after a duplicate-key error from a concurrent creation. Returns the
    document as it was before this increment (None when this call created it): under concurrency the
    embedded engine's "after" may include another caller's later increment, its "before" never does.
    """
    update: dict[str, Any] = {"$inc": dict(inc)}
    if set_on_insert:
        update["$setOnInsert"] = dict(set_on_insert)
    try:
        before = await _update(collection, key, update)
    except DuplicateKeyError:
        before = await _update(collection, key, update)
    return before


async def _update(
    collection: AsyncCollection[Any], key: Mapping[str, Any], update: dict[str, Any]
) -> dict[str, Any] | None:
    document: dict[str, Any] | None = await collection.find_one_and_update(
        dict(key), update, upsert=True, return_document=ReturnDocument.BEFORE
    )
    return document
