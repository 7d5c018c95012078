"""The change feed the app syncs from, and the live set every process keeps in memory from it.

Appending: an entry claims the next sequence number with a unique `_id` insert, and only after reading
that the number before it exists. So numbers have no gaps and become visible in order, and a reader that
has seen entry N has seen everything before it: a cursor can never skip a change, even while editors
publish during a sync.

Reading: entries and revisions never change once written, so each process keeps the feed and the live
revisions in memory (`LiveView`) and before every answer asks the database only whether entry N+1
exists; FerretDB answers an `_id` equality without scanning, where a range query would read every entry.
"""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from backend.content import search_terms
from backend.content.models import ContentRevision, FeedEntry
from backend.core.clock import utc_now
from backend.core.errors import ConflictError

_APPEND_ATTEMPTS = 100
# Fetch a few new revisions one by one (no scan); many at once (a cold start) with one `$in` query.
_FETCH_ONE_BY_ONE = 20

_next_seq_hint = 0
# Appends made by this process: a view that has not seen them all looks at the database at once.
_local_appends = 0
# How stale a view may be about other processes' appends. Each look costs two lookups by `_id`, which
# FerretDB answers by scanning the feed in SQLite (about 20 and 45 ms at 5,000 entries); MongoDB uses
# its index. A phone's cursor is exact whatever the staleness: it only says how far the view had read.
PEEK_INTERVAL_S = 0.5
# How often a view checks that its last entry is still there (a restored or replaced database).
REPLACED_CHECK_INTERVAL_S = 10.0


def entry_id(seq: int) -> str:
    """The `_id` of entry `seq`: zero-padded text, which sorts in order and which FerretDB finds by
    equality without a scan (it scans for integer ids)."""
    return f"{seq:012d}"


async def highest_seq() -> int:
    """The number of the last entry (0 for an empty feed); reads the whole feed on FerretDB."""
    last = await FeedEntry.get_pymongo_collection().find({}, {"seq": 1}).sort("_id", -1).limit(1).to_list()
    return int(last[0]["seq"]) if last else 0


async def append(*, change_id: str, item_id: str, op: str, revision: int | None, reason: str | None) -> int:
    """Append one entry for a content change, once however often it is called; returns its number."""
    global _next_seq_hint
    seq = _next_seq_hint
    if seq < 1 or (seq > 1 and await FeedEntry.get(entry_id(seq - 1)) is None):
        seq = await highest_seq() + 1  # no hint, or one from another database: look it up
    for _ in range(_APPEND_ATTEMPTS):
        entry = FeedEntry(
            id=entry_id(seq),
            seq=seq,
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
            # interrupted step), or the number was taken: another process appended, perhaps several
            # times, so move to the end (whose entry exists, so the number after it may be taken).
            existing = await FeedEntry.find_one({"change_id": change_id})
            if existing is not None:
                return existing.seq
            seq = max(seq, await highest_seq()) + 1
            continue
        _next_seq_hint = seq + 1
        global _local_appends
        _local_appends += 1
        return seq
    raise ConflictError("The content feed is busy; retry.", code="feed_busy")


@dataclass
class LiveItem:
    """An item's latest feed entry and, while it is published, its revision and search terms."""

    seq: int
    revision: ContentRevision | None
    weights: dict[str, dict[str, float]] = field(default_factory=dict)  # lang -> term -> weight

    def expired(self, now: datetime) -> bool:
        expires_at = self.revision.expires_at if self.revision else None
        return expires_at is not None and expires_at <= now


def _weights_of(revision: ContentRevision) -> dict[str, dict[str, float]]:
    return {
        lang: search_terms.term_weights(
            title=search_terms.index_terms(text["title"]),
            summary=search_terms.index_terms(text["summary"]),
            body=search_terms.index_terms(text["body"]),
        )
        for lang, text in revision.translations.items()
    }


@dataclass
class LiveView:
    """The feed as far as this process has read it, and the live items it adds up to."""

    database: str
    entries: list[FeedEntry] = field(default_factory=list)  # entries[n - 1] is entry n
    items: dict[str, LiveItem] = field(default_factory=dict)
    # term -> (item id, language) -> the term's weight there: search adds these up, item by item
    postings: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_check_started: float = float("-inf")
    last_replaced_check: float = float("-inf")
    local_appends_seen: int = -1

    @property
    def seq(self) -> int:
        return len(self.entries)

    async def refresh(self) -> None:
        """Catch up with the feed: this process's appends at once, other processes' within half a second."""
        arrived = time.monotonic()
        async with self.lock:
            fresh = arrived - self.last_check_started < PEEK_INTERVAL_S
            if fresh and self.local_appends_seen == _local_appends:
                return  # a recent look (perhaps by a request that came in after this one) saw it all
            self.last_check_started = time.monotonic()
            self.local_appends_seen = _local_appends
            if (
                self.entries
                and self.last_check_started - self.last_replaced_check > REPLACED_CHECK_INTERVAL_S
            ):
                self.last_replaced_check = self.last_check_started
                last = await FeedEntry.get(entry_id(self.seq))
                if last is None or last.change_id != self.entries[-1].change_id:
                    self._forget()  # the database was replaced under us (a restore, or tests)
            if await FeedEntry.get(entry_id(self.seq + 1)) is None:
                return
            new = await FeedEntry.find({"_id": {"$gt": entry_id(self.seq)}}).sort("+_id").to_list()
            contiguous: list[FeedEntry] = []
            for entry in new:
                if entry.seq != self.seq + len(contiguous) + 1:
                    break  # cannot happen while appends follow the rule above; never skip a number
                contiguous.append(entry)
            await self._apply(contiguous)

    def _forget(self) -> None:
        self.entries.clear()
        self.items.clear()
        self.postings.clear()

    async def _apply(self, entries: list[FeedEntry]) -> None:
        latest = {entry.item_id: entry for entry in entries}
        wanted = [f"{e.item_id}:{e.revision}" for e in latest.values() if e.op == "upsert"]
        revisions = await _revisions(wanted)
        self.entries.extend(entries)
        for item_id, entry in latest.items():
            self._unindex(item_id)
            revision = revisions.get(f"{item_id}:{entry.revision}") if entry.op == "upsert" else None
            item = LiveItem(seq=entry.seq, revision=revision)
            if revision is not None:
                item.weights = _weights_of(revision)
                for lang, weights in item.weights.items():
                    for term, weight in weights.items():
                        self.postings.setdefault(term, {})[(item_id, lang)] = weight
            self.items[item_id] = item

    def _unindex(self, item_id: str) -> None:
        old = self.items.get(item_id)
        if old is None:
            return
        for lang, weights in old.weights.items():
            for term in weights:
                holders = self.postings.get(term)
                if holders is not None:
                    holders.pop((item_id, lang), None)
                    if not holders:
                        del self.postings[term]

    def live(self, item_id: str, now: datetime) -> ContentRevision | None:
        """The live revision of an item, unless it is withdrawn or expired."""
        item = self.items.get(item_id)
        if item is None or item.revision is None or item.expired(now):
            return None
        return item.revision


async def _revisions(ids: list[str]) -> dict[str, ContentRevision]:
    if len(ids) <= _FETCH_ONE_BY_ONE:
        found = [await ContentRevision.get(revision_id) for revision_id in ids]
        return {revision.id: revision for revision in found if revision is not None}
    return {revision.id: revision for revision in await ContentRevision.find({"_id": {"$in": ids}}).to_list()}


_view: LiveView | None = None


async def live_view() -> LiveView:
    """This process's view of the feed, brought up to date."""
    global _view
    database = FeedEntry.get_pymongo_collection().database.name
    if _view is None or _view.database != database:
        _view = LiveView(database=database)
    await _view.refresh()
    return _view
