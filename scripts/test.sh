#!/usr/bin/env bash
# Install everything, then run every check: ruff (lint and format), mypy (strict), the whole pytest suite
# on the embedded engine (or MONGODB_URI). Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/test.sh [pytest arguments]

Runs scripts/setup.sh, then ruff check, ruff format --check, mypy (strict) and pytest. Tests start their own
the embedded engine (memory) once per run, or use MONGODB_URI when it is set (one database, emptied per test).
USAGE
  exit 0
fi
bash scripts/setup.sh
echo "[test] ruff check"; .venv/bin/ruff check .
echo "[test] ruff format --check"; .venv/bin/ruff format --check .
echo "[test] mypy (strict)"; .venv/bin/mypy
echo "[test] pytest"; .venv/bin/pytest "$@"
