"""Benchmark field events: batch-sync throughput and streamed CSV export (rows per second, peak memory).

Runs the real app under uvicorn on loopback against the embedded engine (a FerretDB of its own in a
temporary folder) or MONGODB_URI. Sign-in is replaced by a fixed field officer so the figures measure
sync and export, not token checks.
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
from pymongo import MongoClient
from pymongo.collection import Collection

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.events.models import Event
from schemas.accounts import Role
from scripts.bench.common import BenchServer, bench_settings, load_geography

OFFICER_ID = "bench-officer"


@functools.cache
def _officer() -> Account:
    """The caller of every request (built lazily: a Document needs Beanie initialised)."""
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


def _stored(n: int, start: datetime) -> dict[str, Any]:
    starts = start + timedelta(minutes=n)
    return {
        "_id": str(uuid.uuid4()),
        "version": 1,
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
        "review": "approved",
        "review_reason": None,
        "turnout": {
            "total": 30,
            "by_gender": {"female": 15, "male": 15, "transgender": 0, "prefer_not_to_say": 0},
            "by_age": {"under_15": 0, "age_15_19": 10, "age_20_24": 10, "age_25_29": 10, "age_30_plus": 0},
        },
        "checkin_count": 0,
        "created_by": OFFICER_ID,
        "created_at": starts,
        "updated_at": starts,
        "deleted_at": None,
    }


def bench_batches(base: str, *, batches: int) -> float:
    start = datetime.now(UTC) + timedelta(days=30)
    with httpx.Client(base_url=base, timeout=120) as http:
        began = time.perf_counter()
        for b in range(batches):
            items = [{"id": str(uuid.uuid4()), "event": _plan(b * 100 + i, start)} for i in range(100)]
            results = http.post("/v1/events/batch", json={"items": items}).json()["results"]
            assert all(r["status"] == 201 for r in results), results[:2]
            print(f"  batch {b + 1}/{batches}", end="\r", flush=True)
        elapsed = time.perf_counter() - began
    print()
    return batches * 100 / elapsed


def _insert_stored(settings: Settings, count: int) -> None:
    """Write the events to export straight into the collection (a plain client: Beanie stays bound to
    the server's event loop)."""
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, uuidRepresentation="standard") as client:
        collection: Collection[dict[str, Any]] = client[settings.mongodb_database][Event.Settings.name]
        for offset in range(0, count, 5000):
            collection.insert_many(
                [_stored(n, STORED_FROM) for n in range(offset, min(count, offset + 5000))]
            )
            print(f"  stored {min(count, offset + 5000):,}/{count:,} events", end="\r", flush=True)
    print()


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
    parser.add_argument("--export-rows", type=int, default=100_000, help="events to export (default 100,000)")
    args = parser.parse_args(argv)

    with bench_settings() as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        small = max(1, args.export_rows // 10)
        with BenchServer(settings, _officer) as base:
            # Sync first, on an empty events collection: the figure a phone sees in a fresh district.
            print(f"batch sync: {args.batches} requests of 100 events ...", flush=True)
            per_second = bench_batches(base, batches=args.batches)
            print(f"storing {args.export_rows:,} events for the export ...", flush=True)
            _insert_stored(settings, args.export_rows)
            # Stored events start a minute apart: a time filter selects the first tenth of them.
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
