"""The service's one clock, and Pakistan time.

Every "now" comes from `utc_now()`: UTC, truncated to milliseconds (BSON's precision) so it reads back
equal. Tests move time for the whole service with `set_source` (the `clock` fixture); nothing else takes a
clock as a parameter. Times are stored in UTC and turned into Pakistan time (UTC+5, no daylight saving)
only at the edges, by the functions below: months, ages, quiet hours, dates shown to people.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PAKISTAN = ZoneInfo("Asia/Karachi")


def _system_time() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_time


def utc_now() -> datetime:
    """Now, as stored."""
    return stored_time(_source())


def set_source(source: Callable[[], datetime] | None) -> None:
    """Tests only: read the time from `source` (None: the system clock again)."""
    global _source
    _source = source or _system_time


def stored_time(moment: datetime) -> datetime:
    """`moment` as it reads back from the database: UTC, to the millisecond (so replays compare equal)."""
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def pakistan_time(moment: datetime) -> datetime:
    """`moment` in Pakistan time; a naive one is taken as UTC (stored times), never the host's zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PAKISTAN)


def pakistan_date(moment: datetime) -> date:
    """The calendar day of `moment` in Pakistan."""
    return pakistan_time(moment).date()


def pakistan_day_end(moment: datetime) -> datetime:
    """When the Pakistan day of `moment` ends (the next midnight there), in UTC."""
    following = pakistan_date(moment) + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=PAKISTAN).astimezone(UTC)


def month_of(moment: datetime) -> str:
    """The month of `moment` in Pakistan time, as "YYYY-MM"."""
    return pakistan_time(moment).strftime("%Y-%m")


def age_reached(birth_year: int, *, at: datetime) -> int:
    """The age reached in the Pakistan year of `at` by one born in `birth_year` (only the year is kept)."""
    return pakistan_time(at).year - birth_year
