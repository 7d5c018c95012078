"""Benchmark bursts: a stadium-size youth dialogue where 2,000 young people check in at one event within
60 seconds, and a national campaign's opens arriving at 1,000 a second for a minute. Each burst is sent
open-loop (request i is due at i / rate seconds, whatever the answers before it) through 64 connections
to one API process; the figures are the latency from each request's due time (so waiting for a free
connection counts), the errors, the rate achieved, and then whether every count is exact: the event's
check-in counter, the attendance records, the turnout counters of the seat, district, province and
country (check-ins and people reached), the campaign's opens and the opens counted in turnout
(`alert_reach`).

Young people, the event and the inbox entries are stored directly; sign-in is replaced by the
`X-Bench-Uid` header (a young person's account), as in the other benchmarks; rate limits are off.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from pymongo import MongoClient
from pymongo.database import Database

from backend.accounts.models import Account
from backend.core.clock import month_of
from backend.core.settings import Settings
from backend.turnout import keys
from backend.turnout.counting import counter_id, flatten, stored_ids
from schemas.accounts import Role
from scripts.bench.common import (
    ProcessBenchServer,
    add_heap_option,
    bench_settings,
    load_geography,
    store_directly,
)
from scripts.bench.youth_data import profile_document, store_event
from scripts.engine import ROOT

SIGNING_KEY = "bench-signing-key-" + "b" * 32
SECRET = "bench-only figures key secret, " + "b" * 32
CONNECTIONS = 64
AREAS = {"constituency": "NA-117", "district": "lahore", "province": "PK-PB", "national": "PK"}


async def _caller(request: Request) -> Account:
    """The young person of `X-Bench-Uid` (async: no thread hop)."""
    now = datetime.now(UTC)
    return Account(id=request.headers["x-bench-uid"], roles=[Role.YOUTH], created_at=now, updated_at=now)


def _burst(
    base: str, requests: Sequence[tuple[str, str, dict[str, Any] | None]], rate: float, label: str
) -> dict[str, Any]:
    """Send each (uid, path, body) at its time from a sender process of its own (burst_client.py);
    latencies, statuses, the rate achieved."""
    plan = {"base": base, "rate": rate, "connections": CONNECTIONS, "requests": list(requests)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.json"
        path.write_text(json.dumps(plan))
        print(f"  {label}: sending {len(requests):,} ...", flush=True)
        sent = subprocess.run(
            [sys.executable, "-m", "scripts.bench.burst_client", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    result = json.loads(sent.stdout)
    latencies: list[float] = result["latencies"]
    statuses = {int(status): n for status, n in result["statuses"].items()}
    failures: dict[str, int] = result["failures"]
    elapsed = float(result["seconds"])
    print(f"  {label}: {len(requests):,}/{len(requests):,} in {elapsed:.1f} s")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "sent": len(requests),
        "seconds": elapsed,
        "rate": len(requests) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "statuses": statuses,
        "failures": failures,
    }


def _inbox(settings: Settings, uids: list[str]) -> str:
    """A sent national campaign with an inbox entry per person; its id."""
    campaign_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    campaign: dict[str, Any] = {
        "_id": campaign_id,
        "idempotency_key": "bench burst",
        "created_by": "bench",
        "title": {"ur": "بینچ"},
        "body": {"ur": "بینچ"},
        "link": None,
        "audience": {"national": True},
        "priority": "emergency",
        "send_at": now,
        "status": "sent",
        "personal": False,
        "planned": True,
        "stats": {"people": len(uids), "devices": len(uids), "sent": len(uids), "opened": 0},
        "created_at": now,
        "updated_at": now,
    }
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri) as client:
        db: Database[dict[str, Any]] = client[settings.mongodb_database]
        db["alert_campaigns"].insert_one(campaign)
    places = {"constituency": "NA-117", "district": "lahore", "province": "PK-PB"}
    entries = (
        {
            "_id": f"{campaign_id}:{uid}",
            "campaign_id": campaign_id,
            "uid": uid,
            "language": "ur",
            "title": "بینچ",
            "body": "بینچ",
            "link": None,
            "priority": "emergency",
            "sent_at": now,
            "places": places,
        }
        for uid in uids
    )
    store_directly(settings, "alert_inbox", entries, label="inbox entries")
    return campaign_id


def _counts(settings: Settings, event_id: str, campaign_id: str) -> dict[str, int]:
    """What the database holds after the bursts."""
    month = month_of(datetime.now(UTC))
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri) as client:
        db: Database[dict[str, Any]] = client[settings.mongodb_database]
        event = db["events"].find_one({"_id": event_id}) or {}
        campaign = db["alert_campaigns"].find_one({"_id": campaign_id}) or {}
        found = {
            "event check-in counter": int(event.get("checkin_count", 0)),
            "attendance records": db["event_attendance"].count_documents({"event_id": event_id}),
            "campaign opens": int(campaign.get("stats", {}).get("opened", 0)),
            "inbox entries opened": db["alert_inbox"].count_documents({"opened_at": {"$ne": None}}),
        }
        for area, code in AREAS.items():
            ids = stored_ids(counter_id(area, code, month))  # a split counter's slots, summed
            documents = db["turnout_counters"].find({"_id": {"$in": ids}})
            counted = [flatten(document.get("c") or {}) for document in documents]
            for name in ("checkins", "reached", "alert_reach"):
                found[f"{area} {name}"] = sum(int(one.get(name, 0)) for one in counted)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.burst_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--checkins", type=int, default=2_000, help="young people checking in (default 2,000)"
    )
    parser.add_argument("--checkin-seconds", type=float, default=60, help="over this long (default 60)")
    parser.add_argument("--opens", type=int, default=60_000, help="alert opens (default 60,000)")
    parser.add_argument("--opens-per-s", type=float, default=1_000, help="arriving this fast (default 1,000)")
    add_heap_option(parser)
    args = parser.parse_args(argv)
    people = max(args.checkins, args.opens)
    with bench_settings(
        heap_mb=args.engine_heap_mb, checkin_signing_key=SIGNING_KEY, figures_key_secret=SECRET
    ) as settings:
        keys.use_secret(settings)
        print("loading geography, the event and the young people ...", flush=True)
        load_geography(settings)
        event_id, code = store_event(settings)
        now = datetime.now(UTC)
        uids = [f"burst-{n}" for n in range(people)]
        store_directly(
            settings, "youth_profiles", (profile_document(uid, now) for uid in uids), label="profiles"
        )
        campaign_id = _inbox(settings, uids[: args.opens])
        with ProcessBenchServer(settings, _caller) as base:
            checkins = [(uid, "/v1/youth/checkins", {"code": code}) for uid in uids[: args.checkins]]
            opened = [(uid, f"/v1/notifications/{campaign_id}/opened", None) for uid in uids[: args.opens]]
            results = {
                "check-ins": _burst(base, checkins, args.checkins / args.checkin_seconds, "check-ins"),
                "opens": _burst(base, opened, args.opens_per_s, "opens"),
            }
        found = _counts(settings, event_id, campaign_id)
    print(
        f"\nsummary ({args.checkins:,} check-ins at one event over {args.checkin_seconds:.0f} s, "
        f"{args.opens:,} opens at {args.opens_per_s:,.0f}/s asked; one API process, 64 connections)"
    )
    for name, result in results.items():
        errors = sum(n for status, n in result["statuses"].items() if status >= 400 or status == 0)
        print(
            f"  {name:<10} {result['rate']:8.0f}/s achieved   p50 {result['p50']:7.1f} ms   p95 "
            f"{result['p95']:7.1f} ms   p99 {result['p99']:7.1f} ms   errors {errors}   {result['statuses']}"
        )
        for failure, n in result["failures"].items():
            print(f"    no answer {n} time(s): {failure}")
    ok_checkins = results["check-ins"]["statuses"].get(201, 0)
    ok_opens = results["opens"]["statuses"].get(204, 0)
    expected = {
        "event check-in counter": ok_checkins,
        "attendance records": ok_checkins,
        "campaign opens": ok_opens,
        "inbox entries opened": ok_opens,
        **{f"{area} checkins": ok_checkins for area in AREAS},
        **{f"{area} reached": ok_checkins for area in AREAS},
        **{f"{area} alert_reach": ok_opens for area in AREAS},
    }
    exact = all(found[name] == want for name, want in expected.items())
    for name, want in expected.items():
        mark = "exact" if found[name] == want else "WRONG"
        print(f"    {name:<28} {found[name]:>8,} (acknowledged {want:,}) {mark}")
    print(f"  every count exact: {'yes' if exact else 'NO'}")
    return 0 if exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
