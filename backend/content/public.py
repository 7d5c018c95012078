"""What the app reads: the sync feed, a live item, the list of live items, and search. All public.

Every answer comes from the database: feed entries by number and each item's live record (live.py), so
every API process sees a publish as soon as the editor's request has returned.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.content import feed, live, postings, search_terms, steps
from backend.content.models import ContentItem, FeedEntry, LiveContent, SearchPosting
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError, invalid_field
from backend.core.pagination import PageParams
from backend.geography import service as geography
from backend.geography.importer import DistrictRef
from schemas.common import Page
from schemas.content import (
    REQUIRED_LANGUAGES,
    Contact,
    ContentCard,
    ContentKind,
    ContentPublic,
    SearchHit,
    SearchResults,
    SyncEntry,
    SyncPage,
)
from schemas.events import Topic
from schemas.youth import Language

_CURSOR_PREFIX = "c1:"
# The most feed entries one sync request looks at: a phone far behind, whose entries are mostly
# superseded by later ones, gets a shorter page with `has_more` instead of a long wait.
_MOST_SCANNED = 5000
# Search terms only: an item's full record is read for the hits shown.
_WITHOUT_TERMS = {"weights": 0}
# What search checks of a candidate's live record before its postings count.
_CHECKED = {"seq": 1, "live": 1, "expires_at": 1, "provinces": 1, "districts": 1}
# Search ranks, for each query term, the newest live items holding it, at most this many: a few posting
# documents a term, read by `_id`, however many items there are.
CANDIDATES_PER_TERM = 300


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


async def _district(name_or_code: str | None) -> DistrictRef | None:
    if name_or_code is None:
        return None
    ref = await geography.resolve_district(name_or_code)
    if ref is None:
        raise invalid_field(
            "query.district", "unknown_district", "district must be a district code, name or alias"
        )
    return ref


def _applies(provinces: list[str], districts: list[str], district: DistrictRef | None) -> bool:
    if district is None or not (provinces or districts):
        return True
    return district.code in districts or district.province in provinces


def _target_keys(district: DistrictRef) -> list[str]:
    """The `targets` values of items that apply to `district`."""
    return [live.EVERYWHERE, *live.targets([district.province], []), *live.targets([], [district.code])]


def _expired(state: LiveContent, now: datetime) -> bool:
    return state.expires_at is not None and state.expires_at <= now


def _in_language(state: LiveContent, wanted: Language) -> tuple[Language, dict[str, str]]:
    """The language served (the one asked for, else Urdu, else English) and the text in it."""
    for lang in (wanted, *REQUIRED_LANGUAGES):
        if lang.value in state.translations:
            return lang, state.translations[lang.value]
    first = next(iter(state.translations))
    return Language(first), state.translations[first]


def _card(state: LiveContent, lang: Language) -> ContentCard:
    served, text = _in_language(state, lang)
    assert state.revision is not None
    assert state.kind is not None
    assert state.published_at is not None
    return ContentCard(
        id=state.id,
        revision=state.revision,
        kind=ContentKind(state.kind),
        topics=[Topic(topic) for topic in state.topics],
        lang=served,
        title=text["title"],
        summary=text["summary"],
        published_at=state.published_at,
    )


def to_public(state: LiveContent, lang: Language) -> ContentPublic:
    """A live item in one language: the one asked for, else Urdu, else English."""
    _, text = _in_language(state, lang)
    return ContentPublic(
        **_card(state, lang).model_dump(),
        languages=[lang for lang in Language if lang.value in state.translations],
        body=text["body"],
        provinces=state.provinces,
        districts=state.districts,
        expires_at=state.expires_at,
        contact=Contact.model_validate(state.contact) if state.contact else None,
    )


def _sync_entry(
    state: LiveContent, *, lang: Language, district: DistrictRef | None, now: datetime
) -> SyncEntry:
    if not state.live:
        return SyncEntry(op="delete", id=state.id, reason=state.reason or "unpublished")  # type: ignore[arg-type]
    if _expired(state, now):
        return SyncEntry(op="delete", id=state.id, reason="expired")
    if not _applies(state.provinces, state.districts, district):
        return SyncEntry(op="delete", id=state.id, reason="not_for_district")
    return SyncEntry(op="upsert", id=state.id, item=to_public(state, lang))


async def _records(item_ids: list[str], projection: dict[str, Any] | None = None) -> dict[str, LiveContent]:
    found = LiveContent.get_pymongo_collection().find({"_id": {"$in": item_ids}}, projection)
    return {document["_id"]: LiveContent.model_validate(document) async for document in found}


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
    records = await _records(item_ids, _WITHOUT_TERMS)
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
    target = await _district(district)
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


async def read(*, item_id: str, lang: Language) -> ContentPublic:
    """A live item in the caller's language; 404 when it is not (or no longer) published."""
    found = await LiveContent.get_pymongo_collection().find_one({"_id": item_id}, _WITHOUT_TERMS)
    state = LiveContent.model_validate(found) if found is not None else None
    if state is None or not state.live or _expired(state, utc_now()):
        raise NotFoundError("No published content item has this id.")
    return to_public(state, lang)


async def list_live(
    *,
    lang: Language,
    district: str | None,
    topic: Topic | None,
    kind: ContentKind | None,
    page: PageParams,
) -> Page[ContentCard]:
    """Live items, newest first, optionally for a district, topic or kind.

    One index per filter; with several filters the first (district, topic, kind) picks the index.
    """
    target = await _district(district)
    query: dict[str, Any] = {"live": True, "visible_until": {"$gt": utc_now()}}
    if target is not None:
        query["targets"] = {"$in": _target_keys(target)}
    if topic is not None:
        query["topics"] = topic.value
    if kind is not None:
        query["kind"] = kind.value
    collection = LiveContent.get_pymongo_collection()
    total = await collection.count_documents(query)
    found = (
        collection.find(query, _WITHOUT_TERMS)
        .sort([("published_at", -1), ("_id", -1)])
        .skip(page.offset)
        .limit(page.limit)
    )
    cards = [_card(LiveContent.model_validate(document), lang) async for document in found]
    return Page(items=cards, total=total, limit=page.limit, offset=page.offset)


@dataclass
class _Found:
    """What search has read so far: the postings' entries by item, and the items' live records."""

    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # item -> its entries read
    records: dict[str, LiveContent | None] = field(default_factory=dict)  # None: not live, or not now


async def _candidates(terms: list[str], now: datetime) -> tuple[list[str], _Found]:
    """The newest live items holding each term (at most `CANDIDATES_PER_TERM` a term), newest first.

    Reads the terms' postings bucket by bucket from the newest (1, 2, 4 ... buckets a round, every term
    in each, so a candidate's entries for all the query's terms are read), and checks each entry against
    its item's live record: it counts only while the record is live, not expired and still at its seq.
    """
    found = _Found()
    wanted = dict.fromkeys(terms, CANDIDATES_PER_TERM)
    counted: dict[str, set[str]] = {term: set() for term in terms}
    chosen: dict[str, None] = {}
    newest = await feed.last() // postings.BUCKET
    span = 1
    while newest >= 0 and any(wanted.values()):
        buckets = range(newest, max(-1, newest - span), -1)
        keys = [postings.bucket_key(term, bucket) for term in terms for bucket in buckets]
        by_term: dict[str, set[tuple[int, str]]] = {term: set() for term in terms}
        async for document in SearchPosting.get_pymongo_collection().find({"_id": {"$in": keys}}):
            term = postings.term_of(document["_id"])
            for entry in document["entries"]:  # as stored (PostingEntry): thousands, so not validated
                found.entries.setdefault(entry["item"], []).append(entry)
                by_term[term].add((entry["seq"], entry["item"]))
        unknown = list(
            {item for term in terms if wanted[term] for _, item in by_term[term]} - found.records.keys()
        )
        if unknown:
            records = await _records(unknown, _CHECKED)
            for item in unknown:
                state = records.get(item)
                usable = state is not None and state.live and not _expired(state, now)
                found.records[item] = state if usable else None
        for term in terms:
            for seq, item in sorted(by_term[term], reverse=True):
                if not wanted[term]:
                    break
                state = found.records.get(item)
                if state is None or state.seq != seq or item in counted[term]:
                    continue  # not live now, or a stale entry of an earlier state
                counted[term].add(item)
                chosen[item] = None
                wanted[term] -= 1
        newest -= span
        span *= 2
    return list(chosen), found


async def search(*, q: str, lang: Language, district: str | None, limit: int) -> SearchResults:
    """Live items matching words of `q`: matches in the caller's language first, then by score.

    Finds the newest items holding each query term by the terms' postings, then adds up, per item and
    language, the weights the postings hold for the terms matched. An item shows in the caller's
    language when that matches at all, else in its best-scoring language.
    """
    terms = search_terms.query_terms(q)
    target = await _district(district)
    if not terms:
        return SearchResults(query=q, hits=[])
    candidates, found = await _candidates(terms, utc_now())
    best: dict[str, tuple[bool, float, str]] = {}  # item -> (not the caller's language, -score, language)
    for item_id in candidates:
        state = found.records[item_id]
        assert state is not None
        if not _applies(state.provinces, state.districts, target):
            continue
        sums: dict[str, tuple[int, float]] = {}  # language -> (terms matched, summed weight)
        for entry in found.entries[item_id]:
            if entry["seq"] == state.seq:  # one entry a term and language: postings are sets
                matched, total = sums.get(entry["lang"], (0, 0.0))
                sums[entry["lang"]] = (matched + 1, total + entry["weight"])
        for code, (matched, total) in sums.items():
            order = (code != lang.value, -search_terms.rank(matched=matched, total_weight=total), code)
            if item_id not in best or order < best[item_id]:
                best[item_id] = order
    ranked = sorted(best.items(), key=lambda pair: (*pair[1][:2], pair[0]))[:limit]
    records = await _records([item_id for item_id, _ in ranked], _WITHOUT_TERMS)
    hits = [
        SearchHit(**_card(records[item_id], Language(code)).model_dump(), score=round(-negative, 3))
        for item_id, (_, negative, code) in ranked
        if item_id in records
    ]
    return SearchResults(query=q, hits=hits)
