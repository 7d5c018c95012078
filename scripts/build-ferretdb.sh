#!/usr/bin/env bash
# Build the embedded MongoDB-compatible engine (FerretDB, SQLite storage) from the Go module proxy.
# The binary is cached in tools/ferretdb/ (git-ignored); a second run with the same version is a no-op.
set -euo pipefail

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/tools/ferretdb"
BIN="$OUT_DIR/ferretdb-$FERRETDB_VERSION"

usage() {
  cat <<USAGE
Usage: scripts/build-ferretdb.sh [--force] [--help]

Builds FerretDB $FERRETDB_VERSION (module github.com/FerretDB/FerretDB, program cmd/ferretdb) with the
machine's Go and CGO_ENABLED=0, and caches it as tools/ferretdb/ferretdb-$FERRETDB_VERSION.
Skips the build when that binary already exists and reports the right version.

  --force   rebuild even when the cached binary is present
  --help    show this text

Environment: FERRETDB_VERSION (default v1.24.2), GOPROXY/GOFLAGS as usual for Go.
USAGE
}

force=0
for arg in "$@"; do
  case "$arg" in
    --help|-h) usage; exit 0 ;;
    --force) force=1 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $force -eq 0 && -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "version: $FERRETDB_VERSION"; then
  echo "ferretdb $FERRETDB_VERSION already built: $BIN"
  exit 0
fi

command -v go >/dev/null || { echo "Go is required to build FerretDB (https://go.dev/dl/)" >&2; exit 1; }
start=$(date +%s)
echo "[1/3] downloading github.com/FerretDB/FerretDB@$FERRETDB_VERSION from the Go module proxy"
src_dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')

# The module cache is read-only and lacks build/version/version.txt (it is generated upstream),
# so we build from a writable copy with the version file written in.
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src_dir/." "$work/"
chmod -R u+w "$work"
printf '%s' "$FERRETDB_VERSION" > "$work/build/version/version.txt"

echo "[2/3] compiling cmd/ferretdb with $(go version | cut -d' ' -f3) (this takes a few minutes the first time)"
mkdir -p "$OUT_DIR"
# -checklinkname=0: newer Go toolchains refuse some go:linkname references in FerretDB's dependencies.
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local \
  go build -trimpath -ldflags=-checklinkname=0 -o "$BIN.tmp" ./cmd/ferretdb)
mv "$BIN.tmp" "$BIN"

echo "[3/3] checking the binary"
"$BIN" --version | head -3
echo "built $BIN in $(( $(date +%s) - start ))s"
