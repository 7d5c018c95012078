"""Import geography reference data: the seed shipped in the repository, or an admin's official CSV.

Examples:
  python -m scripts.import_geography                      # the shipped seed (idempotent)
  python -m scripts.import_geography --csv ecp-na.csv --source "ECP notification F.1(2)/2023" \\
      --source-date 2023-11-30
"""

import argparse
import asyncio
import sys
from pathlib import Path

from backend.core.imports import ImportRejectedError
from backend.core.settings import Settings
from backend.geography import loading
from backend.geography.importer import ECP_2023, REQUIRED_COLUMNS, Provenance
from scripts.db import beanie_session

# Who the audit log names for an import made from the command line.
SCRIPT_ACTOR = "script:import_geography"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.import_geography",
        description=(
            "Load geography reference data into MONGODB_URI/MONGODB_DATABASE. Without --csv, loads the seed "
            "shipped in backend/geography/data (provinces, districts, constituencies). With --csv, validates "
            "an official constituency list as a whole and writes nothing if any row is wrong. Re-running "
            "either is safe: records are upserted by code."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            f"CSV columns: {', '.join(REQUIRED_COLUMNS)} (districts separated by ';': name, code or alias); "
            "optional: source, source_date (YYYY-MM-DD), verified (true/false), notes.\n"
            "Exit status: 0 imported, 1 the file was rejected (errors listed), 2 bad arguments."
        ),
    )
    parser.add_argument("--csv", type=Path, help="an admin's constituency CSV (the official ECP list)")
    parser.add_argument("--source", help="source for rows that leave the column empty, e.g. the notification")
    parser.add_argument("--source-date", help="publication date for rows that leave the column empty")
    parser.add_argument(
        "--unverified", action="store_true", help="mark rows without a 'verified' value as unverified"
    )
    parser.add_argument("--delimitation", default=ECP_2023, help=f"delimitation label (default {ECP_2023})")
    return parser


async def _run(args: argparse.Namespace) -> int:
    settings = Settings()
    async with beanie_session(settings):
        if args.csv is None:
            print(f"importing the shipped seed into {settings.mongodb_database} ...", flush=True)
            report = await loading.import_seed_data()
            print(f"provinces: {report.provinces}")
            print(f"districts: {report.districts}")
            print(f"constituencies: {report.constituencies}")
            return 0
        text = args.csv.read_text(encoding="utf-8-sig")
        defaults = Provenance(source=args.source, source_date=args.source_date, verified=not args.unverified)
        try:
            counts = await loading.import_constituencies_csv(
                text, actor=SCRIPT_ACTOR, defaults=defaults, delimitation=args.delimitation
            )
        except ImportRejectedError as rejected:
            print(
                f"{args.csv}: rejected, nothing was written ({len(rejected.row_errors)} problem(s)):",
                file=sys.stderr,
            )
            for error in rejected.row_errors:
                print(f"  {error}", file=sys.stderr)
            return 1
        print(f"{args.csv}: constituencies {counts}")
        return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.csv is not None and not args.csv.is_file():
        print(f"no such file: {args.csv}", file=sys.stderr)
        return 2
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
