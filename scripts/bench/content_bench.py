"""Benchmark the app's content reads through the HTTP API: a full sync of N items in three languages
(items per second and bytes per item on the wire), search latency, the first request after a start, and
how the latency of a sync page, a search and an item read grows from a small to a large store.

Items are in Urdu, English and Punjabi, with bodies of about 1.5 KB per language built from the shipped
content. The first `--workflow` go through save, submit and publish (their rate is printed); the rest
are written directly as publishing writes them (working copy, history, revision, feed entry, live
record, and the search postings through the function publishing uses), in batches. The API runs under
uvicorn on loopback against an embedded engine of its own (memory storage; give it a bigger heap with
ENGINE_HEAP_MB for 100,000 items) or MONGODB_URI.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from backend.accounts.models import Account
from backend.content.sync import encode_cursor
from scripts.bench.common import BenchServer, bench_settings, load_geography
from scripts.bench.content_data import LANGUAGES, Store, search_queries

_SYNC_PAGE = 100  # the page a phone asks for in the growth figures


def _nobody() -> Account:
    now = datetime.now(UTC)
    return Account(id="bench", created_at=now, updated_at=now)


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


def _timed(http: httpx.Client, path: str, params: dict[str, Any]) -> float:
    began = time.perf_counter()
    http.get(path, params=params).raise_for_status()
    return (time.perf_counter() - began) * 1000


def _growth_sample(store: Store, samples: int, searches: int) -> dict[str, list[float]]:
    """Latencies (ms) of a sync page from a random cursor, a search and an item read, on a fresh server."""
    rng = random.Random(8)  # noqa: S311
    queries = search_queries(random.Random(7), searches)  # noqa: S311
    stored = len(store.ids)
    latencies: dict[str, list[float]] = {"sync page": [], "search": [], "item read": []}
    with BenchServer(store.settings, _nobody) as base, httpx.Client(base_url=base, timeout=600) as http:
        http.get("/v1/content/sync", params={"limit": 1}).raise_for_status()  # warm the connection
        for n in range(max(samples, searches)):
            if n < samples:
                cursor = encode_cursor(rng.randrange(max(1, stored - _SYNC_PAGE)))
                params: dict[str, Any] = {"since": cursor, "limit": _SYNC_PAGE, "lang": "ur"}
                latencies["sync page"].append(_timed(http, "/v1/content/sync", params))
                item_path = f"/v1/content/{rng.choice(store.ids)}"
                latencies["item read"].append(_timed(http, item_path, {"lang": "en"}))
            if n < searches:
                q, lang = queries[n]
                latencies["search"].append(_timed(http, "/v1/content/search", {"q": q, "lang": lang}))
            print(f"  {n + 1}/{max(samples, searches)} rounds at {stored:,} items", end="\r", flush=True)
    print()
    return latencies


def _print_p95(latencies: dict[str, list[float]]) -> None:
    print(
        "  p95: " + ", ".join(f"{name} {_ms(values, 0.95):.1f} ms" for name, values in latencies.items()),
        flush=True,
    )


def _ms(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.content_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--items", type=int, default=5000, help="items for the full syncs and the first request (5000)"
    )
    parser.add_argument(
        "--workflow", type=int, default=200, help="of the first items, how many go through the workflow (200)"
    )
    parser.add_argument(
        "--page-size", type=int, default=500, help="full sync page size (default 500, the most)"
    )
    parser.add_argument("--searches", type=int, default=200, help="search requests at --items (default 200)")
    parser.add_argument(
        "--small", type=int, default=1000, help="items stored for the first growth figure (1000)"
    )
    parser.add_argument("--large", type=int, default=100_000, help="items stored for the second (100000)")
    parser.add_argument(
        "--samples", type=int, default=200, help="sync pages and item reads per growth figure (200)"
    )
    parser.add_argument("--search-samples", type=int, default=30, help="searches per growth figure (30)")
    args = parser.parse_args(argv)
    if not args.workflow <= args.small <= args.items <= args.large:
        parser.error("expected --workflow <= --small <= --items <= --large")
    # Long timeouts: at 100,000 items the embedded engine scans for search and pauses seconds to collect
    # garbage, which the driver's monitor would take for a lost server (cancelling what is in flight).
    timeouts = {f"mongodb_{name}_timeout_ms": 60_000 for name in ("server_selection", "connect")}
    timeouts["mongodb_socket_timeout_ms"] = 600_000
    with bench_settings(content_scheduler_interval_s=0, **timeouts) as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        store = Store(settings)
        print(
            f"publishing {args.workflow} items in {', '.join(LANGUAGES)} through the workflow ...", flush=True
        )
        publish_rate = store.publish_through_workflow(args.workflow)
        print(f"  {publish_rate:.1f} items/s", flush=True)
        print(f"storing {args.items:,} items ...", flush=True)
        store.fill_to(args.items)
        results = []
        with BenchServer(settings, _nobody) as base, httpx.Client(base_url=base, timeout=600) as http:
            began = time.perf_counter()
            http.get("/v1/content/sync").raise_for_status()
            cold_s = time.perf_counter() - began
            print(f"first content request after a start: {cold_s:.3f} s", flush=True)
            for lang in LANGUAGES:
                print(f"full sync in {lang} ...", flush=True)
                results.append((lang, *_full_sync(http, lang, args.page_size)))
                print(f"  {results[-1][1]} items in {results[-1][-1]:.2f} s", flush=True)
            print(f"{args.searches} searches ...", flush=True)
            searches = [
                _timed(http, "/v1/content/search", {"q": q, "lang": lang})
                for q, lang in search_queries(random.Random(7), args.searches)  # noqa: S311
            ]

        print(f"storing {args.large:,} items ...", flush=True)
        store.fill_to(args.large)
        # The small store is a database of its own on the same engine, measured in turns with the large
        # one, so both see the same engine (its heap, its pauses) and the same machine load.
        small_store = Store(
            settings.model_copy(update={"mongodb_database": f"{settings.mongodb_database}_s"})
        )
        print(f"storing {args.small:,} items in a second database ...", flush=True)
        small_store.fill_to(args.small)
        small: dict[str, list[float]] = {}
        large: dict[str, list[float]] = {}
        for _ in range(2):
            for measured, into in ((small_store, small), (store, large)):
                sample = _growth_sample(measured, args.samples // 2, args.search_samples // 2)
                for operation, values in sample.items():
                    into.setdefault(operation, []).extend(values)
                _print_p95(sample)

    print(f"\nsummary ({args.items:,} items, sync pages of {args.page_size}, gzip as a phone asks for it)")
    print(f"  publishing through the workflow (save, submit, publish): {publish_rate:.1f} items/s")
    print(f"  first content request after a start with {args.items:,} items: {cold_s:.3f} s")
    for lang, items, wire, json_bytes, seconds in results:
        print(
            f"  full sync, {lang}: {items} items in {seconds:.2f} s = {items / seconds:,.0f} items/s; "
            f"bytes/item {wire / items:,.0f} on the wire (gzip), {json_bytes / items:,.0f} as JSON"
        )
    print(
        f"  search: median {_ms(searches, 0.5):.1f} ms, p95 {_ms(searches, 0.95):.1f} ms, "
        f"max {max(searches):.1f} ms over {len(searches)} queries"
    )
    print(
        f"growth, p95 over {args.samples} sync pages ({_SYNC_PAGE} entries from a random cursor) and item "
        f"reads, {args.search_samples} searches, in turns on the same engine"
    )
    for operation in small:
        before, after = _ms(small[operation], 0.95), _ms(large[operation], 0.95)
        medians = f"(medians {_ms(small[operation], 0.5):.1f} and {_ms(large[operation], 0.5):.1f} ms)"
        print(
            f"  {operation}: {before:.1f} ms at {args.small:,} items, {after:.1f} ms at {args.large:,}; "
            f"ratio {after / before:.2f} {medians}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
