"""Young people's phones registered for push, and the topic subscriptions FCM must still drop (the tokens
of deleted devices)."""

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


class Device(Document):
    """A phone that receives push alerts; keyed by a hash of its FCM token, which moves between accounts."""

    id: str  # type: ignore[assignment]  # sha256 of the FCM token
    fcm_token: str
    uid: str
    platform: str
    app_version: str
    locale: str
    registered_at: datetime
    last_seen_at: datetime
    # Alert topic (notifications/topics.py): desired (None for a blocked person), as FCM has it and since
    # when FCM confirmed it, and "compare the two" for the sync.
    topic: str | None = None
    topic_subscribed: str | None = None
    topic_since: datetime | None = None
    topic_pending: bool = False
    # The process changing this device's topic at FCM now, and when its claim runs out (one at a time).
    topic_claim: str | None = None
    topic_claim_until: datetime | None = None

    class Settings:
        name = "youth_devices"
        indexes: ClassVar[list[IndexModel]] = [
            # The topic sync's devices to check, in a stable order (few at a time are pending).
            IndexModel([("topic_pending", ASCENDING), ("_id", ASCENDING)], name="topic_pending"),
            IndexModel(
                [("uid", ASCENDING), ("registered_at", ASCENDING), ("_id", ASCENDING)], name="uid_registered"
            ),
            IndexModel([("last_seen_at", ASCENDING)], name="last_seen"),
        ]
