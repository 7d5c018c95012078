"""Publish the safe-migration content that ships with the product (English and Urdu).

Items already there are left alone, including any an editor has changed since.
Example: python -m scripts.seed_content
"""

import argparse
import asyncio
import sys
import time

from backend.content.seed import import_seed_content, load_seed_items
from backend.core.settings import Settings
from scripts.db import beanie_session


async def _run() -> None:
    started = time.perf_counter()
    print(f"publishing {len(load_seed_items())} shipped items ...", flush=True)
    async with beanie_session(Settings()):
        report = await import_seed_content()
    print(
        f"done in {time.perf_counter() - started:.1f} s: {report.published} published, "
        f"{report.unchanged} already there, {report.kept} changed by editors and kept"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.seed_content",
        description="Publish the shipped safe-migration content (backend/content/data/seed_content.json) "
        "into the database named by MONGODB_URI and MONGODB_DATABASE. Safe to run again.",
    )
    parser.parse_args(argv)
    asyncio.run(_run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
