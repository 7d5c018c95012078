"""Fixtures: one real engine per test session, a clean database per test, the app with its real lifespan."""

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from fastapi import FastAPI

from backend.accounts import changes as account_changes
from backend.accounts import service as accounts_service
from backend.core import clock
from backend.core.database import Database
from backend.core.settings import Environment, Settings
from backend.geography.models import Constituency, District, Province
from backend.geography.service import forget_reference_cache, import_seed_data
from backend.main import create_app
from backend.registry import DOCUMENT_MODELS
from backend.turnout import keys as record_keys
from schemas.accounts import Role, RoleGrant
from scripts.engine import EmbeddedEngine, free_port
from scripts.firebase_emulator import AuthEmulator
from tests.coverage import recorder
from tests.coverage.recorder import FINAL_TEST, RECORDER

TEST_FIGURES_KEY_SECRET = "tests-only: figures key secret, 32+ chars"

# A safety net: google-auth must never probe the cloud metadata address from a test.
os.environ["NO_GCE_CHECK"] = "true"

_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "testserver"}
_real_getaddrinfo = socket.getaddrinfo


def _loopback_only_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name not in _LOOPBACK_NAMES and not name.startswith("127."):
        raise OSError(f"tests may only reach loopback, not {name}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _no_network_beyond_loopback() -> Iterator[None]:
    """Fail any test that tries to reach Google (or any host) instead of our local servers."""
    socket.getaddrinfo = _loopback_only_getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = _real_getaddrinfo


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The index-coverage check runs last: it reads the queries every other test made the service send."""
    items.sort(key=lambda item: item.name == FINAL_TEST)


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """MONGODB_URI when set (e.g. a real MongoDB); otherwise one embedded engine (memory) for the run."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    engine = EmbeddedEngine(
        port=free_port(), log_path=tmp_path_factory.mktemp("engine") / "engine.log", heap_mb=2048
    )
    engine.start()
    try:
        yield engine.uri
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def auth_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthEmulator]:
    """The Firebase Auth emulator, for the whole session (about 15 s to start)."""
    emulator = AuthEmulator(work_dir=tmp_path_factory.mktemp("auth-emulator"), port=free_port())
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def make_settings(mongodb_uri: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "mongodb_uri": mongodb_uri,
        "mongodb_database": f"test_{uuid.uuid4().hex[:12]}",
        # Explicit, so a variable an earlier app set in this process is not read back by pydantic-settings.
        "firebase_auth_emulator_host": None,
        "firebase_id_token_cert_url": None,
        # Fixed, so that figures (cell-key perturbation) come out the same on every run.
        "figures_key_secret": TEST_FIGURES_KEY_SECRET,
        **overrides,
    }
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
async def shared_database(mongodb_uri: str) -> AsyncIterator[Database]:
    """One database for the run, initialised once (Beanie and its indexes); each test empties it.

    Its client records every query the service sends, for the index-coverage test run last.
    """
    database = Database(make_settings(mongodb_uri), DOCUMENT_MODELS, event_listeners=[RECORDER])
    record_keys.use_secret(database.settings)  # tests that count without an app key records the same way
    RECORDER.database_name = database.db.name
    recorder.install(asyncio.get_running_loop())
    await database.start()
    yield database
    await database.client.drop_database(database.db.name)
    await database.close()


@pytest.fixture(scope="session")
def session_settings(shared_database: Database, auth_emulator: AuthEmulator) -> Settings:
    """Settings naming the run's database and the Auth emulator."""
    return make_settings(
        shared_database.settings.mongodb_uri,
        mongodb_database=shared_database.db.name,
        firebase_auth_emulator_host=auth_emulator.host,
    )


@pytest.fixture(scope="session")
def session_app(session_settings: Settings, shared_database: Database) -> FastAPI:
    """One application for the run (building one takes about 0.1 s); each test runs its lifespan."""
    return create_app(session_settings, database=shared_database)


# The seeded geography stays between tests that ask for it (`seeded` repairs what a test changed):
# loading it takes about 0.15 s, checking it about 0.05 s.
GEOGRAPHY = (Province, District, Constituency)


@pytest.fixture
async def settings(
    request: pytest.FixtureRequest, shared_database: Database, session_settings: Settings
) -> Settings:
    """The run's settings, with the database emptied for this test."""
    keep = {model.get_collection_name() for model in GEOGRAPHY} if "seeded" in request.fixturenames else ()
    await shared_database.clear(keep=keep)
    return session_settings


@pytest.fixture
async def app(settings: Settings, session_app: FastAPI) -> AsyncIterator[FastAPI]:
    """The application with its real lifespan running, on the run's shared database."""
    async with session_app.router.lifespan_context(session_app):
        yield session_app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def seeded(app: FastAPI) -> None:
    """Exactly the shipped geography seed in this test's database (kept from an earlier test if intact)."""
    report = await import_seed_data()
    parts = (report.provinces, report.districts, report.constituencies)
    for model, counts in zip(GEOGRAPHY, parts, strict=True):
        if await model.get_pymongo_collection().count_documents({}) != counts.total:
            # An earlier test added records the seed lacks: start the geography afresh.
            for stale in GEOGRAPHY:
                await stale.get_pymongo_collection().delete_many({})
            forget_reference_cache()
            await import_seed_data()
            return


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class User:
    uid: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class MakeUser(Protocol):
    async def __call__(
        self, *roles: Role, districts: list[str] | None = None, constituency: str | None = None
    ) -> User: ...


@pytest.fixture
def make_user(app: FastAPI, auth_emulator: AuthEmulator) -> MakeUser:
    """A signed-in emulator user with an account holding `roles` and their scope."""

    async def make(*roles: Role, districts: list[str] | None = None, constituency: str | None = None) -> User:
        email = f"{uuid.uuid4().hex[:10]}@example.org"
        uid, token = await asyncio.to_thread(auth_emulator.users.sign_up, email)
        await accounts_service.account_for_token(uid=uid, email=email)
        for role in roles:
            grant = RoleGrant(
                districts=districts if role in (Role.FIELD_OFFICER, Role.SUPERVISOR) else None,
                constituency=constituency if role == Role.MP else None,
            )
            await account_changes.grant_role(
                actor="test", uid=uid, role=role, grant=grant, identity=app.state.firebase
            )
        return User(uid=uid, email=email, token=token)

    return make


class Clock:
    """The service's time in a test: frozen at a moment, or running ahead of the real one."""

    def set(self, moment: datetime) -> None:
        """Freeze the service's time at `moment` (aware)."""
        clock.set_source(lambda: moment)

    def shift(self, seconds: float) -> None:
        """Run the service's time `seconds` ahead of the real one (a lease seen from later)."""
        clock.set_source(lambda: datetime.now(UTC) + timedelta(seconds=seconds))


@pytest.fixture
def service_clock() -> Iterator[Clock]:
    """Move the service's time (core/clock.py); the real time again after the test."""
    try:
        yield Clock()
    finally:
        clock.set_source(None)
