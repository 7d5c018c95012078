"""Stored events, their change history and RSVPs. Photos live in GridFS (see photos.py)."""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

# The fields a field officer plans; comparing them tells a replayed sync from a new edit.
PLAN_FIELDS = (
    "kind",
    "title",
    "topics",
    "district",
    "constituency",
    "venue_name",
    "lat",
    "lng",
    "starts_at",
    "ends_at",
    "partner_organisations",
    "expected_turnout",
)


class Event(Document):
    # The UUID the phone generated (a retried create is the same event), stored as its canonical text:
    # FerretDB compares text ids about ten times faster than binary UUIDs.
    id: str  # type: ignore[assignment]
    version: int
    kind: str
    title: str
    topics: list[str]
    district: str
    constituency: str
    province: str
    venue_name: str
    lat: float | None = None
    lng: float | None = None
    starts_at: datetime
    ends_at: datetime
    partner_organisations: list[str] = Field(default_factory=list)
    expected_turnout: int
    status: str = "planned"
    cancel_reason: str | None = None
    turnout: dict[str, Any] | None = None
    reported_at: datetime | None = None
    review: str = "not_reported"
    review_reason: str | None = None
    reviewed_by: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    class Settings:
        name = "events"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("district", ASCENDING), ("starts_at", ASCENDING)], name="district_starts"),
            IndexModel([("constituency", ASCENDING), ("starts_at", ASCENDING)], name="constituency_starts"),
            IndexModel([("starts_at", ASCENDING), ("_id", ASCENDING)], name="starts"),
        ]


class EventVersion(Document):
    """One change to an event: who, when, what (each field before and after).

    Inserting version N+1 is also how a writer claims the right to move the event from N to N+1: `_id` is
    unique on both engines, while FerretDB v1.24.2 does not apply conditional updates atomically. The
    stored `applied` values let anyone finish a claimed change whose writer died before applying it.
    """

    id: str  # type: ignore[assignment]  # "<event id>:<version>"
    event_id: str
    version: int
    changed_by: str
    changed_at: datetime
    action: str
    changes: dict[str, Any]
    applied: dict[str, Any] = Field(default_factory=dict)

    class Settings:
        name = "event_versions"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("event_id", ASCENDING), ("version", ASCENDING)], name="event_version"),
        ]


class PhotoSlot(Document):
    """One of an event's ten photo places; a unique `_id` makes the limit hold under parallel uploads."""

    id: str  # type: ignore[assignment]  # "<event id>:<slot number>"
    event_id: str
    photo_id: str

    class Settings:
        name = "event_photo_slots"


class Rsvp(Document):
    """A young person's "I will come"; one per person per event."""

    id: str  # type: ignore[assignment]  # "<event id>:<uid>"
    event_id: str
    uid: str
    created_at: datetime

    class Settings:
        name = "event_rsvps"
        indexes: ClassVar[list[IndexModel]] = [IndexModel([("event_id", ASCENDING)], name="event")]


class Attendance(Document):
    """A young person's own check-in at an event: one per person per event."""

    id: str  # type: ignore[assignment]  # "<event id>:<uid>"
    event_id: str
    uid: str
    district: str
    checked_in_at: datetime

    class Settings:
        name = "event_attendance"
        indexes: ClassVar[list[IndexModel]] = [IndexModel([("event_id", ASCENDING)], name="event")]
