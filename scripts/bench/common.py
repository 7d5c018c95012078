"""Shared by the benchmarks: a database to measure on, the reference data, the app served on loopback."""

import asyncio
import multiprocessing
import os
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from pymongo import MongoClient
from pymongo.collection import Collection

from backend.accounts.dependencies import current_account
from backend.accounts.models import Account
from backend.console.guards import session_account
from backend.core.logging import configure_logging
from backend.core.settings import Environment, Settings
from backend.geography.loading import import_seed_data
from backend.main import create_app
from scripts.db import beanie_session
from scripts.engine import EmbeddedEngine, free_port

# The two store sizes of a growth figure: the same operation, timed with each already stored.
GROWTH_SIZES = (1_000, 100_000)
GROWTH_GOAL = 1.5


@contextmanager
def bench_settings(*, heap_mb: int | None = None, **overrides: Any) -> Iterator[Settings]:
    """Settings for a fresh database on MONGODB_URI, or on an embedded engine (memory) of its own.

    `heap_mb` caps the embedded engine's heap (default: ENGINE_HEAP_MB, else 2048).
    """
    with tempfile.TemporaryDirectory() as folder:
        engine = None
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            engine = EmbeddedEngine(port=free_port(), log_path=Path(folder) / "engine.log", heap_mb=heap_mb)
            engine.start()
            uri = engine.uri
        values: dict[str, Any] = {
            "environment": Environment.TEST,
            "mongodb_uri": uri,
            "mongodb_database": f"bench_{uuid.uuid4().hex[:8]}",
            "firebase_auth_emulator_host": None,
            "log_level": "WARNING",
            "device_cleanup_interval_s": 0,
            # Benchmarks measure the features; the abuse limits would answer 429 to their loops.
            "rate_limiting": False,
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


def stand_in_for_sign_in(app: Any, caller: Callable[..., Any]) -> None:
    """Every request is `caller`'s: the API's bearer token and the console's session are not checked."""
    app.dependency_overrides[current_account] = caller
    app.dependency_overrides[session_account] = caller


class BenchServer:
    """The app under uvicorn in a thread of this process (so tracemalloc sees the server's allocations).

    Sign-in (the API's token and the console's session cookie) is replaced by `caller`, so that the figures
    measure the feature, not token checks.
    """

    def __init__(self, settings: Settings, caller: Callable[..., Account | Awaitable[Account]]) -> None:
        app = create_app(settings)
        stand_in_for_sign_in(app, caller)
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


def _serve_in_child(
    settings: Settings, caller: Callable[..., Any], port: int, prepare: Callable[[], None] | None
) -> None:
    if prepare is not None:
        prepare()
    app = create_app(settings)
    stand_in_for_sign_in(app, caller)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class ProcessBenchServer:
    """The app under uvicorn in a process of its own, for rate figures: a server in a thread of the bench
    shares the client's interpreter lock, so each request would wait for the client's own Python work.

    `caller` and `prepare` (run in the child before the app is made: a variant to compare with) must be
    importable (module-level functions): they are sent to the child by name.
    """

    def __init__(
        self,
        settings: Settings,
        caller: Callable[..., Account | Awaitable[Account]],
        *,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        # Logging as an in-process server would set it: the client's own request logs stay quiet.
        configure_logging(settings.log_level)
        self.port = free_port()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_in_child, args=(settings, caller, self.port, prepare), daemon=True
        )

    def __enter__(self) -> str:
        self._process.start()
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if not self._process.is_alive() or time.monotonic() > deadline:
                    self._process.kill()
                    raise RuntimeError("the bench server did not start") from None
                time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def add_heap_option(parser: Any) -> None:
    parser.add_argument(
        "--engine-heap-mb",
        type=int,
        default=None,
        help="heap of the embedded engine in MiB (default: ENGINE_HEAP_MB, else 2048)",
    )


def store_directly(
    settings: Settings, collection: str, documents: Iterable[dict[str, Any]], *, label: str
) -> int:
    """Insert documents straight into a collection, in chunks, showing progress; returns how many.

    A plain synchronous client: Beanie stays bound to the server's event loop.
    """
    client: MongoClient[dict[str, Any]]
    stored = 0
    with MongoClient(settings.mongodb_uri, uuidRepresentation="standard", tz_aware=True) as client:
        target: Collection[dict[str, Any]] = client[settings.mongodb_database][collection]
        chunk: list[dict[str, Any]] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) == 5_000:
                target.insert_many(chunk, ordered=False)
                stored += len(chunk)
                chunk.clear()
                print(f"  {label}: {stored:,} stored", end="\r", flush=True)
        if chunk:
            target.insert_many(chunk, ordered=False)
            stored += len(chunk)
    print(f"  {label}: {stored:,} stored")
    return stored


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of `action` takes."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def p95_ms(seconds: list[float]) -> float:
    """The 95th percentile of the samples, in milliseconds."""
    return statistics.quantiles(seconds, n=20, method="inclusive")[18] * 1000


def growth_line(
    label: str, small: list[float], large: list[float], *, sizes: tuple[int, int] = GROWTH_SIZES
) -> str:
    """One growth figure: the p95 with each of `sizes` records stored, and their ratio."""
    before, after = p95_ms(small), p95_ms(large)
    verdict = "within" if after / before <= GROWTH_GOAL else "over"
    return (
        f"  {label:<22} p95 {before:8.2f} ms at {sizes[0]:,}  {after:8.2f} ms at {sizes[1]:,}"
        f"  ratio {after / before:.2f} ({verdict} the goal; {len(small)} and {len(large)} samples)"
    )
