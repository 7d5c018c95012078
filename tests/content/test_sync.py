"""The app's feed: pages and cursors, each item once, tombstones, expiry, districts and languages."""

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.content import service
from tests.fixtures.content import EDITORIAL, SYNC, item_body, publish_new, step, sync_all
from tests.fixtures.users import User


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
