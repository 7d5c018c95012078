"""The change feed the app syncs from: entries numbered 1, 2, 3 ... without gaps.

Appending: an entry claims number N with a unique `_id` insert, and only after reading that N-1 exists.
So numbers have no gaps and become visible in order, and a reader that has seen entry N has seen
everything before it: a cursor can never skip a change, even while editors publish during a sync.

Reading: a page is the entries after the cursor, by `_id`; it ends before the first number not (yet)
there, since an append in flight may make N+1 visible a moment before N.
"""

from pymongo.errors import DuplicateKeyError

from backend.content.models import FeedEntry
from backend.core.clock import utc_now
from backend.core.errors import ConflictError

_APPEND_ATTEMPTS = 100

# Where this process last appended: only a starting point, checked against the database before use.
_next_seq_hint = 0


async def exists(seq: int) -> bool:
    """Whether entry `seq` is in the feed (entry 0, the start, always is)."""
    if seq == 0:
        return True
    return await FeedEntry.get_pymongo_collection().find_one({"_id": seq}, {"_id": 1}) is not None


async def last_from(known: int) -> int:
    """The number of the last entry, given that entry `known` exists.

    Gallops forward and then bisects by `_id` lookups, because the feed has no gaps; each lookup is one
    index probe on any engine (the embedded one does not use the `_id` index to sort).
    """
    low, step = known, 1
    while await exists(low + step):
        low, step = low + step, step * 2
    high = low + step  # missing
    while high - low > 1:
        middle = (low + high) // 2
        if await exists(middle):
            low = middle
        else:
            high = middle
    return low


_last_seen = 0


async def last() -> int:
    """The number of the last entry (0 when the feed is empty)."""
    return (await head())[0]


async def head() -> tuple[int, str]:
    """The last entry's number and change id ((0, "") when the feed is empty): together they name what
    the feed holds, even in a database replaced under the same process (change ids are never reused).

    Starts from the furthest entry this process has seen (appended or found): while nothing was
    appended since, one lookup of that entry and the next settles it (every sync asks this). A hint that
    no longer exists (a replaced database) is dropped.
    """
    global _last_seen
    collection = FeedEntry.get_pymongo_collection()
    hint = max(_next_seq_hint - 1, _last_seen)
    if hint > 0:
        found = collection.find({"_id": {"$in": [hint, hint + 1]}}, {"change_id": 1})
        present = {entry["_id"]: entry["change_id"] async for entry in found}
        if present.keys() == {hint}:
            return hint, present[hint]
        hint = hint if hint in present else 0
    _last_seen = await last_from(hint)
    entry = await collection.find_one({"_id": _last_seen}, {"change_id": 1}) if _last_seen else None
    return _last_seen, entry["change_id"] if entry else ""


async def append(*, change_id: str, item_id: str, op: str, revision: int | None, reason: str | None) -> int:
    """Append one entry for a content change, once however often it is called; returns its number."""
    global _next_seq_hint
    seq = _next_seq_hint
    if seq < 1 or not await exists(seq - 1):
        seq = await last_from(0) + 1  # no hint, or one from another database
    for _ in range(_APPEND_ATTEMPTS):
        entry = FeedEntry(
            id=seq,
            change_id=change_id,
            item_id=item_id,
            op=op,
            revision=revision,
            reason=reason,
            appended_at=utc_now(),
        )
        try:
            await entry.insert()
        except DuplicateKeyError:
            # Either this change was appended already (by a retry, or by whoever finished an
            # interrupted step), or the number was taken by another append: move to the end.
            existing = await FeedEntry.find_one({"change_id": change_id})
            if existing is not None:
                return existing.id
            seq = await last_from(seq) + 1
            continue
        _next_seq_hint = seq + 1
        return seq
    raise ConflictError("The content feed is busy; retry.", code="feed_busy")


async def read_after(after: int, count: int) -> list[FeedEntry]:
    """Entries after+1 .. after+count, up to the first number that is not there."""
    # By the numbers themselves rather than a range on `_id`: the same index on MongoDB, and the
    # embedded engine looks up `$in` by its `_id` index where it would scan for a range.
    wanted = list(range(after + 1, after + count + 1))
    found = await FeedEntry.find({"_id": {"$in": wanted}}).sort("+_id").to_list()
    contiguous: list[FeedEntry] = []
    for entry in found:
        if entry.id != after + len(contiguous) + 1:
            break
        contiguous.append(entry)
    return contiguous
