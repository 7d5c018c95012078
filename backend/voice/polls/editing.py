"""Editors' polls: write (idempotent), change (compare-and-set on `version`), close, list and read.

A poll opening with an announcement gets an alert campaign to its audience, linking to it, sent when it
opens; the campaign's Idempotency-Key is derived from the poll and its version, so a retried create or
change makes it once. Questions are frozen by the first answer (`answered`, set by the answer's claim).
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.alerts import campaigns, checks
from backend.audit import service as audit
from backend.core.clock import stored_time, utc_now
from backend.core.errors import ConflictError, NotFoundError, invalid_field
from backend.core.pagination import PageParams, paginate
from backend.core.versioning import LostRaceError, replaying
from backend.voice.polls.models import Poll
from schemas.alerts import CampaignWrite, DeepLink, LinkKind
from schemas.common import Page
from schemas.polls import PollQuestionWrite, PollRead, PollStatus, PollUpdate, PollWrite

OPENS_AT_GRACE = timedelta(minutes=5)
HORIZON = timedelta(days=90)
LONGEST = timedelta(days=90)


def status_of(poll: Poll | dict[str, Any], *, now: datetime) -> PollStatus:
    opens_at, closes_at = (
        (poll.opens_at, poll.closes_at) if isinstance(poll, Poll) else (poll["opens_at"], poll["closes_at"])
    )
    if now < stored_time(opens_at):
        return PollStatus.SCHEDULED
    return PollStatus.OPEN if now < stored_time(closes_at) else PollStatus.CLOSED


def to_read(poll: Poll | dict[str, Any]) -> PollRead:
    """The editors' view of a stored poll (a Beanie document or the raw one a list reads)."""
    stored = poll.model_dump() | {"_id": poll.id} if isinstance(poll, Poll) else dict(poll)
    return PollRead.model_validate(
        {
            "id": stored["_id"],
            "title": stored["title"],
            "questions": stored["questions"],
            "audience": stored["audience"],
            "opens_at": stored["opens_at"],
            "closes_at": stored["closes_at"],
            "status": status_of(stored, now=utc_now()),
            "version": stored["version"],
            "answered": stored.get("answered", False),
            "announcement_campaign_id": stored.get("announcement_campaign_id"),
            "created_by": stored["created_by"],
            "created_at": stored["created_at"],
        }
    )


def stored_questions(questions: list[PollQuestionWrite]) -> list[dict[str, Any]]:
    """Questions as stored: ids by position (`q1`..., options `o1`...), text by language code."""
    return [
        {
            "id": f"q{number}",
            "kind": question.kind.value,
            "text": {language.value: text for language, text in question.text.items()},
            "options": [
                {
                    "id": f"o{index}",
                    "label": {language.value: text for language, text in option.label.items()},
                }
                for index, option in enumerate(question.options, start=1)
            ],
        }
        for number, question in enumerate(questions, start=1)
    ]


def _check_times(opens_at: datetime, closes_at: datetime, *, now: datetime, opening_checked: bool) -> None:
    if opening_checked and opens_at < now - OPENS_AT_GRACE:
        raise invalid_field("body.opens_at", "in_the_past", "the opening time has passed")
    if opening_checked and opens_at > now + HORIZON:
        raise invalid_field("body.opens_at", "too_far_ahead", "open a poll at most 90 days ahead")
    if closes_at <= opens_at:
        raise invalid_field("body.closes_at", "before_opening", "close the poll after it opens")
    if closes_at - opens_at > LONGEST:
        raise invalid_field("body.closes_at", "too_long", "keep a poll open at most 90 days")


def _digest(write: PollWrite) -> str:
    request = json.dumps(write.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(request.encode()).hexdigest()


async def exists(poll_id: str) -> bool:
    """Whether a poll has this id (campaigns may link to it)."""
    return await Poll.get_pymongo_collection().find_one({"_id": poll_id}, {"_id": 1}) is not None


async def _announce(poll: Poll, *, actor: str) -> Poll:
    """Make the poll's announcement campaign once per version (replayed by its key) and note its id."""
    if poll.announcement is None:
        return poll
    write = CampaignWrite.model_validate(
        {
            "title": poll.announcement["title"],
            "body": poll.announcement["body"],
            "link": DeepLink(kind=LinkKind.POLL, id=poll.id),
            "audience": poll.audience,
            "send_at": max(stored_time(poll.opens_at), utc_now()),
        }
    )
    campaign, _ = await campaigns.create(actor=actor, key=f"poll-{poll.id}-v{poll.version}", write=write)
    if poll.announcement_campaign_id != str(campaign.id):
        await Poll.get_pymongo_collection().update_one(
            {"_id": poll.id, "version": poll.version},
            {"$set": {"announcement_campaign_id": str(campaign.id)}},
        )
        poll.announcement_campaign_id = str(campaign.id)
    return poll


async def create(*, actor: str, key: str, write: PollWrite) -> tuple[PollRead, bool]:
    """Write a poll; the same key and request again is the same poll (created: False)."""
    idempotency_key = f"{actor} {key}"
    digest = _digest(write)
    existing = await Poll.find_one({"idempotency_key": idempotency_key})
    if existing is None:
        now = utc_now()
        opens_at, closes_at = stored_time(write.opens_at), stored_time(write.closes_at)
        _check_times(opens_at, closes_at, now=now, opening_checked=True)
        poll = Poll(
            id=str(uuid.uuid4()),
            idempotency_key=idempotency_key,
            request_digest=digest,
            title={language.value: text for language, text in write.title.items()},
            questions=stored_questions(write.questions),
            audience=await checks.canonical_audience(write.audience, field="body.audience"),
            opens_at=opens_at,
            closes_at=closes_at,
            announcement=write.announce.model_dump(mode="json") if write.announce else None,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        try:
            await poll.insert()
        except DuplicateKeyError:  # a concurrent retry with the same key inserted first
            existing = await Poll.find_one({"idempotency_key": idempotency_key})
            if existing is None:
                raise
        else:
            await audit.record(
                actor=actor, action="voice.poll_created", resource_type="poll", resource_id=poll.id
            )
            return to_read(await _announce(poll, actor=actor)), True
    if existing.request_digest != digest:
        raise ConflictError(
            "This Idempotency-Key was used for another poll; use a new key.", code="idempotency_key_reused"
        )
    # A retry finishes what the first try may not have: the announcement.
    return to_read(await _announce(existing, actor=actor)), False


async def load(poll_id: str) -> Poll:
    poll = await Poll.get(poll_id)
    if poll is None:
        raise NotFoundError("No poll has this id.")
    return poll


async def get(*, poll_id: str) -> PollRead:
    return to_read(await load(poll_id))


async def list_polls(*, page: PageParams) -> Page[PollRead]:
    """Every poll, newest first."""
    return await paginate(Poll, {}, sort=[("created_at", -1), ("_id", -1)], page=page, read=to_read)


def _version_conflict(poll: Poll) -> ConflictError:
    return ConflictError(
        "The poll changed since you loaded it; reload and retry.",
        code="version_conflict",
        extensions={"current_version": poll.version},
    )


async def _changes_of(poll: Poll, update: PollUpdate, *, now: datetime) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    title = None if update.title is None else {lang.value: text for lang, text in update.title.items()}
    if title is not None and title != poll.title:
        changes["title"] = title
    if update.questions is not None:
        questions = stored_questions(update.questions)
        if questions != poll.questions:
            if poll.answered:
                raise ConflictError(
                    "Somebody has answered this poll: its questions stay.", code="poll_answered"
                )
            changes["questions"] = questions
    if update.audience is not None:
        audience = await checks.canonical_audience(update.audience, field="body.audience")
        if audience != poll.audience:
            changes["audience"] = audience
    opens_at = stored_time(update.opens_at) if update.opens_at else poll.opens_at
    closes_at = stored_time(update.closes_at) if update.closes_at else poll.closes_at
    opening_moved = opens_at != stored_time(poll.opens_at)
    if opening_moved and status_of(poll, now=now) is not PollStatus.SCHEDULED:
        raise ConflictError("This poll has opened: its opening time stays.", code="poll_opened")
    _check_times(opens_at, closes_at, now=now, opening_checked=opening_moved)
    if opening_moved:
        changes["opens_at"] = opens_at
    if closes_at != stored_time(poll.closes_at):
        changes["closes_at"] = closes_at
    return changes


@replaying
async def update(*, actor: str, poll_id: str, update: PollUpdate, if_match: int | None) -> PollRead:
    """Change a poll as of the version the editor loaded; an unchanged request answers as it is."""
    poll = await load(poll_id)
    now = utc_now()
    changes = await _changes_of(poll, update, now=now)
    if not changes:
        return to_read(poll)  # as asked already (a retry of a change made): a replay, whatever If-Match
    if if_match is not None and if_match != poll.version:
        raise _version_conflict(poll)
    # Questions change only while unanswered: the first answer's claim sets `answered` on this version.
    condition: dict[str, Any] = {"_id": poll.id, "version": poll.version}
    if "questions" in changes:
        condition["answered"] = False
    moved = await Poll.get_pymongo_collection().find_one_and_update(
        condition,
        {"$set": changes | {"updated_at": now}, "$inc": {"version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if moved is None:  # a concurrent change won: run again on the version it made (core/versioning.py)
        raise LostRaceError("The poll changed meanwhile.", code="version_conflict")
    changed = Poll.model_validate(moved)
    await audit.record(
        actor=actor,
        action="voice.poll_changed",
        resource_type="poll",
        resource_id=poll.id,
        details={"fields": sorted(changes), "version": changed.version},
    )
    if poll.announcement_campaign_id and ({"opens_at", "audience"} & set(changes)):
        # The announcement goes to the new audience at the new time: the old one is cancelled if unsent.
        try:
            await campaigns.cancel(actor=actor, campaign_id=poll.announcement_campaign_id)
        except ConflictError:
            return to_read(changed)  # already sent: announced once is enough
        changed = await _announce(changed, actor=actor)
    return to_read(changed)


@replaying
async def close(*, actor: str, poll_id: str) -> PollRead:
    """Close an open poll now; closing a closed poll changes nothing."""
    poll = await load(poll_id)
    now = utc_now()
    status = status_of(poll, now=now)
    if status is PollStatus.CLOSED:
        return to_read(poll)
    if status is PollStatus.SCHEDULED:
        raise ConflictError("This poll has not opened; change its times instead.", code="poll_not_open")
    moved = await Poll.get_pymongo_collection().find_one_and_update(
        {"_id": poll.id, "version": poll.version},
        {"$set": {"closes_at": now, "updated_at": now}, "$inc": {"version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if moved is None:  # changed meanwhile: decided again on the new version (core/versioning.py)
        raise LostRaceError("The poll changed meanwhile.", code="version_conflict")
    await audit.record(actor=actor, action="voice.poll_closed", resource_type="poll", resource_id=poll.id)
    return to_read(Poll.model_validate(moved))
