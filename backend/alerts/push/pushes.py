"""The push a campaign sends: its text in one language, its data, priority, lifetime and collapse key."""

from backend.alerts.models import Campaign
from backend.alerts.push.messages import OutgoingMessage
from schemas.alerts import Priority

# Kept by FCM while a phone is off: a day for news, three for urgent and emergency alerts (28 at most).
_TTL_S = {"normal": 24 * 3600, "high": 3 * 24 * 3600, "emergency": 3 * 24 * 3600}


def message_for(
    campaign: Campaign, *, language: str, token: str | None = None, topic: str | None = None
) -> OutgoingMessage:
    """The push of a campaign in one language, to a device token or a topic."""
    data = {"campaign_id": campaign.id, "priority": campaign.priority}
    if campaign.link:
        data |= {"link_kind": campaign.link["kind"], "link_id": campaign.link["id"]}
    return OutgoingMessage(
        title=campaign.title[language],
        body=campaign.body[language],
        token=token,
        topic=topic,
        data=data,
        priority=Priority(campaign.priority),
        ttl_s=_TTL_S[campaign.priority],
        collapse_key=campaign.id,
    )
