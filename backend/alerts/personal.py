"""Personal messages: an alert to named young people (their inbox and phones) that a feature sends, such
as "your question was answered". Delivered by the alert workers like any campaign (quiet hours, retries,
at least once and shown once), but made once per key by the feature, never listed to editors."""

import uuid
from collections.abc import Mapping, Sequence

from pymongo.errors import DuplicateKeyError

from backend.alerts import checks
from backend.alerts.models import Campaign
from backend.core.clock import utc_now
from schemas.alerts import CampaignStatus


async def send(
    *,
    key: str,
    uids: Sequence[str],
    title: Mapping[str, str],
    body: Mapping[str, str],
    link: Mapping[str, str] | None = None,
) -> str:
    """Send a message to `uids` now, once per `key` (a retry with the same key sends nothing more); its id.

    Title and body are by language, with Urdu or English among them (each person gets theirs).
    """
    idempotency_key = f"personal {key}"
    now = utc_now()
    campaign = Campaign(
        id=str(uuid.uuid4()),
        idempotency_key=idempotency_key,
        created_by="system",
        title=dict(title),
        body=dict(body),
        link=dict(link) if link else None,
        audience={"uids": sorted(set(uids))},
        priority="normal",
        send_at=now,
        status=CampaignStatus.SCHEDULED.value,
        personal=True,
        created_at=now,
        updated_at=now,
    )
    checks.check_payload(campaign)
    try:
        await campaign.insert()
    except DuplicateKeyError:
        existing = await Campaign.find_one({"idempotency_key": idempotency_key})
        if existing is None:
            raise
        return existing.id
    return campaign.id
