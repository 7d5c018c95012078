"""Benchmark the API under load with Locust (headless, FastHttpUser), with 1 and then 2 API processes
(`uvicorn --workers`, uvloop, httptools) on one embedded engine (or MONGODB_URI), real signed tokens.

For each process count, in one run:
1. The floor: 32 connections calling the no-database route (`/healthz`) back to back.
2. Hot routes, each the same way: the content sync page (20 items), the MP's dashboard, `/v1/me` as
   staff, the event list and the inbox; each route's rate as a share of the floor (goal: 0.5x or more).
3. The mix by role (locustfile.py): short probes at rising rates find the highest one that keeps p99 under
   500 ms with no errors; then that rate for `--minutes` (if it does not hold that long, the next lower
   rate that passed, and so on), with p50/p95/p99 per route and the API's memory
   (each worker's resident set) at the start and the end. The mixed rate is also given as a share of the
   floor.

Examples:
  python -m scripts.bench.load_bench                       # 10 minutes per process count (about 30 min)
  python -m scripts.bench.load_bench --minutes 1 --processes 1 --route-seconds 10   # a quick look
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts.bench.load_stack import LoadStack
from scripts.engine import ROOT

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
CONNECTIONS = 32
FLOOR = ("/healthz", "")
HOT_ROUTES = {
    "content sync page (20 items)": ("/v1/content/sync?lang=ur&limit=20", ""),
    "MP dashboard": ("/v1/turnout/constituencies/{seat}", "mp"),
    "/v1/me (staff)": ("/v1/me", "mp"),
    "event list (officer)": ("/v1/events?limit=50", "officer"),
    "inbox (young person)": ("/v1/me/notifications", "youth"),
}
MIXED = ["YoungPerson", "FieldOfficer", "Supervisor", "MemberOfParliament", "Editor"]
TASKS_PER_USER_S = 2.0
P99_GOAL_MS = 500


@dataclass(frozen=True)
class Figures:
    """One Locust run's stats: per route name and "Aggregated"."""

    rows: dict[str, dict[str, str]]

    def rate(self, name: str = "Aggregated") -> float:
        return float(self.rows[name]["Requests/s"])

    def failures(self, name: str = "Aggregated") -> int:
        return int(self.rows[name]["Failure Count"])

    def percentile(self, name: str, cut: str) -> float:
        value = self.rows[name][cut]
        return float(value) if value not in ("", "N/A") else 0.0


def locust_command(
    stack: LoadStack, people: Path, *, users: int, seconds: int, classes: list[str], **env: str
) -> tuple[list[str], dict[str, str]]:
    """Locust headless against the stack (every user started at once), and its environment."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(max(users, 1)), "--run-time", f"{seconds}s",
        "--host", stack.base, "--stop-timeout", "5", "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    pace = {"LOAD_PEOPLE": str(people), "LOAD_TASKS_PER_USER_S": str(TASKS_PER_USER_S)}
    return command, os.environ | pace | env


def locust(
    stack: LoadStack, people: Path, *, users: int, seconds: int, classes: list[str], **env: str
) -> Figures:
    """Run Locust; its stats after spawning (the ramp is not counted)."""
    command, environment = locust_command(stack, people, users=users, seconds=seconds, classes=classes, **env)
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        command += ["--csv", str(prefix), "--reset-stats"]
        subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)
        with (prefix.parent / "run_stats.csv").open(newline="") as stats:
            return Figures({row["Name"]: row for row in csv.DictReader(stats)})


def route_rate(stack: LoadStack, people: Path, route: tuple[str, str], seconds: int) -> Figures:
    path, role = route
    return locust(
        stack,
        people,
        users=CONNECTIONS,
        seconds=seconds,
        classes=["RouteUser"],
        LOAD_ROUTE=path,
        LOAD_ROLE=role,
    )


def hot_routes(stack: LoadStack, people: Path, seconds: int) -> tuple[float, list[str]]:
    """The floor's rate, and a line per route with its share of the floor."""
    floor = route_rate(stack, people, FLOOR, seconds)
    lines = [f"  floor /healthz: {floor.rate():8.0f}/s  p99 {floor.percentile('Aggregated', '99%'):6.0f} ms"]
    for label, route in HOT_ROUTES.items():
        print(f"  route: {label} ...", flush=True)
        figures = route_rate(stack, people, route, seconds)
        share = figures.rate() / floor.rate()
        lines.append(
            f"  {label:<30} {figures.rate():8.0f}/s  p99 {figures.percentile('Aggregated', '99%'):6.0f} ms  "
            f"errors {figures.failures()}  {share:.2f}x of the floor "
            f"({'within' if share >= 0.5 else 'under'} 0.5x)"
        )
    return floor.rate(), lines


def good_rates(stack: LoadStack, people: Path, rates: list[int], seconds: int) -> tuple[list[int], list[str]]:
    """The `rates` (requests/s asked, rising) whose probe kept p99 under the goal with no errors, up to
    the first that did not (the lowest rate when none did)."""
    chosen, lines = [], []
    for rate in rates:
        figures = locust(stack, people, users=int(rate / TASKS_PER_USER_S), seconds=seconds, classes=MIXED)
        p99 = figures.percentile("Aggregated", "99%")
        good = p99 < P99_GOAL_MS and figures.failures() == 0
        lines.append(
            f"  probe {rate:5d}/s asked: {figures.rate():7.1f}/s done, p99 {p99:6.0f} ms, errors "
            f"{figures.failures()} ({'good' if good else 'over'})"
        )
        print(lines[-1], flush=True)
        if not good:
            break
        chosen.append(rate)
    return chosen or rates[:1], lines


def mixed(
    stack: LoadStack, people: Path, rate: int, minutes: float, floor_rate: float
) -> tuple[bool, list[str]]:
    """The mix at `rate` for `minutes`: whether it kept p99 under the goal with no errors, and its lines."""
    before = stack.memory_mb()
    figures = locust(
        stack, people, users=int(rate / TASKS_PER_USER_S), seconds=int(minutes * 60), classes=MIXED
    )
    after = stack.memory_mb()
    good = figures.percentile("Aggregated", "99%") < P99_GOAL_MS and figures.failures() == 0
    lines = [
        f"  mixed at {rate}/s asked for {minutes:g} min: {figures.rate():.1f}/s done "
        f"({figures.rate() / floor_rate:.2f}x of the floor), errors {figures.failures()}, p99 "
        f"{figures.percentile('Aggregated', '99%'):.0f} ms",
        f"  {'route':<52} {'requests':>9} {'p50':>6} {'p95':>6} {'p99':>6}  errors",
    ]
    for name, row in sorted(figures.rows.items(), key=lambda item: -int(item[1]["Request Count"])):
        if name == "Aggregated":
            continue
        cuts = " ".join(f"{figures.percentile(name, cut):>6.0f}" for cut in ("50%", "95%", "99%"))
        route = f"{row['Type']} {name}"
        lines.append(f"  {route:<52} {int(row['Request Count']):>9,} {cuts}  {row['Failure Count']}")
    for process, start in before.items():
        end = after.get(process, 0)
        lines.append(f"  memory {process:<14} {start:7.1f} MiB at the start, {end:7.1f} MiB at the end")
    return good, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.load_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, default=10, help="the mixed run's length (default 10)")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1, 2], help="API processes (default 1 2)"
    )
    parser.add_argument("--route-seconds", type=int, default=20, help="each 32-connection run (default 20)")
    parser.add_argument("--probe-seconds", type=int, default=30, help="each mixed probe (default 30)")
    parser.add_argument(
        "--rates",
        type=int,
        nargs="+",
        default=[100, 200, 300, 400, 500, 600, 800],
        help="mixed rates to probe (requests/s asked)",
    )
    parser.add_argument("--routes-only", action="store_true", help="the floor and the hot routes, no mix")
    args = parser.parse_args(argv)
    summary: list[str] = []
    for processes in args.processes:
        # A fresh stack each time: the mix writes (events, sign-ups), and lists over a grown store are
        # slower, which would make the second process count's figures incomparable with the first's.
        with LoadStack(processes=processes) as stack:
            people = stack.people()
            print(f"\n{processes} API process(es): the floor and the hot routes ...", flush=True)
            floor_rate, routes = hot_routes(stack, people, args.route_seconds)
            print("\n".join(routes), flush=True)
            summary += [f"{processes} API process(es), {CONNECTIONS} connections per route run:", *routes]
            if args.routes_only:
                continue
            print(f"{processes} API process(es): probing mixed rates ...", flush=True)
            rates, probes = good_rates(stack, people, args.rates, args.probe_seconds)
            summary += probes
            # A short probe can pass a rate that ten minutes (and the data they write) cannot hold: then
            # the next lower rate that passed is run for as long, until one holds or none is left.
            for rate in reversed(rates):
                print(
                    f"{processes} API process(es): the mix at {rate}/s for {args.minutes:g} min ...",
                    flush=True,
                )
                held, lines = mixed(stack, people, rate, args.minutes, floor_rate)
                summary += lines
                if held:
                    break
                after = "the next lower rate" if rate != rates[0] else "no lower rate passed its probe"
                summary.append(f"  {rate}/s did not hold for {args.minutes:g} min: {after}")
    print("\nsummary (Locust headless, FastHttpUser, on this machine beside the API and the engine)")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
