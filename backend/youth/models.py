"""Young people's records. The profile is keyed by the Firebase uid, so a retried sign-up is one profile."""

from datetime import datetime, time
from typing import Any, ClassVar

from beanie import Document
from pymongo import ASCENDING, IndexModel

DEFAULT_QUIET_START = time(22, 0)
DEFAULT_QUIET_END = time(7, 0)


class YouthProfile(Document):
    id: str  # type: ignore[assignment]  # Firebase uid
    display_name: str
    birth_year: int
    gender: str
    district: str
    constituency: str  # the National Assembly seat
    # The Provincial Assembly seat; None where no provincial assembly seat covers the district (Islamabad)
    # and on profiles from before both seats were asked.
    provincial_constituency: str | None = None
    province: str
    languages: list[str]
    interests: list[str]
    phone: str | None = None
    consent: dict[str, Any]
    quiet_start: str = DEFAULT_QUIET_START.isoformat(timespec="minutes")
    quiet_end: str = DEFAULT_QUIET_END.isoformat(timespec="minutes")
    alerts_stopped: bool = False
    status: str = "active"
    registered_by: str | None = None
    # The event where a field officer registered the person, if any (counted on the event).
    registered_at_event: str | None = None
    # Set when erasure starts, so that a retried erasure re-keys check-ins to the same tombstone.
    tombstone_id: str | None = None
    # How turnout counted the sign-up (month, places, gender, age band); internal, kept by the tombstone.
    counted_as: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "youth_profiles"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("district", ASCENDING)], name="district"),
            IndexModel([("constituency", ASCENDING)], name="constituency"),
            # An alert audience's places streamed in uid order: its lists are an $or of these, merged by
            # `_id`, and a resumed plan starts after a uid within each.
            IndexModel([("province", ASCENDING), ("_id", ASCENDING)], name="province_uid"),
            IndexModel([("district", ASCENDING), ("_id", ASCENDING)], name="district_uid"),
            IndexModel([("constituency", ASCENDING), ("_id", ASCENDING)], name="constituency_uid"),
            IndexModel(
                [("provincial_constituency", ASCENDING), ("_id", ASCENDING)],
                name="provincial_constituency_uid",
            ),
            # An officer's registrations in their districts, newest first.
            IndexModel(
                [
                    ("registered_by", ASCENDING),
                    ("district", ASCENDING),
                    ("created_at", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="registered_by_district_created",
            ),
            # The people registered at an event, in registration order.
            IndexModel(
                [("registered_at_event", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
                name="registered_at_event_created",
            ),
        ]


class Tombstone(Document):
    """What stays of an erased person: when, the place their anonymous check-ins count for, and how their
    sign-up was counted (so a turnout rebuild still counts it, and the erasure, at the same places)."""

    id: str  # type: ignore[assignment]  # random, never derived from the uid
    erased_at: datetime
    district: str
    constituency: str
    provincial_constituency: str | None = None
    province: str | None = None
    counted_as: dict[str, Any] | None = None

    class Settings:
        name = "youth_tombstones"
