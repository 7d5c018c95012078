"""Benchmark the app's content reads: a full sync of N items in three languages (items per second and
bytes per item on the wire) and search latency, through the HTTP API.

Items are published through the editorial workflow (its rate is printed too), in Urdu, English and
Punjabi, with bodies of about 1.5 KB per language built from the shipped content. The API runs under
uvicorn on loopback against the embedded engine (a FerretDB of its own) or MONGODB_URI.
"""

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from backend.accounts.models import Account
from backend.content import feed, rules, service
from backend.content.models import ContentItem, ContentRevision, FeedEntry
from backend.content.seed import load_seed_items
from backend.core.settings import Settings
from schemas.content import ContentWrite
from scripts.bench.common import BenchServer, bench_settings, load_geography
from scripts.db import beanie_session

LANGUAGES = ("ur", "en", "pa")
BODY_CHARS = 1500


def _nobody() -> Account:
    now = datetime.now(UTC)
    return Account(id="bench", created_at=now, updated_at=now)


def _item(n: int, shipped: list[dict[str, Any]], rng: random.Random) -> ContentWrite:
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


def _publish(settings: Settings, count: int, through_workflow: int) -> float:
    """Publish `through_workflow` items with save, submit and publish (returns their rate per second),
    then the rest as the same documents written directly, in batches.

    The direct path writes what publishing writes (a revision and a feed entry per item, and the
    working copy), so the reads measured are the same; it exists because each workflow write costs a
    collection scan on FerretDB and 5,000 of them would take most of an hour.
    """
    shipped = load_seed_items()
    rng = random.Random(6)  # noqa: S311  # fixed seed, so runs compare

    async def run() -> float:
        async with beanie_session(settings):
            began = time.perf_counter()
            for n in range(through_workflow):
                item_id = uuid.uuid4()
                await service.save(
                    actor="bench", item_id=item_id, write=_item(n, shipped, rng), if_match=None
                )
                await service.submit(actor="bench", item_id=item_id, if_match=None, note=None)
                await service.publish(actor="bench", item_id=item_id, if_match=None, publish_at=None)
            rate = through_workflow / (time.perf_counter() - began) if through_workflow else 0.0
            print(f"  {through_workflow} through the workflow ({rate:.1f}/s)", flush=True)
            for start in range(through_workflow, count, _BATCH):
                await _write_published(
                    [_item(n, shipped, rng) for n in range(start, min(count, start + _BATCH))]
                )
                print(f"  {min(count, start + _BATCH)}/{count} published", end="\r", flush=True)
            print()
            return rate

    return asyncio.run(run())


_BATCH = 250


async def _write_published(writes: list[ContentWrite]) -> None:
    """Write what publishing writes for new items: working copy, revision 1 and the next feed entries."""
    now = datetime.now(UTC)
    seq = await feed.highest_seq()
    items, revisions, entries = [], [], []
    for offset, write in enumerate(writes, start=1):
        item_id = str(uuid.uuid4())
        fields = await rules.prepare(write)
        fields.pop("sanitised")
        revisions.append(
            ContentRevision(
                id=f"{item_id}:1",
                item_id=item_id,
                revision=1,
                published_at=now,
                published_by="bench",
                **fields,
            )
        )
        items.append(
            ContentItem(
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
        )
        entries.append(
            FeedEntry(
                id=feed.entry_id(seq + offset),
                seq=seq + offset,
                change_id=f"{item_id}:3",
                item_id=item_id,
                op="upsert",
                revision=1,
                appended_at=now,
            )
        )
    await ContentItem.insert_many(items)
    await ContentRevision.insert_many(revisions)
    await FeedEntry.insert_many(entries)


def _full_sync(http: httpx.Client, lang: str, page_size: int) -> tuple[int, int, int, float]:
    """A new phone syncing everything: (items, bytes on the wire, bytes of JSON, seconds)."""
    items = wire = json_bytes = 0
    cursor: str | None = None
    began = time.perf_counter()
    while True:
        params: dict[str, Any] = {"lang": lang, "limit": page_size} | ({"since": cursor} if cursor else {})
        response = http.get("/v1/content/sync", params=params)
        response.raise_for_status()
        wire += response.num_bytes_downloaded
        json_bytes += len(response.content)
        page = response.json()
        items += len(page["entries"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return items, wire, json_bytes, time.perf_counter() - began


def _search_latencies(http: httpx.Client, queries: list[tuple[str, str]]) -> list[float]:
    latencies = []
    for q, lang in queries:
        began = time.perf_counter()
        response = http.get("/v1/content/search", params={"q": q, "lang": lang})
        response.raise_for_status()
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def _queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """One- to three-word queries taken from the shipped titles, in English and Urdu."""
    words = {lang: [] for lang in ("en", "ur")}  # type: dict[str, list[str]]
    for entry in load_seed_items():
        for lang in words:
            words[lang] += [word for word in entry["translations"][lang]["title"].split() if len(word) > 3]
    return [
        (" ".join(rng.sample(words[lang], rng.randint(1, 3))), lang)
        for lang in (rng.choice(("en", "ur")) for _ in range(count))
    ]


def _ms(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.content_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--items", type=int, default=5000, help="items to publish (default 5000)")
    parser.add_argument(
        "--workflow", type=int, default=200, help="of those, how many go through the workflow (default 200)"
    )
    parser.add_argument("--page-size", type=int, default=500, help="sync page size (default 500, the most)")
    parser.add_argument("--searches", type=int, default=200, help="search requests (default 200)")
    args = parser.parse_args(argv)
    with bench_settings(content_scheduler_interval_s=0) as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        print(f"publishing {args.items} items in {', '.join(LANGUAGES)} through the workflow ...", flush=True)
        publish_rate = _publish(settings, args.items, min(args.items, args.workflow))
        results = []
        with BenchServer(settings, _nobody) as base, httpx.Client(base_url=base, timeout=600) as http:
            began = time.perf_counter()
            http.get("/v1/content/sync", params={"limit": 1}).raise_for_status()
            cold_s = time.perf_counter() - began
            print(f"first request (the process reads the feed into memory): {cold_s:.2f} s", flush=True)
            for lang in LANGUAGES:
                print(f"full sync in {lang} ...", flush=True)
                results.append((lang, *_full_sync(http, lang, args.page_size)))
            print(f"{args.searches} searches ...", flush=True)
            queries = _queries(random.Random(7), args.searches)  # noqa: S311
            latencies = _search_latencies(http, queries)
    print(f"\nsummary ({args.items} items, sync pages of {args.page_size}, gzip as a phone asks for it)")
    print(f"  publishing through the workflow (save, submit, publish): {publish_rate:.1f} items/s")
    print(f"  first request after start (reads the feed): {cold_s:.2f} s")
    for lang, items, wire, json_bytes, seconds in results:
        print(
            f"  full sync, {lang}: {items} items in {seconds:.2f} s = {items / seconds:,.0f} items/s; "
            f"bytes/item {wire / items:,.0f} on the wire (gzip), {json_bytes / items:,.0f} as JSON"
        )
    print(
        f"  search: median {_ms(latencies, 0.5):.1f} ms, p95 {_ms(latencies, 0.95):.1f} ms, "
        f"max {max(latencies):.1f} ms over {len(latencies)} queries"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
