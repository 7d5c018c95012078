"""Turnout figures as the contract shows them: each cell summed from the counter documents with its key
sum, every count of young people through the one gate (`protection.protect`), counts of events as they are.

Cell names follow the counters: `checkins`, `reached_gender.female`, `headcount_topic.legal_migration`.
A period total is a cell of its own (its key is the sum of its months' key sums), never a sum of
published months, so a reader who adds published cells gets a different figure, not a true one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backend.turnout import protection
from schemas.events import AgeBandCounts, EventKind, Topic
from schemas.turnout import AverageFigures, Breakdowns, Cell, MonthFigures, TurnoutFigures
from schemas.youth import Gender

# Counts of young people, over the period and month by month. The officers' headcount is one: what an
# officer typed stays exact on their event, but the figures built from reports are protected like the rest.
YOUTH_MEASURES = ("headcount", "checkins", "reached", "signups", "erasures", "alert_reach")
# Distinct people in one month: a period total would not be the sum of the months, so it has none.
MONTHLY_ONLY = ("active",)
GENDERS = tuple(gender.value for gender in Gender)
AGE_BANDS = tuple(AgeBandCounts.model_fields)
TOPICS = tuple(topic.value for topic in Topic)
# Splits of period totals that count young people, and their keys.
YOUTH_SPLITS = {
    "headcount_gender": GENDERS,
    "headcount_age": AGE_BANDS,
    "headcount_topic": TOPICS,
    "reached_gender": GENDERS,
    "reached_age": AGE_BANDS,
    "signups_gender": GENDERS,
    "signups_age": AGE_BANDS,
}
# Counts of events: not derived from young people, shown as they are.
EVENT_COUNTS = ("events_held", "events_cancelled")
EVENT_SPLITS = {"events_kind": tuple(kind.value for kind in EventKind), "events_topic": TOPICS}


def flat_counts(c: Mapping[str, object], prefix: str = "") -> dict[str, int]:
    """A counter document's nested `c` (or `k`) map as dotted names; non-counts skipped."""
    flat: dict[str, int] = {}
    for name, value in c.items():
        if isinstance(value, Mapping):
            flat.update(flat_counts(value, f"{prefix}{name}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[f"{prefix}{name}"] = int(value)
    return flat


@dataclass(frozen=True)
class MonthCounts:
    """One counter document: its counts and, for counts of young people, the sums of their records' keys."""

    counts: dict[str, int]
    keys: dict[str, int]


def summed(one: MonthCounts, other: MonthCounts) -> MonthCounts:
    """Two documents of one counter (slots) as one."""
    return MonthCounts(counts=_added(one.counts, other.counts), keys=_added(one.keys, other.keys))


def _added(one: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    return {path: one.get(path, 0) + other.get(path, 0) for path in one.keys() | other.keys()}


@dataclass(frozen=True)
class AreaFigures:
    """One area's counter documents over a period; any cell of it, as published."""

    months: tuple[str, ...]
    by_month: dict[str, MonthCounts]

    def _present(self, months: Sequence[str] | None) -> list[MonthCounts]:
        return [self.by_month[m] for m in (self.months if months is None else months) if m in self.by_month]

    def count(self, name: str, months: Sequence[str] | None = None) -> int:
        """The true count over `months` (by default the period): for events, and for the gate only."""
        return sum(found.counts.get(name, 0) for found in self._present(months))

    def cell(self, name: str, months: Sequence[str] | None = None) -> Cell:
        """A count of young people over `months` (by default the period), through the gate."""
        present = self._present(months)
        key = sum(found.keys.get(name, 0) for found in present)
        return protection.protect(sum(found.counts.get(name, 0) for found in present), key)


def totals(area: AreaFigures) -> TurnoutFigures:
    return TurnoutFigures.model_validate(
        {name: area.count(name) for name in EVENT_COUNTS}
        | {measure: area.cell(measure) for measure in YOUTH_MEASURES}
    )


def series(area: AreaFigures) -> list[MonthFigures]:
    """Every month of the period, zeros where no counter document exists."""
    return [
        MonthFigures.model_validate(
            {"month": month}
            | {name: area.count(name, [month]) for name in EVENT_COUNTS}
            | {measure: area.cell(measure, [month]) for measure in (*YOUTH_MEASURES, *MONTHLY_ONLY)}
        )
        for month in area.months
    ]


def breakdowns(area: AreaFigures) -> Breakdowns:
    def split(name: str) -> dict[str, Cell]:
        return {key: area.cell(f"{name}.{key}") for key in YOUTH_SPLITS[name]}

    def events(name: str) -> dict[str, int]:
        return {key: area.count(f"{name}.{key}") for key in EVENT_SPLITS[name]}

    return Breakdowns(
        headcount_by_gender=split("headcount_gender"),
        headcount_by_age=split("headcount_age"),
        reached_by_gender=split("reached_gender"),
        reached_by_age=split("reached_age"),
        signups_by_gender=split("signups_gender"),
        signups_by_age=split("signups_age"),
        events_by_kind=events("events_kind"),
        events_by_topic=events("events_topic"),
        headcount_by_topic=split("headcount_topic"),
    )


def average(area: AreaFigures, units: int) -> AverageFigures:
    """The average unit of `area`: its published totals over the units (hidden with a hidden total)."""
    return AverageFigures(
        events_held=round(area.count("events_held") / units, 2) if units else 0.0,
        headcount=protection.average(area.cell("headcount"), units),
        checkins=protection.average(area.cell("checkins"), units),
        reached=protection.average(area.cell("reached"), units),
        signups=protection.average(area.cell("signups"), units),
    )
