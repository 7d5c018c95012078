"""What an editor's write must satisfy: sanitised text, known places, and what publishing needs."""

import re
from datetime import datetime
from typing import Any

from backend.content import markdown
from backend.core.clock import stored_time
from backend.core.errors import ValidationFailedError
from backend.core.text import UnsettledTextError, plain_text
from backend.geography import places
from schemas.common import FieldProblem
from schemas.content import REQUIRED_LANGUAGES, ContentKind, ContentWrite

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{1,28}[0-9]$")
_KINDS_WITH_CONTACT = (ContentKind.HELPLINE, ContentKind.OFFICE)


async def prepare(write: ContentWrite) -> dict[str, Any]:
    """The stored form of a write: sanitised text and canonical place codes, or a 422 naming each field."""
    problems: list[FieldProblem] = []
    removed: set[str] = set()
    translations: dict[str, dict[str, str]] = {}
    for lang, translation in write.translations.items():
        try:
            title, title_changed = plain_text(translation.title)
            summary, summary_changed = plain_text(translation.summary)
        except UnsettledTextError:
            problems.append(
                FieldProblem(
                    field=f"body.translations.{lang.value}",
                    rule="unsafe_text",
                    message="title or summary could not be made plain text; remove markup and try again",
                )
            )
            continue
        try:
            body = markdown.sanitise(translation.body)
        except markdown.UnsanitisableMarkdownError:
            problems.append(
                FieldProblem(
                    field=f"body.translations.{lang.value}.body",
                    rule="unsafe_markdown",
                    message="body could not be made safe; remove markup such as HTML and try again",
                )
            )
            continue
        removed.update(body.removed)
        if title_changed or summary_changed:
            removed.add("raw_html")
        for name, value in (("title", title), ("summary", summary), ("body", body.text)):
            if not value.strip():
                problems.append(
                    FieldProblem(
                        field=f"body.translations.{lang.value}.{name}",
                        rule="empty_after_sanitising",
                        message=f"{name} has no text left once markup is removed",
                    )
                )
        translations[lang.value] = {"title": title, "summary": summary, "body": body.text}

    provinces = await places.collect_codes(
        "body.provinces", write.provinces, kind="province", problems=problems
    )
    districts = await places.collect_codes(
        "body.districts", write.districts, kind="district", problems=problems
    )
    contact = write.contact.model_dump(mode="json") if write.contact else None
    if contact is not None and write.kind not in _KINDS_WITH_CONTACT:
        problems.append(
            FieldProblem(
                field="body.contact",
                rule="only_for_helplines_and_offices",
                message="only helplines and offices have contact details",
            )
        )
    for index, phone in enumerate(contact["phones"] if contact else []):
        if not _PHONE.match(phone.strip()):
            problems.append(
                FieldProblem(
                    field=f"body.contact.phones.{index}",
                    rule="phone_number",
                    message="a phone number has digits, spaces, dashes, brackets and an optional leading +",
                )
            )
    if problems:
        raise ValidationFailedError("The content item is not valid.", errors=problems)
    return {
        "kind": write.kind.value,
        "topics": [topic.value for topic in write.topics],
        "translations": translations,
        "provinces": provinces,
        "districts": districts,
        "expires_at": stored_time(write.expires_at) if write.expires_at else None,
        "contact": contact,
        "sanitised": sorted(removed),
    }


def publish_problems(fields: dict[str, Any], *, now: datetime) -> list[FieldProblem]:
    """Why a working copy cannot go live yet (empty when it can)."""
    problems = [
        FieldProblem(
            field=f"translations.{lang.value}",
            rule="required_to_publish",
            message=f"a published item needs {lang.name.title()} ({lang.value})",
        )
        for lang in REQUIRED_LANGUAGES
        if lang.value not in fields["translations"]
    ]
    kind = ContentKind(fields["kind"])
    contact = fields.get("contact") or {}
    if kind in _KINDS_WITH_CONTACT:
        needed = ["verified_at", "source"] + (["phones"] if kind is ContentKind.HELPLINE else ["address"])
        for name in needed:
            if not contact.get(name):
                problems.append(
                    FieldProblem(
                        field=f"contact.{name}",
                        rule=f"required_for_{kind.value}",
                        message=f"a published {kind.value} needs contact.{name}",
                    )
                )
    expires_at = fields.get("expires_at")
    if expires_at is not None and expires_at <= now:
        problems.append(FieldProblem(field="expires_at", rule="in_the_past", message="expires_at has passed"))
    return problems
