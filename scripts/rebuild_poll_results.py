"""Recount poll results from the answers and correct any drift; safe while the API serves.

Examples:
  python -m scripts.rebuild_poll_results --dry-run
  python -m scripts.rebuild_poll_results --poll 3f2b...
Uses MONGODB_URI / MONGODB_DATABASE. Progress goes to stderr, the summary to stdout.
"""

import argparse
import asyncio
import sys
import uuid

from backend.core.settings import Settings
from backend.voice.polls.rebuild import Report, rebuild
from scripts.db import beanie_session


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def summary(report: Report, *, dry_run: bool) -> list[str]:
    """The summary lines: what was read, found and corrected (each correction on its own line)."""
    lines = [
        f"answers read: {report.answers}",
        f"counters checked: {report.checked}",
        f"counters drifted: {report.drifted}",
        f"counters corrected: {report.corrected}" + (" (dry run)" if dry_run else ""),
        f"transient differences left alone: {report.transient}",
    ]
    verb = "would add" if dry_run else "added"
    lines += [f"  {document} {path}: {verb} {delta:+d}" for document, path, delta in report.corrections]
    return lines


async def _run(poll: str | None, dry_run: bool) -> int:
    async with beanie_session(Settings()):
        report = await rebuild(poll=poll, dry_run=dry_run, progress=_progress)
    print("\n".join(summary(report, dry_run=dry_run)))
    return 0


def _poll_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise argparse.ArgumentTypeError("a poll id is a UUID") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.rebuild_poll_results",
        description="Recount poll results from the stored answers (each as its snapshot counted it) and "
        "correct drift by adding the difference (never overwriting). A difference is corrected only when two "
        "consecutive counts agree on it, so answers in flight are left alone; safe while the API serves.",
        epilog="Exit status: 0 done (drift or not), 2 bad arguments.",
    )
    parser.add_argument("--poll", type=_poll_id, help="recount this poll only (default: every poll)")
    parser.add_argument("--dry-run", action="store_true", help="report the drift without correcting anything")
    args = parser.parse_args(argv)
    return asyncio.run(_run(args.poll, args.dry_run))


if __name__ == "__main__":
    sys.exit(main())
