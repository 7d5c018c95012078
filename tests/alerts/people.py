"""Young people with phones, stored directly, for the audience and campaign tests."""

import hashlib
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.alerts.devices.models import Device
from backend.core.clock import utc_now
from backend.youth.models import YouthProfile

# Where each district is: the filter trusts canonical codes, so these need no seed.
PLACES = {
    "lahore": ("PK-PB", "NA-117"),
    "quetta": ("PK-BA", "NA-263"),
    "peshawar": ("PK-KP", "NA-28"),
}


def pakistan_year() -> int:
    return datetime.now(ZoneInfo("Asia/Karachi")).year


async def person(
    uid: str | None = None, *, district: str = "lahore", devices: int = 1, **fields: Any
) -> YouthProfile:
    """A young person stored directly, with `devices` phones."""
    province, seat = PLACES[district]
    now = utc_now()
    values: dict[str, Any] = {
        "id": uid or uuid.uuid4().hex,
        "display_name": "Ayesha",
        "birth_year": pakistan_year() - 20,
        "gender": "female",
        "district": district,
        "constituency": seat,
        "province": province,
        "languages": ["ur"],
        "interests": ["legal_migration"],
        "consent": {"version": "2026-11-v1"},
        "created_at": now,
        "updated_at": now,
    } | fields
    profile = YouthProfile(**values)
    await profile.insert()
    for _ in range(devices):
        token = f"token-{uuid.uuid4().hex}"
        await Device(
            id=hashlib.sha256(token.encode()).hexdigest(),
            fcm_token=token,
            uid=profile.id,
            platform="android",
            app_version="1.0.0",
            locale="ur-PK",
            registered_at=now,
            last_seen_at=now,
        ).insert()
    return profile
