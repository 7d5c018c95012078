"""Helpers for content tests: an item body, an editor, the editor's steps and a phone's sync, over HTTP."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from backend.content.models import ContentRevision
from schemas.accounts import Role
from tests.conftest import MakeUser, User

EDITORIAL = "/v1/editorial/content"
SYNC = "/v1/content/sync"


def item_body(**overrides: Any) -> dict[str, Any]:
    """A publishable article in Urdu and English."""
    body: dict[str, Any] = {
        "kind": "article",
        "topics": ["recruiter_check"],
        "translations": {
            "ur": {
                "title": "ریکروٹر کا لائسنس چیک کریں",
                "summary": "پیسے دینے سے پہلے لائسنس دیکھیں۔",
                "body": "## لائسنس\n\nہر **ریکروٹر** کے پاس لائسنس ہونا چاہیے۔",
            },
            "en": {
                "title": "Check the recruiter's licence",
                "summary": "Look at the licence before you pay anyone.",
                "body": "## Licence\n\nEvery **recruiter** must hold a valid licence.",
            },
        },
    }
    body.update(overrides)
    return body


def written_revision(item_id: str, number: int, title: str | None = None) -> ContentRevision:
    """A revision as another writer would store it straight in the database (not yet inserted)."""
    body = item_body()
    if title is not None:
        body["translations"]["en"]["title"] = title
    return ContentRevision(
        id=f"{item_id}:{number}",
        item_id=item_id,
        revision=number,
        published_at=datetime.now(UTC),
        published_by="elsewhere",
        kind=body["kind"],
        topics=body["topics"],
        translations=body["translations"],
        provinces=[],
        districts=[],
    )


async def publish_new(http: httpx.AsyncClient, editor: User, body: dict[str, Any] | None = None) -> str:
    """Create, submit and publish an item; returns its id."""
    item_id = str(uuid.uuid4())
    created = await http.put(f"{EDITORIAL}/{item_id}", json=body or item_body(), headers=editor.headers)
    assert created.status_code == 201, created.text
    await step(http, editor, item_id, "submit")
    await step(http, editor, item_id, "publish")
    return item_id


async def step(
    http: httpx.AsyncClient, editor: User, item_id: str, action: str, json: Any = None
) -> dict[str, Any]:
    response = await http.post(f"{EDITORIAL}/{item_id}/{action}", json=json, headers=editor.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
async def editor(make_user: MakeUser, seeded: None) -> User:
    """An editor, with the geography seed loaded for targeting."""
    return await make_user(Role.EDITOR)


async def sync_all(
    http: httpx.AsyncClient, cursor: str | None = None, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Page through the feed like a phone; returns every entry received and the last cursor."""
    received: list[dict[str, Any]] = []
    while True:
        query = {**params, **({"since": cursor} if cursor else {})}
        page = (await http.get(SYNC, params=query)).json()
        received += page["entries"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return received, cursor
