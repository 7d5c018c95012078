#!/usr/bin/env bash
# Install everything the project needs into git-ignored folders: .venv/ (Python packages pinned by
# constraints.txt) and tools/ (the embedded engine and the Auth emulator). Safe to re-run: finished steps
# are skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/setup.sh

Creates .venv with Python 3.11 and installs the project with its dev tools, pinned by constraints.txt;
resolves the embedded engine (mongo-java-server, pinned in scripts/engine/pom.xml) from Maven Central into
tools/mongo-java-server/lib and compiles our launcher (scripts/engine/EmbeddedMongo.java) next to it;
installs firebase-tools (the Auth emulator) once per lock file into ~/.cache/hamqadam (HAMQADAM_CACHE_DIR
or XDG_CACHE_HOME move it) and links it as tools/firebase. Needs python3.11 (or python3 being 3.11),
Java 17+ with Maven, Node.js 20+ with npm, and access to PyPI, Maven Central and the npm registry.
Installs Debian's chromium, poppler-utils and fonts-noto-core with apt-get when missing (as root, or
through sudo) for the MP brief's PDF and its tests.
Environment: PYTHON (interpreter to use for the virtualenv).
USAGE
  exit 0
fi

python_bin="${PYTHON:-}"
if [[ -z "$python_bin" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
[[ -n "$python_bin" ]] || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

if [[ ! -x .venv/bin/python ]]; then
  echo "[setup] creating .venv with $("$python_bin" --version)"
  "$python_bin" -m venv .venv
fi

# Reinstall only when the dependency pins change.
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
  echo "[setup] installing Python packages (pinned by constraints.txt)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  # Playwright drives Debian's chromium (below); its own browser download is never wanted.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -c constraints.txt -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
else
  echo "[setup] Python packages up to date"
fi

# The embedded engine: jars from Maven Central, our launcher compiled against them.
engine_dir=tools/mongo-java-server
engine_stamp=$engine_dir/.installed-$(cat scripts/engine/pom.xml scripts/engine/EmbeddedMongo.java | sha256sum | cut -c1-16)
if [[ ! -f "$engine_stamp" ]]; then
  command -v java >/dev/null && command -v javac >/dev/null || { echo "Java 17+ (JDK) is required for the embedded engine" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "Maven is required to resolve the embedded engine" >&2; exit 1; }
  echo "[setup] resolving mongo-java-server from Maven Central into $engine_dir"
  rm -rf "$engine_dir"
  mvn --batch-mode --quiet -Dstyle.color=never -f scripts/engine/pom.xml dependency:copy-dependencies \
    -DoutputDirectory="$ROOT/$engine_dir/lib"
  javac --release 17 -cp "$engine_dir/lib/*" -d "$engine_dir/classes" scripts/engine/EmbeddedMongo.java
  touch "$engine_stamp"
else
  echo "[setup] embedded engine up to date"
fi

# npm packages pinned by a lock file under scripts/<folder>, installed once per lock file into a per-user
# cache and linked as tools/<link>, so a second clone on the same machine does not spend minutes in npm.
npm_tool() {  # folder link what
  local folder=$1 link=$2 what=$3 hash cache
  hash=$(cat "scripts/$folder/package-lock.json" | sha256sum | cut -c1-16)
  cache="${HAMQADAM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hamqadam}/$folder-$hash"
  if [[ ! -f "$cache/.installed" ]]; then
    command -v npm >/dev/null || { echo "Node.js 20+ with npm is required for $what" >&2; exit 1; }
    echo "[setup] installing $what into $cache"
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
    cp "scripts/$folder/package.json" "scripts/$folder/package-lock.json" "$cache.tmp/"
    (cd "$cache.tmp" && NO_UPDATE_NOTIFIER=1 npm ci --no-audit --no-fund --loglevel=error)
    touch "$cache.tmp/.installed"
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  else
    echo "[setup] $what up to date ($cache)"
  fi
  if [[ "$(readlink "tools/$link" 2>/dev/null)" != "$cache" ]]; then
    rm -rf "tools/$link" && mkdir -p tools && ln -s "$cache" "tools/$link"
  fi
}
# The Firebase Auth emulator (firebase-tools; 1 to 6 minutes the first time).
npm_tool firebase-tools firebase "firebase-tools (the Auth emulator)"
# The staff console's scripts (the Firebase JS SDK's compat bundles, htmx): the console serves them
# itself, never from a CDN.
npm_tool console-assets console-assets "the console's scripts"
# The MP brief: Debian's Chromium renders its PDF (driven by Playwright, never `playwright install`),
# poppler-utils (pdftotext, pdftoppm) checks it in tests, fonts-noto-core carries Noto Nastaliq Urdu, Noto
# Naskh Arabic and Noto Sans. Asked of dpkg first, so a machine that has them spends no time and never
# touches the network.
brief_packages=(chromium poppler-utils fonts-noto-core)
missing=()
for pkg in "${brief_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  command -v apt-get >/dev/null || { echo "apt-get not found: install ${missing[*]} by hand (the MP brief needs them)" >&2; exit 1; }
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "Installing ${missing[*]} needs root or sudo" >&2; exit 1; }
    as_root=(sudo)
  fi
  echo "[setup] installing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq >/dev/null \
    || { echo "apt-get update failed: cannot install ${missing[*]} for the MP brief" >&2; exit 1; }
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null \
    || { echo "apt-get install ${missing[*]} failed: the MP brief's PDF and its tests need them" >&2; exit 1; }
else
  echo "[setup] Debian packages for the MP brief present"
fi
echo "[setup] done"
