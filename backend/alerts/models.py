"""Stored alert campaigns, their delivery batches and per-device records, and each person's inbox.

Never lost, never repeated, without transactions:
- a campaign is planned into batches of at most 500 devices (`AlertBatch`, `<campaign id>:<seq>`), the
  recipients streamed from a cursor and the plan's progress kept on the campaign (`plan_cursor`), so a
  planner that dies resumes where it stopped;
- a worker leases a batch with a conditional update (`lease_owner`, `lease_until`), renews the lease while
  it works, and a batch whose worker died is taken over once the lease has run out;
- each device's `Delivery` (`<campaign id>:<device id>`) is claimed (inserted) just before its batch's one
  send_each call; a claim whose worker died before recording FCM's answer becomes `unconfirmed` and is
  sent again by the worker taking the batch over: at least once, shown once (every message of a campaign
  carries its collapse identity, so a phone replaces the first with the second);
- the person's `InboxEntry` (`<campaign id>:<uid>`) is written with the first delivery, so an alert whose
  push was dismissed or never arrived is still there; its first `opened_at` is the claim that counts the
  open once (campaign statistics, turnout `alert_reach`).
"""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel


class Campaign(Document):
    id: str  # type: ignore[assignment]  # a UUID chosen by the server
    idempotency_key: str  # "<creator uid> <Idempotency-Key header>": a retried create is the same campaign
    # A digest of the request as written: the same key with another request is refused, not replayed.
    request_digest: str | None = None
    created_by: str
    title: dict[str, str]
    body: dict[str, str]
    link: dict[str, str] | None = None
    audience: dict[str, Any]
    priority: str
    send_at: datetime
    status: str
    # A message to named people (`audience.uids`) made by a feature, not an editor: not in editors' list.
    personal: bool = False
    confirmation_required: bool = False
    confirmed_by: str | None = None
    cancelled_at: datetime | None = None
    # Planning: "<uid>" of the last person planned (the cursor resumes after it), batches made, done.
    plan_cursor: str | None = None
    batches_planned: int = 0
    planned: bool = False
    # The planner holding the plan (a lease like a batch's), so two processes never plan one campaign.
    plan_owner: str | None = None
    plan_lease_until: datetime | None = None
    # An emergency by topic: its topic messages claimed (at most once), when they left, and the topics FCM
    # accepted them for (None until recorded: unknown if the planner died in between).
    topics_sent: bool = False
    topics_sent_at: datetime | None = None
    topics_accepted: list[str] | None = None
    finished_at: datetime | None = None
    stats: dict[str, int] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "alert_campaigns"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("idempotency_key", ASCENDING)], name="idempotency_key", unique=True),
            # The planner's due campaigns, earliest first.
            IndexModel(
                [("status", ASCENDING), ("send_at", ASCENDING), ("_id", ASCENDING)], name="status_send_at"
            ),
            # Editors' list, newest first (personal messages left out).
            IndexModel(
                [("personal", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)],
                name="personal_created",
            ),
            # Plans to resume (a planner died) and planned campaigns to finish.
            IndexModel(
                [("status", ASCENDING), ("planned", ASCENDING), ("plan_lease_until", ASCENDING)],
                name="status_planned_lease",
            ),
        ]


class AlertBatch(Document):
    id: str  # type: ignore[assignment]  # "<campaign id>:<seq>"
    campaign_id: str
    seq: int
    # Each: device_id, token, uid, language, and not_before (quiet hours) when held.
    recipients: list[dict[str, Any]]
    # plan: claims by inserting deliveries; release: held deliveries whose morning came; retry: deliveries
    # that failed retryably. A batch's channel is topic when its devices had the message as a topic one.
    kind: str = "plan"
    channel: str = "token"
    status: str = "pending"  # pending, done
    lease_owner: str | None = None
    # Set at creation (a retry's: when it may run), so a free batch is one whose lease_until has passed.
    lease_until: datetime | None = None
    attempts: int = 0
    # A retry batch: the retries its deliveries have used (an attempt that met an FCM outage uses none),
    # and when the first of its attempts was refused.
    retry_generation: int = 0
    retrying_since: datetime | None = None
    created_at: datetime

    class Settings:
        name = "alert_batches"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel(
                [("status", ASCENDING), ("lease_until", ASCENDING), ("_id", ASCENDING)], name="status_lease"
            ),
            IndexModel([("campaign_id", ASCENDING), ("status", ASCENDING)], name="campaign_status"),
        ]


class Delivery(Document):
    id: str  # type: ignore[assignment]  # "<campaign id>:<device id>"
    campaign_id: str
    uid: str
    device_id: str
    # claimed (sending), sent, failed, skipped, held (quiet hours, with release_at), releasing (in a
    # release batch), unconfirmed (claimed by a worker that died before recording the send's outcome;
    # sent again by the worker that takes its batch over, then sent or failed)
    status: str
    reason: str | None = None  # the FCM error code of a failure, why a device was skipped
    retryable: bool = False  # a failure a retry batch sends again (quota, unavailable)
    batch_id: str | None = None  # the batch that claimed it last: its takeover closes what it left claimed
    claim: str | None = None  # "<worker>#<lease number>": the lease of that batch that claimed it
    language: str | None = None  # the language it is sent in (a held one is sent later)
    message_id: str | None = None
    channel: str = "token"  # token, or topic for an emergency sent to province topics
    release_at: datetime | None = None
    at: datetime

    class Settings:
        name = "alert_deliveries"
        indexes: ClassVar[list[IndexModel]] = [
            # Held deliveries whose morning has come.
            IndexModel(
                [("status", ASCENDING), ("release_at", ASCENDING), ("_id", ASCENDING)], name="status_release"
            ),
            IndexModel([("campaign_id", ASCENDING), ("status", ASCENDING)], name="campaign_status"),
            IndexModel([("batch_id", ASCENDING), ("status", ASCENDING)], name="batch_status"),
        ]
