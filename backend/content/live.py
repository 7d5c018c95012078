"""What the app sees of each item now (`LiveContent`), kept up to date by every step that changes it.

The writer of a step appends the feed entry, then records the entry here; the record only moves
forward (a conditional upsert on `seq`), so a retried or slow writer of an older step changes nothing.
Recording also keeps the item's search postings (postings.py): the new state's are added first, so a
record never stands at a state whose postings are missing, and the replaced state's are removed after.
"""

from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from backend.content import postings, search_terms
from backend.content.models import ContentRevision, FeedEntry, LiveContent, TermWeights

# `visible_until` of an item that never expires.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
EVERYWHERE = "*"


def targets(provinces: list[str], districts: list[str]) -> list[str]:
    """The `targets` of an item for these provinces and districts (everywhere when none)."""
    if not (provinces or districts):
        return [EVERYWHERE]
    return [f"province:{code}" for code in provinces] + [f"district:{code}" for code in districts]


def weights_of(translations: dict[str, dict[str, str]]) -> list[TermWeights]:
    """The search terms of every language of an item, grouped by their weight there."""
    groups: list[TermWeights] = []
    for lang, text in translations.items():
        weights = search_terms.term_weights(
            title=search_terms.index_terms(text["title"]),
            summary=search_terms.index_terms(text["summary"]),
            body=search_terms.index_terms(text["body"]),
        )
        for weight in sorted(set(weights.values()), reverse=True):
            terms = sorted(term for term, found in weights.items() if found == weight)
            groups.append(TermWeights(lang=lang, weight=weight, terms=terms))
    return groups


def published(revision: ContentRevision, seq: int) -> LiveContent:
    """The live record of an item whose revision went live with feed entry `seq`."""
    weights = weights_of(revision.translations)
    return LiveContent(
        id=revision.item_id,
        seq=seq,
        live=True,
        revision=revision.revision,
        published_at=revision.published_at,
        kind=revision.kind,
        topics=revision.topics,
        translations=revision.translations,
        provinces=revision.provinces,
        districts=revision.districts,
        expires_at=revision.expires_at,
        contact=revision.contact,
        targets=targets(revision.provinces, revision.districts),
        visible_until=revision.expires_at or NEVER,
        weights=weights,
    )


def withdrawn(item_id: str, seq: int, reason: str) -> LiveContent:
    """The live record of an item taken off the app with feed entry `seq`."""
    return LiveContent(id=item_id, seq=seq, live=False, reason=reason)


async def _at(item_id: str) -> LiveContent | None:
    found = await LiveContent.get_pymongo_collection().find_one(
        {"_id": item_id}, {"seq": 1, "live": 1, "weights": 1}
    )
    return LiveContent.model_validate(found) if found is not None else None


async def record(state: LiveContent) -> None:
    """Store `state` and its search postings unless the item's record is already at its feed entry or a
    later one (whose writer added that state's postings before recording it)."""
    previous = await _at(state.id)
    if previous is not None and previous.seq >= state.seq:
        return
    await postings.add([state])
    fields: dict[str, Any] = state.model_dump(by_alias=True, exclude={"id", "revision_id"})
    superseded = False
    try:
        await LiveContent.get_pymongo_collection().update_one(
            {"_id": state.id, "seq": {"$lt": state.seq}}, {"$set": fields}, upsert=True
        )
    except DuplicateKeyError:  # the record reached this entry or a later one meanwhile
        now = await _at(state.id)
        superseded = now is not None and now.seq > state.seq
    await postings.replace(previous, state, superseded=superseded)


async def catch_up(entry: FeedEntry) -> LiveContent | None:
    """Record `entry` for an item whose writer has not recorded it yet (slow, or dead); the result."""
    if entry.op == "upsert":
        revision = await ContentRevision.get(f"{entry.item_id}:{entry.revision}")
        if revision is None:
            return None  # cannot happen: the revision is written before its entry
        await record(published(revision, entry.id))
    else:
        await record(withdrawn(entry.item_id, entry.id, entry.reason or "unpublished"))
    return await LiveContent.get(entry.item_id)


async def post_all() -> int:
    """Add the search postings of every live record (once, on upgrading a store written before postings
    existed); safe to repeat and to run while editors publish. Returns how many records it posted."""
    posted = 0
    found = (
        LiveContent.get_pymongo_collection().find({"live": True}).sort([("published_at", -1), ("_id", -1)])
    )
    async for document in found:
        await postings.add([LiveContent.model_validate(document)])
        posted += 1
    return posted
