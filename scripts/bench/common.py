"""Shared by the benchmarks: a database to measure on, the reference data, the app served on loopback."""

import asyncio
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from backend.accounts.dependencies import current_account
from backend.accounts.models import Account
from backend.core.settings import Environment, Settings
from backend.geography.service import import_seed_data
from backend.main import create_app
from scripts.db import beanie_session
from scripts.engine import EmbeddedEngine, free_port


@contextmanager
def bench_settings(**overrides: Any) -> Iterator[Settings]:
    """Settings for a fresh database on MONGODB_URI, or on an embedded engine (memory) of its own."""
    with tempfile.TemporaryDirectory() as folder:
        engine = None
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            engine = EmbeddedEngine(port=free_port(), log_path=Path(folder) / "engine.log")
            engine.start()
            uri = engine.uri
        values: dict[str, Any] = {
            "environment": Environment.TEST,
            "mongodb_uri": uri,
            "mongodb_database": f"bench_{uuid.uuid4().hex[:8]}",
            "firebase_auth_emulator_host": None,
            "log_level": "WARNING",
            "device_cleanup_interval_s": 0,
            **overrides,
        }
        try:
            yield Settings.model_validate(values)
        finally:
            if engine is not None:
                engine.stop()


def load_geography(settings: Settings) -> None:
    async def seed() -> None:
        async with beanie_session(settings):
            await import_seed_data()

    asyncio.run(seed())


class BenchServer:
    """The app under uvicorn in a thread of this process (so tracemalloc sees the server's allocations).

    Sign-in is replaced by `caller`, so that the figures measure the feature, not token checks.
    """

    def __init__(self, settings: Settings, caller: Callable[..., Account]) -> None:
        app = create_app(settings)
        app.dependency_overrides[current_account] = caller
        self.port = free_port()
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        while not self._server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
