"""The app's feed while others write: publishing during a sync, gapless numbering, another API process or
writer, and a withdrawal interrupted half-way."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from backend.content import feed, live
from backend.content.models import FeedEntry
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from tests.fixtures.content import EDITORIAL, publish_new, step, sync_all, written_revision
from tests.fixtures.users import User


async def test_nothing_is_missed_or_repeated_while_editors_publish(
    client: httpx.AsyncClient, editor: User
) -> None:
    """Phones page through the feed while others publish, edit and archive; each ends with the live set."""
    initial = [await publish_new(client, editor) for _ in range(4)]

    async def editors_at_work() -> None:
        async def publish_one() -> None:
            await publish_new(client, editor)

        await asyncio.gather(*(publish_one() for _ in range(6)))
        await step(client, editor, initial[0], "archive")
        await asyncio.gather(*(publish_one() for _ in range(4)))

    async def phone() -> dict[str, int]:
        held: dict[str, int] = {}
        delivered: set[tuple[str, int]] = set()
        cursor = None
        finished = False
        while not finished:
            finished = publishing.done()  # one more full sync after the editors stop
            received, cursor = await sync_all(client, cursor, limit=2)
            for entry in received:
                if entry["op"] == "delete":
                    held.pop(entry["id"], None)
                    continue
                version = (entry["id"], entry["item"]["revision"])
                assert version not in delivered, "the same revision was delivered twice"
                delivered.add(version)
                held[entry["id"]] = entry["item"]["revision"]
            await asyncio.sleep(0.02)
        return held

    publishing = asyncio.create_task(editors_at_work())
    phones = await asyncio.gather(phone(), phone(), phone())
    await publishing
    live = {
        item["id"]: item["revision"]
        for item in (await client.get("/v1/content", params={"limit": 100})).json()["items"]
    }
    assert len(live) == 13
    assert initial[0] not in live
    for held in phones:
        assert held == live


async def test_parallel_steps_number_the_feed_without_gaps(client: httpx.AsyncClient, editor: User) -> None:
    await asyncio.gather(*(publish_new(client, editor) for _ in range(12)))
    entries = await FeedEntry.find_all().sort("+_id").to_list()
    assert [entry.id for entry in entries] == list(range(1, 13))
    assert len({entry.change_id for entry in entries}) == 12


async def test_another_api_process_sees_a_publish_at_once(
    client: httpx.AsyncClient, editor: User, settings: Settings, shared_database: Database
) -> None:
    """No process keeps its own copy of the feed: what one publishes, the next request anywhere sees."""
    first = await publish_new(client, editor)
    _, cursor = await sync_all(client)
    other_app = create_app(settings, database=shared_database)
    async with (
        other_app.router.lifespan_context(other_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=other_app), base_url="http://testserver"
        ) as other,
    ):
        assert [entry["id"] for entry in (await sync_all(other))[0]] == [first]
        second = await publish_new(other, editor)
        assert (await client.get(f"/v1/content/{second}")).status_code == 200
        received, _ = await sync_all(client, cursor)
        assert [entry["id"] for entry in received] == [second]
        await step(client, editor, second, "archive")
        assert (await other.get(f"/v1/content/{second}")).status_code == 404
        listed = (await other.get("/v1/content")).json()
        assert [card["id"] for card in listed["items"]] == [first]


async def test_documents_written_by_another_writer_are_served_at_once(client: httpx.AsyncClient) -> None:
    """A revision, its feed entry and live record written straight to the database are synced, read
    and found by the next request."""
    item_id = str(uuid.uuid4())
    revision = written_revision(item_id, 1)
    await revision.insert()
    seq = await feed.append(change_id=f"{item_id}:3", item_id=item_id, op="upsert", revision=1, reason=None)
    await live.record(live.published(revision, seq))
    received, _ = await sync_all(client)
    assert [(entry["id"], entry["item"]["revision"]) for entry in received] == [(item_id, 1)]
    assert (await client.get(f"/v1/content/{item_id}")).status_code == 200
    found = (await client.get("/v1/content/search", params={"q": "licence", "lang": "en"})).json()["hits"]
    assert [hit["id"] for hit in found] == [item_id]


async def test_a_first_sync_never_keeps_an_item_whose_withdrawal_is_unfinished(
    client: httpx.AsyncClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await publish_new(client, editor) for _ in range(3)]
    real_record = live.record

    async def dies(state: Any) -> None:
        if not state.live:
            raise ConnectionError("the process died here")
        await real_record(state)

    monkeypatch.setattr(live, "record", dies)
    failed = await client.post(f"{EDITORIAL}/{ids[0]}/archive", headers=editor.headers)
    assert failed.status_code == 500  # its feed entry is appended, its live record not yet written
    monkeypatch.setattr(live, "record", real_record)
    received, _ = await sync_all(client, limit=1)
    assert [(entry["op"], entry["id"]) for entry in received] == [("upsert", ids[1]), ("upsert", ids[2])]
