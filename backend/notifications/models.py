"""Topic subscriptions FCM must still drop (the tokens of deleted devices), and the topic sync's lease."""

from datetime import datetime

from beanie import Document


class TopicRemoval(Document):
    """A deleted device's token still subscribed to an alert topic; the topic sync unsubscribes it."""

    id: str  # type: ignore[assignment]  # "<device id>:<topic>": noting it twice is one removal
    device_id: str
    token: str
    topic: str
    at: datetime

    class Settings:
        name = "alert_topic_removals"


class TopicSyncLease(Document):
    """Held by the one process running the topic sync (every API process has the timer)."""

    id: str  # type: ignore[assignment]  # always "sync"
    owner: str
    until: datetime

    class Settings:
        name = "alert_topic_sync"
