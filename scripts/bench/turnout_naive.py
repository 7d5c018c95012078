"""The naive way the turnout dashboards are compared with: one seat's figures by `$group` over the raw
records (events, check-ins, profiles), no counters."""

from datetime import UTC, datetime
from typing import Any

from backend.core.clock import PAKISTAN
from scripts.bench.turnout_data import EVENT_AGE_BANDS, GENDERS


def _month_bounds(months: int) -> tuple[datetime, datetime]:
    """The UTC start of the first and the end of the last of the last `months` months in Pakistan time."""
    local_now = datetime.now(PAKISTAN)
    index = local_now.year * 12 + local_now.month - 1
    first = index - (months - 1)
    start = datetime(first // 12, first % 12 + 1, 1, tzinfo=PAKISTAN)
    end = datetime((index + 1) // 12, (index + 1) % 12 + 1, 1, tzinfo=PAKISTAN)
    return start.astimezone(UTC), end.astimezone(UTC)


def _month(field: str) -> dict[str, Any]:
    return {"$dateToString": {"format": "%Y-%m", "date": field, "timezone": "Asia/Karachi"}}


def naive_figures(database: Any, seat: str) -> dict[str, list[dict[str, Any]]]:
    """One seat's figures over the last 12 months by `$group` over the raw records (no counters)."""
    start, end = _month_bounds(12)
    split_sums = {
        f"{part}_{key}": {"$sum": f"$turnout.by_{part}.{key}"}
        for part, keys in (("gender", GENDERS), ("age", EVENT_AGE_BANDS))
        for key in keys
    }
    events = database["events"].aggregate(
        [
            {
                "$match": {
                    "constituency": seat,
                    "review": "approved",
                    "deleted_at": None,
                    "starts_at": {"$gte": start, "$lt": end},
                }
            },
            {
                "$group": {
                    "_id": {"month": _month("$starts_at"), "status": "$status", "kind": "$kind"},
                    "events": {"$sum": 1},
                    "headcount": {"$sum": "$turnout.total"},
                    **split_sums,
                }
            },
        ]
    )
    checkins = database["event_attendance"].aggregate(
        [
            {"$match": {"counted_as.constituency": seat, "checked_in_at": {"$gte": start, "$lt": end}}},
            {
                "$group": {
                    "_id": {
                        "month": _month("$checked_in_at"),
                        "gender": "$counted_as.gender",
                        "age": "$counted_as.age_band",
                    },
                    "checkins": {"$sum": 1},
                }
            },
        ]
    )
    reached = database["event_attendance"].aggregate(
        [
            {"$match": {"counted_as.constituency": seat}},
            {"$group": {"_id": "$uid", "first": {"$min": "$checked_in_at"}}},
            {"$match": {"first": {"$gte": start, "$lt": end}}},
            {"$group": {"_id": _month("$first"), "reached": {"$sum": 1}}},
        ]
    )
    signups = database["youth_profiles"].aggregate(
        [
            {"$match": {"constituency": seat, "created_at": {"$gte": start, "$lt": end}}},
            {
                "$group": {
                    "_id": {"month": _month("$created_at"), "gender": "$gender"},
                    "signups": {"$sum": 1},
                }
            },
        ]
    )
    return {
        name: list(cursor)
        for name, cursor in (
            ("events", events),
            ("checkins", checkins),
            ("reached", reached),
            ("signups", signups),
        )
    }
