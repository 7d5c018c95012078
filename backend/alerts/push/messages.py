"""What we push and what became of it: our message, its FCM v1 form and size, and the send outcomes."""

import json
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from firebase_admin import messaging

from schemas.alerts import Priority

# FCM's limits: bytes of payload (4 KB, 2 KB for topic messages), messages per send_each call, tokens per
# topic (un)subscription call, and the longest time FCM keeps an undelivered message.
PAYLOAD_LIMIT = 4096
TOPIC_PAYLOAD_LIMIT = 2048
MAX_BATCH = 500
MAX_TOPIC_BATCH = 1000
MAX_TTL_S = 28 * 24 * 3600


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One push to a device token or to a topic."""

    title: str
    body: str
    token: str | None = None
    topic: str | None = None
    data: Mapping[str, str] = field(default_factory=dict)
    priority: Priority = Priority.NORMAL
    ttl_s: int | None = None
    collapse_key: str | None = None

    def __post_init__(self) -> None:
        if (self.token is None) == (self.topic is None):
            raise ValueError("a message goes to exactly one of a token or a topic")
        if self.ttl_s is not None and not 0 <= self.ttl_s <= MAX_TTL_S:
            raise ValueError(f"ttl_s must be between 0 and {MAX_TTL_S}")


class OutcomeKind(StrEnum):
    SENT = "sent"
    UNREGISTERED = "unregistered"
    INVALID_TOKEN = "invalid_token"  # noqa: S105  (an outcome name, not a secret)
    INVALID_PAYLOAD = "invalid_payload"
    SENDER_MISMATCH = "sender_mismatch"
    FAILED = "failed"


_REMOVES_TOKEN = frozenset({OutcomeKind.UNREGISTERED, OutcomeKind.INVALID_TOKEN, OutcomeKind.SENDER_MISMATCH})


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What FCM answered for one message, after our retries."""

    kind: OutcomeKind
    message_id: str | None = None
    code: str | None = None  # the FCM or Firebase error code of a failure
    retryable: bool = False  # a failure worth trying again later (quota, unavailable, internal)
    attempts: int = 1
    retry_after_s: float | None = None  # what FCM last asked us to wait, when it said

    @property
    def status(self) -> str:
        """sent, unregistered, invalid_token, invalid_payload, sender_mismatch or failed:<code>."""
        return f"failed:{self.code}" if self.kind is OutcomeKind.FAILED else self.kind.value

    @property
    def removes_token(self) -> bool:
        """Whether the device token is dead and must leave the registry."""
        return self.kind in _REMOVES_TOKEN


@dataclass(frozen=True, slots=True)
class TopicOutcome:
    """The result of subscribing or unsubscribing tokens: how many succeeded, and why each other failed."""

    succeeded: int
    errors: dict[str, str]


def to_fcm(message: OutgoingMessage) -> messaging.Message:
    """The firebase-admin message for ours."""
    urgent = message.priority is not Priority.NORMAL
    ttl = None if message.ttl_s is None else timedelta(seconds=message.ttl_s)
    apns_headers = {"apns-priority": "10" if urgent else "5"}
    if message.collapse_key is not None:
        apns_headers["apns-collapse-id"] = message.collapse_key
    if message.ttl_s is not None:
        # APNs takes an absolute expiry; 0 means "deliver now or never", as a TTL of 0 does on Android.
        apns_headers["apns-expiration"] = str(int(time.time()) + message.ttl_s if message.ttl_s else 0)
    with warnings.catch_warnings():
        # firebase-admin 7.7 deprecates `token` for `fid` (installation IDs); our devices register FCM
        # registration tokens, which FCM v1 still takes as `token`.
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        return messaging.Message(
            token=message.token,
            topic=message.topic,
            notification=messaging.Notification(title=message.title, body=message.body),
            data=dict(message.data) or None,
            android=messaging.AndroidConfig(
                priority="high" if urgent else "normal",
                ttl=ttl,
                collapse_key=message.collapse_key,
                # The tag replaces a notification already shown with the same one: a repeated send of a
                # campaign (after a worker crash) shows once. APNs does the same by apns-collapse-id.
                notification=messaging.AndroidNotification(tag=message.collapse_key)
                if message.collapse_key
                else None,
            ),
            apns=messaging.APNSConfig(headers=apns_headers),
        )


def encode(message: messaging.Message) -> dict[str, Any]:
    """The SDK's JSON form of a message; raises ValueError for a message the SDK refuses."""
    # The SDK's own encoder (a private class attribute), so that validation and size match the send.
    encoded: dict[str, Any] = messaging._MessagingService.encode_message(message)
    return encoded


def fcm_body(message: OutgoingMessage) -> dict[str, Any]:
    """The JSON body firebase-admin posts to messages:send; raises ValueError for a message it refuses."""
    return {"message": encode(to_fcm(message))}


def payload_size(message: OutgoingMessage) -> int:
    """Bytes of the body FCM receives for this message, serialised as httpx does for `json=`."""
    body = json.dumps(fcm_body(message), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return len(body.encode("utf-8"))


def payload_limit(message: OutgoingMessage) -> int:
    """FCM's size limit for this message: 4 KB, or 2 KB for a topic message."""
    return TOPIC_PAYLOAD_LIMIT if message.topic is not None else PAYLOAD_LIMIT
