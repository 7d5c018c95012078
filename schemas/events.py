"""Field events: planning, offline sync, turnout reports, review, photos, check-in codes, RSVPs."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from schemas.common import ContractModel, Problem, SaneDatetime

# Request fields take exact JSON types: `true` is not 1 and "10" is not 10.
StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]
StrictBool = Annotated[bool, Strict()]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("timezone_aware", "Input should have timezone info")
    return value


# A time with its UTC offset, between 2000 and 2100 (far from the calendar's ends, where offsets overflow).
SaneAwareDatetime = Annotated[SaneDatetime, AfterValidator(_aware)]


class EventKind(StrEnum):
    YOUTH_DIALOGUE = "youth_dialogue"
    AWARENESS_SESSION = "awareness_session"
    SCHOOL_OR_COLLEGE_SESSION = "school_or_college_session"
    COMMUNITY_MEETING = "community_meeting"
    WORKSHOP = "workshop"
    DOOR_TO_DOOR_CAMPAIGN = "door_to_door_campaign"
    MEDIA_OR_RADIO_SESSION = "media_or_radio_session"


class Topic(StrEnum):
    """The published list of safe-migration topics (events, interests and content share it)."""

    LEGAL_MIGRATION = "legal_migration"
    RECRUITER_CHECK = "recruiter_check"
    TRAFFICKING_VS_SMUGGLING = "trafficking_vs_smuggling"
    FAKE_JOB_OR_VISA = "fake_job_or_visa"
    RIGHTS_ABROAD = "rights_abroad"
    REMITTANCES = "remittances"
    CLIMATE_DISPLACEMENT = "climate_displacement"
    EMPLOYABILITY = "employability"
    WHERE_TO_GET_HELP = "where_to_get_help"


class EventStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class ReviewStatus(StrEnum):
    NOT_REPORTED = "not_reported"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class EventFilter(ContractModel):
    """Filters of an officer's event list or export; all optional, combined with AND."""

    district: str | None = None
    constituency: str | None = None
    kind: EventKind | None = None
    status: EventStatus | None = None
    starts_from: SaneDatetime | None = None
    starts_before: SaneDatetime | None = None
    review: ReviewStatus | None = None


class EventWrite(ContractModel):
    """What a field officer plans; the client generates the event id and syncs with PUT."""

    kind: EventKind
    title: str = Field(min_length=3, max_length=200)
    topics: list[Topic] = Field(min_length=1, max_length=9)
    district: str = Field(min_length=1, max_length=64, description="District code, name or alias.")
    constituency: str = Field(min_length=3, max_length=16, description="A seat covering the district.")
    venue_name: str = Field(min_length=2, max_length=200)
    lat: StrictFloat | None = Field(default=None, ge=23.0, le=37.5, description="Latitude within Pakistan.")
    lng: StrictFloat | None = Field(default=None, ge=60.0, le=78.0, description="Longitude within Pakistan.")
    starts_at: SaneAwareDatetime = Field(description="With a UTC offset; stored in UTC; 2000 to 2100.")
    ends_at: SaneAwareDatetime
    partner_organisations: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=20
    )
    expected_turnout: StrictInt = Field(ge=0, le=100_000)

    @model_validator(mode="after")
    def _consistent(self) -> "EventWrite":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        return self


class GenderCounts(ContractModel):
    female: StrictInt = Field(ge=0, le=100_000)
    male: StrictInt = Field(ge=0, le=100_000)
    transgender: StrictInt = Field(ge=0, le=100_000)
    prefer_not_to_say: StrictInt = Field(ge=0, le=100_000)


class AgeBandCounts(ContractModel):
    under_15: StrictInt = Field(ge=0, le=100_000)
    age_15_19: StrictInt = Field(ge=0, le=100_000)
    age_20_24: StrictInt = Field(ge=0, le=100_000)
    age_25_29: StrictInt = Field(ge=0, le=100_000)
    age_30_plus: StrictInt = Field(ge=0, le=100_000)


class Turnout(ContractModel):
    total: StrictInt = Field(ge=0, le=100_000)
    by_gender: GenderCounts
    by_age: AgeBandCounts


class ReportOutcome(StrEnum):
    HELD = "held"
    CANCELLED = "cancelled"


class EventReport(ContractModel):
    """After the event: held with the headcount, or cancelled with the reason."""

    outcome: ReportOutcome
    turnout: Turnout | None = None
    cancel_reason: str | None = Field(default=None, min_length=3, max_length=1000)


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class EventReview(ContractModel):
    decision: ReviewDecision
    reason: str | None = Field(default=None, min_length=3, max_length=1000)


class EventRead(ContractModel):
    id: UUID
    version: int
    kind: EventKind
    title: str
    topics: list[Topic]
    district: str
    constituency: str
    province: str
    venue_name: str
    lat: float | None
    lng: float | None
    starts_at: datetime
    ends_at: datetime
    starts_at_local: str = Field(description="Start in Pakistan time (Asia/Karachi), ISO 8601.")
    partner_organisations: list[str]
    expected_turnout: int
    rsvp_count: int = Field(description="Young people who said they will come.")
    registration_count: int = Field(description="Young people a field officer registered at this event.")
    status: EventStatus
    cancel_reason: str | None
    turnout: Turnout | None = Field(description="The officer's headcount.")
    checkin_count: int = Field(description="Young people's own check-ins, counted apart from the headcount.")
    review: ReviewStatus
    review_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class UpcomingEventRead(ContractModel):
    """What young people see: no officer, no attendance."""

    id: UUID
    kind: EventKind
    title: str
    topics: list[Topic]
    district: str
    constituency: str
    venue_name: str
    lat: float | None
    lng: float | None
    starts_at: datetime
    ends_at: datetime
    starts_at_local: str


class BatchItem(ContractModel):
    """One queued sync. `id` and `event` are validated item by item, so one bad item fails alone."""

    id: str = Field(max_length=64, description="The event id (UUID) the phone generated.")
    version: StrictInt | None = Field(
        default=None, ge=1, description="The version this edit is based on (as If-Match)."
    )
    event: dict[str, Any] = Field(description="An `EventWrite` object.")


class EventBatch(ContractModel):
    items: list[BatchItem] = Field(min_length=1, max_length=100)


class BatchItemResult(ContractModel):
    id: str
    status: int = Field(description="HTTP status this item would have had on its own PUT.")
    event: EventRead | None = None
    problem: dict[str, Any] | None = None


class EventBatchResult(ContractModel):
    results: list[BatchItemResult]


class EventChange(ContractModel):
    version: int
    changed_by: str
    changed_at: datetime
    action: str
    changes: dict[str, Any] = Field(description="Each changed field, with its value before and after.")


class CheckinCode(ContractModel):
    event_id: UUID
    payload: str = Field(description="Signed text to render as a QR code.")
    valid_from: datetime
    valid_until: datetime


class PhotoRead(ContractModel):
    id: UUID
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class EventConflict(Problem):
    """A 409 problem; a version conflict also carries the event as it stands now, to merge with."""

    current_version: int | None = Field(default=None, description="The stored version (version conflicts).")
    current: EventRead | None = Field(default=None, description="The stored event (version conflicts).")


class CheckinRegistration(ContractModel):
    """A young person registered at the event: first name only (no phone, no other personal data)."""

    id: UUID = Field(description="The registration id.")
    first_name: str
    registered_at: datetime


class EventCheckins(ContractModel):
    """Who came to an event: counts, and the people field staff registered there (first names only)."""

    event_id: UUID
    checkin_count: int = Field(description="Young people's own check-ins with the event's QR code.")
    rsvp_count: int
    registration_count: int
    registrations: list[CheckinRegistration]
