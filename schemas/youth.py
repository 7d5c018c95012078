"""Young people: sign-up with consent, devices for push, preferences, check-ins at events."""

import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from schemas.common import ContractModel
from schemas.events import StrictBool, StrictInt, Topic

# Characters that show nothing on their own: controls, format (zero-width), separators, combining marks.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn"}


def _display_name(value: str) -> str:
    """Trimmed; refused when it holds a control character or nothing visible."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise PydanticCustomError("control_character", "a name may not contain control characters")
    trimmed = value.strip()
    if all(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in trimmed):
        raise PydanticCustomError("blank_name", "give a name with visible characters")
    return trimmed


DisplayName = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_display_name)]


def _minutes(value: str) -> str:
    return value[:5]


# Pakistan local time of day as "HH:MM" (seconds, if sent, are dropped); a plain string, no UTC offset.
LocalTimeOfDay = Annotated[
    str,
    Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", examples=["22:00"]),
    AfterValidator(_minutes),
]


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    TRANSGENDER = "transgender"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Language(StrEnum):
    URDU = "ur"
    ENGLISH = "en"
    PUNJABI = "pa"
    SINDHI = "sd"
    PASHTO = "ps"
    SARAIKI = "skr"
    BALOCHI = "bal"


class ConsentMethod(StrEnum):
    APP = "app"
    PAPER = "paper"
    OFFICER_PHONE = "officer_phone"


class ConsentText(ContractModel):
    version: str
    text_en: str
    text_ur: str


class ConsentGiven(ContractModel):
    version: str = Field(max_length=32, description="The consent text version the person agreed to.")
    guardian_consent: StrictBool = Field(default=False, description="Required under 18.")


class YouthSignup(ContractModel):
    display_name: DisplayName
    birth_year: StrictInt = Field(ge=1900, le=2100, description="Year only, never a full date of birth.")
    gender: Gender
    district: str = Field(min_length=1, max_length=64)
    constituency: str = Field(
        min_length=3,
        max_length=16,
        description="The National Assembly seat covering the district (NA-…). A Provincial Assembly seat "
        "is still accepted here, as older clients sent it: the National Assembly seat is then the "
        "district's only one, or must be given in its place.",
    )
    provincial_constituency: str | None = Field(
        default=None,
        min_length=3,
        max_length=16,
        description="The Provincial Assembly seat covering the district (PP-, PS-, PK- or PB-…). Needed "
        "where several cover it; otherwise the only one is taken (none in Islamabad).",
    )
    languages: list[Language] = Field(min_length=1, max_length=7)
    interests: list[Topic] = Field(default_factory=list, max_length=9)
    phone: str | None = Field(default=None, max_length=20, description="E.164, e.g. +923001234567.")
    consent: ConsentGiven


class ProfileUpdate(ContractModel):
    """Changes to the profile; district and constituency change together and must stay consistent (the
    Provincial Assembly seat with them, under the sign-up's rules, or alone within the same district)."""

    display_name: DisplayName | None = None
    gender: Gender | None = None
    district: str | None = Field(default=None, min_length=1, max_length=64)
    constituency: str | None = Field(default=None, min_length=3, max_length=16)
    provincial_constituency: str | None = Field(default=None, min_length=3, max_length=16)
    phone: str | None = Field(default=None, max_length=20, description="E.164; an empty string removes it.")


class RegistrationUpdate(ProfileUpdate):
    """A field officer's correction of a person they registered; the birth year may be corrected too."""

    birth_year: StrictInt | None = Field(default=None, ge=1900, le=2100)


class OfficerRegistration(ContractModel):
    """A young person registered by a field officer at an event, with consent captured offline."""

    person: YouthSignup
    consent_method: ConsentMethod = Field(description="paper or officer_phone.")
    event_id: UUID | None = Field(default=None, description="The event where they met, if any.")


class ConsentRead(ContractModel):
    version: str
    given_at: datetime
    method: ConsentMethod
    guardian_consent: bool


class QuietHours(ContractModel):
    start: LocalTimeOfDay = Field(description="Pakistan time (Asia/Karachi), HH:MM.")
    end: LocalTimeOfDay = Field(description="Pakistan time (Asia/Karachi), HH:MM.")


class PreferencesUpdate(ContractModel):
    topics: list[Topic] | None = Field(default=None, max_length=9)
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=7)
    quiet_hours: QuietHours | None = None
    alerts_stopped: StrictBool | None = Field(default=None, description="Stop all but emergency alerts.")


class YouthRead(ContractModel):
    uid: str
    display_name: str
    birth_year: int
    gender: Gender
    district: str
    constituency: str = Field(description="The National Assembly seat.")
    provincial_constituency: str | None = Field(
        default=None, description="The Provincial Assembly seat (none in Islamabad or on older profiles)."
    )
    province: str
    languages: list[Language]
    interests: list[Topic]
    phone: str | None
    consent: ConsentRead
    quiet_hours: QuietHours
    alerts_stopped: bool
    status: str
    registered_by: str | None = Field(
        description="uid of the field officer who registered the person, if any."
    )
    created_at: datetime
    updated_at: datetime


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class DeviceRegistration(ContractModel):
    fcm_token: str = Field(min_length=20, max_length=4096)
    platform: Platform
    app_version: str = Field(min_length=1, max_length=32)
    locale: str = Field(min_length=2, max_length=16)


class DeviceRead(ContractModel):
    id: str
    platform: Platform
    app_version: str
    locale: str
    registered_at: datetime
    last_seen_at: datetime


class CheckinRequest(ContractModel):
    code: str = Field(min_length=10, max_length=200, description="The scanned QR payload.")


class CheckinRead(ContractModel):
    event_id: UUID
    checked_in_at: datetime


class YouthExport(ContractModel):
    """Everything held about the caller, as the right of access requires."""

    exported_at: datetime
    account: dict[str, Any]
    profile: YouthRead
    devices: list[DeviceRead]
    checkins: list[CheckinRead]
    rsvps: list[dict[str, Any]]
    notifications: list[dict[str, Any]] = Field(
        default_factory=list, description="The alerts in the caller's inbox, newest first (as listed)."
    )
    poll_answers: list[dict[str, Any]] = Field(
        default_factory=list, description="The caller's answers to polls (poll, question, answer, times)."
    )
    questions: list[dict[str, Any]] = Field(
        default_factory=list, description="The caller's questions to MPs, with outcome and answer."
    )
    question_supports: list[dict[str, Any]] = Field(
        default_factory=list, description="The questions the caller supports, and when."
    )
    event_feedback: list[dict[str, Any]] = Field(
        default_factory=list, description="The caller's feedback on events they attended."
    )


class RegistrationSummary(ContractModel):
    """A person a field officer registered, as listed for that officer."""

    id: UUID = Field(description="The registration id.")
    display_name: str
    district: str
    constituency: str
    event_id: UUID | None
    created_at: datetime


class MyEvent(ContractModel):
    """One of the caller's RSVPs or check-ins."""

    event_id: UUID
    activity: Literal["rsvp", "checkin"]
    at: datetime
    title: str | None = Field(description="The event's title; null when the event is gone.")
    starts_at: datetime | None
