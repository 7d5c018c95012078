"""The campaign composer's form: its fields as the browser posts them, turned into the API's `CampaignWrite`
(so the service checks it exactly as a write through the API), and the places its pickers offer."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, field_validator

from backend.console import forms
from backend.core.clock import PAKISTAN
from backend.core.errors import invalid_field
from backend.core.pagination import PageParams
from backend.geography import service as geography
from schemas.alerts import AgeBand, Audience, CampaignWrite, DeepLink, LinkKind, Priority
from schemas.events import Topic
from schemas.geography import DistrictRead, ProvinceRead
from schemas.youth import Gender, Language

Title = Annotated[str, Field(max_length=120)]
Body = Annotated[str, Field(max_length=1000)]
# The form's languages in the order the composer shows them: Urdu and English first, as the app falls back.
TEXT_LANGUAGES = tuple(Language)
DISTRICTS_OFFERED = 500
ModelT = TypeVar("ModelT", bound=BaseModel)


class ComposerForm(BaseModel):
    """The composer's fields: where, who among them, the text per language, how urgent, when, a link."""

    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    national: bool = False
    provinces: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=10)
    districts: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=200)
    constituencies: str = Field(default="", max_length=4000, description="Seat codes, comma separated.")
    languages: list[Language] = Field(default_factory=list, max_length=7)
    age_bands: list[AgeBand] = Field(default_factory=list, max_length=5)
    genders: list[Gender] = Field(default_factory=list, max_length=4)
    interests: list[Topic] = Field(default_factory=list, max_length=9)
    title_ur: Title = ""
    body_ur: Body = ""
    title_en: Title = ""
    body_en: Body = ""
    title_pa: Title = ""
    body_pa: Body = ""
    title_sd: Title = ""
    body_sd: Body = ""
    title_ps: Title = ""
    body_ps: Body = ""
    title_skr: Title = ""
    body_skr: Body = ""
    title_bal: Title = ""
    body_bal: Body = ""
    priority: Priority = Priority.NORMAL
    link_kind: LinkKind | None = None
    link_id: str = Field(default="", max_length=100)
    send_at: str = Field(default="", max_length=32, description="Pakistan time, as datetime-local sends it.")
    # The digest of what the editor reviewed (reviewed_digest), sent with the final post only.
    reviewed: str = Field(default="", max_length=64)

    @field_validator("link_kind", mode="before")
    @classmethod
    def _no_kind_chosen(cls, value: object) -> object:
        return None if value == "" else value

    def texts(self, part: str) -> dict[str, str]:
        """The titles (`part` "title") or bodies ("body") written, by language code."""
        written = {language.value: getattr(self, f"{part}_{language.value}").strip() for language in Language}
        return {language: text for language, text in written.items() if text}

    def audience(self) -> dict[str, Any]:
        """The audience as the API's body names it (not yet validated)."""
        return {
            "national": self.national,
            "provinces": self.provinces,
            "districts": self.districts,
            "constituencies": [code.strip() for code in self.constituencies.split(",") if code.strip()],
            "languages": self.languages,
            "age_bands": self.age_bands,
            "genders": self.genders,
            "interests": self.interests,
        }

    def link(self) -> DeepLink | None:
        """The deep link, when both its kind and id are given."""
        if self.link_kind is None or not self.link_id.strip():
            return None
        return DeepLink(kind=self.link_kind, id=self.link_id.strip())


def audience_of(form: ComposerForm) -> Audience:
    """The form's audience as the API's, or a 422 naming what is missing."""
    return forms.as_contract(
        Audience, form.audience(), field="body.audience", detail="Check the alert's fields."
    )


def _send_at(value: str) -> datetime | None:
    """A datetime-local value, read as Pakistan time; None (now) when empty."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=PAKISTAN)
    except ValueError:
        raise invalid_field("body.send_at", "invalid_datetime", "give a date and time") from None


def write_of(form: ComposerForm) -> CampaignWrite:
    """The form as the API's campaign write, or a 422 naming each field the API would refuse."""
    values = {
        "title": form.texts("title"),
        "body": form.texts("body"),
        "link": form.link(),
        "audience": form.audience(),
        "priority": form.priority,
        "send_at": _send_at(form.send_at),
    }
    return forms.as_contract(CampaignWrite, values, field="body", detail="Check the alert's fields.")


def reviewed_digest(form: ComposerForm, write: CampaignWrite) -> str:
    """What the editor confirmed: the write and its key. A form changed after its review no longer matches."""
    reviewed = f"{form.idempotency_key} {write.model_dump_json()}"
    return hashlib.sha256(reviewed.encode()).hexdigest()


@dataclass(frozen=True)
class ProvincePicker:
    province: ProvinceRead
    districts: list[DistrictRead]


async def place_pickers() -> list[ProvincePicker]:
    """Every province with its districts by name, for the composer's place pickers."""
    provinces = await geography.list_provinces()
    districts = await geography.list_districts(
        province=None, page=PageParams(limit=DISTRICTS_OFFERED, offset=0)
    )
    return [
        ProvincePicker(province, [d for d in districts.items if d.province == province.code])
        for province in provinces
    ]
