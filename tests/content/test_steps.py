"""Steps whose writer died midway are finished exactly once: history, revision, feed entry, live item."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.content import feed, live, service, steps
from backend.content.models import ContentChange, ContentItem, ContentRevision, FeedEntry, LiveContent
from backend.core import versioning
from tests.fixtures.content import EDITORIAL, item_body, step
from tests.fixtures.users import User


async def _reviewed(client: httpx.AsyncClient, editor: User) -> ContentItem:
    item_id = str(uuid.uuid4())
    await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    await step(client, editor, item_id, "submit")
    item = await ContentItem.get(item_id)
    assert item is not None
    return item


async def _die_after_the_compare_and_set(item: ContentItem, actor: str) -> dict[str, Any]:
    """What a publish does up to its compare-and-set, before any consequence; returns the mark."""
    now = datetime.now(UTC)
    changes, effect = service._publication(item, actor=actor, now=now)
    pending = steps.consequences(item.id, actor=actor, action="published", at=now, effect=effect)
    collection = ContentItem.get_pymongo_collection()
    assert await versioning.advance(
        collection, item.id, from_version=item.version, changes=changes, consequences=pending
    )
    return {**pending, "version": item.version + 1}


async def _assert_published_once(item_id: str) -> None:
    assert [entry.change_id for entry in await FeedEntry.find_all().to_list()] == [f"{item_id}:3"]
    assert [revision.id for revision in await ContentRevision.find_all().to_list()] == [f"{item_id}:1"]
    history = await ContentChange.find({"item_id": item_id}).sort("+version").to_list()
    assert [(change.version, change.action) for change in history] == [
        (1, "created"),
        (2, "submitted"),
        (3, "published"),
    ]
    record = await LiveContent.get(item_id)
    assert record is not None
    assert (record.live, record.revision, record.seq) == (True, 1, 1)


async def test_a_step_whose_writer_died_is_finished_by_the_next_request(
    client: httpx.AsyncClient, editor: User
) -> None:
    item = await _reviewed(client, editor)
    pending = await _die_after_the_compare_and_set(item, editor.uid)
    assert (await client.get(f"/v1/content/{item.id}")).status_code == 404
    assert await FeedEntry.find_all().to_list() == []
    # Any other step on the item waits for the mark: a stale publish is refused.
    read = (await client.get(f"{EDITORIAL}/{item.id}", headers=editor.headers)).json()
    assert (read["status"], read["live_revision"], read["version"]) == ("published", 1, 3)
    assert (await client.get(f"/v1/content/{item.id}")).status_code == 200
    stored = await ContentItem.get(item.id)
    assert stored is not None
    assert stored.pending_change is None
    await _assert_published_once(item.id)
    # The dead writer's late twin (or a retry) repeats the consequences: nothing changes.
    await steps.carry_out(pending)
    await feed.append(change_id=f"{item.id}:3", item_id=item.id, op="upsert", revision=1, reason=None)
    await _assert_published_once(item.id)
    history = (await client.get(f"{EDITORIAL}/{item.id}/history", headers=editor.headers)).json()
    assert [change["action"] for change in history] == ["created", "submitted", "published"]


async def test_a_step_that_failed_midway_is_finished_once_by_the_next_step(
    client: httpx.AsyncClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = await _reviewed(client, editor)
    real_record = live.record
    calls = 0

    async def dies_once(state: LiveContent) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("the process died here")
        await real_record(state)

    monkeypatch.setattr(live, "record", dies_once)
    failed = await client.post(f"{EDITORIAL}/{item.id}/publish", headers=editor.headers)
    assert failed.status_code == 500
    # The feed entry is there; a phone syncing now gets the item even before anyone finishes the step.
    page = (await client.get("/v1/content/sync")).json()
    assert [(entry["id"], entry["item"]["revision"]) for entry in page["entries"]] == [(item.id, 1)]
    archived = await step(client, editor, item.id, "archive")
    assert (archived["status"], archived["version"]) == ("archived", 4)
    entries = await FeedEntry.find_all().sort("+_id").to_list()
    assert [(entry.id, entry.change_id, entry.op) for entry in entries] == [
        (1, f"{item.id}:3", "upsert"),
        (2, f"{item.id}:4", "delete"),
    ]
    assert len(await ContentRevision.find_all().to_list()) == 1
    history = (await client.get(f"{EDITORIAL}/{item.id}/history", headers=editor.headers)).json()
    assert [change["action"] for change in history] == ["created", "submitted", "published", "archived"]


async def test_the_scheduler_finishes_steps_nobody_comes_back_to(
    client: httpx.AsyncClient, editor: User
) -> None:
    item = await _reviewed(client, editor)
    await _die_after_the_compare_and_set(item, editor.uid)
    assert await steps.settle_abandoned(now=datetime.now(UTC)) == 0  # the writer may still be at it
    assert await steps.settle_abandoned(now=datetime.now(UTC) + timedelta(minutes=2)) == 1
    await _assert_published_once(item.id)
    assert await steps.settle_abandoned(now=datetime.now(UTC) + timedelta(minutes=2)) == 0
