"""Young people's routes (review, issue 11): sign-up, devices and check-ins rate limited; every answer
declared in the contract."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import signup

pytestmark = pytest.mark.usefixtures("seeded")


@asynccontextmanager
async def _limited_app(
    settings: Settings, database: Database, limits: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings.model_copy(update={"rate_limits": limits}), database=database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.8", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_sign_up_and_device_registration_are_rate_limited(
    settings: Settings, shared_database: Database, make_user: MakeUser
) -> None:
    limits = {"signup": "2/hour", "device_registration": "1/hour", "checkin": "1/hour"}
    async with _limited_app(settings, shared_database, limits) as http:
        user = await make_user()
        statuses = [
            (await http.post("/v1/youth/signup", json=signup(), headers=user.headers)).status_code
            for _ in range(3)
        ]
        assert statuses == [201, 200, 429]
        refused = await http.post("/v1/youth/signup", json=signup(), headers=user.headers)
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert refused.json()["code"] == "rate_limited"
        device = {"fcm_token": "fcm-" + "d" * 150, "platform": "ios", "app_version": "1.0", "locale": "en"}
        first = await http.put("/v1/youth/me/devices", json=device, headers=user.headers)
        again = await http.put("/v1/youth/me/devices", json=device, headers=user.headers)
        assert (first.status_code, again.status_code) == (201, 429)
        checkins = [
            (
                await http.post("/v1/youth/checkins", json={"code": "HQ1.x.1.2.sig"}, headers=user.headers)
            ).status_code
            for _ in range(2)
        ]
        assert checkins == [422, 429]


def test_youth_routes_declare_what_they_answer(app: FastAPI) -> None:
    spec = app.openapi()
    devices = spec["paths"]["/v1/youth/me/devices"]["put"]["responses"]
    assert {"200", "201", "429"} <= set(devices)
    assert "429" in spec["paths"]["/v1/youth/signup"]["post"]["responses"]
    assert {"200", "201", "429"} <= set(spec["paths"]["/v1/youth/checkins"]["post"]["responses"])
    assert "404" in spec["paths"]["/v1/youth/registrations/{registration_id}"]["put"]["responses"]
    quiet = spec["components"]["schemas"]["QuietHours"]["properties"]["start"]
    assert quiet.get("format") != "time"
    assert quiet["pattern"]
