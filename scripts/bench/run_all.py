"""Run every benchmark in scripts/bench/ (or the ones named) one after the other, and rewrite their
sections of docs/BENCHMARKS.md: the machine, the date, the exact command and the benchmark's summary.
Sections of benchmarks not run this time are kept as they were.

Examples:
  python -m scripts.bench.run_all                        # everything (tens of minutes on 2 cores)
  python -m scripts.bench.run_all --only burst_bench     # one, its section rewritten
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "BENCHMARKS.md"
# Every benchmark with the arguments it runs with here: the sizes its issue names.
BENCHMARKS: dict[str, list[str]] = {
    "events_bench": [],
    "youth_bench": [],
    "content_bench": [],
    "turnout_bench": ["--engine-heap-mb", "8192"],
    "alerts_bench": [],
    "voice_bench": ["--engine-heap-mb", "8000"],
    "console_bench": ["--engine-heap-mb", "8192"],
    "burst_bench": ["--opens", "10000"],
    "counter_contention": [],
    "fault_bench": [],
    "load_bench": [],
}
HEADER = """# Benchmarks

Written by `python -m scripts.bench.run_all` (each section by its own run; `--only` reruns some). Every
figure below was printed by the command above it, on the machine named, against the embedded engine
(mongo-java-server) unless the section says MONGODB_URI. Ratios within one section come from one run.
"""


def machine() -> str:
    """The machine's cores, memory and processor, as the figures depend on them."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))  # type: ignore[union-attr]
        memory = f", {kib / 1024 / 1024:.0f} GB memory"
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file() and (found := re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())):
        model = f", {found.group(1).strip()}"
    return f"{os.cpu_count()} cores{memory}{model}, Python {platform.python_version()}"


def summary_of(output: str) -> str:
    """The benchmark's summary: from its line starting with "summary" (or its last 40 lines)."""
    lines = output.replace("\r", "\n").splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith("summary"):
            return "\n".join(lines[index:]).strip()
    return "\n".join(lines[-40:]).strip()


def run(name: str, args: list[str]) -> str:
    """Run one benchmark, showing its progress; its section of the document."""
    command = [sys.executable, "-m", f"scripts.bench.{name}", *args]
    shown = " ".join(["python", "-m", f"scripts.bench.{name}", *args])
    print(f"== {shown}", flush=True)
    began = time.monotonic()
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.monotonic() - began
    print(summary_of(process.stdout), flush=True)
    outcome = "" if process.returncode == 0 else f" (exit {process.returncode}: see its output)"
    return (
        f"<!-- bench:{name} -->\n## {name}\n\n`{shown}`: {datetime.now(UTC):%Y-%m-%d}, {took / 60:.1f} min, "
        f"{machine()}{outcome}\n\n```\n{summary_of(process.stdout)}\n```\n<!-- /bench:{name} -->"
    )


def rewrite(sections: dict[str, str]) -> None:
    """The document with these sections replaced (or added), the others kept, in BENCHMARKS' order."""
    text = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.is_file() else HEADER
    found = re.findall(r"(<!-- bench:(\w+) -->.*?<!-- /bench:\2 -->)", text, flags=re.S)
    old = {name: section for section, name in found}
    merged = {name: sections.get(name) or old.get(name) for name in BENCHMARKS}
    body = "\n\n".join(section for section in merged.values() if section)
    DOCUMENT.write_text(f"{HEADER}\n{body}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.run_all",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), default=[], help="these benchmarks")
    args = parser.parse_args(argv)
    chosen = args.only or list(BENCHMARKS)
    sections = {}
    for index, name in enumerate(chosen, 1):
        print(f"[{index}/{len(chosen)}]", end=" ")
        sections[name] = run(name, BENCHMARKS[name])
        rewrite(sections)  # after each one: a long run cut short keeps what it measured
    print(f"{len(sections)} benchmark(s) run; {DOCUMENT.relative_to(ROOT)} rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
