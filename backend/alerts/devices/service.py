"""Young people's phones registered for push: registration, removal, the drop of stale ones, and their
topic following the person's profile (the handler of youth's `profile_changed` signal)."""

import hashlib
from datetime import datetime, timedelta

from backend.accounts.models import Account
from backend.alerts.devices import topic_sync, topics
from backend.alerts.devices.models import Device
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError
from backend.youth.service import own_profile
from schemas.youth import DeviceRead, DeviceRegistration

# Android FCM tokens expire after 270 days without the app opening; such devices are dropped.
STALE_DEVICE_AGE = timedelta(days=270)


def _device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _device_read(device: Device) -> DeviceRead:
    return DeviceRead.model_validate(device.model_dump(include=set(DeviceRead.model_fields)))


async def register_device(*, account: Account, registration: DeviceRegistration) -> tuple[DeviceRead, bool]:
    """Register a phone for push. The same token again is a no-op; a token that moved is detached from the
    old account (it now belongs to this one); one person may have several devices."""
    profile = await own_profile(account=account)
    now = utc_now()
    device_id = _device_id(registration.fcm_token)
    existing = await Device.get(device_id)
    device = Device(
        id=device_id,
        fcm_token=registration.fcm_token,
        uid=account.id,
        platform=registration.platform.value,
        app_version=registration.app_version,
        locale=registration.locale,
        registered_at=existing.registered_at if existing and existing.uid == account.id else now,
        last_seen_at=now,
        topic=topics.person_topic(profile),
    )
    await topics.store_device(device)
    # Read again after the write: a profile change that raced it still reaches this device's topic.
    await topics.follow_profile(uid=account.id)
    return _device_read(device), existing is None or existing.uid != account.id


async def list_devices(*, account: Account) -> list[DeviceRead]:
    devices = await Device.find({"uid": account.id}).sort("+registered_at", "+_id").to_list()
    return [_device_read(device) for device in devices]


async def remove_device(*, account: Account, device_id: str) -> None:
    """Remove one of the caller's phones (a lost one), out of its alert topic at once; removing it again is
    fine, another's is 404."""
    removed = await topics.delete_devices({"_id": device_id, "uid": account.id})
    if not removed and await Device.get_pymongo_collection().count_documents({"_id": device_id}, limit=1):
        raise NotFoundError("No such device.")
    await topic_sync.settle_now(removed)


async def remove_all(*, uid: str) -> None:
    """Remove every phone of a person (an erasure), out of their alert topic at once."""
    await topic_sync.settle_now(await topics.delete_devices({"uid": uid}))


async def follow_profile_now(uid: str) -> None:
    """Point the person's phones at the topic of their profile as stored now, and move them at FCM at once
    (a new province or first language, a blocked or unblocked account, an erasure under way)."""
    await topics.follow_profile(uid=uid)
    await topic_sync.settle_now(await device_ids(uid=uid))


async def device_ids(*, uid: str) -> list[str]:
    """The ids of a person's registered phones."""
    found = Device.get_pymongo_collection().find({"uid": uid}, {"_id": 1})
    return [device["_id"] async for device in found]


async def drop_stale_devices(*, now: datetime, unseen_for: timedelta = STALE_DEVICE_AGE) -> int:
    """Remove devices not seen for 270 days (FCM tokens expire then); run on a schedule."""
    # Through the topic removals: FCM advises unsubscribing stale tokens from their topics too.
    return len(await topics.delete_devices({"last_seen_at": {"$lt": now - unseen_for}}))
