"""The one gate for figures about young people: perturbation by the cell's key, then small-cell suppression.

Every count derived from young people reaches a response, the brief or its PDF through `protect`, for
every reader; nothing else makes a `Cell`. Whether a cell is hidden depends on its own published value
only, never on another cell or on who reads it: a rule that looked at true values elsewhere (the old
complementary and own-seat rules) would leak through the pattern of what it hides. Totals are cells of
their own, perturbed by their own key, so parts may not add up to them (`NOTE`).
"""

from collections.abc import Mapping

from backend.turnout import ptable
from schemas.turnout import AverageCell, Cell

SMALL = range(1, 5)
NOTE = (
    "Counts of young people are adjusted by a small amount (at most 2) to protect their privacy, so parts "
    "may not add up to totals; counts from 1 to 4 are not shown."
)


def published(value: int, cell_key: int) -> int | None:
    """The figure shown for a count of `value` whose records' keys sum to `cell_key`; None when hidden."""
    shown = max(value + ptable.perturbation(value, cell_key), 0)
    return None if shown in SMALL else shown


def protect(value: int, cell_key: int) -> Cell:
    """A count of young people as every reader sees it: perturbed, and hidden when that gives 1 to 4."""
    shown = published(value, cell_key)
    return Cell(value=None, suppressed=True) if shown is None else Cell(value=shown)


def average(cell: Cell, units: int) -> AverageCell:
    """The average over `units` of a protected total: hidden with it (times the units gives it back)."""
    if cell.value is None:
        return AverageCell(value=None, suppressed=True)
    return AverageCell(value=round(cell.value / units, 2) if units else 0.0)


def mean_of(distribution: Mapping[int, Cell]) -> AverageCell:
    """The mean value of a distribution of protected counts (how many gave each rating), from the published
    counts: hidden when one of them is (it would tell how many the hidden count holds)."""
    if any(cell.value is None for cell in distribution.values()):
        return AverageCell(value=None, suppressed=True)
    people = sum(cell.value or 0 for cell in distribution.values())
    total = sum(value * (cell.value or 0) for value, cell in distribution.items())
    return AverageCell(value=round(total / people, 2) if people else 0.0)
