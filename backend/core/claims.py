"""Claims: the one way an exactly-once step knows it is the one to act, without transactions.

A claim is a write that exactly one of any number of concurrent callers wins:
- a unique insert (`insert_new`, many at once, unordered): the documents whose `_id` was new are this
  call's; the duplicates belong to whoever inserted them first;
- an upsert (`upsert_before`, `bulk_upsert`): two concurrent upserts of a missing document can both try
  to insert it; MongoDB may answer one with a duplicate-key error (11000) on the key's unique index
  (mongo-java-server serialises them). The other upsert has just created the document, so the same
  update sent once more matches it. tests/engine/ checks the outcome on the engine.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

DUPLICATE_KEY = 11000


def _duplicates_only(error: BulkWriteError) -> list[dict[str, Any]]:
    """The write errors of a bulk write, when every one is a duplicate key; else re-raise."""
    errors: list[dict[str, Any]] = error.details.get("writeErrors", [])
    if not errors or any(item.get("code") != DUPLICATE_KEY for item in errors):
        raise error
    return errors


async def insert_new(
    collection: AsyncCollection[Any], documents: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Insert every document whose `_id` is new (unordered); the ones this call inserted."""
    if not documents:
        return []
    try:
        await collection.insert_many(list(documents), ordered=False)
    except BulkWriteError as error:
        taken = {item["index"] for item in _duplicates_only(error)}
        return [document for index, document in enumerate(documents) if index not in taken]
    return list(documents)


async def upsert_before(
    collection: AsyncCollection[Any], key: Mapping[str, Any], update: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Apply `update` to the one document `key` matches (equality on `_id` or a unique key), creating it
    when missing; the document as it was before (None when this call created it). Under concurrency the
    engine's "after" may include another caller's later update; its "before" never does."""
    for attempt in (1, 2):
        try:
            before: dict[str, Any] | None = await collection.find_one_and_update(
                dict(key), dict(update), upsert=True, return_document=ReturnDocument.BEFORE
            )
            return before
        except DuplicateKeyError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def bulk_upsert(collection: AsyncCollection[Any], updates: Sequence[UpdateOne]) -> None:
    """Send upserts by `_id` unordered; those that lost a race to create their document go once more."""
    if not updates:
        return
    try:
        await collection.bulk_write(list(updates), ordered=False)
    except BulkWriteError as error:
        again = [updates[item["index"]] for item in _duplicates_only(error)]
        await collection.bulk_write(again, ordered=False)
