"""Turnout reads over HTTP: the Jhelum seats the tests read, and counter documents as counting leaves them."""

from typing import Any

from backend.turnout import protection
from backend.turnout.models import TurnoutCounter

# Jhelum has exactly two National Assembly seats, NA-60 and NA-61; both in Punjab (141 NA seats of 266).
SEAT, OTHER_SEAT, DISTRICT, PROVINCE = "NA-60", "NA-61", "jhelum", "PK-PB"
PERIOD = {"from": "2026-01", "to": "2026-03"}
JANUARY = {"from": "2026-01", "to": "2026-01"}


async def put_counts(
    area: str, code: str, month: str, c: dict[str, Any], k: dict[str, Any] | None = None
) -> None:
    """A counter document as counting.py leaves it (nested `c` and key sums `k`, missing ones zero)."""
    await TurnoutCounter.get_pymongo_collection().insert_one(
        {"_id": f"{area}:{code}:{month}", "area": area, "code": code, "month": month, "c": c, "k": k or {}}
    )


def cell(value: int, key: int = 0) -> dict[str, Any]:
    """The JSON of a count of young people of `value` whose records' keys sum to `key`, as published."""
    shown = protection.published(value, key)
    return {"value": shown, "suppressed": shown is None}


def average(value: int, units: int, key: int = 0) -> dict[str, Any]:
    """The JSON of the average over `units` of such a count: of its published figure, hidden with it."""
    shown = protection.published(value, key)
    return {"value": None if shown is None else round(shown / units, 2), "suppressed": shown is None}
