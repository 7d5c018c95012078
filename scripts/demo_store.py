"""Writing the demo (scripts/demo_data.py) in the API's stored form: documents in chunks, and counter
documents moved with `$inc` as the API's writes move them. (Not the benchmarks' helpers: importing them
imports the app, whose settings would be read before the run command has set the engine's address.)"""

from collections.abc import Callable, Iterable
from typing import Any

from pymongo import UpdateOne
from pymongo.database import Database

from backend.turnout import counting


def store(database: Database[dict[str, Any]], collection: str, documents: Iterable[dict[str, Any]]) -> int:
    """Insert documents in chunks; how many."""
    stored = 0
    chunk: list[dict[str, Any]] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == 1_000:
            database[collection].insert_many(chunk, ordered=False)
            stored, chunk = stored + len(chunk), []
    if chunk:
        database[collection].insert_many(chunk, ordered=False)
        stored += len(chunk)
    return stored


def poll_fields(document_id: str) -> dict[str, str]:
    poll, area, code = document_id.split(":", 2)
    return {"poll": poll, "area": area, "code": code}


def monthly_fields(document_id: str) -> dict[str, str]:
    area, rest = document_id.split(":", 1)
    code, month = rest.rsplit(":", 1)
    return {"area": area, "code": code, "month": month}


def inc_counters(
    database: Database[dict[str, Any]],
    collection: str,
    deltas: dict[str, dict[str, int]],
    fields: Callable[[str], dict[str, str]],
) -> None:
    """`$inc` each counter document by its deltas, created with the `fields` its id names, and give it a
    new version, as the API does."""
    updates = [
        UpdateOne(
            {"_id": document_id},
            {"$inc": inc, "$set": counting.stamp(), "$setOnInsert": fields(document_id)},
            upsert=True,
        )
        for document_id, inc in deltas.items()
    ]
    if updates:
        database[collection].bulk_write(updates, ordered=False)


def add(deltas: dict[str, dict[str, int]], document_id: str, inc: dict[str, int]) -> None:
    target = deltas.setdefault(document_id, {})
    for path, n in inc.items():
        target[path] = target.get(path, 0) + n
