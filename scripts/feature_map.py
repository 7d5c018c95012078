"""Print which feature of backend/ imports which, and every pair that imports each other (there must be none).

Features are the folders under backend/ (core is shared by all and imports none of them).
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "backend"


def feature_imports() -> dict[str, dict[str, set[str]]]:
    """For each feature, the features it imports and from which of its files (core left out)."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2:
            continue
        feature = relative.parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "backend" and len(parts) > 1 and parts[1] not in (feature, "core"):
                    edges[feature][parts[1]].add(str(relative))
    return {feature: dict(imported) for feature, imported in edges.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.feature_map", description=__doc__)
    parser.parse_args(argv)
    edges = feature_imports()
    for feature in sorted(edges):
        print(f"{feature} -> {', '.join(sorted(edges[feature]))}")
    pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, {})})
    for a, b in pairs:
        print(f"two-way: {a} <-> {b}", file=sys.stderr)
    if "core" in edges:
        print(f"core imports {', '.join(sorted(edges['core']))}", file=sys.stderr)
    return 1 if pairs or "core" in edges else 0


if __name__ == "__main__":
    raise SystemExit(main())
