"""Sync pages kept in memory, per process. A page is decided by the question (cursor, language, district,
size), the feed's last entry (its number and change id) and the clock (an item expiring becomes a tombstone), so a page answered
once is answered again from here, serialised and compressed already, until the feed moves (any publish,
change or withdrawal appends an entry, in any process) or an item on it expires. Phones ask the same few
questions: the first page, and "anything after the last entry?" once they are up to date.

Each request still reads the feed's last entry (one lookup), so a publish is seen at once everywhere.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.content import feed, sync
from backend.core.clock import utc_now
from backend.core.http_cache import Representation
from schemas.content import SyncPage
from schemas.youth import Language

# Pages kept per process; a 20-item page is about 60 KB, 15 KB more gzipped.
_MOST_PAGES = 256
# Kept at most this long even if nothing expires: a bound on what a slip in the reasoning above could cost.
_LONGEST = timedelta(minutes=10)

_Question = tuple[str | None, Language, str | None, int, tuple[int, str]]


@dataclass(frozen=True)
class _Kept:
    representation: Representation
    until: datetime


class SyncPages:
    """The pages this process has answered, least recently used dropped first."""

    def __init__(self, most: int = _MOST_PAGES) -> None:
        self._most = most
        self._kept: OrderedDict[_Question, _Kept] = OrderedDict()

    async def page(
        self, *, since: str | None, lang: Language, district: str | None, limit: int
    ) -> Representation:
        if since is not None:
            sync.decode_cursor(since)  # a 422 naming `since` before anything is looked up
        question = (since, lang, district, limit, await feed.head())
        now = utc_now()
        kept = self._kept.get(question)
        if kept is not None and now < kept.until:
            self._kept.move_to_end(question)
            return kept.representation
        page = await sync.sync(since=since, lang=lang, district=district, limit=limit)
        representation = Representation.of(page, compressed=True)
        self._kept[question] = _Kept(representation, _until(page, now))
        self._kept.move_to_end(question)
        while len(self._kept) > self._most:
            self._kept.popitem(last=False)
        return representation


def _until(page: SyncPage, now: datetime) -> datetime:
    """When the first item delivered on the page expires (it would be a tombstone then), or the bound."""
    expiries = [
        e.item.expires_at for e in page.entries if e.item is not None and e.item.expires_at is not None
    ]
    return min([now + _LONGEST, *expiries])
