"""The app's feed: pages and cursors, each item once, tombstones, districts, and publishing during a sync."""

import asyncio
import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.content import feed, live, service
from backend.content.models import FeedEntry
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from tests.conftest import User
from tests.content.conftest import EDITORIAL, item_body, publish_new, step, written_revision

SYNC = "/v1/content/sync"


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


async def test_first_sync_pages_through_every_live_item_once(client: httpx.AsyncClient, editor: User) -> None:
    ids = [await publish_new(client, editor) for _ in range(5)]
    first = (await client.get(SYNC, params={"limit": 2})).json()
    assert (len(first["entries"]), first["has_more"], first["reset"]) == (2, True, False)
    received, cursor = await sync_all(client, limit=2)
    assert [entry["id"] for entry in received] == ids
    assert all(entry["op"] == "upsert" and entry["item"]["lang"] == "ur" for entry in received)
    nothing = await client.get(SYNC, params={"since": cursor})
    assert (nothing.json()["entries"], nothing.json()["cursor"], nothing.json()["has_more"]) == (
        [],
        cursor,
        False,
    )
    cached = await client.get(
        SYNC, params={"since": cursor}, headers={"If-None-Match": nothing.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_a_phone_gets_each_item_once_as_it_is_now(client: httpx.AsyncClient, editor: User) -> None:
    item_id = await publish_new(client, editor)
    _, cursor = await sync_all(client)
    edited = item_body()
    edited["translations"]["ur"]["title"] = "لائسنس ضرور دیکھیں"
    await client.put(f"{EDITORIAL}/{item_id}", json=edited, headers=editor.headers | {"If-Match": '"3"'})
    await step(client, editor, item_id, "submit")
    await step(client, editor, item_id, "publish")
    other = await publish_new(client, editor)
    # A phone that was offline since before all of this sees revision 2 once, not revisions 1 and 2.
    received, _ = await sync_all(client)
    assert [(entry["id"], entry["item"]["revision"]) for entry in received] == [(item_id, 2), (other, 1)]
    assert received[0]["item"]["title"] == "لائسنس ضرور دیکھیں"
    since_last, _ = await sync_all(client, cursor)
    assert [(entry["id"], entry["item"]["revision"]) for entry in since_last] == [(item_id, 2), (other, 1)]


async def test_withdrawn_items_reach_phones_as_tombstones(client: httpx.AsyncClient, editor: User) -> None:
    archived, deleted, kept = [await publish_new(client, editor) for _ in range(3)]
    _, cursor = await sync_all(client)
    await step(client, editor, archived, "archive")
    await client.delete(f"{EDITORIAL}/{deleted}", headers=editor.headers)
    received, _ = await sync_all(client, cursor)
    assert [(entry["op"], entry["id"], entry["reason"]) for entry in received] == [
        ("delete", archived, "unpublished"),
        ("delete", deleted, "deleted"),
    ]
    fresh, _ = await sync_all(client)
    assert [entry["id"] for entry in fresh] == [kept]  # a new phone has nothing to delete


async def test_a_first_sync_gets_no_tombstones_on_any_page(client: httpx.AsyncClient, editor: User) -> None:
    ids = [await publish_new(client, editor) for _ in range(12)]
    withdrawn = ids[::3]
    for item_id in withdrawn[:2]:
        await step(client, editor, item_id, "archive")
    for item_id in withdrawn[2:]:
        await client.delete(f"{EDITORIAL}/{item_id}", headers=editor.headers)
    pages = []
    cursor = None
    while True:
        page = (await client.get(SYNC, params={"limit": 3, **({"since": cursor} if cursor else {})})).json()
        pages.append(page["entries"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    received = [entry for page in pages for entry in page]
    assert len(pages) == 3
    assert [(entry["op"], entry["id"]) for entry in received] == [
        ("upsert", item_id) for item_id in ids if item_id not in withdrawn
    ]
    # Caught up: from now on this phone gets every tombstone.
    await step(client, editor, ids[1], "archive")
    later, _ = await sync_all(client, cursor)
    assert [(entry["op"], entry["id"]) for entry in later] == [("delete", ids[1])]


async def test_an_item_withdrawn_during_a_first_sync_reaches_it_as_a_tombstone(
    client: httpx.AsyncClient, editor: User
) -> None:
    ids = [await publish_new(client, editor) for _ in range(4)]
    await step(client, editor, ids[3], "archive")
    first = (await client.get(SYNC, params={"limit": 2})).json()
    assert [entry["id"] for entry in first["entries"]] == ids[:2]
    await step(client, editor, ids[0], "archive")  # the phone has it already
    rest, _ = await sync_all(client, first["cursor"], limit=2)
    assert [(entry["op"], entry["id"]) for entry in rest] == [("upsert", ids[2]), ("delete", ids[0])]


async def test_expired_items_are_withdrawn(client: httpx.AsyncClient, editor: User) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=30)
    item_id = await publish_new(client, editor, item_body(kind="alert", expires_at=soon.isoformat()))
    _, cursor = await sync_all(client)
    assert await service.expire_due(now=datetime.now(UTC)) == 0
    assert await service.expire_due(now=soon + timedelta(seconds=1)) == 1
    received, _ = await sync_all(client, cursor)
    assert [(entry["op"], entry["id"], entry["reason"]) for entry in received] == [
        ("delete", item_id, "expired")
    ]
    stored = (await client.get(f"{EDITORIAL}/{item_id}", headers=editor.headers)).json()
    assert (stored["status"], stored["archived_reason"]) == ("archived", "expired")


async def test_district_and_language_shape_the_feed(client: httpx.AsyncClient, editor: User) -> None:
    everywhere = await publish_new(client, editor)
    punjab = await publish_new(client, editor, item_body(provinces=["PK-PB"]))
    karachi = await publish_new(client, editor, item_body(districts=["Karachi South"]))
    lahore, _ = await sync_all(client, district="lahore", lang="en")
    assert [(entry["id"], entry["item"]["lang"]) for entry in lahore] == [(everywhere, "en"), (punjab, "en")]
    # A phone that already synced gets a tombstone for what is not for its district.
    _, cursor = await sync_all(client, district="lahore")
    await client.put(
        f"{EDITORIAL}/{karachi}",
        json=item_body(districts=["lahore"]),
        headers=editor.headers | {"If-Match": '"3"'},
    )
    await step(client, editor, karachi, "submit")
    await step(client, editor, karachi, "publish")
    await step(client, editor, punjab, "archive")
    moved, _ = await sync_all(client, cursor, district="lahore")
    assert [(entry["id"], entry["op"]) for entry in moved] == [(karachi, "upsert"), (punjab, "delete")]
    unknown = await client.get(SYNC, params={"district": "Atlantis"})
    assert (unknown.status_code, unknown.json()["errors"][0]["rule"]) == (422, "unknown_district")
    sindhi = (await client.get(SYNC, params={"lang": "sd"})).json()["entries"]
    assert {entry["item"]["lang"] for entry in sindhi} == {"ur"}  # falls back to Urdu


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "YzE6",
        "YzE6LTE",
        "eDE6NQ",
        "YzE6wrI",  # "c1:²": a digit to str.isdigit(), not to int()
        _cursor("c1:\u0661\u0662"),  # Arabic-Indic digits
        _cursor("c1:\uff11"),  # a fullwidth digit
        _cursor(f"c1:{2**63}"),
        _cursor(f"c1:{10**30}"),
        _cursor("c1:-5"),
        _cursor("c1:+5"),
        _cursor("c1: 5"),
        _cursor("c1:5\n"),
        _cursor("c1:5:f"),
        "!!!!",
        "%%%",
        "YzE6NQ==extra",
        "",
        "\u00e9t\u00e9",
    ],
)
async def test_a_bad_cursor_is_refused_by_name(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get(SYNC, params={"since": cursor})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "query.since",
            "rule": "invalid_cursor",
            "message": "since must be a cursor returned by this feed",
        }
    ]


async def test_a_cursor_from_another_feed_asks_the_phone_to_start_again(
    client: httpx.AsyncClient, editor: User
) -> None:
    await publish_new(client, editor)
    from backend.content.sync import encode_cursor

    page = (await client.get(SYNC, params={"since": encode_cursor(999)})).json()
    assert (page["reset"], page["entries"], page["has_more"]) == (True, [], True)
    restarted, _ = await sync_all(client, page["cursor"])
    assert len(restarted) == 1


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
