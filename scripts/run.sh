#!/usr/bin/env bash
# Install everything, then run the API with the geography seed on the embedded engine (or MONGODB_URI).
# Options are passed to scripts/dev_server.py: see scripts/run.sh --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" != "--help" && "${1:-}" != "-h" ]]; then
  bash scripts/setup.sh
fi
exec .venv/bin/python -m scripts.dev_server "$@"
