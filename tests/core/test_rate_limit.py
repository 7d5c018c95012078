"""Abuse limits: per client address and per account, shared by every API process (kept in the database)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app


@asynccontextmanager
async def _serve(
    settings: Settings, database: Database, **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    """An app instance on the run's database, called from one client address."""
    app: FastAPI = create_app(settings.model_copy(update=changes), database=database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
async def two_processes(
    settings: Settings, shared_database: Database
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two app instances on the same database, as two API processes would be."""
    limits = {"recruiter_lookup": "3/hour"}  # hour windows: a test never straddles a window's end
    async with (
        _serve(settings, shared_database, rate_limits=limits) as first,
        _serve(settings, shared_database, rate_limits=limits) as second,
    ):
        yield [first, second]


async def test_limit_is_shared_by_processes_and_answers_429_with_retry_after(
    two_processes: list[httpx.AsyncClient],
) -> None:
    first, second = two_processes
    answers = [
        await (first if i % 2 else second).get("/v1/recruiters", params={"q": "al noor"}) for i in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    settings: Settings, shared_database: Database
) -> None:
    async with _serve(settings, shared_database, rate_limits={"recruiter_lookup": "2/hour"}) as http:
        statuses = []
        for i in range(3):  # a spoofed header per request does not buy a fresh allowance
            spoofed = {"X-Forwarded-For": f"198.51.100.{i}"}
            statuses.append(
                (await http.get("/v1/recruiters", params={"q": "x y"}, headers=spoofed)).status_code
            )
        assert statuses == [200, 200, 429]


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(
    settings: Settings, shared_database: Database
) -> None:
    async with _serve(
        settings,
        shared_database,
        rate_limits={"recruiter_lookup": "1/hour"},
        trusted_proxies=["203.0.113.0/24"],
    ) as http:
        for i in range(3):
            forwarded = {"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.9"}
            response = await http.get("/v1/recruiters", params={"q": "x y"}, headers=forwarded)
            assert response.status_code == 200
        again = await http.get(
            "/v1/recruiters", params={"q": "x y"}, headers={"X-Forwarded-For": "198.51.100.1"}
        )
        assert again.status_code == 429


async def test_limits_can_be_turned_off(settings: Settings, shared_database: Database) -> None:
    async with _serve(
        settings, shared_database, rate_limits={"recruiter_lookup": "1/hour"}, rate_limiting=False
    ) as http:
        for _ in range(3):
            assert (await http.get("/v1/recruiters", params={"q": "x y"})).status_code == 200


def test_a_malformed_limit_stops_start_up() -> None:
    with pytest.raises(ValueError, match="RATE_LIMITS"):
        Settings.model_validate({"rate_limits": {"search": "lots"}})
