"""The editors' item form: what the page posts, turned into the API's `ContentWrite` (so every rule of a
write is the content service's), and a working copy turned back into the form's values.

Every language has its own title, summary and body fields (`title_ur`, ...): a language is part of the
item when any of its three is filled. Dates and times are typed in Pakistan time.
"""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from backend.console import forms
from backend.core.clock import PAKISTAN, pakistan_time
from backend.core.errors import ValidationFailedError
from schemas.common import FieldProblem
from schemas.content import ContentKind, ContentRead, ContentWrite
from schemas.events import Topic
from schemas.youth import Language

TEXT_FIELDS = ("title", "summary", "body")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


Blankable = BeforeValidator(_blank_is_none)
Title = Annotated[str, Field(max_length=120)]
Summary = Annotated[str, Field(max_length=300)]
Body = Annotated[str, Field(max_length=12_000)]


class BodiesForm(BaseModel):
    """Every language's body, as the live preview posts one of them."""

    model_config = ConfigDict(extra="ignore")

    body_ur: Body = ""
    body_en: Body = ""
    body_pa: Body = ""
    body_sd: Body = ""
    body_ps: Body = ""
    body_skr: Body = ""
    body_bal: Body = ""

    def body(self, lang: Language) -> str:
        text: str = getattr(self, f"body_{lang.value}")
        return text


class ContentForm(BodiesForm):
    """The item form as posted (field limits as the API's, checked before anything is read)."""

    version: Annotated[int | None, Blankable, Field(default=None, ge=1, le=1_000_000_000)]
    kind: ContentKind
    topics: list[Topic] = Field(default_factory=list, max_length=9)
    title_ur: Title = ""
    title_en: Title = ""
    title_pa: Title = ""
    title_sd: Title = ""
    title_ps: Title = ""
    title_skr: Title = ""
    title_bal: Title = ""
    summary_ur: Summary = ""
    summary_en: Summary = ""
    summary_pa: Summary = ""
    summary_sd: Summary = ""
    summary_ps: Summary = ""
    summary_skr: Summary = ""
    summary_bal: Summary = ""
    provinces: str = Field(default="", max_length=100)
    districts: str = Field(default="", max_length=4000)
    expires_at: Annotated[datetime | None, Blankable] = None
    phones: str = Field(default="", max_length=400)
    address: str = Field(default="", max_length=300)
    verified_at: Annotated[date | None, Blankable] = None
    source: str = Field(default="", max_length=300)

    def text(self, lang: Language, field: str) -> str:
        value: str = getattr(self, f"{field}_{lang.value}")
        return value.strip() if field != "body" else value


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _local(moment: datetime) -> datetime:
    """A time typed in Pakistan (no zone), as the aware time it names."""
    return moment.replace(tzinfo=PAKISTAN) if moment.tzinfo is None else moment


def to_write(form: ContentForm) -> ContentWrite:
    """The API's write for the posted form, or a 422 naming each field as the form calls it."""
    problems: list[FieldProblem] = []
    translations: dict[str, dict[str, str]] = {}
    for lang in Language:
        texts = {field: form.text(lang, field) for field in TEXT_FIELDS}
        if not any(text.strip() for text in texts.values()):
            continue
        problems += [
            FieldProblem(field=f"{field}_{lang.value}", rule="missing", message=f"{field} is needed too")
            for field, text in texts.items()
            if not text.strip()
        ]
        translations[lang.value] = texts
    if not form.topics:
        problems.append(FieldProblem(field="topics", rule="missing", message="choose at least one topic"))
    if not translations:
        problems.append(FieldProblem(field="title_ur", rule="missing", message="write at least one language"))
    if problems:
        raise ValidationFailedError("The content item is not valid.", errors=problems)
    has_contact = any((form.phones.strip(), form.address.strip(), form.verified_at, form.source.strip()))
    contact = {
        "phones": _listed(form.phones),
        "address": form.address.strip() or None,
        "verified_at": form.verified_at,
        "source": form.source.strip() or None,
    }
    return forms.as_contract(
        ContentWrite,
        {
            "kind": form.kind,
            "topics": form.topics,
            "translations": translations,
            "provinces": _listed(form.provinces),
            "districts": _listed(form.districts),
            "expires_at": _local(form.expires_at) if form.expires_at else None,
            "contact": contact if has_contact else None,
        },
        detail="The content item is not valid.",
    )


def local_minute(moment: datetime | None) -> str:
    """A stored time as a datetime-local input shows it, in Pakistan time."""
    return pakistan_time(moment).strftime(LOCAL_MINUTE) if moment else ""


def scheduled_time(typed: datetime) -> datetime:
    """The time a schedule input names (Pakistan time), aware."""
    return _local(typed)


def values(item: ContentRead | None) -> dict[str, Any]:
    """The form's values for a working copy (empty for a new item)."""
    if item is None:
        return {"kind": ContentKind.ARTICLE.value, "topics": [], "version": ""}
    shown: dict[str, Any] = {
        "version": item.version,
        "kind": item.kind.value,
        "topics": [topic.value for topic in item.topics],
        "provinces": ", ".join(item.provinces),
        "districts": ", ".join(item.districts),
        "expires_at": local_minute(item.expires_at),
        "phones": ", ".join(item.contact.phones) if item.contact else "",
        "address": (item.contact.address or "") if item.contact else "",
        "verified_at": item.contact.verified_at.isoformat()
        if item.contact and item.contact.verified_at
        else "",
        "source": (item.contact.source or "") if item.contact else "",
    }
    for lang, translation in item.translations.items():
        for field in TEXT_FIELDS:
            shown[f"{field}_{lang.value}"] = getattr(translation, field)
    return shown
