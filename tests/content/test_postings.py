"""Search postings: kept exact by every step, under concurrent steps, replays and late writers."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.content import feed, live, postings, public
from backend.content.models import ContentRevision, LiveContent, SearchPosting
from tests.fixtures.content import publish_new, step, written_revision
from tests.fixtures.users import User

SEARCH = "/v1/content/search"


async def found(http: httpx.AsyncClient, q: str) -> set[str]:
    response = await http.get(SEARCH, params={"q": q, "lang": "en", "limit": 50})
    assert response.status_code == 200, response.text
    return {hit["id"] for hit in response.json()["hits"]}


async def posted(term: str) -> set[tuple[str, int]]:
    """Every (item, seq) the postings of `term` hold, in any bucket."""
    documents = await SearchPosting.get_pymongo_collection().find().to_list()
    return {
        (entry["item"], entry["seq"])
        for document in documents
        if postings.term_of(document["_id"]) == term
        for entry in document["entries"]
    }


async def live_states() -> set[tuple[str, int]]:
    records = await LiveContent.get_pymongo_collection().find({"live": True}).to_list()
    return {(record["_id"], record["seq"]) for record in records}


async def _go_live(revision: ContentRevision, version: int) -> LiveContent:
    """What a publish step records: its feed entry, then the live state (returned, not yet recorded)."""
    seq = await feed.append(
        change_id=f"{revision.item_id}:{version}",
        item_id=revision.item_id,
        op="upsert",
        revision=revision.revision,
        reason=None,
    )
    return live.published(revision, seq)


async def test_concurrent_publishes_and_withdrawals_leave_exactly_the_live_set(
    client: httpx.AsyncClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "BUCKET", 4)  # many buckets, so reading crosses several
    first = await asyncio.gather(*(publish_new(client, editor) for _ in range(10)))
    withdrawn = first[::2]
    more = await asyncio.gather(
        *(publish_new(client, editor) for _ in range(10)),
        *(step(client, editor, item_id, "archive") for item_id in withdrawn),
    )
    live_ids = set(first) - set(withdrawn) | {item_id for item_id in more if isinstance(item_id, str)}
    assert len(live_ids) == 15
    assert await posted("recruiter") == await live_states()
    assert {item for item, _ in await live_states()} == live_ids
    assert await found(client, "recruiter licence") == live_ids
    # The bound still holds across buckets: the newest items holding the term.
    monkeypatch.setattr(public, "CANDIDATES_PER_TERM", 3)
    newest = sorted(await live_states(), key=lambda state: -state[1])[:3]
    assert await found(client, "recruiter") == {item for item, _ in newest}


async def test_a_replayed_older_step_never_removes_a_newer_posting(client: httpx.AsyncClient) -> None:
    item_id = str(uuid.uuid4())
    old = written_revision(item_id, 1, "Visa offices")
    await old.insert()
    old_state = await _go_live(old, 3)
    await live.record(old_state)
    new = written_revision(item_id, 2, "Passport offices")
    await new.insert()
    new_state = await _go_live(new, 6)
    await live.record(new_state)
    assert await posted("visa") == set()
    assert await posted("office") == {(item_id, new_state.seq)}
    # The old step's consequence repeated late: it sees the newer record and changes nothing.
    await live.record(old_state)
    assert (await posted("visa"), await posted("office")) == (set(), {(item_id, new_state.seq)})
    assert await found(client, "office") == {item_id}
    assert await found(client, "visa") == set()


async def test_a_late_writer_that_read_the_record_before_a_newer_step_cleans_up_after_itself(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = str(uuid.uuid4())
    old = written_revision(item_id, 1, "Visa offices")
    await old.insert()
    old_state = await _go_live(old, 3)
    new = written_revision(item_id, 2, "Passport offices")
    await new.insert()
    new_state = await _go_live(new, 6)
    await live.record(new_state)  # the newer step, recorded while the older writer was paused
    real_at = live._at

    async def read_before_the_newer_step(item: str) -> Any:
        monkeypatch.setattr(live, "_at", real_at)
        return None  # what the late writer read before it paused: no record yet

    monkeypatch.setattr(live, "_at", read_before_the_newer_step)
    await live.record(old_state)  # adds its postings, then finds the record past it
    assert await posted("visa") == set()
    assert await posted("office") == {(item_id, new_state.seq)}
    assert await found(client, "office") == {item_id}


async def test_a_withdrawn_item_leaves_search_at_once(
    client: httpx.AsyncClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, archived = [await publish_new(client, editor) for _ in range(2)]
    assert await found(client, "licence") == {kept, archived}
    real_replace = postings.replace

    async def dies(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the process died before removing the postings")

    # Its postings are still there, but its live record says it is withdrawn: it is not found.
    monkeypatch.setattr(postings, "replace", dies)
    failed = await client.post(f"/v1/editorial/content/{archived}/archive", headers=editor.headers)
    assert failed.status_code == 500
    assert archived in {item for item, _ in await posted("licence")}
    assert await found(client, "licence") == {kept}
    monkeypatch.setattr(postings, "replace", real_replace)
    # Expiry is checked on the live record too.
    await LiveContent.get_pymongo_collection().update_one(
        {"_id": kept}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(minutes=1)}}
    )
    assert await found(client, "licence") == set()


async def test_a_store_without_postings_is_posted_once_by_post_all(
    client: httpx.AsyncClient, editor: User
) -> None:
    kept, archived = [await publish_new(client, editor) for _ in range(2)]
    await step(client, editor, archived, "archive")
    await SearchPosting.get_pymongo_collection().delete_many({})
    assert await found(client, "licence") == set()
    assert await live.post_all() == 1
    assert await live.post_all() == 1  # a repeat adds nothing
    assert await posted("licence") == await live_states()
    assert await found(client, "licence") == {kept}
