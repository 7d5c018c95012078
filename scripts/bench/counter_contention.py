"""Benchmark counter contention: 16 writers on one counter document, then the remedy (split slots).

Every counted record of a month moves the national turnout counter (`national:PK:<month>`) with an
`$inc` upsert (turnout/counting.py), so under load every writer queues on one document. With the same
update the API sends (`core.counters.increment`: find-and-modify, upsert, `$inc` of a count and its key
sum), in one run on a fresh database:
- hot:    16 concurrent writers, each N increments of ONE document (the national counter's shape);
- spread: the same 16 writers, each on a document of its own (no contention: the ceiling);
- slots:  the remedy, the hot counter split into K sub-documents (`national:PK:<month>#s07`), each
          increment going to the slot its record key picks (or a random one), for each K asked;
then the read of the hot figure: one document by `_id` against the sum of its K slots (`$in` on `_id`).
Afterwards every total is checked exact: the counts sum to the increments sent, the key sums to the
keys added. The shapes take turns, round after round, after a warm-up round that is not counted (the
engine's JIT warms as it runs). Throughput is increments per second over a shape's counted runs;
latency is each increment's round trip (p50, p95).
"""

import argparse
import asyncio
import functools
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from backend.core import counters
from backend.turnout import counting, keys
from backend.turnout.models import NATIONAL_CODE
from scripts.bench.common import add_heap_option, bench_settings, p95_ms

WRITERS = 16
MONTH = "2026-12"
HOT = counting.counter_id("national", NATIONAL_CODE, MONTH)
ENGINE_NOTE = (
    "note: the embedded engine (mongo-java-server) runs every write to a collection under one lock,\n"
    "  where WiredTiger (MongoDB 7/8) locks documents, retries a write conflict on one document, and\n"
    "  journals each write: figures on real MongoDB will differ (run with MONGODB_URI to measure there)."
)

# Which document a writer's increment goes to, from the writer's number and the record's key.
Target = Callable[[int, int], str]


@dataclass
class Run:
    label: str
    documents: int
    seconds: float
    latencies: list[float]
    increments: int
    key_sum: int
    exact: bool = False

    def merge(self, other: "Run") -> "Run":
        """This run and another of the same shape as one (its rate over both)."""
        return Run(
            self.label,
            self.documents,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.increments + other.increments,
            self.key_sum + other.key_sum,
            self.exact and other.exact,
        )

    @property
    def rate(self) -> float:
        return self.increments / self.seconds

    def line(self, ceiling: float, hot: float) -> str:
        return (
            f"  {self.label:<24} {self.rate:9,.0f} incr/s"
            f"  p50 {statistics.median(self.latencies) * 1000:7.2f} ms"
            f"  p95 {p95_ms(self.latencies):7.2f} ms  {self.rate / ceiling:5.2f}x of spread"
            f"  {self.rate / hot:5.2f}x of hot  totals {'exact' if self.exact else 'WRONG'}"
        )


def slot_id(document_id: str, slot: int) -> str:
    """The `_id` of one slot of a split counter: `national:PK:2026-12#s07`."""
    return f"{document_id}#s{slot:02d}"


def slot_ids(document_id: str, slots: int) -> list[str]:
    return [slot_id(document_id, slot) for slot in range(slots)]


async def _writer(
    collection: AsyncCollection[dict[str, Any]], number: int, count: int, target: Target
) -> tuple[list[float], int]:
    """`count` sign-ups counted by one writer, one `$inc` upsert at a time; their latencies and key sum."""
    latencies: list[float] = []
    key_sum = 0
    for index in range(count):
        key = keys.record_key(f"bench-w{number:02d}-{index:07d}")
        document_id = target(number, key)
        area, code, _ = document_id.split(":", 2)
        began = time.perf_counter()
        await counters.increment(
            collection,
            {"_id": document_id},
            counting.tallied({"signups": 1}, key),
            set_on_insert={"area": area, "code": code, "month": MONTH},
        )
        latencies.append(time.perf_counter() - began)
        key_sum += key
    return latencies, key_sum


async def _write(
    collection: AsyncCollection[dict[str, Any]], label: str, documents: int, per_writer: int, target: Target
) -> Run:
    """The 16 writers at once on an empty collection, timed as a whole."""
    await collection.delete_many({})
    print(
        f"{label}: {WRITERS} writers x {per_writer:,} increments on {documents} document(s) ...", flush=True
    )
    began = time.perf_counter()
    results = await asyncio.gather(*(_writer(collection, n, per_writer, target) for n in range(WRITERS)))
    seconds = time.perf_counter() - began
    latencies = [latency for writer, _ in results for latency in writer]
    return Run(label, documents, seconds, latencies, len(latencies), sum(key_sum for _, key_sum in results))


async def read_sum(collection: AsyncCollection[dict[str, Any]], ids: Iterable[str]) -> tuple[int, int]:
    """The count and key sum of sign-ups over the documents `ids` (one read: `$in` on `_id`)."""
    count = key_sum = 0
    async for document in collection.find({"_id": {"$in": list(ids)}}, {"c.signups": 1, "k.signups": 1}):
        count += int(document.get("c", {}).get("signups", 0))
        key_sum += int(document.get("k", {}).get("signups", 0))
    return count, key_sum


async def read_one(collection: AsyncCollection[dict[str, Any]], document_id: str) -> tuple[int, int]:
    """The count and key sum of sign-ups of one counter document (a `find_one` by `_id`)."""
    document = await collection.find_one({"_id": document_id}, {"c.signups": 1, "k.signups": 1}) or {}
    return int(document.get("c", {}).get("signups", 0)), int(document.get("k", {}).get("signups", 0))


async def _check(collection: AsyncCollection[dict[str, Any]], run: Run, ids: Iterable[str]) -> None:
    run.exact = await read_sum(collection, ids) == (run.increments, run.key_sum)


async def _time_reads(reads: int, action: Callable[[], Awaitable[object]]) -> list[float]:
    latencies = []
    for _ in range(reads):
        began = time.perf_counter()
        await action()
        latencies.append(time.perf_counter() - began)
    return latencies


def _hot_id(number: int, key: int) -> str:  # noqa: ARG001 - a Target
    return HOT


def _spread_id(number: int, key: int) -> str:  # noqa: ARG001 - a Target
    return counting.counter_id("constituency", f"NA-{100 + number}", MONTH)


def _slot_target(slots: int, pick: str) -> Target:
    """Slot by record key (a record always lands on the same slot) or at random (seeded, repeatable)."""
    rng = random.Random(slots)  # noqa: S311 - spreading load, not a secret

    def target(number: int, key: int) -> str:  # noqa: ARG001 - a Target
        return slot_id(HOT, key % slots if pick == "key" else rng.randrange(slots))

    return target


async def _bench(uri: str, database: str, args: argparse.Namespace) -> tuple[list[Run], list[str]]:
    """Every shape in turn, round after round, on one client of 32 connections."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True, maxPoolSize=WRITERS * 2)
    collection = client[database]["turnout_counters"]
    # Each shape: its label, its documents, where an increment goes, how the hot figure is read back.
    shapes: list[tuple[str, int, Target, list[str]]] = [
        ("hot", 1, _hot_id, [HOT]),
        ("spread", WRITERS, _spread_id, [_spread_id(number, 0) for number in range(WRITERS)]),
    ]
    shapes += [
        (f"slots K={k} ({args.pick})", k, _slot_target(k, args.pick), slot_ids(HOT, k)) for k in args.slots
    ]
    runs: dict[str, Run] = {}
    reads: dict[str, list[float]] = {}
    try:
        # The engine's JIT warms as it runs: round 0 warms every shape, and the shapes take turns.
        for round_ in range(args.rounds + 1):
            print(f"round {round_}{' (warm-up, not counted)' if round_ == 0 else ''}", flush=True)
            for label, documents, target, ids in shapes:
                run = await _write(collection, label, documents, args.increments, target)
                await _check(collection, run, ids)
                if round_ > 0:
                    runs[label] = run if label not in runs else runs[label].merge(run)
                if label == "spread":
                    continue  # no figure to read: its documents are 16 different counters
                one = functools.partial(read_one, collection, HOT)
                timed = await _time_reads(
                    args.reads, one if label == "hot" else functools.partial(read_sum, collection, ids)
                )
                if round_ > 0:
                    reads.setdefault(label, []).extend(timed)
    finally:
        await client.close()
    return list(runs.values()), [_read_line(label, timed, reads["hot"]) for label, timed in reads.items()]


def _read_line(label: str, latencies: list[float], one: list[float]) -> str:
    median = statistics.median(latencies) * 1000
    return (
        f"  {label:<24} p50 {median:7.3f} ms  p95 {p95_ms(latencies):7.3f} ms"
        f"  p50 {median / (statistics.median(one) * 1000):5.2f}x of one document"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.counter_contention",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--increments", type=int, default=1_000, help="increments per writer in each run (default 1,000)"
    )
    parser.add_argument(
        "--slots", type=int, nargs="+", default=[4, 16, 64], help="slot counts K to try (default 4 16 64)"
    )
    parser.add_argument(
        "--pick",
        choices=("key", "random"),
        default="key",
        help="how an increment picks its slot: its record key modulo K, or at random (default key)",
    )
    parser.add_argument(
        "--reads", type=int, default=1_000, help="timed reads of the hot figure per shape (default 1,000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="counted rounds of every shape, after one warm-up (default 3)"
    )
    add_heap_option(parser)
    args = parser.parse_args(argv)
    with bench_settings(heap_mb=args.engine_heap_mb) as settings:
        keys.use_secret(settings)
        embedded = not os.environ.get("MONGODB_URI")  # as bench_settings decides
        runs, reads = asyncio.run(_bench(settings.mongodb_uri, settings.mongodb_database, args))
    hot, spread = runs[0], runs[1]
    print(
        f"\nsummary ({WRITERS} concurrent writers, {args.increments:,} `$inc` upserts each per round,"
        f" {args.rounds} rounds, one client process)"
    )
    for run in runs:
        print(run.line(spread.rate, hot.rate))
    print(f"reads of the hot figure (count and key sum), one at a time, {args.reads:,} per round:")
    for line in reads:
        print(line)
    if embedded:
        print(ENGINE_NOTE)
    return 0 if all(run.exact for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
