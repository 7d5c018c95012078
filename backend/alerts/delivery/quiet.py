"""Quiet hours: when a person's normal and high alerts wait for their morning (Pakistan time)."""

from datetime import UTC, datetime, time, timedelta

from backend.core.clock import pakistan_time


def _minutes(hhmm: str) -> int:
    moment = time.fromisoformat(hhmm)
    return moment.hour * 60 + moment.minute


def release_at(quiet_start: str, quiet_end: str, now: datetime) -> datetime | None:
    """None outside the quiet hours at `now`, else the UTC moment they end (a window may wrap midnight)."""
    start, end = _minutes(quiet_start), _minutes(quiet_end)
    if start == end:
        return None
    local = pakistan_time(now)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    morning = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)
