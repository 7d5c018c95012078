"""The engine contract: what the code relies on from the database, checked on whatever MONGODB_URI names.

These tests talk to the engine with PyMongo directly, in a database of their own (dropped at the end of
the run), so that they vouch for the embedded engine and for a real MongoDB alike.
"""

import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from backend.core.database import MongoDocument

# Each concurrency check runs this many times: a race that happens now and then should show up.
REPEATS = 5


@pytest.fixture(scope="session")
async def engine_client(mongodb_uri: str) -> AsyncIterator[AsyncMongoClient[MongoDocument]]:
    client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(
        mongodb_uri, tz_aware=True, uuidRepresentation="standard", serverSelectionTimeoutMS=5000
    )
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def engine_db(
    engine_client: AsyncMongoClient[MongoDocument],
) -> AsyncIterator[AsyncDatabase[MongoDocument]]:
    """A database for the contract tests alone, dropped at the end of the run."""
    db = engine_client[f"engine_contract_{uuid.uuid4().hex[:12]}"]
    yield db
    await engine_client.drop_database(db.name)


@pytest.fixture
async def coll(engine_db: AsyncDatabase[MongoDocument]) -> AsyncIterator[AsyncCollection[MongoDocument]]:
    """A fresh collection for one test, dropped after it."""
    collection = engine_db[f"c_{uuid.uuid4().hex[:12]}"]
    yield collection
    await collection.drop()
