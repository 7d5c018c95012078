"""The MongoDB connection: one AsyncMongoClient per process, Beanie initialised on it.

When the database is unreachable at start-up the API still starts (answering 503) and keeps trying in
the background, so that a container started before its database recovers by itself.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beanie import Document, init_beanie
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError
from pymongo.operations import DeleteOne, UpdateOne

from backend.core.errors import DatabaseUnavailableError
from backend.core.settings import Settings

logger = logging.getLogger(__name__)

MongoDocument = dict[str, Any]


def make_client(settings: Settings) -> AsyncMongoClient[MongoDocument]:
    """A client whose timeouts make a lost database fail fast instead of hanging requests."""
    return AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=settings.mongodb_server_selection_timeout_ms,
        connectTimeoutMS=settings.mongodb_connect_timeout_ms,
        socketTimeoutMS=settings.mongodb_socket_timeout_ms,
        tz_aware=True,
        uuidRepresentation="standard",
        appname="hamqadam-backend",
    )


async def ensure_indexes(document: type[Document]) -> None:
    """Create the indexes a document declares in `Settings.indexes` that the collection lacks.

    We do this ourselves, one index per command, instead of letting Beanie do it: FerretDB v1.24.2
    panics on a createIndexes batch that repeats existing indexes, which Beanie sends on every start.
    Indexes are declared only in `Settings.indexes` (never with `Indexed`), each with an explicit name.
    """
    collection = document.get_pymongo_collection()
    existing = await collection.index_information()
    for index in getattr(document.Settings, "indexes", []):
        if index.document["name"] not in existing:
            await collection.create_indexes([index])


async def initialise_documents(db: AsyncDatabase[MongoDocument], documents: Sequence[type[Document]]) -> None:
    """Bind Beanie to `db` and make sure every declared index exists."""
    await init_beanie(database=db, document_models=list(documents), skip_indexes=True)
    for document in documents:
        await ensure_indexes(document)


@dataclass(frozen=True)
class BulkCounts:
    inserted: int = 0
    upserted: int = 0
    modified: int = 0
    matched: int = 0
    deleted: int = 0


# FerretDB v1.24.2 (SQLite) stops answering an update command of 100 or more statements that match
# existing documents (found by test: 99 pass, 100 hang); real MongoDB takes 100,000. Every bulk write goes
# through this helper, in batches well under that limit.
MAX_UPDATE_BATCH = 50


async def bulk_write_in_batches(
    collection: AsyncCollection[MongoDocument], operations: Sequence[UpdateOne | DeleteOne]
) -> BulkCounts:
    """Run unordered bulk writes in batches both engines accept; returns summed counts."""
    totals = BulkCounts()
    for start in range(0, len(operations), MAX_UPDATE_BATCH):
        result = await collection.bulk_write(
            list(operations[start : start + MAX_UPDATE_BATCH]), ordered=False
        )
        totals = BulkCounts(
            inserted=totals.inserted + result.inserted_count,
            upserted=totals.upserted + result.upserted_count,
            modified=totals.modified + result.modified_count,
            matched=totals.matched + result.matched_count,
            deleted=totals.deleted + result.deleted_count,
        )
    return totals


class Database:
    """Owns the client and Beanie's initialisation for one running app."""

    def __init__(self, settings: Settings, document_models: Sequence[type[Document]]) -> None:
        self._settings = settings
        self._document_models = list(document_models)
        self.client = make_client(settings)
        self.db: AsyncDatabase[MongoDocument] = self.client[settings.mongodb_database]
        self.initialised = False
        self._retry_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Initialise Beanie now if the database answers, otherwise keep trying in the background."""
        try:
            await self._initialise()
        except ConnectionFailure as exc:
            logger.warning("database not reachable at start-up; retrying in the background: %s", exc)
            self._retry_task = asyncio.create_task(self._retry_until_initialised())

    async def _initialise(self) -> None:
        await initialise_documents(self.db, self._document_models)
        self.initialised = True
        logger.info("database initialised", extra={"database": self._settings.mongodb_database})

    async def _retry_until_initialised(self) -> None:
        while not self.initialised:
            await asyncio.sleep(self._settings.database_retry_interval_s)
            try:
                await self._initialise()
            except ConnectionFailure:
                logger.info("database still not reachable")

    async def check_ready(self) -> None:
        """Raise DatabaseUnavailableError with the reason unless the database answers a ping now."""
        if not self.initialised:
            raise DatabaseUnavailableError("The database has not been reachable since start-up.")
        timeout_s = self._settings.mongodb_server_selection_timeout_ms / 1000 + 1
        try:
            await asyncio.wait_for(self.db.command("ping"), timeout=timeout_s)
        except (PyMongoError, TimeoutError) as exc:
            raise DatabaseUnavailableError(
                f"The database did not answer a ping: {type(exc).__name__}."
            ) from exc

    async def close(self) -> None:
        if self._retry_task is not None:
            self._retry_task.cancel()
            await asyncio.gather(self._retry_task, return_exceptions=True)
        await self.client.close()
