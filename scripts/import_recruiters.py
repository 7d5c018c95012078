"""Import the list of licensed Overseas Employment Promoters (BE&OE), or the development sample.

Examples:
  python -m scripts.import_recruiters --csv oep-licences.csv --list-date 2026-11-01 \\
      --source "BE&OE list of valid OEP licences"
  python -m scripts.import_recruiters --sample
"""

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from backend.core.imports import ImportRejectedError
from backend.core.settings import Settings
from backend.recruiters import service
from backend.recruiters.importer import COLUMNS
from scripts.db import beanie_session

# Who the audit log names for an import made from the command line.
SCRIPT_ACTOR = "script:import_recruiters"

SAMPLE = Path(__file__).resolve().parent.parent / "backend" / "recruiters" / "data" / "sample_licences.csv"
SAMPLE_DATE = date(2026, 11, 1)


async def _run(text: str, list_date: date, source: str, sample: bool) -> int:
    async with beanie_session(Settings()):
        try:
            report = await service.import_list(
                actor=SCRIPT_ACTOR, text=text, list_date=list_date, source=source, sample=sample
            )
        except ImportRejectedError as rejected:
            print(f"rejected, nothing was written ({len(rejected.row_errors)} problem(s)):", file=sys.stderr)
            for error in rejected.row_errors:
                print(f"  {error}", file=sys.stderr)
            return 1
    print(f"imported {report.rows} licences dated {list_date} ({report.removed} from an older list removed)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.import_recruiters",
        description="Replace the licence list that GET /v1/recruiters checks against. A list with any bad "
        "row is refused whole, with one line per problem.",
        epilog=f"CSV columns: {', '.join(COLUMNS)} (status: valid, expired or cancelled; expiry as "
        "YYYY-MM-DD or DD/MM/YYYY). Exit status: 0 imported, 1 rejected, 2 bad arguments.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", type=Path, help="the published list as CSV")
    source.add_argument(
        "--sample", action="store_true", help="load the development sample (marked as sample)"
    )
    parser.add_argument(
        "--list-date", type=date.fromisoformat, help="publication date of the list (YYYY-MM-DD)"
    )
    parser.add_argument("--source", help="where the list was published")
    args = parser.parse_args(argv)
    if args.sample:
        return asyncio.run(
            _run(SAMPLE.read_text(encoding="utf-8"), SAMPLE_DATE, "Sample data for development", True)
        )
    if args.list_date is None or not args.source:
        parser.error("--csv needs --list-date and --source")
    if not args.csv.is_file():
        print(f"no such file: {args.csv}", file=sys.stderr)
        return 2
    return asyncio.run(_run(args.csv.read_text(encoding="utf-8-sig"), args.list_date, args.source, False))


if __name__ == "__main__":
    sys.exit(main())
