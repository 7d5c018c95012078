"""The current time as stored: UTC, truncated to milliseconds (BSON's precision) so it reads back equal."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
