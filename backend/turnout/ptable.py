"""The perturbation table of the cell-key method: the small amount added to a count, chosen by its cell.

As the ABS TableBuilder, the ONS (`cell-key-perturbation`) and Destatis (`ptable`, `cellKey`) do: a cell's
key is the sum of its records' keys modulo KEY_RANGE; the table has one row per true value (values from
LAST_ROW up share the last row) and each row splits [0, KEY_RANGE) into intervals, one per perturbation,
sized by its probability. The cell's position in the row is a hash of its key and its true value, so one
record set gives independent draws at different values (a corrected headcount keeps its key), as the
ONS table's separate column per value does. Parameters and their reasons: docs/PRIVACY.md.

- A true zero stays zero (nobody is never shown as somebody) and no result is negative.
- Unbiased: every row's perturbations average zero.
- At most 2 either way; variance 1.2 (0.7 for a true 1, whose row cannot go down by 2).
- Unchanged in 40% of cells (45% for a true 1).
"""

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate

from backend.turnout.keys import KEY_RANGE

# Probabilities in twentieths, by perturbation.
_ROWS: tuple[dict[int, int], ...] = (
    {0: 20},
    {-1: 6, 0: 9, 1: 4, 2: 1},
    {-2: 2, -1: 4, 0: 8, 1: 4, 2: 2},
)
LAST_ROW = len(_ROWS) - 1
MAX_PERTURBATION = 2
_PERSON = b"hamqadam-ptable"


@dataclass(frozen=True)
class Row:
    """One row: its perturbations, their probabilities, and each one's upper bound in [0, KEY_RANGE)."""

    perturbations: tuple[int, ...]
    probabilities: tuple[Fraction, ...]
    bounds: tuple[int, ...]

    def distribution(self) -> dict[int, Fraction]:
        """Each perturbation's probability."""
        return dict(zip(self.perturbations, self.probabilities, strict=True))

    def perturbation(self, position: int) -> int:
        for perturbation, bound in zip(self.perturbations, self.bounds, strict=True):
            if position < bound:
                return perturbation
        return self.perturbations[-1]


def _row(twentieths: dict[int, int]) -> Row:
    perturbations = tuple(sorted(twentieths))
    probabilities = tuple(Fraction(twentieths[p], 20) for p in perturbations)
    bounds = tuple(int(cumulative * KEY_RANGE) for cumulative in accumulate(probabilities))
    return Row(perturbations, probabilities, bounds)


ROWS = tuple(_row(row) for row in _ROWS)


def row(value: int) -> Row:
    """The row of a true value (values from LAST_ROW up share the last)."""
    return ROWS[min(value, LAST_ROW)]


def position(cell_key: int, value: int) -> int:
    """Where in [0, KEY_RANGE) a cell of this key and true value falls in its row."""
    message = (cell_key % KEY_RANGE).to_bytes(4, "big") + value.to_bytes(8, "big")
    digest = hashlib.blake2b(message, digest_size=4, person=_PERSON).digest()
    return int.from_bytes(digest, "big")


def perturbation(value: int, cell_key: int) -> int:
    """What the table adds to a cell of true `value` whose records' keys sum to `cell_key`."""
    if value <= 0:
        return 0
    return row(value).perturbation(position(cell_key, value))
