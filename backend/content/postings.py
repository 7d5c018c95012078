"""Search postings: for each term and range of feed numbers, the live items that hold it.

A posting document's `_id` is "<term> <seq // BUCKET>" and its entries are `{item, lang, weight, seq}`:
the item went live holding the term in that language, with that weight, at feed entry `seq`. Search
reads them by `_id` alone, newest buckets first, which every engine serves by its `_id` index (the
embedded one ignores other indexes, so a multikey `terms` index there meant a scan of every item).

Writing them is part of recording an item's live state (live.record): the new state's entries are
added before the record moves to it, and the replaced state's entries are removed after, each removal
conditioned on the entry being older than the new state, so a repeat, or a late repeat of an older
step, never removes a newer entry. Entries are hints: search counts one only when the item's live
record is still at its `seq` (and live, and not expired), so a stale entry is harmless.
"""

from collections.abc import Iterable
from typing import Any

from pymongo import UpdateOne

from backend.content.models import LiveContent, SearchPosting
from backend.core import claims

# Feed numbers per posting document: a term in every item fills one with 512 items' entries (about
# 1,500 with three languages, some 100 KB), and the newest 300 items holding it take one or two reads.
BUCKET = 512


def key(term: str, seq: int) -> str:
    """The posting document of `term` for items that went live at feed entry `seq` (terms hold no spaces)."""
    return f"{term} {seq // BUCKET}"


def bucket_key(term: str, bucket: int) -> str:
    """The posting document of `term` for bucket number `bucket`."""
    return f"{term} {bucket}"


def term_of(posting_id: str) -> str:
    """The term of a posting document's `_id`."""
    return posting_id.rsplit(" ", 1)[0]


def entries(state: LiveContent) -> dict[str, list[dict[str, Any]]]:
    """The entries a live state adds, by posting document (none when it is not live)."""
    if not state.live:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for group in state.weights:
        for term in group.terms:
            entry = {"item": state.id, "lang": group.lang, "weight": group.weight, "seq": state.seq}
            found.setdefault(key(term, state.seq), []).append(entry)
    return found


def _terms(state: LiveContent) -> set[str]:
    return {term for group in state.weights for term in group.terms}


async def _bulk(updates: list[UpdateOne]) -> None:
    """Send `updates` (each by `_id`); an upsert that lost a race to create its document is sent again."""
    await claims.bulk_upsert(SearchPosting.get_pymongo_collection(), updates)


async def add(states: Iterable[LiveContent]) -> None:
    """Add the postings of live `states` (a repeat adds nothing: entries are added as a set)."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for state in states:
        for posting_id, added in entries(state).items():
            merged.setdefault(posting_id, []).extend(added)
    await _bulk(
        [
            UpdateOne({"_id": posting_id}, {"$addToSet": {"entries": {"$each": added}}}, upsert=True)
            for posting_id, added in merged.items()
        ]
    )


async def remove(item_id: str, *, terms: Iterable[str], seq: int, before: int) -> None:
    """Remove the item's entries older than feed entry `before` from its postings of state `seq`."""
    await _bulk(
        [
            UpdateOne(
                {"_id": key(term, seq)},
                {"$pull": {"entries": {"item": item_id, "seq": {"$lt": before}}}},
            )
            for term in sorted(set(terms))
        ]
    )


async def replace(previous: LiveContent | None, state: LiveContent, *, superseded: bool) -> None:
    """After the live record moved from `previous` to `state`, or past it (`superseded`), remove what is
    out of date: the previous state's entries, and, when superseded, this late state's own."""
    if previous is not None and previous.seq < state.seq:
        await remove(state.id, terms=_terms(previous), seq=previous.seq, before=state.seq)
    if superseded:
        # A newer state was recorded meanwhile: its writer may have removed the entries it knew of
        # before this writer added `state`'s, so take them out (they are this state's, never newer).
        await remove(state.id, terms=_terms(state), seq=state.seq, before=state.seq + 1)
