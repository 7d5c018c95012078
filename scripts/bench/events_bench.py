"""Benchmark field events: batch-sync throughput, its growth with the store, and streamed CSV export.

Runs the real app under uvicorn on loopback against an embedded engine of its own (memory storage) or
MONGODB_URI. Sign-in is replaced by a fixed field officer so the figures measure sync and export, not
token checks. The growth figure times the same batch sync of 100 events (and the first page of the
event list) with 1,000 and with --export-rows events already stored, loaded straight into the database
in the form the API writes them, with their history records.
"""

import argparse
import functools
import sys
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.events.models import Event, EventVersion
from schemas.accounts import Role
from scripts.bench.common import (
    GROWTH_SIZES,
    BenchServer,
    add_heap_option,
    bench_settings,
    growth_line,
    load_geography,
    store_directly,
    timed,
)

OFFICER_ID = "bench-officer"


async def _officer() -> Account:
    """The caller of every request (async, so that FastAPI runs it without a thread hop)."""
    return _officer_account()


@functools.cache
def _officer_account() -> Account:
    """Built lazily: a Document needs Beanie initialised."""
    now = datetime.now(UTC)
    return Account(
        id=OFFICER_ID,
        roles=[Role.FIELD_OFFICER],
        districts=["lahore", "kasur"],
        created_at=now,
        updated_at=now,
    )


def _plan(n: int, start: datetime) -> dict[str, Any]:
    starts = start + timedelta(minutes=n)
    return {
        "kind": "awareness_session",
        "title": f"Benchmark session {n}",
        "topics": ["legal_migration"],
        "district": "lahore",
        "constituency": "NA-117",
        "venue_name": "Community hall",
        "lat": 31.5,
        "lng": 74.3,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "partner_organisations": ["SSDO"],
        "expected_turnout": 40,
    }


STORED_FROM = datetime(2025, 1, 1, tzinfo=UTC)


def _stored(n: int, event_id: str) -> dict[str, Any]:
    """An approved, held event in Kasur as the API stores it (the export's rows)."""
    starts = STORED_FROM + timedelta(minutes=n)
    return {
        "_id": event_id,
        "version": 3,
        "kind": "awareness_session",
        "title": f"Stored session {n}",
        "topics": ["legal_migration"],
        "district": "kasur",
        "constituency": "NA-132",
        "province": "PK-PB",
        "venue_name": "School hall",
        "lat": None,
        "lng": None,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "partner_organisations": [],
        "expected_turnout": 30,
        "status": "held",
        "cancel_reason": None,
        "turnout": {
            "total": 30,
            "by_gender": {"female": 15, "male": 15, "transgender": 0, "prefer_not_to_say": 0},
            "by_age": {"under_15": 0, "age_15_19": 10, "age_20_24": 10, "age_25_29": 10, "age_30_plus": 0},
        },
        "reported_at": starts + timedelta(hours=2),
        "review": "approved",
        "review_reason": None,
        "reviewed_by": OFFICER_ID,
        "created_by": OFFICER_ID,
        "created_at": starts,
        "updated_at": starts + timedelta(days=1),
        "deleted_at": None,
        "deleted_by": None,
        "rsvp_count": 25,
        "checkin_count": 20,
        "photo_ids": [],
        "pending_change": None,
    }


def _history(n: int, event_id: str) -> list[dict[str, Any]]:
    """The event's three history records: created, reported, approved."""
    at = STORED_FROM + timedelta(minutes=n)
    actions = [
        ("created", {"title": {"from": None, "to": f"Stored session {n}"}}),
        ("reported", {"status": {"from": "planned", "to": "held"}}),
        ("review_approved", {"review": {"from": "pending", "to": "approved"}}),
    ]
    return [
        {
            "_id": f"{event_id}:{version}",
            "event_id": event_id,
            "version": version,
            "changed_by": OFFICER_ID,
            "changed_at": at,
            "action": action,
            "changes": changes,
        }
        for version, (action, changes) in enumerate(actions, start=1)
    ]


def _store_events(settings: Settings, first: int, count: int) -> None:
    """Write `count` events and their history straight into the database, as the API would have."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    events = (_stored(first + n, event_id) for n, event_id in enumerate(ids))
    store_directly(settings, Event.Settings.name, events, label="events")
    history = (record for n, event_id in enumerate(ids) for record in _history(first + n, event_id))
    store_directly(settings, EventVersion.Settings.name, history, label="history records")


def _batch(http: httpx.Client, start: datetime, first: int) -> None:
    items = [{"id": str(uuid.uuid4()), "event": _plan(first + i, start)} for i in range(100)]
    results = http.post("/v1/events/batch", json={"items": items}).json()["results"]
    assert all(r["status"] == 201 for r in results), results[:2]


def bench_batches(base: str, *, batches: int) -> float:
    start = datetime.now(UTC) + timedelta(days=30)
    with httpx.Client(base_url=base, timeout=120) as http:
        began = time.perf_counter()
        for b in range(batches):
            _batch(http, start, b * 100)
            print(f"  batch {b + 1}/{batches}", end="\r", flush=True)
        elapsed = time.perf_counter() - began
    print()
    return batches * 100 / elapsed


def growth_samples(base: str, *, batches: int, lists: int, first: int) -> tuple[list[float], list[float]]:
    """Seconds of each of `batches` batch syncs of 100 new events and `lists` first pages of the list."""
    start = datetime.now(UTC) + timedelta(days=60)
    syncs, pages = [], []
    with httpx.Client(base_url=base, timeout=120) as http:
        for b in range(batches):
            syncs.append(timed(functools.partial(_batch, http, start, first + b * 100)))
            print(f"  batch sync {b + 1}/{batches}", end="\r", flush=True)
        print()
        params = {"district": "lahore", "limit": "50"}
        for n in range(lists):
            pages.append(timed(lambda: http.get("/v1/events", params=params).raise_for_status()))
            print(f"  event list {n + 1}/{lists}", end="\r", flush=True)
        print()
    return syncs, pages


def bench_export(base: str, params: dict[str, str]) -> tuple[int, float, float]:
    """Rows, rows per second and peak traced memory (MiB) of one streamed export."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    rows = 0
    began = time.perf_counter()
    with (
        httpx.Client(base_url=base, timeout=600) as http,
        http.stream("GET", "/v1/events/export.csv", params=params) as response,
    ):
        for line in response.iter_lines():
            if line:
                rows += 1
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows - 1, (rows - 1) / elapsed, peak / (1024 * 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.events_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--batches", type=int, default=20, help="batch requests of 100 events (default 20)")
    parser.add_argument(
        "--export-rows",
        type=int,
        default=GROWTH_SIZES[1],
        help=f"events stored for the export and the growth figure (default {GROWTH_SIZES[1]:,})",
    )
    parser.add_argument(
        "--growth-batches", type=int, default=30, help="batch syncs timed at each store size (default 30)"
    )
    parser.add_argument(
        "--growth-lists", type=int, default=40, help="event-list pages timed at each store size (default 40)"
    )
    add_heap_option(parser)
    args = parser.parse_args(argv)
    first_size = min(GROWTH_SIZES[0], args.export_rows)

    with bench_settings(heap_mb=args.engine_heap_mb) as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        with BenchServer(settings, _officer) as base:
            # Sync first, on an empty events collection: the figure a phone sees in a fresh district.
            print(f"batch sync: {args.batches} requests of 100 events ...", flush=True)
            per_second = bench_batches(base, batches=args.batches)
            timings: dict[int, tuple[list[float], list[float]]] = {}
            stored = 0
            for size in (first_size, args.export_rows):
                print(f"growth: storing up to {size:,} events ...", flush=True)
                _store_events(settings, stored, size - stored)
                stored = size
                print(f"growth: timing with {size:,} events stored ...", flush=True)
                first = (args.batches + len(timings) * args.growth_batches) * 100
                timings[size] = growth_samples(
                    base, batches=args.growth_batches, lists=args.growth_lists, first=first
                )
            # Stored events start a minute apart: a time filter selects the first tenth of them.
            small = max(1, args.export_rows // 10)
            until = (STORED_FROM + timedelta(minutes=small)).isoformat()
            print(f"export of {small:,} rows (for comparison) ...", flush=True)
            small_rows, _, small_peak = bench_export(base, {"district": "kasur", "to": until})
            print(f"export of {args.export_rows:,} rows ...", flush=True)
            rows, rows_per_second, peak = bench_export(base, {"district": "kasur"})
        print("\nsummary")
        print(f"  batch sync  {per_second:8.0f} events/s ({args.batches} requests of 100 events)")
        print(
            f"  CSV export  {rows_per_second:8.0f} rows/s   ({rows:,} rows; peak traced memory "
            f"{peak:.1f} MiB, against {small_peak:.1f} MiB for {small_rows:,} rows)"
        )
        print(f"growth with {first_size:,} and {args.export_rows:,} events stored (goal: ratio 1.5 or less)")
        (sync_a, list_a), (sync_b, list_b) = timings[first_size], timings[args.export_rows]
        print(growth_line("batch sync of 100", sync_a, sync_b, sizes=(first_size, args.export_rows)))
        print(growth_line("event list, 1st page", list_a, list_b, sizes=(first_size, args.export_rows)))
        print(
            "  (the embedded engine uses only _id and unique indexes: there the list scans every event;\n"
            "   MongoDB serves it from the district_live_starts index)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
