"""Every figure a reader can read of a population, the truth behind it, and every difference a reader can
form from two or more of them (the property test's attacks, test_properties.py)."""

from collections.abc import Iterator
from itertools import permutations

from backend.accounts.models import Account
from backend.turnout import figures, protection, service
from backend.turnout.keys import KEY_RANGE
from schemas.turnout import AreaKind, Cell, TurnoutRead
from tests.turnout.population import MONTHS, PLACES

Area = tuple[AreaKind, str]
Window = tuple[int, int]
CellId = tuple[Area, Window, str]  # an area, a window of month indexes, a counter path

NATIONAL: Area = (AreaKind.NATIONAL, "PK")
SEATS = [(AreaKind.CONSTITUENCY, place.seat) for place in PLACES]
PROVINCIAL_SEATS = [(AreaKind.CONSTITUENCY, place.provincial) for place in PLACES]
DISTRICTS = sorted({(AreaKind.DISTRICT, place.district) for place in PLACES})
PROVINCES = sorted({(AreaKind.PROVINCE, place.province) for place in PLACES})
AREAS = [*SEATS, *PROVINCIAL_SEATS, *DISTRICTS, *PROVINCES, NATIONAL]
WINDOWS = [(first, last) for first in range(len(MONTHS)) for last in range(first, len(MONTHS))]
BREAKDOWNS = {f"{split.split('_')[0]}_by_{split.split('_')[1]}": split for split in figures.YOUTH_SPLITS}
# Records of people (not of events) count in their Provincial Assembly seat as well.
PEOPLE_PATHS = ("signups", "erasures", "alert_reach", "signups_gender.", "signups_age.")
SPLIT_TOTALS = {
    "headcount": ("headcount_gender", "headcount_age"),
    "reached": ("reached_gender", "reached_age"),
    "signups": ("signups_gender", "signups_age"),
}


def _paths() -> list[str]:
    paths = [*figures.YOUTH_MEASURES]
    for split, keys in figures.YOUTH_SPLITS.items():
        paths += [f"{split}.{key}" for key in keys]
    return paths


def _place_parts() -> dict[Area, list[Area]]:
    """Each area and the areas partitioning its records (every record counts in one seat of each)."""
    parts: dict[Area, list[Area]] = {NATIONAL: PROVINCES}
    for province in PROVINCES:
        parts[province] = sorted(
            {(AreaKind.DISTRICT, p.district) for p in PLACES if p.province == province[1]}
        )
    for district in DISTRICTS:
        parts[district] = sorted(
            {(AreaKind.CONSTITUENCY, p.seat) for p in PLACES if p.district == district[1]}
        )
    return parts


def _provincial_parts() -> dict[Area, list[Area]]:
    """Districts partitioned by the Provincial Assembly seats of their people (people's records only)."""
    return {
        district: sorted({(AreaKind.CONSTITUENCY, p.provincial) for p in PLACES if p.district == district[1]})
        for district in DISTRICTS
    }


def _contains(wide: Area, seat: Area) -> bool:
    place = next(p for p in PLACES if seat[1] in (p.seat, p.provincial))
    return wide == NATIONAL or wide[1] in (place.district, place.province)


def published_cells(area: Area, window: Window, read: TurnoutRead) -> Iterator[tuple[CellId, Cell]]:
    """Every figure about young people in one response, named by the cell it shows."""
    for measure in figures.YOUTH_MEASURES:
        yield (area, window, measure), getattr(read.totals, measure)
    for index, month in enumerate(read.months, start=window[0]):
        for measure in (*figures.YOUTH_MEASURES, *figures.MONTHLY_ONLY):
            yield (area, (index, index), measure), getattr(month, measure)
    for field, split in BREAKDOWNS.items():
        for key, cell in getattr(read.breakdowns, field).items():
            yield (area, window, f"{split}.{key}"), cell


class Truth:
    """The true counts and key sums of every cell, from the counter documents (not through the API)."""

    def __init__(self, counters: dict[str, dict[str, int]]) -> None:
        """`counters`: each counter's `c.<path>` and `k.<path>` sums (fixtures.turnout.summed_counters)."""
        self.documents = {
            counter: tuple(
                {p.removeprefix(part): n for p, n in paths.items() if p.startswith(part)}
                for part in ("c.", "k.")
            )
            for counter, paths in counters.items()
        }

    def _sum(self, cell: CellId, which: int) -> int:
        (kind, code), (first, last), path = cell
        found = (self.documents.get(f"{kind.value}:{code}:{MONTHS[m]}") for m in range(first, last + 1))
        return sum(document[which].get(path, 0) for document in found if document)

    def value(self, cell: CellId) -> int:
        return self._sum(cell, 0)

    def key(self, cell: CellId) -> int:
        return self._sum(cell, 1) % KEY_RANGE


async def read_everything(account: Account) -> dict[CellId, int | None]:
    """Every cell of every area over every window, as published; a cell shown twice shows the same."""
    shown: dict[CellId, int | None] = {}
    for area in AREAS:
        for window in WINDOWS:
            read = await service.read_turnout(
                account=account,
                kind=area[0],
                code=area[1],
                from_month=MONTHS[window[0]],
                to_month=MONTHS[window[1]],
            )
            assert (read.adjusted, read.note) == (True, protection.NOTE)
            for cell_id, cell in published_cells(area, window, read):
                assert cell.suppressed == (cell.value is None), cell_id
                assert shown.setdefault(cell_id, cell.value) == cell.value, cell_id
    return shown


Attempt = tuple[str, list[CellId], list[CellId], CellId | None]


def attempts() -> Iterator[Attempt]:
    """Every attack: its kind, the cells added and taken away, and the one cell it aims at, if one."""
    paths = _paths()
    for area in AREAS:
        for path in paths:
            for outer, inner in permutations(WINDOWS, 2):
                if outer[0] <= inner[0] and inner[1] <= outer[1]:
                    aim = (
                        (area, (outer[0], outer[0]), path)
                        if outer[1] == inner[1] and outer[0] + 1 == inner[0]
                        else None
                    )
                    yield "overlapping months", [(area, outer, path)], [(area, inner, path)], aim
    partitions = list(_place_parts().items())
    provincial = list(_provincial_parts().items())
    for window in WINDOWS:
        for path in paths:
            people = path.startswith(PEOPLE_PATHS)
            for whole, parts in partitions + (provincial if people else []):
                for part in parts:
                    others = [(other, window, path) for other in parts if other != part]
                    # Distinct people reached are not additive over areas (one person, two seats).
                    aim = None if path.startswith("reached") else (part, window, path)
                    yield "area minus its other parts", [(whole, window, path)], others, aim
            for wide in (*DISTRICTS, *PROVINCES, NATIONAL):
                for seat in SEATS + (PROVINCIAL_SEATS if people else []):
                    if _contains(wide, seat):
                        yield "wider area minus a seat", [(wide, window, path)], [(seat, window, path)], None
        for area in AREAS:
            for total, splits in SPLIT_TOTALS.items():
                for split in splits:
                    keys = figures.YOUTH_SPLITS[split]
                    for key in keys:
                        others = [(area, window, f"{split}.{other}") for other in keys if other != key]
                        yield (
                            "total minus its other parts",
                            [(area, window, total)],
                            others,
                            (area, window, f"{split}.{key}"),
                        )


def attack(truth: Truth, shown: dict[CellId, int | None]) -> dict[str, tuple[int, int]]:
    """Per attack: distinct attempts whose true difference is 1 to 4, and how many came out wrong."""
    seen: set[tuple[object, ...]] = set()
    tally: dict[str, tuple[int, int]] = {}
    for kind, plus, minus, aim in attempts():
        hidden = sum(truth.value(c) for c in plus) - sum(truth.value(c) for c in minus)
        if aim is not None:
            assert hidden == truth.value(aim), (kind, plus, minus)  # the attack is what it says
        if not 1 <= hidden <= 4:
            continue
        values = [shown[cell] for cell in (*plus, *minus)]
        if any(value is None for value in values):
            continue  # a hidden figure gives no difference at all
        # Two attempts over the same records in the same roles are one attempt, whatever the area.
        signature = (
            tuple(sorted((truth.value(c), truth.key(c)) for c in plus)),
            tuple(sorted((truth.value(c), truth.key(c)) for c in minus)),
        )
        if signature in seen:
            continue
        seen.add(signature)
        estimate = sum(shown[c] or 0 for c in plus) - sum(shown[c] or 0 for c in minus)
        count, wrong = tally.get(kind, (0, 0))
        tally[kind] = (count + 1, wrong + (estimate != hidden))
    return tally
