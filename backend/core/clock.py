"""The current time as stored: UTC, truncated to milliseconds (BSON's precision) so it reads back equal."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Where months, ages and quiet hours are counted: UTC+5, no daylight saving.
PAKISTAN = ZoneInfo("Asia/Karachi")


def utc_now() -> datetime:
    return stored_time(datetime.now(UTC))


def stored_time(moment: datetime) -> datetime:
    """`moment` as it reads back from the database: UTC, to the millisecond (so replays compare equal)."""
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
