"""An emergency to whole provinces as FCM topic messages, and which devices those messages reached.

Before the messages leave, the pending joins and leaves of their topics are sent to FCM and confirmed
(notifications/topic_sync.settle_topics). A topic that still holds a token which should leave it (an
erased person's phone FCM refused to unsubscribe, a disabled account's) gets no message: its people are
sent the alert device by device instead. The moment the messages left and the topics FCM accepted are
recorded on the campaign; a device counts as reached by its topic only when FCM had confirmed it in one
of those topics before that moment. Every other device of the audience is sent the alert directly.

The messages are claimed before they are sent (`topics_sent`), so they leave at most once. A planner that
dies between the claim and recording FCM's answers leaves the outcome unknown: the planner taking over
then sends every device directly (at least once; the collapse identity shows it once).
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from backend.alerts.audience import Phone, choose_language
from backend.alerts.devices.topic_sync import settle_topics
from backend.alerts.devices.topics import topic_name
from backend.alerts.models import Campaign
from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.pushes import message_for
from backend.core.clock import utc_now
from backend.geography.models import Province
from schemas.youth import Language

logger = logging.getLogger(__name__)
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class TopicReach:
    """When an emergency's topic messages left, and the topics FCM accepted them for."""

    sent_at: datetime
    topics: frozenset[str]

    def reached(self, phone: Phone) -> bool:
        """Whether the phone was confirmed in an accepted topic before the message left."""
        # Both times are stored to the millisecond: strictly earlier is earlier whatever was cut off.
        return (
            phone.topic in self.topics and phone.topic_since is not None and phone.topic_since < self.sent_at
        )


async def _provinces(campaign: Campaign) -> list[str]:
    named: list[str] = campaign.audience.get("provinces") or []
    return sorted(named or [province.id for province in await Province.find_all().to_list()])


async def topic_reach(campaign: Campaign, *, sender: FcmSender) -> TopicReach:
    """Send the emergency's topic messages (once per campaign), or read what an earlier planner sent."""
    if not campaign.topics_sent:
        # A topic per province and first language a person may have, in the text that person would get.
        languages = {
            topic_name(province, spoken): choose_language([spoken], campaign.title)
            for province in await _provinces(campaign)
            for spoken in sorted(language.value for language in Language)
        }
        safe = await settle_topics(sender, languages)
        sent_at = utc_now()
        claimed = await Campaign.get_pymongo_collection().update_one(
            {"_id": campaign.id, "topics_sent": False},
            {"$set": {"topics_sent": True, "topics_sent_at": sent_at}},
        )
        if claimed.modified_count == 1:
            topics = sorted(safe)
            messages = [message_for(campaign, language=languages[topic], topic=topic) for topic in topics]
            outcomes = await sender.send(messages)
            accepted = [
                topic for topic, outcome in zip(topics, outcomes, strict=True) if outcome.kind == "sent"
            ]
            await Campaign.get_pymongo_collection().update_one(
                {"_id": campaign.id}, {"$set": {"topics_accepted": accepted}}
            )
            logger.info(
                "alert topic messages sent",
                extra={"campaign_id": campaign.id, "topics": len(languages), "accepted": len(accepted)},
            )
            return TopicReach(sent_at, frozenset(accepted))
    stored = await Campaign.get_pymongo_collection().find_one(
        {"_id": campaign.id}, {"topics_sent_at": 1, "topics_accepted": 1}
    )
    if stored is None or stored.get("topics_accepted") is None or stored.get("topics_sent_at") is None:
        logger.warning(
            "alert topic outcome unknown: every device is sent directly", extra={"campaign_id": campaign.id}
        )
        return TopicReach(_NEVER, frozenset())
    return TopicReach(stored["topics_sent_at"], frozenset(stored["topics_accepted"]))
