"""Open the configured database with Beanie initialised, for command-line scripts."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.core.database import initialise_documents, make_client
from backend.core.settings import Settings
from backend.registry import DOCUMENT_MODELS
from backend.turnout import keys


@asynccontextmanager
async def beanie_session(settings: Settings) -> AsyncIterator[None]:
    """Connect to MONGODB_URI / MONGODB_DATABASE, initialise every document model, key records as the API."""
    keys.use_secret(settings)
    client = make_client(settings)
    try:
        await initialise_documents(client[settings.mongodb_database], DOCUMENT_MODELS)
        yield
    finally:
        await client.close()
