"""The one gate: the perturbation table's promises, the protection of a cell, and the figures built on it."""

import ast
import random
from fractions import Fraction
from pathlib import Path

from backend.turnout import figures, protection, ptable
from backend.turnout.figures import AreaFigures, MonthCounts
from backend.turnout.keys import KEY_RANGE
from schemas.turnout import AverageCell, Cell

SEED = 20261218


def _wrong_when_both_shown(a: int, b: int) -> Fraction | None:
    """The probability that published(a) - published(b) != a - b, when both are shown (independent keys)."""
    shown_a = {p: q for p, q in ptable.row(a).distribution().items() if a + p not in protection.SMALL}
    shown_b = {p: q for p, q in ptable.row(b).distribution().items() if b + p not in protection.SMALL}
    both = sum(shown_a.values()) * sum(shown_b.values())
    if not both:
        return None
    right = sum((q * shown_b.get(p, Fraction(0)) for p, q in shown_a.items()), Fraction(0))
    return 1 - right / both


def test_every_row_is_unbiased_bounded_and_never_negative() -> None:
    assert ptable.ROWS[0].perturbations == (0,)
    for value, row in enumerate(ptable.ROWS):
        assert sum(row.probabilities) == 1
        assert sum(p * q for p, q in row.distribution().items()) == 0
        assert max(abs(p) for p in row.perturbations) <= ptable.MAX_PERTURBATION
        assert value + min(row.perturbations) >= 0
        assert row.bounds[-1] == KEY_RANGE
    last = ptable.ROWS[ptable.LAST_ROW]
    assert sum(p * p * q for p, q in last.distribution().items()) == Fraction(6, 5)
    assert last.distribution()[0] == Fraction(2, 5)


def test_a_difference_of_two_independent_cells_is_wrong_at_least_two_times_in_three() -> None:
    """The table's guarantee (docs/PRIVACY.md): true difference 1 to 4, both figures shown."""
    shares = [
        share
        for b in range(60)
        for difference in range(1, 5)
        if (share := _wrong_when_both_shown(b + difference, b)) is not None
    ]
    assert min(shares) == Fraction(2, 3)
    # Between larger counts, the table's 74%: the two noises agree only with probability sum(p^2).
    assert _wrong_when_both_shown(30, 27) == Fraction(74, 100)


def test_positions_follow_the_rows_probabilities() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a fixed seed, for a repeatable sample
    draws = 20_000
    seen: dict[int, int] = {}
    for _ in range(draws):
        perturbation = ptable.perturbation(30, rng.randrange(KEY_RANGE))
        seen[perturbation] = seen.get(perturbation, 0) + 1
    row = ptable.row(30)
    for perturbation, probability in row.distribution().items():
        assert abs(seen.get(perturbation, 0) / draws - float(probability)) < 0.015, perturbation


def test_one_record_set_draws_afresh_at_another_value() -> None:
    """A corrected headcount keeps its key: the change must not come out exact."""
    rng = random.Random(SEED)  # noqa: S311 - a fixed seed, for a repeatable sample
    keys = [rng.randrange(KEY_RANGE) for _ in range(2_000)]
    same = sum(ptable.perturbation(40, key) == ptable.perturbation(42, key) for key in keys)
    assert same / len(keys) < 0.35  # independent draws agree 26% of the time


def test_protect_never_shows_one_to_four_keeps_zero_and_repeats_itself() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a fixed seed, for a repeatable sample
    for _ in range(5_000):
        value, key = rng.randint(0, 12), rng.randrange(10 * KEY_RANGE)
        cell = protection.protect(value, key)
        assert cell == protection.protect(value, key)
        assert cell.suppressed == (cell.value is None)
        assert cell.value is None or (cell.value >= 0 and cell.value not in protection.SMALL)
        if cell.value is not None:
            assert abs(cell.value - value) <= ptable.MAX_PERTURBATION
        if value == 0:
            assert cell == Cell(value=0)


def _area(by_month: dict[str, tuple[dict[str, int], dict[str, int]]]) -> AreaFigures:
    return AreaFigures(
        months=tuple(sorted(by_month)),
        by_month={m: MonthCounts(counts=c, keys=k) for m, (c, k) in by_month.items()},
    )


def test_a_total_is_a_cell_of_its_own_keyed_by_its_months() -> None:
    area = _area(
        {
            "2026-01": ({"checkins": 30, "events_held": 2}, {"checkins": 111}),
            "2026-02": ({"checkins": 25, "events_held": 1}, {"checkins": 2**33 + 5}),
        }
    )
    totals = figures.totals(area)
    assert totals.checkins == protection.protect(55, 111 + 2**33 + 5)
    assert totals.events_held == 3  # events are not counts of young people
    months = figures.series(area)
    assert months[0].checkins == protection.protect(30, 111)
    assert totals.active is None
    assert months[1].active == Cell(value=0)


def test_an_average_is_of_the_published_total_and_hidden_with_it() -> None:
    hidden = protection.average(Cell(value=None, suppressed=True), 4)
    assert hidden == AverageCell(value=None, suppressed=True)
    assert protection.average(Cell(value=41), 4) == AverageCell(value=10.25)
    assert protection.average(Cell(value=0), 0) == AverageCell(value=0.0)


def test_only_the_gate_makes_a_cell() -> None:
    """STYLE rule 18: no code but `protection` builds a Cell, so every youth figure passes the gate."""
    backend = Path(__file__).resolve().parents[2] / "backend"
    makers = set()
    for source in backend.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"Cell", "AverageCell"}:
                makers.add(source.relative_to(backend).as_posix())
    assert makers == {"turnout/protection.py"}
