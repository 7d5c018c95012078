"""Recount the turnout counters from the records and correct any drift; safe while the API serves.

Examples:
  python -m scripts.rebuild_turnout --dry-run
  python -m scripts.rebuild_turnout
Uses MONGODB_URI / MONGODB_DATABASE and the API's FIGURES_KEY_SECRET (in development, the run command's
var/figures-key-secret). Progress goes to stderr, the summary to stdout.
"""

import argparse
import asyncio
import sys

from backend.core.settings import Settings
from backend.recount.service import KeySecretMismatchError, Report, rebuild
from scripts.db import beanie_session
from scripts.dev_secrets import ensure_figures_key_secret


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def summary(report: Report, *, dry_run: bool) -> list[str]:
    """The summary lines: what was checked, found and corrected (each correction on its own line)."""
    lines = [
        f"counters checked: {report.checked}",
        f"counters drifted: {report.drifted}",
        f"counters corrected: {report.corrected}" + (" (dry run)" if dry_run else ""),
        f"transient differences left alone: {report.transient}",
        f"reach claims missing keys: {report.claims_missing}",
        f"reach claims repaired: {report.claims_repaired}",
    ]
    verb = "would add" if dry_run else "added"
    lines += [f"  {document} {path}: {verb} {delta:+d}" for document, path, delta in report.corrections]
    return lines


async def _run(dry_run: bool, new_secret: bool) -> int:
    async with beanie_session(Settings()):
        try:
            report = await rebuild(dry_run=dry_run, progress=_progress, new_secret=new_secret)
        except KeySecretMismatchError as exc:
            print(exc, file=sys.stderr)
            return 3
    print("\n".join(summary(report, dry_run=dry_run)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.rebuild_turnout",
        description="Recount every turnout counter from events, check-ins, profiles and tombstones, and "
        "correct drift by adding the difference (never overwriting). A difference is corrected only when two "
        "consecutive counts agree on it, so writes in flight are left alone; safe while the API serves. "
        "Records are keyed with FIGURES_KEY_SECRET, which must be the API's.",
        epilog="Exit status: 0 done (drift or not), 2 bad arguments, 3 FIGURES_KEY_SECRET is not the one "
        "the figures are keyed with.",
    )
    parser.add_argument("--dry-run", action="store_true", help="report the drift without correcting anything")
    parser.add_argument(
        "--new-secret",
        action="store_true",
        help="FIGURES_KEY_SECRET was changed on purpose: re-key every figure with it (each is drawn afresh)",
    )
    args = parser.parse_args(argv)
    ensure_figures_key_secret()
    return asyncio.run(_run(args.dry_run, args.new_secret))


if __name__ == "__main__":
    sys.exit(main())
