"""Small-cell suppression: which cells of a turnout response are shown as suppressed, never their value.

A response is modelled as cells (named counts) and the linear relations between them that a reader can
use ("total = sum of parts"). Primary suppression hides every count from 1 to 4 derived from young
people; complementary suppression then hides a second cell wherever a relation has exactly one hidden
entry, since the total minus the visible parts (or the sum of the parts) would give that entry back.

Cell names: `checkins` (the period total), `checkins@2026-11` (a month), `reached_gender.female` (a part
of the period total). `headcount` is the officers' public-facing figure: never hidden, but its splits are.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from schemas.events import AgeBandCounts
from schemas.youth import Gender

# Counts of young people: every one is suppressed when small, month by month and over the period.
YOUTH_MEASURES = ("checkins", "reached", "signups", "erasures", "alert_reach")
# Distinct people in one month: a period total would not be the sum of the months, so it has none.
MONTHLY_ONLY = ("active",)
GENDERS = tuple(gender.value for gender in Gender)
AGE_BANDS = tuple(AgeBandCounts.model_fields)
# Each split of a period total: its name in the counters, the total its parts add up to, and its keys.
# Officers' headcounts carry `under_15` too (their age parts must add up to the total): leaving one band
# out would let total minus the others reveal it.
SPLITS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reached_gender": ("reached", GENDERS),
    "reached_age": ("reached", AGE_BANDS),
    "signups_gender": ("signups", GENDERS),
    "signups_age": ("signups", AGE_BANDS),
    "headcount_gender": ("headcount", GENDERS),
    "headcount_age": ("headcount", AGE_BANDS),
}
# The one count shown in full whatever its value, and so never chosen as a complementary cell.
PUBLIC_TOTALS = frozenset({"headcount"})


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts`, as a reader of the response can check."""

    total: str
    parts: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (*self.parts, self.total)


def is_small(value: int) -> bool:
    """A count that would identify young people: 1 to 4 (zero says nobody, and is shown)."""
    return 1 <= value <= 4


def month_cell(measure: str, month: str) -> str:
    return f"{measure}@{month}"


def part_cell(split: str, key: str) -> str:
    return f"{split}.{key}"


def cell_values(counts_by_month: Mapping[str, Mapping[str, int]], months: Sequence[str]) -> dict[str, int]:
    """Every cell a response shows for one area; `counts_by_month` maps a month to its flat counts
    (`"reached_gender.female": 3`), a missing month or count being zero."""
    monthly = [counts_by_month.get(month, {}) for month in months]
    cells: dict[str, int] = {}
    for measure in (*YOUTH_MEASURES, *PUBLIC_TOTALS):
        cells[measure] = sum(counts.get(measure, 0) for counts in monthly)
    for measure in (*YOUTH_MEASURES, *MONTHLY_ONLY):
        for month, counts in zip(months, monthly, strict=True):
            cells[month_cell(measure, month)] = counts.get(measure, 0)
    for split, (_, keys) in SPLITS.items():
        for key in keys:
            cell = part_cell(split, key)
            cells[cell] = sum(counts.get(cell, 0) for counts in monthly)
    return cells


def relations(months: Sequence[str]) -> list[Relation]:
    """The sums a reader can form from a response over `months`."""
    found = [
        Relation(measure, tuple(month_cell(measure, month) for month in months)) for measure in YOUTH_MEASURES
    ]
    found += [
        Relation(total, tuple(part_cell(split, key) for key in keys))
        for split, (total, keys) in SPLITS.items()
    ]
    return found


def residual_cells(area: Mapping[str, int], own: Mapping[str, int]) -> set[str]:
    """Cells of a wider area that an MP could subtract their own constituency's figure from and get 1 to
    4: the small count of the area's other constituencies."""
    return {
        cell
        for cell, value in area.items()
        if cell not in PUBLIC_TOTALS and is_small(value - own.get(cell, 0))
    }


def suppress(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    *,
    public: Iterable[str] = PUBLIC_TOTALS,
    also_hide: Iterable[str] = (),
) -> frozenset[str]:
    """The cells to hide: small ones and `also_hide` (primary), then complementary ones to a fixed point.

    Where a relation has exactly one hidden entry, the visible entry of smallest value (a zero included:
    hiding it costs the reader least) is hidden too, the first in the relation on a tie; hiding only ever
    grows, so the loop ends.
    """
    shown_always = frozenset(public)
    hidden = {cell for cell, value in values.items() if cell not in shown_always and is_small(value)}
    hidden |= set(also_hide) - shown_always
    changed = True
    while changed:
        changed = False
        for relation in relations:
            members = relation.members
            if sum(member in hidden for member in members) != 1:
                continue
            candidates = [
                (values[member], position, member)
                for position, member in enumerate(members)
                if member not in hidden and member not in shown_always
            ]
            if not candidates:
                # Only a relation of a public total with a single part could get here: none is modelled.
                raise ValueError(f"no second cell can protect {relation.total}")
            hidden.add(min(candidates)[2])
            changed = True
    return frozenset(hidden)


def protect(
    cells: Mapping[str, int], months: Sequence[str], *, residual_of: Mapping[str, int] | None = None
) -> frozenset[str]:
    """The hidden cells of one area's response; `residual_of` is the MP's own constituency's cells when
    this area contains it."""
    extra = residual_cells(cells, residual_of) if residual_of is not None else set()
    return suppress(cells, relations(months), also_hide=extra)
