"""Our database helpers work around FerretDB v1.24.2 limits and behave the same on MongoDB."""

from typing import Any

from fastapi import FastAPI
from pymongo import UpdateOne

from backend.core.database import Database, bulk_write_in_batches, initialise_documents
from backend.geography.models import Constituency
from backend.registry import DOCUMENT_MODELS


async def test_bulk_update_of_more_than_100_existing_documents_completes(app: FastAPI) -> None:
    # An update command of 100+ matching statements hangs FerretDB v1.24.2; batches keep it working.
    database: Database = app.state.database
    collection = database.db["bulk_probe"]
    await collection.insert_many([{"_id": i, "n": 0} for i in range(250)])
    operations = [UpdateOne({"_id": i}, {"$set": {"n": i}}, upsert=True) for i in range(260)]
    counts = await bulk_write_in_batches(collection, operations)
    assert (counts.matched, counts.modified, counts.upserted) == (250, 249, 10)
    cursor = await collection.aggregate([{"$group": {"_id": None, "sum": {"$sum": "$n"}}}])
    total: list[dict[str, Any]] = await cursor.to_list()
    assert total[0]["sum"] == sum(range(260))


async def test_initialising_twice_keeps_declared_indexes(app: FastAPI) -> None:
    # FerretDB v1.24.2 panics on a createIndexes batch that repeats existing indexes: we create missing ones.
    database: Database = app.state.database
    await initialise_documents(database.db, DOCUMENT_MODELS)
    await initialise_documents(database.db, DOCUMENT_MODELS)
    names = set(await Constituency.get_pymongo_collection().index_information())
    assert {"house_number", "districts", "province"} <= names
