"""The turnout benchmark's accuracy figures: each published (perturbed) figure against the true one.

The true figures come from the same dashboard served without perturbation (small-cell suppression only),
so a cell compares when both show it; a true 1 to 4 is hidden there and not compared.
"""

from dataclasses import dataclass
from typing import Any

YOUTH = ("headcount", "checkins", "reached", "active", "signups", "erasures", "alert_reach")


def youth_cells(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every figure about young people in a dashboard, by a name of its own."""
    cells = {f"totals.{name}": body["totals"][name] for name in YOUTH if body["totals"].get(name)}
    for month in body["months"]:
        cells |= {f"{month['month']}.{name}": month[name] for name in YOUTH if month.get(name)}
    for split, parts in body["breakdowns"].items():
        if not split.startswith("events_"):
            cells |= {f"{split}.{key}": cell for key, cell in parts.items()}
    return cells


@dataclass
class Accuracy:
    """Published against true, over the cells of the dashboards compared."""

    cells: int = 0
    compared: int = 0  # shown in both
    nonzero: int = 0  # compared, with a true count above zero
    absolute_error: int = 0
    changed: int = 0
    changed_nonzero: int = 0
    hidden_true: int = 0  # hidden without perturbation (a true 1 to 4)
    hidden_published: int = 0  # hidden as published (an adjusted 1 to 4)

    def add(self, published: dict[str, Any], true: dict[str, Any]) -> None:
        """Count the cells of one seat's dashboard, published and true."""
        shown, truth = youth_cells(published), youth_cells(true)
        for name, cell in truth.items():
            self.cells += 1
            value, true_value = shown[name]["value"], cell["value"]
            self.hidden_true += true_value is None
            self.hidden_published += value is None
            if value is None or true_value is None:
                continue
            self.compared += 1
            self.absolute_error += abs(value - true_value)
            self.changed += value != true_value
            if true_value:
                self.nonzero += 1
                self.changed_nonzero += value != true_value

    def lines(self) -> list[str]:
        mean = self.absolute_error / self.compared if self.compared else 0.0
        mean_nonzero = self.absolute_error / self.nonzero if self.nonzero else 0.0
        return [
            f"  cells of young people compared: {self.compared:,} shown both ways of {self.cells:,}",
            f"  mean absolute error per cell: {mean:.3f}"
            f" ({mean_nonzero:.3f} over the {self.nonzero:,} nonzero)",
            f"  cells changed: {self.changed / max(self.compared, 1):.1%} of those compared,"
            f" {self.changed_nonzero / max(self.nonzero, 1):.1%} of the nonzero (zeros stay zero)",
            f"  cells hidden: {self.hidden_published / max(self.cells, 1):.1%} as published,"
            f" {self.hidden_true / max(self.cells, 1):.1%} without perturbation",
        ]
