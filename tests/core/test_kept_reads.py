"""Reads kept for a moment (core/kept_reads.py): answered from memory until this process writes to the
collection they came from, and a write by another process is seen once the moment has passed."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from backend.accounts import service as accounts
from backend.accounts.models import Account
from backend.core.kept_reads import KeptReads
from backend.core.settings import Settings
from schemas.accounts import Role
from tests.fixtures.users import MakeUser


class CountedRead:
    """A read of one account that counts how often it reached the database."""

    def __init__(self, uid: str) -> None:
        self.uid = uid
        self.reads = 0

    async def __call__(self) -> dict[str, Any] | None:
        self.reads += 1
        stored: dict[str, Any] | None = await Account.get_pymongo_collection().find_one({"_id": self.uid})
        return stored


async def _store(uid: str, **fields: Any) -> None:
    now = datetime.now(UTC)
    await Account(id=uid, created_at=now, updated_at=now, **fields).insert()


async def test_a_read_is_kept_until_this_process_writes_to_its_collection(database: Settings) -> None:
    kept: KeptReads[str, dict[str, Any] | None] = KeptReads(Account, seconds=60)
    await _store("uid-kept")
    read = CountedRead("uid-kept")
    first = await kept.get("uid-kept", read)
    again = await kept.get("uid-kept", read)
    assert (first, read.reads) == (again, 1)
    # Any write to the collection, by any code path of this process (here a raw update), is seen at once.
    await Account.get_pymongo_collection().update_one({"_id": "uid-other"}, {"$set": {"disabled": True}})
    await Account.get_pymongo_collection().update_one({"_id": "uid-kept"}, {"$set": {"roles": ["editor"]}})
    changed = await kept.get("uid-kept", read)
    assert (changed is not None and changed["roles"], read.reads) == (["editor"], 2)


async def test_a_write_by_another_process_is_seen_once_the_moment_has_passed(database: Settings) -> None:
    kept: KeptReads[str, dict[str, Any] | None] = KeptReads(Account, seconds=0.3)
    await _store("uid-elsewhere")
    read = CountedRead("uid-elsewhere")
    await kept.get("uid-elsewhere", read)
    # Another process's client: its writes are not counted here.
    other: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(database.mongodb_uri)
    try:
        await other[database.mongodb_database]["accounts"].update_one(
            {"_id": "uid-elsewhere"}, {"$set": {"disabled": True}}
        )
    finally:
        await other.close()
    within = await kept.get("uid-elsewhere", read)
    assert within is not None
    assert within["disabled"] is False  # the moment allowed
    await asyncio.sleep(0.35)
    after = await kept.get("uid-elsewhere", read)
    assert (after is not None and after["disabled"], read.reads) == (True, 2)


async def test_a_read_that_overlapped_a_write_is_not_kept(database: Settings) -> None:
    kept: KeptReads[str, dict[str, Any] | None] = KeptReads(Account, seconds=60)
    await _store("uid-overlap")
    read = CountedRead("uid-overlap")

    async def read_while_written() -> dict[str, Any] | None:
        stored = await read()
        await Account.get_pymongo_collection().update_one(
            {"_id": "uid-overlap"}, {"$set": {"disabled": True}}
        )
        return stored

    await kept.get("uid-overlap", read_while_written)
    after = await kept.get("uid-overlap", read)
    assert (after is not None and after["disabled"], read.reads) == (True, 2)


async def test_a_role_taken_away_is_refused_at_once_and_a_change_elsewhere_within_a_second(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    editor = await make_user(Role.EDITOR)
    working = "/v1/editorial/content"
    assert (await client.get(working, headers=editor.headers)).status_code == 200
    admin = await make_user(Role.ADMIN)
    taken = await client.delete(f"/v1/admin/accounts/{editor.uid}/roles/editor", headers=admin.headers)
    assert taken.status_code == 200, taken.text
    assert (await client.get(working, headers=editor.headers)).status_code == 403  # this process: at once
    # Another process disables the account: seen here within the moment accounts are kept.
    other: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    try:
        await other[settings.mongodb_database]["accounts"].update_one(
            {"_id": editor.uid}, {"$set": {"disabled": True}}
        )
    finally:
        await other.close()
    await asyncio.sleep(accounts.CALLER_KEPT_S + 0.1)
    refused = await client.get("/v1/me", headers=editor.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "account_disabled")
