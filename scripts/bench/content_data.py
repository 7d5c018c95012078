"""The content bench's data: items cut from the shipped content in Urdu, English and Punjabi, a store that
publishes them through the workflow or writes them directly as publishing does, and search queries."""

import asyncio
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from backend.content import feed, live, postings, service
from backend.content.models import ContentChange, ContentItem, ContentRevision, FeedEntry, LiveContent
from backend.content.seed import load_seed_items
from backend.core.settings import Settings
from schemas.content import ContentWrite
from scripts.db import beanie_session

LANGUAGES = ("ur", "en", "pa")
BODY_CHARS = 1500
_BATCH = 500


def bench_item(n: int, shipped: list[dict[str, Any]], rng: random.Random) -> ContentWrite:
    """Item n: a shipped article's text, cut to size, with Punjabi carrying the Urdu text."""
    base = shipped[n % len(shipped)]
    translations = {}
    for lang in LANGUAGES:
        source = base["translations"]["ur" if lang == "pa" else lang]
        words = source["body"].split()
        start = rng.randrange(max(1, len(words) - 40))
        body = " ".join(words[start:])[:BODY_CHARS] or source["body"][:BODY_CHARS]
        translations[lang] = {
            "title": f"{source['title'][:100]} ({n})",
            "summary": source["summary"],
            "body": body,
        }
    return ContentWrite.model_validate(
        {"kind": "article", "topics": base["topics"], "translations": translations}
    )


class Store:
    """The benchmark's database: items are added to it, and it remembers their ids."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.shipped = load_seed_items()
        self.rng = random.Random(6)  # noqa: S311  # fixed seed, so runs compare
        self.ids: list[str] = []

    def publish_through_workflow(self, count: int) -> float:
        """Save, submit and publish `count` items; returns how many a second."""

        async def run() -> float:
            async with beanie_session(self.settings):
                began = time.perf_counter()
                for _ in range(count):
                    item_id = uuid.uuid4()
                    write = bench_item(len(self.ids), self.shipped, self.rng)
                    await service.save(actor="bench", item_id=item_id, write=write, if_match=None)
                    await service.submit(actor="bench", item_id=item_id, if_match=None, note=None)
                    await service.publish(actor="bench", item_id=item_id, if_match=None, publish_at=None)
                    self.ids.append(str(item_id))
                return count / (time.perf_counter() - began) if count else 0.0

        return asyncio.run(run())

    def fill_to(self, total: int) -> None:
        """Write published items directly until the store holds `total`, showing progress."""

        async def run() -> None:
            async with beanie_session(self.settings):
                seq = await feed.last_from(0)
                began = time.perf_counter()
                start = len(self.ids)
                while len(self.ids) < total:
                    writes = [
                        bench_item(n, self.shipped, self.rng)
                        for n in range(len(self.ids), min(total, len(self.ids) + _BATCH))
                    ]
                    seq = await _write_published(writes, seq, self.ids)
                    rate = (len(self.ids) - start) / (time.perf_counter() - began)
                    print(f"  {len(self.ids):,}/{total:,} stored ({rate:,.0f}/s)", end="\r", flush=True)
                print()

        if len(self.ids) < total:
            asyncio.run(run())


async def _write_published(writes: list[ContentWrite], seq: int, ids: list[str]) -> int:
    """Write what publishing writes for new items; returns the last feed number used."""
    now = datetime.now(UTC)
    documents: dict[type[Any], list[dict[str, Any]]] = {
        model: [] for model in (ContentItem, ContentChange, ContentRevision, FeedEntry, LiveContent)
    }
    states: list[LiveContent] = []
    for write in writes:
        item_id = str(uuid.uuid4())
        seq += 1
        fields: dict[str, Any] = {
            "kind": write.kind.value,
            "topics": [topic.value for topic in write.topics],
            "translations": {lang.value: text.model_dump() for lang, text in write.translations.items()},
            "provinces": [],
            "districts": [],
            "expires_at": None,
            "contact": None,
        }
        revision = ContentRevision(
            id=f"{item_id}:1", item_id=item_id, revision=1, published_at=now, published_by="bench", **fields
        )
        item = ContentItem(
            id=item_id,
            version=3,
            status="published",
            live_revision=1,
            latest_revision=1,
            created_by="bench",
            created_at=now,
            updated_by="bench",
            updated_at=now,
            **fields,
        )
        history = [
            ContentChange(
                id=f"{item_id}:{version}",
                item_id=item_id,
                version=version,
                action=action,
                changed_by="bench",
                changed_at=now,
            )
            for version, action in enumerate(("created", "submitted", "published"), start=1)
        ]
        entry = FeedEntry(
            id=seq, change_id=f"{item_id}:3", item_id=item_id, op="upsert", revision=1, appended_at=now
        )
        states.append(live.published(revision, seq))
        for document in (item, *history, revision, entry, states[-1]):
            documents[type(document)].append(document.model_dump(by_alias=True, exclude={"revision_id"}))
        ids.append(item_id)
    await postings.add(states)  # before the live records, as live.record does
    for model, batch in documents.items():
        await model.get_pymongo_collection().insert_many(batch, ordered=False)
    return seq


def search_queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """One- to three-word queries taken from the shipped titles, in English and Urdu."""
    words: dict[str, list[str]] = {lang: [] for lang in ("en", "ur")}
    for entry in load_seed_items():
        for lang in words:
            words[lang] += [word for word in entry["translations"][lang]["title"].split() if len(word) > 3]
    return [
        (" ".join(rng.sample(words[lang], rng.randint(1, 3))), lang)
        for lang in (rng.choice(("en", "ur")) for _ in range(count))
    ]
