"""What a campaign must satisfy when it is written: known places (stored as canonical codes), a deep link
to something that exists, a sane send time, and a push payload FCM will accept."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from backend.alerts.delivery.planner import uses_topics
from backend.alerts.models import Campaign
from backend.alerts.push.messages import payload_limit, payload_size
from backend.alerts.push.pushes import message_for
from backend.content.models import LiveContent
from backend.core.errors import ValidationFailedError, invalid_field
from backend.events.models import Event
from backend.geography import places
from backend.geography import service as geography
from schemas.alerts import Audience, DeepLink, LinkKind
from schemas.common import FieldProblem

# A send time a little in the past is "now" from a slow form or clock; more is a mistake.
SEND_AT_GRACE = timedelta(minutes=5)
SEND_AT_HORIZON = timedelta(days=90)
# Longer than any FCM registration token (today's are about 160 characters) and any province-and-language
# topic (`alerts-PK-KP-skr`): a campaign that passes fits every real recipient.
PLACEHOLDER_TOKEN = "t" * 250
PLACEHOLDER_TOPIC = "alerts-" + "x" * 57
# Link kinds owned by features above alerts (a poll), each with its "does this id exist" check.
_link_targets: dict[LinkKind, Callable[[str], Awaitable[bool]]] = {}


async def canonical_audience(audience: Audience, *, field: str) -> dict[str, Any]:
    """The audience as stored: place codes canonical and each once; raises naming every unknown code."""
    stored = audience.model_dump(mode="json")
    problems: list[FieldProblem] = []
    for key, kind in (
        ("provinces", "province"),
        ("districts", "district"),
        ("constituencies", "constituency"),
    ):
        values = getattr(audience, key)
        stored[key] = await places.collect_codes(f"{field}.{key}", values, kind=kind, problems=problems)
    if problems:
        raise ValidationFailedError("Unknown places in the audience.", errors=problems)
    return stored


async def provinces_spanned(audience: dict[str, Any]) -> set[str]:
    """The provinces a canonical audience reaches (every one for a national audience)."""
    if audience.get("national"):
        return set(await geography.province_codes())
    reference = await geography.reference()
    by_code = {ref.code: ref.province for ref in reference.districts.values()}
    spanned = set(audience.get("provinces") or [])
    spanned |= {by_code[code] for code in audience.get("districts") or [] if code in by_code}
    spanned |= {
        reference.seats[code].province
        for code in audience.get("constituencies") or []
        if code in reference.seats
    }
    return spanned


async def check_link(link: DeepLink | None, *, now: datetime) -> dict[str, str] | None:
    """The stored link: a published content item, an existing event or another linkable thing, by id."""
    if link is None:
        return None
    try:
        target = str(UUID(link.id))
    except ValueError:
        raise invalid_field("body.link.id", "unknown_link", "no such content item or event") from None
    if link.kind is LinkKind.CONTENT:
        live = await LiveContent.get_pymongo_collection().find_one(
            {"_id": target}, {"live": 1, "expires_at": 1}
        )
        if live is None or not live.get("live") or (live.get("expires_at") and live["expires_at"] <= now):
            raise invalid_field("body.link.id", "unpublished_content", "link a published content item")
    elif link.kind is LinkKind.EVENT:
        event = await Event.get_pymongo_collection().find_one({"_id": target}, {"deleted_at": 1})
        if event is None or event.get("deleted_at") is not None:
            raise invalid_field("body.link.id", "unknown_event", "link an existing event")
    else:
        exists = _link_targets.get(link.kind)
        if exists is None or not await exists(target):
            raise invalid_field(
                "body.link.id", f"unknown_{link.kind.value}", f"link an existing {link.kind.value}"
            )
    return {"kind": link.kind.value, "id": target}


def accept_links(kind: LinkKind, exists: Callable[[str], Awaitable[bool]]) -> None:
    """Let campaigns link to `kind`, a thing a feature above this one owns, when `exists(id)` says so
    (connected in registry.wire(), as signals are)."""
    _link_targets[kind] = exists


def check_send_at(send_at: datetime | None, *, now: datetime) -> datetime:
    """When to send: now when not given; refused far in the past or more than 90 days ahead."""
    if send_at is None:
        return now
    if send_at < now - SEND_AT_GRACE:
        raise invalid_field("body.send_at", "in_the_past", "the send time has passed")
    if send_at > now + SEND_AT_HORIZON:
        raise invalid_field("body.send_at", "too_far_ahead", "send at most 90 days ahead")
    return send_at


@dataclass(frozen=True, slots=True)
class PayloadSize:
    """One push a campaign sends (a language version, to a phone or a topic), in bytes against FCM's limit."""

    language: str
    kind: str  # "push message" or "topic message"
    size: int
    limit: int

    @property
    def over(self) -> bool:
        return self.size > self.limit


def payload_sizes(campaign: Campaign) -> list[PayloadSize]:
    """Every push the delivery would send for `campaign`, to the longest token and topic we expect."""
    sizes = []
    for language in campaign.title:
        sends = [("push message", message_for(campaign, language=language, token=PLACEHOLDER_TOKEN))]
        if uses_topics(campaign):
            sends.append(("topic message", message_for(campaign, language=language, topic=PLACEHOLDER_TOPIC)))
        sizes += [
            PayloadSize(language, kind, payload_size(message), payload_limit(message))
            for kind, message in sends
        ]
    return sizes


def check_payload(campaign: Campaign) -> None:
    """Refuse a campaign whose longest language version would be over FCM's limit (2 KB for topics)."""
    for push in payload_sizes(campaign):
        if push.over:
            raise invalid_field(
                "body.body",
                "payload_too_large",
                f"the {push.language} version makes a {push.kind} of {push.size} bytes; "
                f"FCM's limit is {push.limit}",
            )
