"""Small factories for delivery tests: people with phones, a due campaign, a worker's config, a drain."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.worker import RoundReport, run_round
from backend.alerts.devices.models import Device
from backend.alerts.devices.topics import topic_name
from backend.alerts.models import Campaign
from backend.alerts.push.fcm import FcmSender
from backend.core.clock import utc_now
from backend.core.database import Database
from backend.core.settings import Settings
from backend.youth.models import YouthProfile

# No quiet hours (start == end): these people are never held.
AWAKE = ("00:00", "00:00")


@pytest.fixture
async def database(shared_database: Database) -> Settings:
    """The run's database, emptied, without the app (nor the Auth emulator it needs)."""
    await shared_database.clear()
    return shared_database.settings


def token_of(uid: str, number: int = 0) -> str:
    return f"token-{uid}-{number}"


def device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def add_people(
    count: int,
    *,
    prefix: str = "u",
    devices_each: int = 1,
    quiet: tuple[str, str] = AWAKE,
    stopped: bool = False,
    province: str = "PK-PB",
    district: str = "Lahore",
    languages: list[str] | None = None,
    in_topic: bool = False,
) -> list[str]:
    """Insert `count` young people with `devices_each` phones each; their device tokens. `in_topic`: FCM
    confirmed the phones in their alert topic a minute ago."""
    now = utc_now()
    topic = topic_name(province, (languages or ["ur"])[0]) if in_topic else None
    profiles: list[dict[str, Any]] = []
    devices: list[dict[str, Any]] = []
    for number in range(count):
        uid = f"{prefix}{number:05d}"
        profiles.append(
            {
                "_id": uid,
                "display_name": uid,
                "birth_year": 2004,
                "gender": "female",
                "district": district,
                "constituency": f"NA-{number % 7 + 1}",
                "province": province,
                "languages": languages or ["ur"],
                "interests": [],
                "consent": {},
                "quiet_start": quiet[0],
                "quiet_end": quiet[1],
                "alerts_stopped": stopped,
                "status": "active",
                "created_at": now,
                "updated_at": now,
            }
        )
        for index in range(devices_each):
            token = token_of(uid, index)
            devices.append(
                {
                    "_id": device_id(token),
                    "fcm_token": token,
                    "uid": uid,
                    "platform": "android",
                    "app_version": "1.0",
                    "locale": "ur-PK",
                    "registered_at": now,
                    "last_seen_at": now,
                    "topic": topic,
                    "topic_subscribed": topic,
                    "topic_since": now - timedelta(minutes=1) if topic else None,
                }
            )
    await YouthProfile.get_pymongo_collection().insert_many(profiles)
    if devices:
        await Device.get_pymongo_collection().insert_many(devices)
    return [device["fcm_token"] for device in devices]


async def add_campaign(
    *,
    audience: dict[str, Any] | None = None,
    priority: str = "normal",
    send_at: datetime | None = None,
    link: dict[str, str] | None = None,
) -> Campaign:
    """A campaign as the campaigns API leaves it: scheduled, due at `send_at` (now by default)."""
    now = utc_now()
    campaign = Campaign(
        id=str(uuid.uuid4()),
        idempotency_key=f"editor {uuid.uuid4()}",
        created_by="editor",
        title={"ur": "انتباہ", "en": "Alert"},
        body={"ur": "جعلی ویزا سے بچیں", "en": "Beware of fake visas"},
        link=link,
        audience=audience or {"national": True},
        priority=priority,
        send_at=send_at or now,
        status="scheduled",
        created_at=now,
        updated_at=now,
    )
    await campaign.insert()
    return campaign


def worker(owner: str = "test-worker", *, lease_s: float = 60, batch_size: int = 500) -> WorkerConfig:
    return WorkerConfig(owner=owner, lease_s=lease_s, batch_size=batch_size)


async def drain(sender: FcmSender, config: WorkerConfig, *, rounds: int = 10) -> list[RoundReport]:
    """Run rounds until one finds nothing to do."""
    reports = []
    for _ in range(rounds):
        report = await run_round(sender=sender, config=config)
        reports.append(report)
        if not report.busy:
            break
    return reports


def at(text: str) -> datetime:
    """An ISO moment, in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)
