"""Helpers for youth tests: a signed-up young person, an officer's registration body, what a 422 names."""

from typing import Any

import httpx

from tests.conftest import MakeUser, User
from tests.youth.test_router import signup


def _fields(response: httpx.Response) -> set[tuple[str, str]]:
    return {(error["field"], error["rule"]) for error in response.json().get("errors", [])}


async def _youth(client: httpx.AsyncClient, make_user: MakeUser, **overrides: Any) -> User:
    user = await make_user()
    assert (
        await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
    ).status_code == 201
    return user


def _registration(**person: Any) -> dict[str, Any]:
    return {"person": signup(phone=None, **person), "consent_method": "paper"}
