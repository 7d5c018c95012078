"""Where one route's time goes under load: Locust calls it through 32 connections against one API process
of the load stack (load_stack.py) while py-spy samples that process; prints the functions with the most
samples, inclusive and self, from our code and from libraries.

Examples:
  python -m scripts.bench.profile_route --route "/v1/content/sync?lang=ur&limit=20"
  python -m scripts.bench.profile_route --route "/v1/turnout/constituencies/{seat}" --role mp --top 40
"""

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.bench.load_bench import CONNECTIONS, locust_command
from scripts.bench.load_stack import LoadStack
from scripts.engine import ROOT


def _tallies(collapsed: Path) -> tuple[int, collections.Counter[str], collections.Counter[str]]:
    """Samples in all, per function inclusive (once per stack) and self (the innermost frame)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        # A frame reads "function (path/to/file.py:line)": keep the function and the file's name.
        frames = [
            f"{frame.split(' (')[0]} {frame.rsplit('/', 1)[-1].rstrip(')')}" for frame in stack.split(";")
        ]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return total, inclusive, own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.profile_route",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--route", required=True, help="path and query; {seat} is the MP's seat")
    parser.add_argument("--role", default="", help="youth, officer, supervisor, mp, editor, or none")
    parser.add_argument("--seconds", type=int, default=20, help="how long to sample (default 20)")
    parser.add_argument("--top", type=int, default=30, help="functions to list (default 30)")
    args = parser.parse_args(argv)
    with LoadStack(processes=1) as stack, tempfile.TemporaryDirectory() as folder:
        people = stack.people()
        collapsed = Path(folder) / "samples.txt"
        worker = stack.workers()[0].pid
        command, environment = locust_command(
            stack, people, users=CONNECTIONS, seconds=args.seconds + 4, classes=["RouteUser"],
            LOAD_ROUTE=args.route, LOAD_ROLE=args.role,
        )  # fmt: skip
        print(f"sampling {args.route} for {args.seconds} s ...", flush=True)
        load = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
        spy = [
            str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(worker), "--rate", "200",
            "--duration", str(args.seconds), "--format", "raw", "--output", str(collapsed), "--nonblocking",
        ]  # fmt: skip
        subprocess.run(spy, check=True, capture_output=True)
        load.wait()
        total, inclusive, own = _tallies(collapsed)
    print(f"\nsummary: {total:,} samples of the API process while {args.route} was called")
    for title, tally in (("inclusive", inclusive), ("self", own)):
        print(f"  by {title}:")
        for frame, count in tally.most_common(args.top):
            print(f"    {100 * count / total:5.1f}%  {frame}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
