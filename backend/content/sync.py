"""The sync feed the app follows: what changed after a phone's cursor, and the cursor itself. All public.

Every answer comes from the database: feed entries by number and each item's live record (live.py), so
every API process sees a publish as soon as the editor's request has returned.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from backend.content import feed, live, public, steps
from backend.content.models import ContentItem, FeedEntry, LiveContent
from backend.core.clock import utc_now
from backend.core.errors import invalid_field
from backend.geography.importer import DistrictRef
from schemas.content import SyncEntry, SyncPage
from schemas.youth import Language

_CURSOR_PREFIX = "c1:"
# The most feed entries one sync request looks at: a phone far behind, whose entries are mostly
# superseded by later ones, gets a shorter page with `has_more` instead of a long wait.
_MOST_SCANNED = 5000


@dataclass(frozen=True)
class Cursor:
    """Where a phone is in the feed: everything up to entry `seq` has been delivered.

    `first_until` is set while a first sync has not caught up: the last entry when it began. Tombstones
    of entries up to there are for items withdrawn before the phone had any, so they are left out; a
    later one may concern an item the phone got on an earlier page, so it goes out.
    """

    seq: int
    first_until: int | None = None


# "c1:<seq>", or "c1:<seq>:f<first_until>" during a first sync; ASCII digits only, below 2^63.
_CURSOR = re.compile(r"c1:(0|[1-9][0-9]{0,17})(?::f(0|[1-9][0-9]{0,17}))?")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,64}")


def encode_cursor(seq: int, first_until: int | None = None) -> str:
    """An opaque cursor for "everything up to entry `seq`" (and, in a first sync, where it began)."""
    text = f"{_CURSOR_PREFIX}{seq}" + (f":f{first_until}" if first_until is not None else "")
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Cursor:
    """The position in a cursor from `encode_cursor`; a 422 naming `since` for anything else."""
    match = None
    if _BASE64URL.fullmatch(cursor):
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            text = ""
        match = _CURSOR.fullmatch(text)
    if match is None:
        raise invalid_field("query.since", "invalid_cursor", "since must be a cursor returned by this feed")
    first_until = match.group(2)
    return Cursor(seq=int(match.group(1)), first_until=int(first_until) if first_until else None)


def _sync_entry(
    state: LiveContent, *, lang: Language, district: DistrictRef | None, now: datetime
) -> SyncEntry:
    if not state.live:
        return SyncEntry(op="delete", id=state.id, reason=state.reason or "unpublished")  # type: ignore[arg-type]
    if public.expired(state, now):
        return SyncEntry(op="delete", id=state.id, reason="expired")
    if not public.applies(state.provinces, state.districts, district):
        return SyncEntry(op="delete", id=state.id, reason="not_for_district")
    return SyncEntry(op="upsert", id=state.id, item=public.to_public(state, lang))


async def _current(entries: list[FeedEntry], *, settle_steps: bool = False) -> dict[str, LiveContent]:
    """The live record of each entry's item, brought up to the entry if its writer has not got there.

    With `settle_steps`, items with a step still marked are settled first (steps.py): a record may lag
    behind a feed entry beyond this batch only while its step is marked.
    """
    item_ids = list({entry.item_id for entry in entries})
    if settle_steps:
        # By `_id` alone, which the embedded engine serves by index; the marks are checked here.
        marked = ContentItem.get_pymongo_collection().find({"_id": {"$in": item_ids}}, {"pending_change": 1})
        for item_id in [found["_id"] async for found in marked if found.get("pending_change")]:
            await steps.settled(item_id)
    records = await public.live_records(item_ids, public.WITHOUT_TERMS)
    for entry in entries:
        known = records.get(entry.item_id)
        if known is None or known.seq < entry.id:
            caught_up = await live.catch_up(entry)
            if caught_up is not None:
                records[entry.item_id] = caught_up
    return records


async def sync(*, since: str | None, lang: Language, district: str | None, limit: int) -> SyncPage:
    """What changed after the cursor, oldest first, each item once, in `lang` and for `district`.

    An entry whose item changed again later is left for that later entry, so a phone catching up
    after months gets each item once, as it is now. A first sync (no cursor) gets no tombstones for
    what was withdrawn before it began, on any of its pages: its cursor says so until it has caught up.
    """
    cursor = decode_cursor(since) if since is not None else Cursor(seq=0)
    target = await public.resolve_district(district)
    if not await feed.exists(cursor.seq):
        return SyncPage(entries=[], cursor=encode_cursor(0), has_more=True, reset=True)
    after = cursor.seq
    first_until = cursor.first_until
    if after == 0:
        first_until = await feed.last()  # a first sync: nothing withdrawn so far concerns this phone
    now = utc_now()
    entries: list[SyncEntry] = []
    seq = after
    while len(entries) < limit and seq - after < _MOST_SCANNED:
        batch = await feed.read_after(seq, limit)
        # A first sync leaves out tombstones, so it must not deliver an item whose withdrawal is appended
        # beyond this batch but not yet recorded (a step in flight, or one whose writer died).
        records = await _current(batch, settle_steps=first_until is not None)
        for entry in batch:
            seq = entry.id
            state = records.get(entry.item_id)
            if state is None or state.seq != entry.id:
                continue  # the item changed again later: it goes out with that entry
            synced = _sync_entry(state, lang=lang, district=target, now=now)
            if synced.op == "delete" and first_until is not None and entry.id <= first_until:
                continue  # withdrawn before this first sync began: the phone never had it
            entries.append(synced)
            if len(entries) == limit:
                break
        if len(batch) < limit:
            break
    has_more = await feed.exists(seq + 1)
    if not has_more or (first_until is not None and seq >= first_until):
        first_until = None  # caught up: every later tombstone may concern what the phone has
    return SyncPage(entries=entries, cursor=encode_cursor(seq, first_until), has_more=has_more, reset=False)
