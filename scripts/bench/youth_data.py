"""Young people's bench data: sign-up bodies, an event happening now with its check-in code, and profiles and
check-ins as the API stores them, written directly to grow the store."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from backend.core.settings import Settings
from backend.events.checkin_codes import CheckinSigner
from backend.events.models import Attendance, Event
from backend.youth.models import YouthProfile
from scripts.bench.common import store_directly

CONSENT_VERSION = "2026-11-v1"


def signup_body() -> dict[str, Any]:
    """An app sign-up in Lahore that passes every rule."""
    return {
        "display_name": "Bench Person",
        "birth_year": datetime.now(UTC).year - 20,
        "gender": "female",
        "district": "lahore",
        "constituency": "NA-117",
        "provincial_constituency": "PP-145",
        "languages": ["ur"],
        "interests": ["legal_migration"],
        "consent": {"version": CONSENT_VERSION},
    }


def store_event(settings: Settings) -> tuple[str, str]:
    """An event happening now, stored directly, and its check-in code."""
    now = datetime.now(UTC).replace(microsecond=0)
    event_id = str(uuid.uuid4())
    doc = {
        "_id": event_id,
        "version": 1,
        "kind": "youth_dialogue",
        "title": "Bench dialogue",
        "topics": ["legal_migration"],
        "district": "lahore",
        "constituency": "NA-117",
        "province": "PK-PB",
        "venue_name": "Hall",
        "starts_at": now - timedelta(minutes=10),
        "ends_at": now + timedelta(hours=2),
        "partner_organisations": [],
        "expected_turnout": 100,
        "status": "planned",
        "review": "not_reported",
        "created_by": "bench",
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "rsvp_count": 0,
        "checkin_count": 0,
        "photo_ids": [],
        "pending_change": None,
    }

    async def insert() -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        await client[settings.mongodb_database][Event.Settings.name].insert_one(doc)
        await client.close()

    asyncio.run(insert())
    event = Event.model_construct(id=event_id, starts_at=doc["starts_at"], ends_at=doc["ends_at"])
    return event_id, CheckinSigner(settings).issue(event).payload


def profile_document(uid: str, now: datetime) -> dict[str, Any]:
    """A profile as the API stores it after an app sign-up."""
    return {
        "_id": uid,
        "display_name": "Stored Person",
        "birth_year": now.year - 20,
        "gender": "male",
        "district": "lahore",
        "constituency": "NA-117",
        "province": "PK-PB",
        "languages": ["ur"],
        "interests": ["legal_migration"],
        "phone": None,
        "consent": {"version": CONSENT_VERSION, "given_at": now, "method": "app", "guardian_consent": False},
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "alerts_stopped": False,
        "status": "active",
        "registered_by": None,
        "tombstone_id": None,
        "created_at": now,
        "updated_at": now,
    }


def attendance_document(uid: str, event_id: str, now: datetime) -> dict[str, Any]:
    """A counted check-in as the API stores it."""
    return {
        "_id": f"{event_id}:{uid}",
        "event_id": event_id,
        "uid": uid,
        "district": "lahore",
        "checked_in_at": now,
        "counted": True,
    }


def store_people(settings: Settings, first: int, count: int) -> None:
    """`count` profiles and one past check-in each (100 people per past event), written directly."""
    now = datetime.now(UTC)
    uids = [f"stored-{n}" for n in range(first, first + count)]
    store_directly(
        settings, YouthProfile.Settings.name, (profile_document(uid, now) for uid in uids), label="profiles"
    )

    def checkins() -> Iterator[dict[str, Any]]:
        for n, uid in enumerate(uids, start=first):
            yield attendance_document(uid, f"00000000-0000-4000-8000-{n // 100:012d}", now)

    store_directly(settings, Attendance.Settings.name, checkins(), label="check-ins")
