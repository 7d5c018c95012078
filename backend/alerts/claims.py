"""Claims by unique insert: the documents an insert_many wrote, those already there being someone else's."""

from collections.abc import Sequence
from typing import Any

from beanie import Document
from pymongo.errors import BulkWriteError

_DUPLICATE_KEY = 11000


async def insert_new(model: type[Document], documents: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert every document whose `_id` is new (ordered=False); the ones this call inserted."""
    if not documents:
        return []
    try:
        await model.get_pymongo_collection().insert_many(list(documents), ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if any(item.get("code") != _DUPLICATE_KEY for item in errors) or not errors:
            raise
        taken = {item["index"] for item in errors}
        return [document for index, document in enumerate(documents) if index not in taken]
    return list(documents)
