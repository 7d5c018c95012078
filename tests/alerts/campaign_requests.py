"""Editors' campaigns over HTTP: a normal alert's body, a fresh Idempotency-Key, a create, the one problem of
a 422, and an editor to send them."""

import uuid
from typing import Any

import httpx
import pytest

from schemas.accounts import Role
from tests.conftest import MakeUser, User

CAMPAIGNS = "/v1/editorial/campaigns"


def campaign(**overrides: Any) -> dict[str, Any]:
    """A normal alert to Lahore, in Urdu and English, sent now."""
    body: dict[str, Any] = {
        "title": {"ur": "جعلی ویزا سے ہوشیار", "en": "Beware of fake visas"},
        "body": {
            "ur": "لاہور میں جعلی ویزا دینے والے گروہ سے بچیں۔",
            "en": "A racket is selling fake work visas in Lahore. Check the recruiter's licence first.",
        },
        "audience": {"districts": ["lahore"]},
        "priority": "normal",
    }
    return body | overrides


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def create(
    client: httpx.AsyncClient, editor: User, body: dict[str, Any] | None = None, status: int = 201
) -> dict[str, Any]:
    response = await client.post(CAMPAIGNS, json=body or campaign(), headers=editor.headers | key())
    assert response.status_code == status, response.text
    created: dict[str, Any] = response.json()
    return created


def problem(response: httpx.Response) -> tuple[str, str]:
    """The one field and rule a 422 names."""
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    return error["field"], error["rule"]


@pytest.fixture(name="editor")
async def editor_fixture(make_user: MakeUser) -> User:
    """An editor: the `editor` fixture of the campaign tests, which import it."""
    return await make_user(Role.EDITOR)
