"""Benchmark young people's writes: sign-ups and check-ins per second through the HTTP API, next to raw
PyMongo inserts of the same documents in the same run (the ratio is the figure that matters), and how
their p95 grows from 1,000 to 100,000 people and check-ins already stored.

The API runs under uvicorn in a process of its own (client and server do not share one interpreter lock),
on loopback, against an embedded engine of its own (memory storage) or MONGODB_URI; sign-in is replaced
by the `X-Bench-Uid` header so token checks are not measured; rate limits are off. A request that touches
no database (the consent text) is timed too: it is the floor of any API figure here.
"""

import argparse
import asyncio
import functools
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import Request
from pymongo import AsyncMongoClient

from backend.accounts.models import Account
from backend.core.settings import Settings
from scripts.bench.common import (
    GROWTH_SIZES,
    BenchServer,
    ProcessBenchServer,
    add_heap_option,
    bench_settings,
    growth_line,
    load_geography,
    timed,
)
from scripts.bench.youth_data import (
    attendance_document,
    profile_document,
    signup_body,
    store_event,
    store_people,
)

SIGNING_KEY = "bench-signing-key-" + "x" * 32


async def _caller(request: Request) -> Account:
    # Only a Request parameter: FastAPI analyses an override's signature on every request, and a header
    # parameter would cost more there than the sign-up itself; async, so it runs without a thread hop.
    now = datetime.now(UTC)
    return Account(id=request.headers["x-bench-uid"], created_at=now, updated_at=now)


def _post(http: httpx.Client, path: str, uid: str, body: dict[str, Any]) -> None:
    response = http.post(path, json=body, headers={"X-Bench-Uid": uid})
    assert response.status_code == 201, response.text


def _api_rate(base: str, path: str, bodies: list[tuple[str, dict[str, Any]]], label: str) -> float:
    with httpx.Client(base_url=base, timeout=60) as http:
        began = time.perf_counter()
        for done, (uid, body) in enumerate(bodies, start=1):
            _post(http, path, uid, body)
            if done % 50 == 0:
                print(f"  {label}: {done}/{len(bodies)}", end="\r", flush=True)
        elapsed = time.perf_counter() - began
    print()
    return len(bodies) / elapsed


def _floor_rate(base: str, count: int) -> float:
    """Requests per second of the consent text: HTTP, routing and JSON without any database access."""
    with httpx.Client(base_url=base, timeout=60) as http:
        began = time.perf_counter()
        for _ in range(count):
            http.get("/v1/youth/consent").raise_for_status()
        return count / (time.perf_counter() - began)


def _growth_samples(base: str, code: str, count: int) -> tuple[list[float], list[float]]:
    """Seconds of each of `count` sign-ups of new people, then of their check-ins."""
    uids = [f"growth-{uuid.uuid4().hex}" for _ in range(count)]
    signups, checkins = [], []
    with httpx.Client(base_url=base, timeout=60) as http:
        for done, uid in enumerate(uids, start=1):
            signups.append(timed(functools.partial(_post, http, "/v1/youth/signup", uid, signup_body())))
            if done % 50 == 0:
                print(f"  sign-ups: {done}/{count}", end="\r", flush=True)
        print()
        for done, uid in enumerate(uids, start=1):
            checkins.append(timed(functools.partial(_post, http, "/v1/youth/checkins", uid, {"code": code})))
            if done % 50 == 0:
                print(f"  check-ins: {done}/{count}", end="\r", flush=True)
        print()
    return signups, checkins


def _raw_rate(settings: Settings, collection: str, documents: list[dict[str, Any]]) -> float:
    """The same documents, inserted one by one with PyMongo, as the floor the API is compared with."""

    async def insert() -> float:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        target = client[settings.mongodb_database][collection]
        began = time.perf_counter()
        for document in documents:
            await target.insert_one(document)
        elapsed = time.perf_counter() - began
        await client.close()
        return len(documents) / elapsed

    return asyncio.run(insert())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.youth_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--people", type=int, default=300, help="sign-ups and check-ins to make (default 300)"
    )
    parser.add_argument(
        "--stored",
        type=int,
        default=GROWTH_SIZES[1],
        help=f"people and check-ins stored for the growth figure's second size (default {GROWTH_SIZES[1]:,})",
    )
    parser.add_argument(
        "--growth-samples",
        type=int,
        default=200,
        help="sign-ups and check-ins timed at each store size (default 200)",
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=100,
        help="sign-ups and check-ins made first, not measured (default 100)",
    )
    parser.add_argument(
        "--server-in-thread",
        action="store_true",
        help="run the server in a thread of this process, as before (for comparison; shares the GIL)",
    )
    add_heap_option(parser)
    args = parser.parse_args(argv)
    sizes = (min(GROWTH_SIZES[0], args.stored), args.stored)
    # Rate limits off: the figures measure the feature, not the abuse limits (tested on their own).
    with bench_settings(
        heap_mb=args.engine_heap_mb, checkin_signing_key=SIGNING_KEY, rate_limiting=False
    ) as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        uids = [f"bench-{uuid.uuid4().hex}" for _ in range(args.people)]
        event_id, code = store_event(settings)
        # A server process of its own: in a thread here it would share the client's interpreter lock.
        server = BenchServer if args.server_in_thread else ProcessBenchServer
        with server(settings, _caller) as base:
            print(f"warming up: {args.warm_up} sign-ups and check-ins (not counted) ...", flush=True)
            warm_up = [(f"warm-{uuid.uuid4().hex}", signup_body()) for _ in range(args.warm_up)]
            _api_rate(base, "/v1/youth/signup", warm_up, "sign-ups")
            _api_rate(base, "/v1/youth/checkins", [(uid, {"code": code}) for uid, _ in warm_up], "check-ins")
            print(f"{args.people} sign-ups through the API ...", flush=True)
            signups = _api_rate(base, "/v1/youth/signup", [(uid, signup_body()) for uid in uids], "sign-ups")
            print(f"{args.people} check-ins through the API ...", flush=True)
            checkins = _api_rate(
                base, "/v1/youth/checkins", [(uid, {"code": code}) for uid in uids], "check-ins"
            )
            print(f"{args.people} consent-text reads (no database) ...", flush=True)
            floor = _floor_rate(base, args.people)
            timings: dict[int, tuple[list[float], list[float]]] = {}
            stored = 0
            for size in sizes:
                print(f"growth: storing up to {size:,} people and check-ins ...", flush=True)
                store_people(settings, stored, size - stored)
                stored = size
                print(f"growth: timing with {size:,} stored ...", flush=True)
                timings[size] = _growth_samples(base, code, args.growth_samples)
        now = datetime.now(UTC)
        profiles = [profile_document(f"raw-{uuid.uuid4().hex}", now) for _ in range(args.people)]
        attendance = [attendance_document(f"raw-{n}", event_id, now) for n in range(args.people)]
        print("the same documents with raw PyMongo inserts ...", flush=True)
        raw_signups = _raw_rate(settings, "raw_youth_profiles", profiles)
        raw_checkins = _raw_rate(settings, "raw_event_attendance", attendance)
    print("\nsummary (one request or insert at a time)")
    print(f"  {'no-db GET':<10} API {floor:7.1f}/s   (the floor of any API figure here)")
    for label, api, raw in (("sign-ups", signups, raw_signups), ("check-ins", checkins, raw_checkins)):
        print(f"  {label:<10} API {api:7.1f}/s   raw PyMongo {raw:7.1f}/s   ratio {api / raw:.2f}")
    print(f"growth with {sizes[0]:,} and {sizes[1]:,} people and check-ins stored (goal: ratio 1.5 or less)")
    (signup_a, checkin_a), (signup_b, checkin_b) = timings[sizes[0]], timings[sizes[1]]
    print(growth_line("sign-up", signup_a, signup_b, sizes=sizes))
    print(growth_line("check-in", checkin_a, checkin_b, sizes=sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
