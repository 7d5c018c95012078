"""Beanie creates every index the documents declare, and starting again on the same database is harmless."""

from fastapi import FastAPI

from backend.core.database import Database, initialise_documents
from backend.registry import DOCUMENT_MODELS


async def test_every_declared_index_exists_and_survives_a_second_start(app: FastAPI) -> None:
    database: Database = app.state.database
    await initialise_documents(database.db, DOCUMENT_MODELS)
    for document in DOCUMENT_MODELS:
        existing = await document.get_pymongo_collection().index_information()
        declared = {index.document["name"] for index in getattr(document.Settings, "indexes", [])}
        assert declared <= set(existing), document.__name__
