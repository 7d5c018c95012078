"""Topic subscriptions FCM must still drop: the tokens of deleted devices."""

from datetime import datetime
from typing import ClassVar

from beanie import Document
from pymongo import ASCENDING, IndexModel


class TopicRemoval(Document):
    """A deleted device's token still subscribed to an alert topic; the topic sync unsubscribes it."""

    id: str  # type: ignore[assignment]  # "<device id>:<topic>": noting it twice is one removal
    device_id: str
    token: str
    topic: str
    at: datetime

    class Settings:
        name = "alert_topic_removals"
        indexes: ClassVar[list[IndexModel]] = [
            # The leaves an emergency waits for, in the topics it is about to send to.
            IndexModel([("topic", ASCENDING), ("_id", ASCENDING)], name="topic"),
            # The leaves a request makes at once (an erasure, a removed phone).
            IndexModel([("device_id", ASCENDING)], name="device"),
        ]
