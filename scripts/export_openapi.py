"""Write the served OpenAPI document to schemas/openapi.json (the checked-in API contract)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from backend.core.settings import Settings
from backend.main import create_app

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "schemas" / "openapi.json"


def current_openapi() -> dict[str, Any]:
    """The OpenAPI document the app serves (no database needed)."""
    return create_app(Settings()).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.export_openapi",
        description="Regenerate schemas/openapi.json from the app; --check only reports whether it is stale.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the checked-in file differs")
    args = parser.parse_args(argv)
    text = render(current_openapi())
    if args.check:
        if not OPENAPI_PATH.is_file() or OPENAPI_PATH.read_text(encoding="utf-8") != text:
            print(f"{OPENAPI_PATH} is stale: run python -m scripts.export_openapi", file=sys.stderr)
            return 1
        print(f"{OPENAPI_PATH} is current")
        return 0
    OPENAPI_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
