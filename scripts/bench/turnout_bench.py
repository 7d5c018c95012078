"""Benchmark turnout dashboards: their latency as the store grows, with cell-key perturbation and without,
the published figures' error against the true ones, a naive `$group`, and the brief.

Loads young people (counted in both their seats), approved event reports (held and cancelled, across all
266 National Assembly seats) and check-ins straight into the database in the form the API stores them,
with the turnout counters and key sums computed by the functions the API's writes call
(`turnout.counting`, `turnout.reach`) and stored with `$inc` upserts: first 1% of the full size (10,000
check-ins), then the rest (1,000,000). At each size it times a constituency dashboard read through the
API (an MP's, with the district, province and national comparisons) from two servers on the same
database, in turn: one as deployed, one whose perturbation table adds nothing (small-cell suppression
only, the key sums still read), and compares their figures cell by cell; and the same constituency's
figures computed by a naive `$group` over the raw records. At the full size it times the brief as HTML
and as PDF. Reach claims (`turnout_reach`) are not stored: dashboards never read them, and the bench
keeps their effect (first check-ins) in memory.
"""

import argparse
import functools
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import Request
from pymongo import MongoClient
from pymongo.database import Database

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.turnout import keys, ptable
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
from scripts.bench.turnout_accuracy import Accuracy
from scripts.bench.turnout_data import Generator, seats_of
from scripts.bench.turnout_naive import naive_figures

FULL = {"checkins": 1_000_000, "youth": 1_000_000, "events": 50_000}
SPEED_GOALS = "goals: p95 at the full size within 1.5x of p95 at 1%; 20x faster than the naive $group"
PERTURBATION_GOAL = 1.2
SECRET = "bench-only figures key secret, " + "x" * 32


async def _caller(request: Request) -> Account:
    """An MP of the seat in `x-bench-seat` (with comparisons, the heaviest read); async, no thread hop."""
    now = datetime.now(UTC)
    seat = request.headers["x-bench-seat"]
    return Account(id=f"mp-{seat}", roles=[Role.MP], constituency=seat, created_at=now, updated_at=now)


def _unperturbed(value: int, cell_key: int) -> int:  # noqa: ARG001 - the table's signature
    return 0


def _without_perturbation() -> None:
    """In the comparison server: the perturbation table adds nothing (suppression of 1 to 4 stays)."""
    ptable.perturbation = _unperturbed


Bodies = dict[str, dict[str, dict[str, Any]]]  # server -> seat -> dashboard


def _dashboard_samples(
    bases: dict[str, str], seats: list[str], count: int, rng: random.Random
) -> tuple[dict[str, list[float]], Bodies]:
    """`count` reads of random seats from each server in turn (first one, then the other, alternately)."""
    samples: dict[str, list[float]] = {name: [] for name in bases}
    bodies: Bodies = {name: {} for name in bases}
    clients = {name: httpx.Client(base_url=base, timeout=60) for name, base in bases.items()}

    def read(name: str, seat: str) -> None:
        response = clients[name].get(f"/v1/turnout/constituencies/{seat}", headers={"x-bench-seat": seat})
        response.raise_for_status()
        bodies[name][seat] = response.json()

    try:
        for done in range(1, count + 1):
            seat, order = rng.choice(seats), list(bases)
            for name in order if done % 2 else reversed(order):
                samples[name].append(timed(functools.partial(read, name, seat)))
            if done % 50 == 0:
                print(f"  dashboards: {done}/{count}", end="\r", flush=True)
    finally:
        for client in clients.values():
            client.close()
    print(f"  dashboards: {count}/{count}")
    return samples, bodies


def _accuracy(bodies: Bodies) -> Accuracy:
    accuracy = Accuracy()
    for seat, published in bodies["perturbed"].items():
        accuracy.add(published, bodies["plain"][seat])
    return accuracy


def _naive_samples(settings: Settings, seats: list[str], count: int, rng: random.Random) -> list[float]:
    samples = []
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, tz_aware=True) as client:
        database: Database[dict[str, Any]] = client[settings.mongodb_database]
        for done in range(1, count + 1):
            samples.append(timed(functools.partial(naive_figures, database, rng.choice(seats))))
            print(f"  naive $group: {done}/{count}", end="\r", flush=True)
    print()
    return samples


def _brief_samples(base: str, seat: str, path: str, count: int) -> list[float]:
    samples = []
    with httpx.Client(base_url=base, timeout=120) as http:

        def read() -> None:
            http.get(
                f"/v1/turnout/constituencies/{seat}/{path}", headers={"x-bench-seat": seat}
            ).raise_for_status()

        for done in range(1, count + 1):
            samples.append(timed(read))
            print(f"  {path}: {done}/{count}", end="\r", flush=True)
    print()
    return samples


def _line(label: str, samples: list[float]) -> str:
    median = statistics.median(samples) * 1000
    p95 = p95_ms(samples) if len(samples) >= 2 else median
    return f"  {label:<34} median {median:9.2f} ms   p95 {p95:9.2f} ms   ({len(samples)} samples)"


def _load(settings: Settings, generator: Generator, sizes: dict[str, int]) -> None:
    began = time.perf_counter()
    store_directly(settings, "events", generator.events_to(sizes["events"]), label="events")
    store_directly(settings, "youth_profiles", generator.youth_to(sizes["youth"]), label="young people")
    stored = store_directly(
        settings,
        "event_attendance",
        generator.checkins(sizes["checkins"] - len(generator.checkin_pairs)),
        label="check-ins",
    )
    documents = generator.flush_counters(settings)
    print(
        f"  counters: {documents:,} documents moved with $inc; loaded in {time.perf_counter() - began:.0f} s"
        f" ({stored:,} new check-ins)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.turnout_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the full size (1M check-ins, 1M young people, 50k events; default 1)",
    )
    parser.add_argument(
        "--samples", type=int, default=200, help="dashboard reads timed at each size (default 200)"
    )
    parser.add_argument(
        "--naive-samples",
        type=int,
        default=20,
        help="naive $group computations timed at each size (default 20)",
    )
    parser.add_argument(
        "--pdf-samples", type=int, default=10, help="brief PDFs timed at the full size (default 10)"
    )
    add_heap_option(parser)
    args = parser.parse_args(argv)
    full = {name: max(int(n * args.scale), 1) for name, n in FULL.items()}
    small = {name: max(n // 100, 1) for name, n in full.items()}
    rng = random.Random(7)  # noqa: S311  (repeatable choice of seats)
    results: dict[str, dict[str, list[float]]] = {}
    accuracy: dict[str, Accuracy] = {}
    # Generous database timeouts: a collection pause of the engine's large heap is a slow sample, not a 503.
    timeouts = {"mongodb_server_selection_timeout_ms": 60_000, "mongodb_socket_timeout_ms": 300_000}
    with bench_settings(
        heap_mb=args.engine_heap_mb or 8192, figures_key_secret=SECRET, **timeouts
    ) as settings:
        keys.use_secret(settings)  # the loader keys records as the servers' API would
        print("loading geography ...", flush=True)
        load_geography(settings)
        seats = seats_of(settings)
        generator = Generator(seats, datetime.now(UTC))
        codes = [seat["constituency"] for seat in seats]
        with (
            ProcessBenchServer(settings, _caller) as base,
            ProcessBenchServer(settings, _caller, prepare=_without_perturbation) as plain,
        ):
            bases = {"perturbed": base, "plain": plain}
            for label, sizes in (("1%", small), ("full", full)):
                print(
                    f"loading up to {sizes['checkins']:,} check-ins, {sizes['youth']:,} young people, "
                    f"{sizes['events']:,} events ...",
                    flush=True,
                )
                _load(settings, generator, sizes)
                _dashboard_samples(bases, codes, min(20, args.samples), rng)  # warm-up, not counted
                timings, bodies = _dashboard_samples(bases, codes, args.samples, rng)
                results[label] = {
                    "dashboard": timings["perturbed"],
                    "plain": timings["plain"],
                    "naive": _naive_samples(settings, codes, args.naive_samples, rng),
                }
                accuracy[label] = _accuracy(bodies)
            seat = codes[0]
            _brief_samples(base, seat, "brief?lang=ur", 3)  # warm-up
            brief_html = _brief_samples(base, seat, "brief?lang=ur", 50)
            _brief_samples(base, seat, "brief.pdf?lang=ur", 1)  # warm-up: the server starts Chromium once
            brief_pdf = _brief_samples(base, seat, "brief.pdf?lang=ur", args.pdf_samples)
    print(
        f"\nsummary ({full['checkins']:,} check-ins, {full['youth']:,} young people, {full['events']:,} "
        f"events over {len(codes)} seats at the full size; the last 12 months)"
    )
    for label, sizes in (("1%", small), ("full", full)):
        print(f" at {sizes['checkins']:,} check-ins ({label})")
        print(_line("constituency dashboard (API)", results[label]["dashboard"]))
        print(_line("same, without perturbation", results[label]["plain"]))
        cost = p95_ms(results[label]["dashboard"]) / p95_ms(results[label]["plain"])
        verdict = "within" if cost <= PERTURBATION_GOAL else "over"
        print(f"  perturbation at p95: {cost:.2f}x ({verdict} the goal of {PERTURBATION_GOAL}x)")
        print(_line("naive $group (same seat, no API)", results[label]["naive"]))
        print("\n".join(accuracy[label].lines()))
    growth = p95_ms(results["full"]["dashboard"]) / p95_ms(results["1%"]["dashboard"])
    speedup = p95_ms(results["full"]["naive"]) / p95_ms(results["full"]["dashboard"])
    median_speedup = statistics.median(results["full"]["naive"]) / statistics.median(
        results["full"]["dashboard"]
    )
    print(f"  growth of the dashboard's p95 from 1% to full: {growth:.2f}x")
    print(
        f"  dashboard vs naive $group at full size: {speedup:.0f}x faster at p95,"
        f" {median_speedup:.0f}x at the median"
    )
    print(_line("brief (HTML, Urdu)", brief_html))
    print(_line("brief (PDF, Urdu)", brief_pdf))
    print(f"  {SPEED_GOALS}; the brief under 1 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
