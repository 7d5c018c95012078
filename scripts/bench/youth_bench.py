"""Benchmark young people's writes: sign-ups and check-ins per second through the HTTP API, next to raw
PyMongo inserts of the same documents in the same run (the ratio is the figure that matters).

The API runs under uvicorn on loopback against the embedded engine (a FerretDB of its own) or
MONGODB_URI; sign-in is replaced by the `X-Bench-Uid` header so token checks are not measured.
"""

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import Request
from pymongo import AsyncMongoClient

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.events.checkin_codes import CheckinSigner
from backend.events.models import Event
from scripts.bench.common import BenchServer, bench_settings, load_geography

SIGNING_KEY = "bench-signing-key-" + "x" * 32


def _caller(request: Request) -> Account:
    # Only a Request parameter: FastAPI analyses an override's signature on every request, and a header
    # parameter would cost more there than the sign-up itself.
    now = datetime.now(UTC)
    return Account(id=request.headers["x-bench-uid"], created_at=now, updated_at=now)


def _signup() -> dict[str, Any]:
    return {
        "display_name": "Bench Person",
        "birth_year": datetime.now(UTC).year - 20,
        "gender": "female",
        "district": "lahore",
        "constituency": "NA-117",
        "languages": ["ur"],
        "interests": ["legal_migration"],
        "consent": {"version": "2026-11-v1"},
    }


def _event(settings: Settings) -> tuple[str, str]:
    """An event happening now, stored directly, and its check-in code."""
    now = datetime.now(UTC).replace(microsecond=0)
    event_id = str(uuid.uuid4())
    doc = {
        "_id": event_id,
        "version": 1,
        "kind": "youth_dialogue",
        "title": "Bench dialogue",
        "topics": ["legal_migration"],
        "district": "lahore",
        "constituency": "NA-117",
        "province": "PK-PB",
        "venue_name": "Hall",
        "starts_at": now - timedelta(minutes=10),
        "ends_at": now + timedelta(hours=2),
        "partner_organisations": [],
        "expected_turnout": 100,
        "status": "planned",
        "review": "not_reported",
        "created_by": "bench",
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }

    async def insert() -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        await client[settings.mongodb_database][Event.Settings.name].insert_one(doc)
        await client.close()

    asyncio.run(insert())
    event = Event.model_construct(id=event_id, starts_at=doc["starts_at"], ends_at=doc["ends_at"])
    return event_id, CheckinSigner(settings).issue(event).payload


def _api_rate(base: str, path: str, bodies: list[tuple[str, dict[str, Any]]], label: str) -> float:
    with httpx.Client(base_url=base, timeout=60) as http:
        began = time.perf_counter()
        for done, (uid, body) in enumerate(bodies, start=1):
            response = http.post(path, json=body, headers={"X-Bench-Uid": uid})
            assert response.status_code == 201, response.text
            if done % 50 == 0:
                print(f"  {label}: {done}/{len(bodies)}", end="\r", flush=True)
        elapsed = time.perf_counter() - began
    print()
    return len(bodies) / elapsed


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
    args = parser.parse_args(argv)
    with bench_settings(checkin_signing_key=SIGNING_KEY) as settings:
        print("loading geography ...", flush=True)
        load_geography(settings)
        uids = [f"bench-{uuid.uuid4().hex}" for _ in range(args.people)]
        event_id, code = _event(settings)
        with BenchServer(settings, _caller) as base:
            print(f"{args.people} sign-ups through the API ...", flush=True)
            signups = _api_rate(base, "/v1/youth/signup", [(uid, _signup()) for uid in uids], "sign-ups")
            print(f"{args.people} check-ins through the API ...", flush=True)
            checkins = _api_rate(
                base, "/v1/youth/checkins", [(uid, {"code": code}) for uid in uids], "check-ins"
            )
        now = datetime.now(UTC)
        profiles = [
            {
                "_id": f"raw-{uuid.uuid4().hex}",
                **_signup(),
                "province": "PK-PB",
                "consent": {"version": "2026-11-v1"},
                "created_at": now,
                "updated_at": now,
            }
            for _ in range(args.people)
        ]
        attendance = [
            {
                "_id": f"{event_id}:raw-{n}",
                "event_id": event_id,
                "uid": f"raw-{n}",
                "district": "lahore",
                "checked_in_at": now,
            }
            for n in range(args.people)
        ]
        print("the same documents with raw PyMongo inserts ...", flush=True)
        raw_signups = _raw_rate(settings, "raw_youth_profiles", profiles)
        raw_checkins = _raw_rate(settings, "raw_event_attendance", attendance)
    print("\nsummary (one request or insert at a time)")
    for label, api, raw in (("sign-ups", signups, raw_signups), ("check-ins", checkins, raw_checkins)):
        print(f"  {label:<10} API {api:7.1f}/s   raw PyMongo {raw:7.1f}/s   ratio {api / raw:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
