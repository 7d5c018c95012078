"""A young person's inbox: the alerts they were sent, read state, and opens counted once.

The delivery worker writes each person's `InboxEntry` (`<campaign id>:<uid>`) when it plans a campaign;
here the person reads them. An open is counted by its claim: the one conditional update that moves
`opened_at` from null to now. Only the request that wins it adds to the campaign's `stats.opened` and to
turnout's `alert_reach`, so a retried or concurrent report counts once; a crash between the claim and the
`$inc`s loses that count, never doubles it (as every counter here, see docs/DATABASE.md).
"""

import asyncio
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from backend.accounts.models import Account
from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import Campaign
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError
from backend.core.http_cache import Representation
from backend.core.kept_reads import KeptReads
from backend.core.pagination import PageParams, paginate
from backend.turnout import counting
from schemas.alerts import NotificationRead
from schemas.common import Page


def _entry_id(*, uid: str, campaign_id: str) -> str:
    return f"{campaign_id}:{uid}"


def to_read(entry: InboxEntry | dict[str, Any]) -> NotificationRead:
    """The person's view of an inbox entry (its id is the campaign's)."""
    stored = entry if isinstance(entry, InboxEntry) else InboxEntry.model_validate(entry)
    return NotificationRead.model_validate(
        {
            "id": stored.campaign_id,
            "title": stored.title,
            "body": stored.body,
            "language": stored.language,
            "link": stored.link,
            "priority": stored.priority,
            "sent_at": stored.sent_at,
            "read_at": stored.read_at,
            "opened_at": stored.opened_at,
        }
    )


# A person's inbox asked again within a second in this process is answered as it was, serialised already,
# unless an entry was written here since; what another process wrote shows within that second.
INBOX_KEPT_S = 1.0
_kept_inboxes: KeptReads[tuple[str, int, int], Representation] = KeptReads(InboxEntry, seconds=INBOX_KEPT_S)


async def kept_notifications(*, account: Account, page: PageParams) -> Representation:
    """`list_notifications`, serialised, kept for a moment."""

    async def read() -> Representation:
        return Representation.of(await list_notifications(account=account, page=page), compressed=True)

    return await _kept_inboxes.get((account.id, page.limit, page.offset), read)


async def list_notifications(*, account: Account, page: PageParams) -> Page[NotificationRead]:
    """The caller's alerts, newest first (a tie broken by the entry id, so pages are stable)."""
    return await paginate(
        InboxEntry,
        {"uid": account.id},
        sort=[("sent_at", -1), ("_id", -1)],
        page=page,
        read=lambda stored: to_read(InboxEntry.model_validate(stored)),
    )


async def _mark(*, account: Account, campaign_id: str, field: str, now: datetime) -> dict[str, Any] | None:
    """Set `field` to now on the caller's entry if unset; the entry as it was before, None if it has none."""
    before: dict[str, Any] | None = await InboxEntry.get_pymongo_collection().find_one_and_update(
        {"_id": _entry_id(uid=account.id, campaign_id=campaign_id), field: None},
        {"$set": {field: now}},
        return_document=ReturnDocument.BEFORE,
    )
    return before


async def _own_entry(*, account: Account, campaign_id: str) -> InboxEntry:
    entry = await InboxEntry.get(_entry_id(uid=account.id, campaign_id=campaign_id))
    if entry is None:
        raise NotFoundError("No such notification.")
    return entry


async def mark_read(*, account: Account, campaign_id: str) -> NotificationRead:
    """Mark the caller's alert read; `read_at` is the first time, kept on repeats."""
    await _mark(account=account, campaign_id=campaign_id, field="read_at", now=utc_now())
    return to_read(await _own_entry(account=account, campaign_id=campaign_id))


async def record_open(*, account: Account, campaign_id: str) -> None:
    """Note that the caller opened the alert; the first report counts it (campaign stats, turnout)."""
    now = utc_now()
    before = await _mark(account=account, campaign_id=campaign_id, field="opened_at", now=now)
    if before is None:
        await _own_entry(account=account, campaign_id=campaign_id)  # 404 unless it was opened already
        return
    # The three writes the won claim leads to touch different documents: sent at once, not one by one.
    await asyncio.gather(
        Campaign.get_pymongo_collection().update_one({"_id": campaign_id}, {"$inc": {"stats.opened": 1}}),
        counting.count_alert_open(places=counting.places_of(before["places"]), at=now, record=before["_id"]),
        # An opened alert was read; a `read_at` set already stays.
        _mark(account=account, campaign_id=campaign_id, field="read_at", now=now),
    )


async def own_notifications(*, uid: str) -> list[NotificationRead]:
    """Every alert in the person's inbox, newest first (for their data export)."""
    entries = await InboxEntry.find({"uid": uid}).sort("-sent_at", "-_id").to_list()
    return [to_read(entry) for entry in entries]


async def forget_person(*, uid: str) -> None:
    """Delete a person's inbox on erasure; the opens already counted stay in the aggregates."""
    await InboxEntry.get_pymongo_collection().delete_many({"uid": uid})
