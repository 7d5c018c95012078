"""What the app reads: a live item, the list of live items, and search. All public (the sync feed: sync.py).

Every answer comes from the database: each item's live record (live.py) and the search postings, so
every API process sees a publish as soon as the editor's request has returned.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.content import feed, live, postings, search_terms
from backend.content.models import LiveContent, SearchPosting
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError
from backend.core.pagination import PageParams, paginate
from backend.geography import places
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
)
from schemas.events import Topic
from schemas.youth import Language

# Search terms only: an item's full record is read for the hits shown.
WITHOUT_TERMS = {"weights": 0}
# What search checks of a candidate's live record before its postings count.
_CHECKED = {"seq": 1, "live": 1, "expires_at": 1, "provinces": 1, "districts": 1}
# Search ranks, for each query term, the newest live items holding it, at most this many: a few posting
# documents a term, read by `_id`, however many items there are.
CANDIDATES_PER_TERM = 300


async def resolve_district(name_or_code: str | None) -> DistrictRef | None:
    if name_or_code is None:
        return None
    return await places.district_or_raise("query.district", name_or_code)


def applies(provinces: list[str], districts: list[str], district: DistrictRef | None) -> bool:
    if district is None or not (provinces or districts):
        return True
    return district.code in districts or district.province in provinces


def _target_keys(district: DistrictRef) -> list[str]:
    """The `targets` values of items that apply to `district`."""
    return [live.EVERYWHERE, *live.targets([district.province], []), *live.targets([], [district.code])]


def expired(state: LiveContent, now: datetime) -> bool:
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


async def live_records(
    item_ids: list[str], projection: dict[str, Any] | None = None
) -> dict[str, LiveContent]:
    found = LiveContent.get_pymongo_collection().find({"_id": {"$in": item_ids}}, projection)
    return {document["_id"]: LiveContent.model_validate(document) async for document in found}


async def read(*, item_id: str, lang: Language) -> ContentPublic:
    """A live item in the caller's language; 404 when it is not (or no longer) published."""
    found = await LiveContent.get_pymongo_collection().find_one({"_id": item_id}, WITHOUT_TERMS)
    state = LiveContent.model_validate(found) if found is not None else None
    if state is None or not state.live or expired(state, utc_now()):
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
    target = await resolve_district(district)
    query: dict[str, Any] = {"live": True, "visible_until": {"$gt": utc_now()}}
    if target is not None:
        query["targets"] = {"$in": _target_keys(target)}
    if topic is not None:
        query["topics"] = topic.value
    if kind is not None:
        query["kind"] = kind.value
    return await paginate(
        LiveContent,
        query,
        sort=[("published_at", -1), ("_id", -1)],
        page=page,
        read=lambda stored: _card(LiveContent.model_validate(stored), lang),
        projection=WITHOUT_TERMS,
    )


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
            records = await live_records(unknown, _CHECKED)
            for item in unknown:
                state = records.get(item)
                usable = state is not None and state.live and not expired(state, now)
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
    target = await resolve_district(district)
    if not terms:
        return SearchResults(query=q, hits=[])
    candidates, found = await _candidates(terms, utc_now())
    best: dict[str, tuple[bool, float, str]] = {}  # item -> (not the caller's language, -score, language)
    for item_id in candidates:
        state = found.records[item_id]
        assert state is not None
        if not applies(state.provinces, state.districts, target):
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
    records = await live_records([item_id for item_id, _ in ranked], WITHOUT_TERMS)
    hits = [
        SearchHit(**_card(records[item_id], Language(code)).model_dump(), score=round(-negative, 3))
        for item_id, (_, negative, code) in ranked
        if item_id in records
    ]
    return SearchResults(query=q, hits=hits)
