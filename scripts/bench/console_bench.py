"""Benchmark the staff console's heaviest pages against the JSON API routes that read the same data.

Stores 10,000 published content items, 100,000 events (approved reports across all 266 National Assembly
seats, and the reports of one district waiting for review), young people and 1,000,000 check-ins with
their turnout counters, straight into the database in the form the API stores them (scripts/bench/
content_data.py, turnout_data.py). Then, from one API process, it times in turn (alternating, so both see
the same moment of the machine):
  - the editors' content list page (/console/content) and the editorial list (/v1/editorial/content);
  - the supervisors' review queue (/console/review) and the same events from /v1/events?review=pending;
  - the MP's dashboard (/console/mp: figures, charts and questions) and /v1/turnout/constituencies/{seat}.
Goal: each page's p95 within 1.5x of its API route's p95 in the same run.
"""

import argparse
import functools
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import Request
from pymongo import MongoClient

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.turnout import keys
from schemas.accounts import Role
from scripts.bench.common import (
    ProcessBenchServer,
    add_heap_option,
    bench_settings,
    load_geography,
    p95_ms,
    store_directly,
    timed,
)
from scripts.bench.content_data import Store
from scripts.bench.turnout_data import Generator, seats_of

FULL = {"items": 10_000, "events": 100_000, "youth": 100_000, "checkins": 1_000_000}
GOAL = 1.5
SECRET = "bench-only figures key secret, " + "y" * 32
SEAT_HEADER = "x-bench-seat"
DISTRICT_HEADER = "x-bench-district"


async def _caller(request: Request) -> Account:
    """Every request's staff member: an editor, a supervisor of one district and the MP of one seat (the
    seat and district in headers); async, so FastAPI runs it without a thread hop."""
    now = datetime.now(UTC)
    return Account(
        id="bench-staff",
        roles=[Role.EDITOR, Role.SUPERVISOR, Role.MP],
        districts=[request.headers.get(DISTRICT_HEADER, "lahore")],
        constituency=request.headers.get(SEAT_HEADER, "NA-117"),
        created_at=now,
        updated_at=now,
    )


def _load(settings: Settings, sizes: dict[str, int]) -> tuple[str, str]:
    """The data, straight into the database; the seat and district the reads are made for."""
    began = time.perf_counter()
    seats = seats_of(settings)
    generator = Generator(seats, datetime.now(UTC), label="Bench")
    store_directly(settings, "events", generator.events_to(sizes["events"]), label="events")
    store_directly(settings, "youth_profiles", generator.youth_to(sizes["youth"]), label="young people")
    store_directly(settings, "event_attendance", generator.checkins(sizes["checkins"]), label="check-ins")
    counters = generator.flush_counters(settings)
    seat, district = seats[0]["constituency"], seats[0]["district"]
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, tz_aware=True) as client:
        # The district's reports wait for its supervisor (made by an officer, so the buttons show).
        waiting = client[settings.mongodb_database]["events"].update_many(
            {"district": district, "status": "held"}, {"$set": {"review": "pending"}}
        )
    print("  content items ...", flush=True)
    Store(settings).fill_to(sizes["items"])
    print(
        f"  loaded in {time.perf_counter() - began:.0f} s: {counters:,} counter documents, "
        f"{waiting.modified_count:,} reports waiting in {district}"
    )
    return seat, district


def _samples(base: str, pairs: dict[str, tuple[str, str]], headers: dict[str, str], count: int) -> Any:
    """`count` reads of each page and its API route, alternating which goes first."""
    samples: dict[str, dict[str, list[float]]] = {name: {"page": [], "api": []} for name in pairs}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as http:

        def read(path: str) -> None:
            http.get(path).raise_for_status()

        for done in range(1, count + 1):
            for name, (page, api) in pairs.items():
                order = [("page", page), ("api", api)]
                for kind, path in order if done % 2 else reversed(order):
                    samples[name][kind].append(timed(functools.partial(read, path)))
            if done % 10 == 0:
                print(f"  reads: {done}/{count}", end="\r", flush=True)
    print(f"  reads: {count}/{count}")
    return samples


def _line(label: str, samples: list[float]) -> str:
    median = statistics.median(samples) * 1000
    return f"    {label:<44} median {median:8.1f} ms   p95 {p95_ms(samples):8.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.console_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full size (default 1: the issue's sizes)"
    )
    parser.add_argument("--samples", type=int, default=100, help="reads of each page and route (default 100)")
    add_heap_option(parser)
    args = parser.parse_args(argv)
    sizes = {name: max(int(n * args.scale), 1) for name, n in FULL.items()}
    timeouts = {"mongodb_server_selection_timeout_ms": 60_000, "mongodb_socket_timeout_ms": 300_000}
    with bench_settings(
        heap_mb=args.engine_heap_mb or 8192, figures_key_secret=SECRET, **timeouts
    ) as settings:
        keys.use_secret(settings)  # the loader keys records as the server's API would
        print("loading geography ...", flush=True)
        load_geography(settings)
        print(
            f"loading {sizes['items']:,} content items, {sizes['events']:,} events, "
            f"{sizes['checkins']:,} check-ins ...",
            flush=True,
        )
        seat, district = _load(settings, sizes)
        pairs = {
            "content list": ("/console/content", "/v1/editorial/content?limit=50"),
            "review queue": ("/console/review", "/v1/events?review=pending&limit=100"),
            "MP dashboard": ("/console/mp", f"/v1/turnout/constituencies/{seat}"),
        }
        headers = {SEAT_HEADER: seat, DISTRICT_HEADER: district, "Cookie": "hq_lang=ur"}
        with ProcessBenchServer(settings, _caller) as base:
            _samples(base, pairs, headers, 5)  # warm-up, not counted
            results = _samples(base, pairs, headers, args.samples)
    print(
        f"\nsummary ({sizes['items']:,} content items, {sizes['events']:,} events, {sizes['checkins']:,} "
        f"check-ins stored; {args.samples} reads each; pages in Urdu)"
    )
    worst = 0.0
    for name, (page, api) in pairs.items():
        print(f"  {name}")
        print(_line(f"page {page}", results[name]["page"]))
        print(_line(f"API  {api}", results[name]["api"]))
        ratio = p95_ms(results[name]["page"]) / p95_ms(results[name]["api"])
        worst = max(worst, ratio)
        verdict = "within" if ratio <= GOAL else "over"
        print(f"    page / API at p95: {ratio:.2f}x ({verdict} the goal of {GOAL}x)")
    print(f"  worst: {worst:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
