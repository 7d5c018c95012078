"""Features call each other one way: no two features import each other, and core imports none of them."""

from scripts.feature_map import feature_imports


def test_no_two_features_import_each_other_and_core_imports_none() -> None:
    edges = feature_imports()
    pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, {})})
    assert pairs == [], {f"{a} <-> {b}": (edges[a][b], edges[b][a]) for a, b in pairs}
    assert "core" not in edges, edges.get("core")


def test_the_layers_hold_youth_and_events_know_nothing_of_the_features_built_on_them() -> None:
    edges = feature_imports()
    for lower in ("youth", "events", "turnout", "accounts", "audit", "geography"):
        above = {"alerts", "data_rights", "recount"} & set(edges.get(lower, {}))
        assert not above, f"{lower} imports {above}"
