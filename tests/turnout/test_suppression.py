"""Small-cell suppression, checked as a reader would attack it: by subtraction across a response's rows
(gender parts), columns (age parts) and months, on random grids drawn from a fixed seed."""

import random

import pytest

from backend.turnout import figures, suppression
from backend.turnout.figures import AreaFigures
from backend.turnout.suppression import Relation, month_cell, part_cell
from schemas.turnout import Cell

SEED = 20261201
GRIDS = 400
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
GENDERS = ("female", "male", "transgender", "prefer_not_to_say")
AGES = ("under_15", "age_15_19", "age_20_24", "age_25_29", "age_30_plus")
SHOWN_SPLITS = {
    "reached_gender": ("reached", GENDERS, "reached_by_gender"),
    "reached_age": ("reached", AGES, "reached_by_age"),
    "signups_gender": ("signups", GENDERS, "signups_by_gender"),
    "signups_age": ("signups", AGES, "signups_by_age"),
    "headcount_gender": ("headcount", GENDERS, "headcount_by_gender"),
    "headcount_age": ("headcount", AGES, "headcount_by_age"),
}
MEASURES = ("checkins", "reached", "signups", "erasures", "alert_reach")


def _small_heavy(rng: random.Random) -> int:
    """Mostly zeros and small counts, where suppression has work to do; sometimes a large one."""
    return rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, rng.randint(0, 40)])


def _split(rng: random.Random, total: int, keys: tuple[str, ...]) -> dict[str, int]:
    cuts = sorted(rng.randint(0, total) for _ in keys[1:])
    bounds = [0, *cuts, total]
    return {key: bounds[i + 1] - bounds[i] for i, key in enumerate(keys)}


def _month(rng: random.Random, scale: int = 1) -> dict[str, int]:
    counts = {measure: _small_heavy(rng) * scale for measure in (*MEASURES, "active", "headcount")}
    for split, (total, keys, _) in SHOWN_SPLITS.items():
        counts |= {part_cell(split, key): value for key, value in _split(rng, counts[total], keys).items()}
    return counts


def _grid(rng: random.Random, months: tuple[str, ...]) -> dict[str, dict[str, int]]:
    # Some months have no counter document at all.
    return {month: _month(rng) for month in months if rng.random() < 0.8}


def _inner(rng: random.Random, outer: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """A constituency's share of a wider area: each count at most the area's."""
    return {month: {k: rng.randint(0, v) for k, v in counts.items()} for month, counts in outer.items()}


def _shown(area: AreaFigures) -> dict[str, Cell | int]:
    """Every figure of the rendered response, by the cell name a reader would give it."""
    totals = figures.totals(area).model_dump()
    view: dict[str, Cell | int] = {"headcount": totals["headcount"]}
    view |= {measure: Cell(**totals[measure]) for measure in MEASURES}
    for month in figures.series(area):
        for measure in (*MEASURES, "active"):
            view[month_cell(measure, month.month)] = getattr(month, measure)
    breakdowns = figures.breakdowns(area)
    for split, (_, keys, field) in SHOWN_SPLITS.items():
        shown = getattr(breakdowns, field)
        assert set(shown) == set(keys)
        view |= {part_cell(split, key): shown[key] for key in keys}
    return view


def _reader_relations(months: tuple[str, ...]) -> list[Relation]:
    """The sums a reader can form, written out here apart from the code under test."""
    found = [Relation(measure, tuple(month_cell(measure, m) for m in months)) for measure in MEASURES]
    found += [
        Relation(total, tuple(part_cell(split, key) for key in keys))
        for split, (total, keys, _) in SHOWN_SPLITS.items()
    ]
    return found


def _value(figure: Cell | int) -> int | None:
    return figure if isinstance(figure, int) else figure.value


def _deduced(view: dict[str, Cell | int], relation: Relation) -> dict[str, int]:
    """What subtraction gives back from one relation: the single unknown entry, if only one is unknown."""
    unknown = [m for m in relation.members if _value(view[m]) is None]
    if len(unknown) != 1:
        return {}
    known_parts = sum(_value(view[p]) or 0 for p in relation.parts)
    total = _value(view[relation.total])
    cell = unknown[0]
    return {cell: (total or 0) - known_parts if cell != relation.total else known_parts}


def _check(area: AreaFigures, months: tuple[str, ...]) -> None:
    view = _shown(area)
    for name, figure in view.items():
        value = _value(figure)
        if value is None:
            assert isinstance(figure, Cell), name
            assert figure.suppressed, name
            continue
        assert value == area.cells[name], name  # visible values are exact
        if name != "headcount":
            assert not 1 <= value <= 4, name
    for relation in _reader_relations(months):
        assert not _deduced(view, relation), relation


@pytest.mark.parametrize("span", [1, 2, 6])
def test_no_small_count_is_visible_and_no_hidden_cell_follows_from_one_sum(span: int) -> None:
    rng = random.Random(SEED + span)  # noqa: S311 - a fixed seed, for repeatable grids
    months = MONTHS[:span]
    for _ in range(GRIDS):
        _check(figures.area_figures(_grid(rng, months), months), months)


def test_a_wider_area_minus_the_mps_constituency_never_shows_a_small_count() -> None:
    rng = random.Random(SEED)  # noqa: S311 - a fixed seed, for repeatable grids
    months = MONTHS[:4]
    for _ in range(GRIDS):
        district = _grid(rng, months)
        own = figures.area_figures(_inner(rng, district), months)
        wider = figures.area_figures(district, months, residual_of=own)
        _check(wider, months)
        view = _shown(wider)
        for name, figure in view.items():
            shown = _value(figure)
            if name != "headcount" and shown is not None:
                assert not 1 <= shown - own.cells[name] <= 4, name


def test_a_single_small_month_hides_a_second_cell() -> None:
    months = ("2026-01", "2026-02", "2026-03")
    counts = {"2026-01": {"checkins": 3}, "2026-02": {"checkins": 10}, "2026-03": {"checkins": 12}}
    area = figures.area_figures(counts, months)
    assert month_cell("checkins", "2026-01") in area.hidden
    assert month_cell("checkins", "2026-02") in area.hidden  # the smaller of the visible entries
    assert month_cell("checkins", "2026-03") not in area.hidden
    assert "checkins" not in area.hidden
    assert figures.totals(area).checkins == Cell(value=25)


def test_a_zero_is_hidden_before_a_larger_count_and_ties_take_the_first() -> None:
    hidden = suppression.suppress(
        {"t": 9, "a": 2, "b": 0, "c": 0, "d": 7}, [Relation("t", ("a", "b", "c", "d"))], public=()
    )
    assert hidden == {"a", "b"}


def test_headcount_stays_public_but_its_splits_are_protected() -> None:
    counts = figures.flat_counts({"headcount": 30, "headcount_gender": {"female": 2, "male": 28}})
    area = figures.area_figures({"2026-01": counts}, ("2026-01",))
    shown = figures.breakdowns(area).headcount_by_gender
    assert figures.totals(area).headcount == 30
    assert shown["female"].suppressed
    # Male is the only other nonzero part: the zeros go first, and one is enough.
    assert shown["transgender"].suppressed
    assert shown["male"] == Cell(value=28)


def test_active_is_suppressed_month_by_month_without_a_total() -> None:
    area = figures.area_figures({"2026-01": {"active": 2}, "2026-02": {"active": 9}}, ("2026-01", "2026-02"))
    months = figures.series(area)
    assert months[0].active == Cell(value=None, suppressed=True)
    assert months[1].active == Cell(value=9)
    assert figures.totals(area).active is None


def test_an_average_is_hidden_with_the_total_behind_it() -> None:
    months = ("2026-01",)
    area = figures.area_figures({"2026-01": {"checkins": 3, "reached": 40, "events_held": 5}}, months)
    average = figures.average(area, 4)
    assert average.checkins.suppressed
    assert average.checkins.value is None
    assert average.reached.value == 10.0
    assert average.events_held == 1.25
