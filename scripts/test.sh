#!/usr/bin/env bash
# Install everything, then run every check: ruff (lint and format), mypy (strict), the whole pytest suite
# on the embedded engine (or MONGODB_URI). Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/test.sh [pytest arguments]

Runs scripts/setup.sh, then ruff check, ruff format --check, mypy (strict) and pytest, in PYTEST_WORKERS
processes (pytest-xdist; 2 by default, -n 0 runs in this process). Each test process starts its own embedded
engine (memory), or uses MONGODB_URI when it is set (a database of its own, emptied per test); they share
one Auth emulator. Arguments after the defaults override them, e.g. scripts/test.sh -k inbox or -n 0.
USAGE
  exit 0
fi
bash scripts/setup.sh
echo "[test] ruff check"; .venv/bin/ruff check .
echo "[test] ruff format --check"; .venv/bin/ruff format --check .
# Python may cache compiled modules (and pytest its rewritten test modules) in __pycache__, even where the
# environment says not to: the suite starts dozens of Python processes, each of which would otherwise compile
# the backend again (about 1 s of CPU each here).
unset PYTHONDONTWRITEBYTECODE
# While mypy keeps one core busy, a collection on the other fills those caches before the workers start.
.venv/bin/pytest --collect-only -q -p no:cacheprovider >/dev/null 2>&1 &
warm_caches=$!
echo "[test] mypy (strict)"; .venv/bin/mypy
wait "$warm_caches" || true  # only a warm-up: the run below reports any collection error
# Two processes by default (the suite's own estimate of this 2-core machine), tests spread one by one
# (`loadgroup` would keep tests marked xdist_group(...) together, but with pytest 9 and xdist 3.8 the mark
# is not applied: what must share one process, such as the console's run-command stack, is one test). A worker that dies (a test over
# its timeout ends its process) fails the run at once: replaced, xdist 3.8 with loadgroup waits forever.
echo "[test] pytest"; .venv/bin/pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup --max-worker-restart=0 "$@"
