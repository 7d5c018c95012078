"""Stored events, their change history, RSVPs and check-ins. Photos live in GridFS (see photos.py)."""

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

MAX_PHOTOS_PER_EVENT = 10


class Event(Document):
    # The UUID the phone generated (a retried create is the same event), as canonical text: the stored
    # events already use this form.
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
    # Who reported the outcome: never the one who reviews it (four eyes).
    reported_by: str | None = None
    review: str = "not_reported"
    review_reason: str | None = None
    reviewed_by: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    # Counters, moved with $inc by whoever wins the claim on a record (see counters.py).
    rsvp_count: int = 0
    checkin_count: int = 0
    registration_count: int = 0
    # The event's photos in upload order; at most MAX_PHOTOS_PER_EVENT, kept by one conditional update.
    photo_ids: list[str] = Field(default_factory=list)
    # The consequences of the latest change while they are carried out (core/versioning.py); internal.
    pending_change: dict[str, Any] | None = None

    class Settings:
        name = "events"
        indexes: ClassVar[list[IndexModel]] = [
            # An officer's list and export: districts, not deleted, by start time (other filters narrow).
            IndexModel(
                [
                    ("district", ASCENDING),
                    ("deleted_at", ASCENDING),
                    ("starts_at", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="district_live_starts",
            ),
            # A supervisor's reports awaiting review, in their districts, by start time.
            IndexModel(
                [
                    ("district", ASCENDING),
                    ("review", ASCENDING),
                    ("deleted_at", ASCENDING),
                    ("starts_at", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="district_review_starts",
            ),
            # Upcoming events of a district or a seat: planned, not deleted, by start time, not yet ended.
            IndexModel(
                [
                    ("district", ASCENDING),
                    ("status", ASCENDING),
                    ("deleted_at", ASCENDING),
                    ("starts_at", ASCENDING),
                    ("_id", ASCENDING),
                    ("ends_at", ASCENDING),
                ],
                name="district_upcoming",
            ),
            IndexModel(
                [
                    ("constituency", ASCENDING),
                    ("status", ASCENDING),
                    ("deleted_at", ASCENDING),
                    ("starts_at", ASCENDING),
                    ("_id", ASCENDING),
                    ("ends_at", ASCENDING),
                ],
                name="constituency_upcoming",
            ),
        ]


class EventVersion(Document):
    """One change to an event: who, when, what (each field before and after).

    Written as the consequence of the change (core/versioning.py), under the unique key
    `<event id>:<version>`, so that a writer and whoever finishes its work store it once.
    """

    id: str  # type: ignore[assignment]  # "<event id>:<version>"
    event_id: str
    version: int
    changed_by: str
    changed_at: datetime
    action: str
    changes: dict[str, Any]

    class Settings:
        name = "event_versions"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("event_id", ASCENDING), ("version", ASCENDING)], name="event_version"),
        ]


class Rsvp(Document):
    """A young person's "I will come"; one per person per event, counted once on the event."""

    id: str  # type: ignore[assignment]  # "<event id>:<uid>"
    event_id: str
    uid: str
    created_at: datetime
    counted: bool = False

    class Settings:
        name = "event_rsvps"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("uid", ASCENDING), ("created_at", ASCENDING)], name="uid_created"),
            # A young person's own events, newest first.
            IndexModel(
                [("uid", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)], name="uid_created_id"
            ),
        ]


class Attendance(Document):
    """A young person's own check-in at an event: one per person per event, counted once on the event."""

    id: str  # type: ignore[assignment]  # "<event id>:<uid>"
    event_id: str
    uid: str
    district: str
    checked_in_at: datetime
    counted: bool = False
    # How turnout counted it (month, event's places, gender and age band at check-in): the rebuild's input.
    counted_as: dict[str, Any] | None = None

    class Settings:
        name = "event_attendance"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("uid", ASCENDING), ("checked_in_at", ASCENDING)], name="uid_checked_in"),
            IndexModel(
                [("uid", ASCENDING), ("checked_in_at", ASCENDING), ("_id", ASCENDING)],
                name="uid_checked_in_id",
            ),
        ]
