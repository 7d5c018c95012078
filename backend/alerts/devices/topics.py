"""Alert topics: every device of a person who may receive alerts in exactly one FCM topic, their province
and first language; devices of blocked (disabled) and erased people in none.

Emergency alerts to whole provinces go out as FCM topic messages (`alerts-<province>-<language>`). FCM
cannot say which topics a token is in, so each device records the topic it should be in (`topic`, set
from the profile when the device registers and whenever the person's province, languages or status
change) and the topic FCM has it in (`topic_subscribed`, with `topic_since`, set only after FCM said yes).
Every write that may make the two differ also sets `topic_pending`, the indexed mark that
`topic_sync.py` looks for. A deleted device leaves its subscription behind as a `TopicRemoval` (its
token), which the sync unsubscribes. This module writes the wishes; `topic_sync.py` asks FCM.

Stopped people stay subscribed: emergencies still reach them.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from backend.alerts.devices.models import Device, TopicRemoval
from backend.core.clock import utc_now
from backend.youth.models import YouthProfile

TOPIC_PREFIX = "alerts"
# FCM topic names are [a-zA-Z0-9-_.~%]+: anything else in a code is percent-encoded (never the case today).
_TOPIC_SAFE = "-_.~"
FALLBACK_LANGUAGE = "ur"
# People whose devices are in no topic: they receive no alert at all.
_UNREACHABLE = frozenset({"blocked", "erased"})
_DELETE_CHUNK = 1000


def topic_name(province: str, language: str) -> str:
    """The FCM topic of one province and language, e.g. `alerts-PK-PB-ur`."""
    return quote(f"{TOPIC_PREFIX}-{province}-{language}", safe=_TOPIC_SAFE)


def person_topic(profile: YouthProfile) -> str | None:
    """The one topic a person's devices belong in (province and first language); None when blocked or
    erased."""
    if profile.status in _UNREACHABLE:
        return None
    return topic_name(profile.province, (profile.languages or [FALLBACK_LANGUAGE])[0])


async def store_device(device: Device) -> None:
    """Upsert a registered device with its desired topic, keeping the subscription FCM has for its token."""
    fields = device.model_dump(
        by_alias=True,
        exclude={
            "id",
            "topic_subscribed",
            "topic_since",
            "topic_pending",
            "topic_claim",
            "topic_claim_until",
        },
    )
    collection = Device.get_pymongo_collection()
    # Already subscribed where it belongs: nothing for the sync (the common re-registration of an app).
    settled = {"_id": device.id, "topic": device.topic, "topic_subscribed": device.topic}
    if (await collection.update_one(settled, {"$set": fields})).matched_count:
        return
    await collection.update_one(
        {"_id": device.id},
        {"$set": fields | {"topic_pending": True}, "$setOnInsert": {"topic_subscribed": None}},
        upsert=True,
    )


async def follow_profile(*, uid: str) -> None:
    """Point the person's devices at the topic of their profile as stored now (after a change)."""
    profile = await YouthProfile.get(uid)
    if profile is None:
        return
    topic = person_topic(profile)
    await Device.get_pymongo_collection().update_many(
        {"uid": uid, "topic": {"$ne": topic}}, {"$set": {"topic": topic, "topic_pending": True}}
    )


async def note_removal(*, device_id: str, token: str, topic: str) -> None:
    """Remember that FCM still has `token` in `topic` for a device that is gone."""
    await TopicRemoval.get_pymongo_collection().update_one(
        {"_id": f"{device_id}:{topic}"},
        {"$set": {"device_id": device_id, "token": token, "topic": topic, "at": utc_now()}},
        upsert=True,
    )


async def delete_devices(query: Mapping[str, Any]) -> list[str]:
    """Delete the devices `query` selects, first noting their subscriptions for the sync to drop; the ids of
    the devices deleted (their topic leaves are then made at once by `topic_sync.settle_devices`)."""
    collection = Device.get_pymongo_collection()
    chosen = collection.find(dict(query), {"fcm_token": 1, "topic_subscribed": 1})
    ids: list[str] = []
    async for device in chosen:  # streamed: the stale-device clean-up may select many
        ids.append(device["_id"])
        if device.get("topic_subscribed"):
            await note_removal(
                device_id=device["_id"], token=device["fcm_token"], topic=device["topic_subscribed"]
            )
    for start in range(0, len(ids), _DELETE_CHUNK):  # only those whose subscription was noted
        await collection.delete_many({**query, "_id": {"$in": ids[start : start + _DELETE_CHUNK]}})
    return ids
