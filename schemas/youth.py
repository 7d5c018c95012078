"""Young people: sign-up with consent, devices for push, preferences, check-ins at events."""

from datetime import datetime, time
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import Field

from schemas.common import ContractModel
from schemas.events import Topic


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
    guardian_consent: bool = Field(default=False, description="Required under 18.")


class YouthSignup(ContractModel):
    display_name: str = Field(min_length=1, max_length=60)
    birth_year: int = Field(ge=1900, le=2100, description="Year only, never a full date of birth.")
    gender: Gender
    district: str = Field(min_length=1, max_length=64)
    constituency: str = Field(min_length=3, max_length=16)
    languages: list[Language] = Field(min_length=1, max_length=7)
    interests: list[Topic] = Field(default_factory=list, max_length=9)
    phone: str | None = Field(default=None, max_length=20, description="E.164, e.g. +923001234567.")
    consent: ConsentGiven


class ProfileUpdate(ContractModel):
    """Changes to the profile; district and constituency change together and must stay consistent."""

    display_name: str | None = Field(default=None, min_length=1, max_length=60)
    gender: Gender | None = None
    district: str | None = Field(default=None, min_length=1, max_length=64)
    constituency: str | None = Field(default=None, min_length=3, max_length=16)
    phone: str | None = Field(default=None, max_length=20, description="E.164; an empty string removes it.")


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
    start: time = Field(description="Pakistan time (Asia/Karachi).")
    end: time


class PreferencesUpdate(ContractModel):
    topics: list[Topic] | None = Field(default=None, max_length=9)
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=7)
    quiet_hours: QuietHours | None = None
    alerts_stopped: bool | None = Field(default=None, description="Stop all but emergency alerts.")


class YouthRead(ContractModel):
    uid: str
    display_name: str
    birth_year: int
    gender: Gender
    district: str
    constituency: str
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
