"""Fixtures: one real engine per test session, a clean database per test, the app with its real lifespan."""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from backend.core.settings import Environment, Settings
from backend.geography.service import import_seed_data
from backend.main import create_app
from scripts.ferretdb import FerretDB, free_port


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """MONGODB_URI when set (e.g. a real MongoDB); otherwise a FerretDB started for this session."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    engine = FerretDB(data_dir=tmp_path_factory.mktemp("ferretdb"), port=free_port())
    engine.start()
    try:
        yield engine.uri
    finally:
        engine.stop()


def make_settings(mongodb_uri: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "mongodb_uri": mongodb_uri,
        "mongodb_database": f"test_{uuid.uuid4().hex[:12]}",
        **overrides,
    }
    return Settings.model_validate(values)


@pytest.fixture
async def settings(mongodb_uri: str) -> AsyncIterator[Settings]:
    """Settings naming a database of this test's own, dropped afterwards."""
    test_settings = make_settings(mongodb_uri)
    yield test_settings
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    try:
        await client.drop_database(test_settings.mongodb_database)
    finally:
        await client.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application with its real lifespan running (database opened, Beanie initialised)."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def seeded(app: FastAPI) -> None:
    """The shipped geography seed, loaded into this test's database."""
    await import_seed_data()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
