"""Sync pages answered from memory (content/sync_pages.py): the same page again costs no rebuilding, and
still changes the moment the feed moves or an item on it expires."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.content import sync, sync_pages
from tests.fixtures.content import SYNC, item_body, publish_new
from tests.fixtures.users import User


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The cursor of every page built from the database (not answered from memory)."""
    built: list[str | None] = []
    real_sync = sync.sync

    async def counted(**question: object) -> object:
        built.append(question["since"])  # type: ignore[arg-type]
        return await real_sync(**question)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "sync", counted)
    return built


async def test_the_same_page_again_is_answered_from_memory_until_the_feed_moves(
    client: httpx.AsyncClient, editor: User, builds: list[str | None]
) -> None:
    first_item = await publish_new(client, editor)
    first = await client.get(SYNC, params={"limit": 20})
    again = await client.get(SYNC, params={"limit": 20})
    assert (again.content, again.headers["etag"], len(builds)) == (first.content, first.headers["etag"], 1)
    unchanged = await client.get(SYNC, params={"limit": 20}, headers={"If-None-Match": first.headers["etag"]})
    assert (unchanged.status_code, len(builds)) == (304, 1)
    second_item = await publish_new(client, editor)
    moved = (await client.get(SYNC, params={"limit": 20})).json()
    assert [entry["id"] for entry in moved["entries"]] == [first_item, second_item]
    assert len(builds) == 2


async def test_a_kept_page_goes_out_compressed_and_whole(client: httpx.AsyncClient, editor: User) -> None:
    for _ in range(3):
        await publish_new(client, editor)
    for _ in range(2):  # built, then from memory
        raw = await client.get(SYNC, headers={"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        plain = await client.get(SYNC, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert raw.content == plain.content  # httpx decodes the gzip body
        assert raw.headers["etag"] == plain.headers["etag"]


async def test_a_page_is_not_kept_past_the_expiry_of_an_item_on_it(
    client: httpx.AsyncClient, editor: User, builds: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=30)
    item_id = await publish_new(client, editor, item_body(kind="alert", expires_at=soon.isoformat()))
    before = (await client.get(SYNC)).json()
    assert [entry["op"] for entry in before["entries"]] == ["upsert"]
    # The expiry job has not run yet (no feed entry): the page must not be kept past the moment itself.
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(sync_pages, "utc_now", lambda: later)
    monkeypatch.setattr(sync, "utc_now", lambda: later)
    after = (await client.get(SYNC)).json()
    assert len(builds) == 2
    # A first sync leaves out what was withdrawn before it began; the expired item is simply not there.
    assert item_id not in [entry["id"] for entry in after["entries"] if entry["op"] == "upsert"]


async def test_a_bad_cursor_is_refused_before_anything_is_kept(
    client: httpx.AsyncClient, builds: list[str | None]
) -> None:
    refused = await client.get(SYNC, params={"since": "not-a-cursor!"})
    assert (refused.status_code, refused.json()["errors"][0]["field"], builds) == (422, "query.since", [])
