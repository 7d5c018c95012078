"""Alerts: editors' push campaigns to young people, their audience preview, and each person's inbox."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from schemas.common import ContractModel
from schemas.events import SaneAwareDatetime, Topic
from schemas.youth import Gender, Language

TitleText = Annotated[str, Field(min_length=1, max_length=120)]
BodyText = Annotated[str, Field(min_length=1, max_length=1000)]
AreaCode = Annotated[str, Field(min_length=1, max_length=64)]


# Every campaign has Urdu or English, the fallbacks of every other language.
REQUIRED_ANY_OF = frozenset({Language.URDU, Language.ENGLISH})


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    EMERGENCY = "emergency"


class AgeBand(StrEnum):
    UNDER_15 = "under_15"
    AGE_15_19 = "age_15_19"
    AGE_20_24 = "age_20_24"
    AGE_25_29 = "age_25_29"
    AGE_30_PLUS = "age_30_plus"


class CampaignStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # an emergency to more than one province: four eyes
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class LinkKind(StrEnum):
    CONTENT = "content"
    EVENT = "event"
    POLL = "poll"
    QUESTION = "question"  # a young person's question to MPs, approved or answered


class DeepLink(ContractModel):
    """Where the app opens when the alert is tapped: a content item, an event, a poll or a question."""

    kind: LinkKind
    id: str = Field(min_length=1, max_length=100)


class Audience(ContractModel):
    """Who is targeted: the whole country, or the union of the places named; the other lists narrow it
    (a person matches a list when they have any of its values); an empty list does not narrow."""

    national: bool = False
    provinces: list[AreaCode] = Field(default_factory=list, max_length=10)
    districts: list[AreaCode] = Field(default_factory=list, max_length=200)
    constituencies: list[AreaCode] = Field(default_factory=list, max_length=400)
    languages: list[Language] = Field(default_factory=list, max_length=7)
    age_bands: list[AgeBand] = Field(default_factory=list, max_length=5)
    genders: list[Gender] = Field(default_factory=list, max_length=4)
    interests: list[Topic] = Field(default_factory=list, max_length=9)

    @model_validator(mode="after")
    def _one_kind_of_place(self) -> "Audience":
        places = bool(self.provinces or self.districts or self.constituencies)
        if self.national == places:
            raise ValueError("name either national or at least one province, district or constituency")
        return self


class CampaignWrite(ContractModel):
    """A campaign as an editor writes it. Titles and bodies by language: Urdu or English is required;
    each person gets their preferred language, else Urdu, else English."""

    title: dict[Language, TitleText] = Field(min_length=1, max_length=7)
    body: dict[Language, BodyText] = Field(min_length=1, max_length=7)
    link: DeepLink | None = None
    audience: Audience
    priority: Priority = Priority.NORMAL
    send_at: SaneAwareDatetime | None = Field(
        default=None,
        description="When to send (with its UTC offset; Pakistan time is +05:00), at most 90 days ahead; "
        "none: now.",
    )

    @field_validator("title")
    @classmethod
    def _urdu_or_english(cls, title: dict[Language, str]) -> dict[Language, str]:
        if not REQUIRED_ANY_OF & set(title):
            raise PydanticCustomError("urdu_or_english_required", "write the alert in Urdu or English")
        return title

    @field_validator("body")
    @classmethod
    def _same_languages(cls, body: dict[Language, str], info: ValidationInfo) -> dict[Language, str]:
        title = info.data.get("title")
        if title is not None and set(title) != set(body):
            raise PydanticCustomError("languages_differ", "give a body for exactly the title's languages")
        return body


class CampaignStats(ContractModel):
    """What became of a campaign's deliveries, one figure per device (`opened` per person)."""

    people: int = 0
    devices: int = 0
    sent: int = Field(default=0, description="Accepted by FCM, directly or as a topic message (by_topic).")
    by_topic: int = Field(
        default=0, description="Of `sent`: devices confirmed in their topic before its message left."
    )
    failed: int = 0
    skipped: int = 0
    held: int = Field(default=0, description="Waiting for the person's morning (quiet hours).")
    unconfirmed: int = Field(
        default=0,
        description="Claimed by a worker that died before FCM's answer was recorded: being sent again "
        "(the phone shows one notification); each becomes sent or failed.",
    )
    opened: int = 0


class CampaignRead(ContractModel):
    id: str
    title: dict[str, str]
    body: dict[str, str]
    link: DeepLink | None
    audience: Audience
    priority: Priority
    send_at: datetime
    status: CampaignStatus
    created_by: str
    created_at: datetime
    confirmation_required: bool
    confirmed_by: str | None = None
    cancelled_at: datetime | None = None
    finished_at: datetime | None = None
    stats: CampaignStats


class AudiencePreview(ContractModel):
    """Exactly whom an audience reaches now: people and their devices (stopped and erased people left
    out, except stopped people for an emergency)."""

    people: int
    devices: int


class NotificationRead(ContractModel):
    """An alert in a person's inbox, in their language."""

    id: str = Field(description="The campaign's id.")
    title: str
    body: str
    language: Language
    link: DeepLink | None
    priority: Priority
    sent_at: datetime
    read_at: datetime | None = None
    opened_at: datetime | None = None
