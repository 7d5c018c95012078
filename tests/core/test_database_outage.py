"""When the database goes away the API answers 503 quickly, and recovers by itself when it returns."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.main import create_app
from scripts.engine import EmbeddedEngine, free_port
from tests.fixtures.app import make_settings

FAST_FAIL = {
    "mongodb_server_selection_timeout_ms": 1000,
    "mongodb_connect_timeout_ms": 500,
    "database_retry_interval_s": 0.5,
}


async def _wait_for_status(
    http: httpx.AsyncClient, path: str, status: int, within_s: float
) -> httpx.Response:
    deadline = time.monotonic() + within_s
    while True:
        response = await http.get(path)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.25)


@pytest.fixture
async def own_engine(tmp_path: Path) -> AsyncIterator[EmbeddedEngine]:
    """An engine of this test's own, so killing it does not disturb the other tests."""
    engine = EmbeddedEngine(port=free_port(), storage="file", data_path=tmp_path / "engine" / "db.mv")
    await asyncio.to_thread(engine.start)
    yield engine
    await asyncio.to_thread(engine.stop)


async def test_api_answers_503_while_engine_is_down_and_recovers(own_engine: EmbeddedEngine) -> None:
    app = create_app(make_settings(own_engine.uri, **FAST_FAIL))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert (await http.get("/readyz")).status_code == 200
            assert (await http.get("/v1/geo/provinces")).status_code == 200

            await asyncio.to_thread(own_engine.kill)
            for path in ("/readyz", "/v1/geo/provinces", "/v1/geo/constituencies/NA-1"):
                started = time.monotonic()
                response = await http.get(path)
                assert response.status_code == 503, path
                assert time.monotonic() - started < 5, f"{path} took too long to fail"
                problem = response.json()
                assert problem["code"] == "database_unavailable"
                assert response.headers["retry-after"] == "5"
            assert (await http.get("/healthz")).status_code == 200

            await asyncio.to_thread(own_engine.start)
            assert (await _wait_for_status(http, "/readyz", 200, within_s=30)).status_code == 200
            assert (await http.get("/v1/geo/provinces")).status_code == 200


async def test_api_started_before_its_database_becomes_ready_when_it_appears(tmp_path: Path) -> None:
    engine = EmbeddedEngine(port=free_port(), log_path=tmp_path / "late.log")
    app = create_app(make_settings(engine.uri, **FAST_FAIL))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            not_ready = await http.get("/readyz")
            assert not_ready.status_code == 503
            assert "since start-up" in not_ready.json()["detail"]
            assert (await http.get("/v1/geo/provinces")).status_code == 503
            await asyncio.to_thread(engine.start)
            try:
                assert (await _wait_for_status(http, "/readyz", 200, within_s=30)).status_code == 200
                assert (await http.get("/v1/geo/provinces")).status_code == 200
            finally:
                await asyncio.to_thread(engine.stop)
