"""What the app reads: the sync feed, a live item, the list of live items, and search. All public.

Every answer is computed from this process's `LiveView`, brought up to date first (see feed.py).
"""

import base64
import binascii
from datetime import datetime

from backend.content import feed, search_terms
from backend.content.feed import LiveItem, LiveView
from backend.content.models import ContentRevision, FeedEntry
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


def encode_cursor(seq: int) -> str:
    """An opaque cursor for "everything up to entry `seq`"."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The entry number in a cursor from `encode_cursor`; a 422 naming `since` for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not number.isdigit() or len(number) > 12:
        raise invalid_field("query.since", "invalid_cursor", "since must be a cursor returned by this feed")
    return int(number)


async def _district(name_or_code: str | None) -> DistrictRef | None:
    if name_or_code is None:
        return None
    ref = await geography.resolve_district(name_or_code)
    if ref is None:
        raise invalid_field(
            "query.district", "unknown_district", "district must be a district code, name or alias"
        )
    return ref


def _targets(revision: ContentRevision, district: DistrictRef | None) -> bool:
    if district is None or not (revision.provinces or revision.districts):
        return True
    return district.code in revision.districts or district.province in revision.provinces


def _in_language(revision: ContentRevision, wanted: Language) -> tuple[Language, dict[str, str]]:
    """The language served (the one asked for, else Urdu, else English) and the text in it."""
    for lang in (wanted, *REQUIRED_LANGUAGES):
        if lang.value in revision.translations:
            return lang, revision.translations[lang.value]
    first = next(iter(revision.translations))
    return Language(first), revision.translations[first]


def _languages(revision: ContentRevision) -> list[Language]:
    return [lang for lang in Language if lang.value in revision.translations]


def to_public(revision: ContentRevision, lang: Language) -> ContentPublic:
    """A revision in one language: the one asked for, else Urdu, else English."""
    _, text = _in_language(revision, lang)
    return ContentPublic(
        **_card(revision, lang).model_dump(),
        languages=_languages(revision),
        body=text["body"],
        provinces=revision.provinces,
        districts=revision.districts,
        expires_at=revision.expires_at,
        contact=Contact.model_validate(revision.contact) if revision.contact else None,
    )


def _sync_entry(
    item: LiveItem, entry: FeedEntry, *, lang: Language, district: DistrictRef | None, now: datetime
) -> SyncEntry:
    if item.revision is None:
        return SyncEntry(op="delete", id=entry.item_id, reason=entry.reason or "unpublished")  # type: ignore[arg-type]
    if item.expired(now):
        return SyncEntry(op="delete", id=entry.item_id, reason="expired")
    if not _targets(item.revision, district):
        return SyncEntry(op="delete", id=entry.item_id, reason="not_for_district")
    return SyncEntry(op="upsert", id=entry.item_id, item=to_public(item.revision, lang))


async def sync(*, since: str | None, lang: Language, district: str | None, limit: int) -> SyncPage:
    """What changed after the cursor, oldest first, each item once, in `lang` and for `district`.

    An entry whose item changed again later is left for that later entry, so a phone catching up
    after months gets each item once, as it is now. A first sync (no cursor) gets no deletions.
    """
    after = decode_cursor(since) if since else 0
    target = await _district(district)
    view = await feed.live_view()
    if after > view.seq:
        return SyncPage(entries=[], cursor=encode_cursor(0), has_more=True, reset=True)
    now = utc_now()
    entries: list[SyncEntry] = []
    seq = after
    while seq < view.seq and len(entries) < limit:
        entry = view.entries[seq]  # entry number seq + 1
        seq += 1
        item = view.items[entry.item_id]
        if item.seq != entry.seq:
            continue
        synced = _sync_entry(item, entry, lang=lang, district=target, now=now)
        if synced.op == "delete" and after == 0:
            continue
        entries.append(synced)
    return SyncPage(entries=entries, cursor=encode_cursor(seq), has_more=seq < view.seq, reset=False)


async def read(*, item_id: str, lang: Language) -> ContentPublic:
    """A live item in the caller's language; 404 when it is not (or no longer) published."""
    revision = (await feed.live_view()).live(item_id, utc_now())
    if revision is None:
        raise NotFoundError("No published content item has this id.")
    return to_public(revision, lang)


def _card(revision: ContentRevision, lang: Language) -> ContentCard:
    served, text = _in_language(revision, lang)
    return ContentCard(
        id=revision.item_id,
        revision=revision.revision,
        kind=ContentKind(revision.kind),
        topics=[Topic(topic) for topic in revision.topics],
        lang=served,
        title=text["title"],
        summary=text["summary"],
        published_at=revision.published_at,
    )


def _visible(view: LiveView, district: DistrictRef | None, now: datetime) -> list[ContentRevision]:
    revisions = (view.live(item_id, now) for item_id in view.items)
    return [revision for revision in revisions if revision is not None and _targets(revision, district)]


async def list_live(
    *,
    lang: Language,
    district: str | None,
    topic: Topic | None,
    kind: ContentKind | None,
    page: PageParams,
) -> Page[ContentCard]:
    """Live items, newest first, optionally for a district, topic or kind."""
    target = await _district(district)
    view = await feed.live_view()
    revisions = [
        revision
        for revision in _visible(view, target, utc_now())
        if (topic is None or topic.value in revision.topics) and (kind is None or kind.value == revision.kind)
    ]
    revisions.sort(key=lambda revision: (revision.published_at, revision.item_id), reverse=True)
    chosen = revisions[page.offset : page.offset + page.limit]
    return Page(
        items=[_card(revision, lang) for revision in chosen],
        total=len(revisions),
        limit=page.limit,
        offset=page.offset,
    )


async def search(*, q: str, lang: Language, district: str | None, limit: int) -> SearchResults:
    """Live items matching words of `q`: matches in the caller's language first, then by score.

    Adds up, per item and language, the weights the index holds for each query term; an item shows
    in the caller's language when that matches at all, else in its best-scoring language.
    """
    terms = search_terms.query_terms(q)
    target = await _district(district)
    view = await feed.live_view()
    sums: dict[tuple[str, str], list[float]] = {}  # (item, language) -> [terms matched, summed weight]
    for term in terms:
        for key, weight in view.postings.get(term, {}).items():
            found = sums.get(key)
            if found is None:
                sums[key] = [1, weight]
            else:
                found[0] += 1
                found[1] += weight
    best: dict[str, tuple[bool, float, str]] = {}  # item -> (not the caller's language, -score, language)
    for (item_id, code), (matched, weight) in sums.items():
        order = (code != lang.value, -search_terms.rank(matched=int(matched), total_weight=weight), code)
        if item_id not in best or order < best[item_id]:
            best[item_id] = order
    now = utc_now()
    hits: list[SearchHit] = []
    for item_id, (_, negative_score, code) in sorted(best.items(), key=lambda pair: (*pair[1][:2], pair[0])):
        revision = view.live(item_id, now)
        if revision is None or not _targets(revision, target):
            continue
        card = _card(revision, Language(code))
        hits.append(SearchHit(**card.model_dump(), score=round(-negative_score, 3)))
        if len(hits) == limit:
            break
    return SearchResults(query=q, hits=hits)
