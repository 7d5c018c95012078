"""The MongoDB connection: one AsyncMongoClient per process, Beanie initialised on it.

When the database is unreachable at start-up the API still starts (answering 503) and keeps trying in
the background, so that a container started before its database recovers by itself.
"""

import asyncio
import logging
from collections.abc import Collection, Sequence
from typing import Any

from beanie import Document, init_beanie
from beanie.exceptions import CollectionWasNotInitialized
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError
from pymongo.monitoring import CommandListener

from backend.core.errors import DatabaseUnavailableError
from backend.core.kept_reads import WRITES
from backend.core.settings import Settings

logger = logging.getLogger(__name__)

MongoDocument = dict[str, Any]


def make_client(
    settings: Settings, *, event_listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[MongoDocument]:
    """A client whose timeouts make a lost database fail fast instead of hanging requests.

    `event_listeners` are PyMongo command listeners (the index-coverage test records every command this way);
    every client also counts its writes for the reads kept in memory (core/kept_reads.py).
    """
    return AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=settings.mongodb_server_selection_timeout_ms,
        connectTimeoutMS=settings.mongodb_connect_timeout_ms,
        socketTimeoutMS=settings.mongodb_socket_timeout_ms,
        tz_aware=True,
        uuidRepresentation="standard",
        appname="hamqadam-backend",
        event_listeners=[*event_listeners, WRITES],
    )


async def initialise_documents(db: AsyncDatabase[MongoDocument], documents: Sequence[type[Document]]) -> None:
    """Bind Beanie to `db`; Beanie creates every index the documents declare."""
    await init_beanie(database=db, document_models=list(documents))


class Database:
    """Owns the client and Beanie's initialisation for one running app."""

    def __init__(
        self,
        settings: Settings,
        document_models: Sequence[type[Document]],
        *,
        event_listeners: Sequence[CommandListener] = (),
    ) -> None:
        self.settings = settings
        self._document_models = list(document_models)
        self.client = make_client(settings, event_listeners=event_listeners)
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
        logger.info("database initialised", extra={"database": self.settings.mongodb_database})

    async def _retry_until_initialised(self) -> None:
        while not self.initialised:
            await asyncio.sleep(self.settings.database_retry_interval_s)
            try:
                await self._initialise()
            except ConnectionFailure:
                logger.info("database still not reachable")

    async def check_ready(self) -> None:
        """Raise DatabaseUnavailableError with the reason unless the database answers a ping now."""
        if not self.initialised:
            raise DatabaseUnavailableError("The database has not been reachable since start-up.")
        timeout_s = self.settings.mongodb_server_selection_timeout_ms / 1000 + 1
        try:
            await asyncio.wait_for(self.db.command("ping"), timeout=timeout_s)
        except (PyMongoError, TimeoutError) as exc:
            raise DatabaseUnavailableError(
                f"The database did not answer a ping: {type(exc).__name__}."
            ) from exc

    async def attach(self) -> None:
        """Bind Beanie to this already initialised database again, without index commands.

        For tests: one database per run, initialised once, emptied between tests, while other apps
        (an outage test's own engine, say) may have bound Beanie elsewhere meanwhile.
        """
        if not self._bound_here():
            await init_beanie(database=self.db, document_models=self._document_models, skip_indexes=True)

    def _bound_here(self) -> bool:
        """Whether every model is still bound to this database (binding again takes a tenth of a second)."""
        try:
            # Identity: another client to the same server and database compares equal, and may be closed.
            return all(model.get_pymongo_collection().database is self.db for model in self._document_models)
        except CollectionWasNotInitialized:
            return False

    async def clear(self, *, keep: Collection[str] = ()) -> None:
        """Delete every document (but in `keep`), keeping collections and indexes (tests start clean)."""
        for name in await self.db.list_collection_names():
            if name not in keep:
                await self.db[name].delete_many({})

    async def close(self) -> None:
        if self._retry_task is not None:
            self._retry_task.cancel()
            await asyncio.gather(self._retry_task, return_exceptions=True)
        await self.client.close()
