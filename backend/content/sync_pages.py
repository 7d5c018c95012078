"""Sync pages kept in memory, per process. A page is decided by the question (cursor, language, district,
size), the feed's last entry (its number and change id) and the clock (an item expiring becomes a
tombstone), so a page answered once is answered again from here, serialised and compressed already,
until the feed moves (any publish, change or withdrawal appends an entry, in any process) or an item on
it expires. Phones ask the same few questions: the first page, and "anything after the last entry?" once
they are up to date.

The feed's last entry is looked up at most once a second per process (core/kept_reads.py): a publish
made in this process is seen at once, one made in another within that second.
"""

from datetime import timedelta

from cachetools import TLRUCache

from backend.content import feed, sync
from backend.content.models import FeedEntry
from backend.core.clock import utc_now
from backend.core.http_cache import Representation
from backend.core.kept_reads import KeptReads
from schemas.content import SyncPage
from schemas.youth import Language

# Pages kept per process; a 20-item page is about 60 KB, 15 KB more gzipped.
_MOST_PAGES = 256
# Kept at most this long even if nothing expires: a bound on what a slip in the reasoning above could cost.
_LONGEST = timedelta(minutes=10)
HEAD_KEPT_S = 1.0

_Question = tuple[str | None, Language, str | None, int, tuple[int, str]]


class SyncPages:
    """The pages this process has answered, each until its first item expires; least recently used
    dropped first."""

    def __init__(self, most: int = _MOST_PAGES) -> None:
        self._kept: TLRUCache[_Question, tuple[Representation, float]] = TLRUCache(
            maxsize=most, ttu=lambda _question, kept, _now: kept[1], timer=lambda: utc_now().timestamp()
        )
        self._head: KeptReads[None, tuple[int, str]] = KeptReads(FeedEntry, seconds=HEAD_KEPT_S, most=1)

    async def page(
        self, *, since: str | None, lang: Language, district: str | None, limit: int
    ) -> Representation:
        if since is not None:
            sync.decode_cursor(since)  # a 422 naming `since` before anything is looked up
        question = (since, lang, district, limit, await self._head.get(None, feed.head))
        kept = self._kept.get(question)
        if kept is not None:
            return kept[0]
        page = await sync.sync(since=since, lang=lang, district=district, limit=limit)
        representation = Representation.of(page, compressed=True)
        self._kept[question] = (representation, _until(page))
        return representation


def _until(page: SyncPage) -> float:
    """When the first item delivered on the page expires (it would be a tombstone then), or the bound."""
    items = [entry.item for entry in page.entries if entry.item is not None]
    expiries = [item.expires_at for item in items if item.expires_at is not None]
    return min([utc_now() + _LONGEST, *expiries]).timestamp()
