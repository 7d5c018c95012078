"""Fixtures: signed-up young people, and the local FCM server and sender of the alerts tests."""

from typing import Any, Protocol

import httpx
import pytest

from tests.alerts.conftest import _quiet_httpx, fcm, fcm_server, sender  # noqa: F401  (shared fixtures)
from tests.conftest import MakeUser, User
from tests.youth.test_router import signup


class MakeYoung(Protocol):
    async def __call__(self, **overrides: Any) -> User: ...


@pytest.fixture
def make_young(client: httpx.AsyncClient, make_user: MakeUser) -> MakeYoung:
    """A signed-in person who signed up as a young participant (Lahore, NA-117, Urdu then English)."""

    async def make(**overrides: Any) -> User:
        user = await make_user()
        response = await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
        assert response.status_code == 201, response.text
        return user

    return make
