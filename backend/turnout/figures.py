"""Turnout figures as the contract shows them: counter documents summed, small cells suppressed."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backend.turnout import suppression
from backend.turnout.suppression import month_cell, part_cell
from schemas.events import EventKind, Topic
from schemas.turnout import AverageCell, AverageFigures, Breakdowns, Cell, MonthFigures, TurnoutFigures

# Counts of events and officers' headcounts: public-facing, shown in full.
EVENT_COUNTS = ("events_held", "events_cancelled", "headcount")
EVENT_SPLITS = {
    "events_kind": tuple(kind.value for kind in EventKind),
    "events_topic": tuple(topic.value for topic in Topic),
    "headcount_topic": tuple(topic.value for topic in Topic),
}


def flat_counts(c: Mapping[str, object], prefix: str = "") -> dict[str, int]:
    """A counter document's nested `c` map as dotted names (`reached_gender.female`); non-counts skipped."""
    flat: dict[str, int] = {}
    for name, value in c.items():
        if isinstance(value, Mapping):
            flat.update(flat_counts(value, f"{prefix}{name}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[f"{prefix}{name}"] = int(value)
    return flat


@dataclass(frozen=True)
class AreaFigures:
    """One area's counts over a period: the flat counts of each month, the cells and which are hidden."""

    months: tuple[str, ...]
    by_month: dict[str, dict[str, int]]
    cells: dict[str, int]
    hidden: frozenset[str]

    def cell(self, name: str) -> Cell:
        if name in self.hidden:
            return Cell(value=None, suppressed=True)
        return Cell(value=self.cells[name])

    def total(self, name: str) -> int:
        return sum(counts.get(name, 0) for counts in self.by_month.values())


def area_figures(
    by_month: dict[str, dict[str, int]], months: Sequence[str], *, residual_of: AreaFigures | None = None
) -> AreaFigures:
    """Sum and protect one area; `residual_of` is the MP's own constituency when this area contains it."""
    cells = suppression.cell_values(by_month, months)
    hidden = suppression.protect(cells, months, residual_of=residual_of.cells if residual_of else None)
    return AreaFigures(months=tuple(months), by_month=by_month, cells=cells, hidden=hidden)


def totals(area: AreaFigures) -> TurnoutFigures:
    return TurnoutFigures.model_validate(
        {name: area.total(name) for name in EVENT_COUNTS}
        | {measure: area.cell(measure) for measure in suppression.YOUTH_MEASURES}
    )


def series(area: AreaFigures) -> list[MonthFigures]:
    """Every month of the period, zeros where no counter document exists."""
    months = []
    for month in area.months:
        counts = area.by_month.get(month, {})
        figures: dict[str, object] = {name: counts.get(name, 0) for name in EVENT_COUNTS}
        for measure in (*suppression.YOUTH_MEASURES, *suppression.MONTHLY_ONLY):
            figures[measure] = area.cell(month_cell(measure, month))
        months.append(MonthFigures.model_validate({"month": month, **figures}))
    return months


def breakdowns(area: AreaFigures) -> Breakdowns:
    def split(name: str) -> dict[str, Cell]:
        return {key: area.cell(part_cell(name, key)) for key in suppression.SPLITS[name][1]}

    def events(name: str) -> dict[str, int]:
        return {key: area.total(part_cell(name, key)) for key in EVENT_SPLITS[name]}

    return Breakdowns(
        headcount_by_gender=split("headcount_gender"),
        headcount_by_age=split("headcount_age"),
        reached_by_gender=split("reached_gender"),
        reached_by_age=split("reached_age"),
        signups_by_gender=split("signups_gender"),
        signups_by_age=split("signups_age"),
        events_by_kind=events("events_kind"),
        events_by_topic=events("events_topic"),
        headcount_by_topic=events("headcount_topic"),
    )


def average(area: AreaFigures, units: int) -> AverageFigures:
    """The average unit of `area`; a youth average is hidden with the area total behind it (the average
    times the units gives the total back)."""

    def mean(total: int) -> float:
        return round(total / units, 2) if units else 0.0

    def youth(measure: str) -> AverageCell:
        if measure in area.hidden:
            return AverageCell(value=None, suppressed=True)
        return AverageCell(value=mean(area.cells[measure]))

    return AverageFigures(
        events_held=mean(area.total("events_held")),
        headcount=mean(area.total("headcount")),
        checkins=youth("checkins"),
        reached=youth("reached"),
        signups=youth("signups"),
    )
