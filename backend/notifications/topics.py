"""Alert topics: every device subscribed at FCM to exactly one topic, its person's province and language.

Emergency alerts to whole provinces go out as FCM topic messages (`alerts-<province>-<language>`). FCM
cannot say which topics a token is in, so each device records the topic it should be in (`topic`, set
from the profile when the device registers and whenever the person's province or languages change) and
the topic FCM has it in (`topic_subscribed`, set only by the sync after FCM said yes). Every write that
may make the two differ also sets `topic_pending`, the indexed mark the sync looks for. A deleted device
leaves its subscription behind as a `TopicRemoval` (its token), which the sync unsubscribes.

Stopped people stay subscribed: emergencies still reach them. Erased people's devices are deleted.
Failures stay pending for the next run. One process syncs at a time (a lease): two runs interleaving
their FCM calls for a device whose topic changed between them could leave it in two topics.
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from firebase_admin import exceptions
from pymongo.errors import DuplicateKeyError

from backend.alerts.fcm import FcmSender
from backend.alerts.messages import TopicOutcome
from backend.core.clock import utc_now
from backend.notifications.models import TopicRemoval, TopicSyncLease
from backend.youth.models import Device, YouthProfile

logger = logging.getLogger(__name__)

TOPIC_PREFIX = "alerts"
# FCM topic names are [a-zA-Z0-9-_.~%]+: anything else in a code is percent-encoded (never the case today).
_TOPIC_SAFE = "-_.~"
FALLBACK_LANGUAGE = "ur"
# Answers saying the token itself is dead: nothing left to unsubscribe, no use subscribing it again (the
# delivery worker removes such devices when it next sends to them).
_DEAD_TOKEN = frozenset({"UNREGISTERED", "INVALID_ARGUMENT", "SENDER_ID_MISMATCH", "NOT_FOUND"})
# Far longer than a run of 1,000 removals and 1,000 devices takes; a process that died frees it then.
SYNC_LEASE = timedelta(minutes=5)
_LEASE_ID = "sync"


def topic_name(province: str, language: str) -> str:
    """The FCM topic of one province and language, e.g. `alerts-PK-PB-ur`."""
    return quote(f"{TOPIC_PREFIX}-{province}-{language}", safe=_TOPIC_SAFE)


def person_topic(profile: YouthProfile) -> str:
    """The one topic a person's devices belong in: their province and first preferred language."""
    return topic_name(profile.province, (profile.languages or [FALLBACK_LANGUAGE])[0])


async def store_device(device: Device) -> None:
    """Upsert a registered device with its desired topic, keeping the subscription FCM has for its token."""
    fields = device.model_dump(by_alias=True, exclude={"id", "topic_subscribed", "topic_pending"})
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
    if profile is None or profile.status == "erased":
        return
    topic = person_topic(profile)
    await Device.get_pymongo_collection().update_many(
        {"uid": uid, "topic": {"$ne": topic}}, {"$set": {"topic": topic, "topic_pending": True}}
    )


async def _note_removal(*, device_id: str, token: str, topic: str) -> None:
    await TopicRemoval.get_pymongo_collection().update_one(
        {"_id": f"{device_id}:{topic}"},
        {"$set": {"device_id": device_id, "token": token, "topic": topic, "at": utc_now()}},
        upsert=True,
    )


async def delete_devices(query: Mapping[str, Any]) -> int:
    """Delete the devices `query` selects, first noting their subscriptions for the sync to drop."""
    subscribed = Device.get_pymongo_collection().find(
        {**query, "topic_subscribed": {"$ne": None}}, {"fcm_token": 1, "topic_subscribed": 1}
    )
    async for device in subscribed:  # streamed: the stale-device clean-up may select many
        await _note_removal(
            device_id=device["_id"], token=device["fcm_token"], topic=device["topic_subscribed"]
        )
    result = await Device.get_pymongo_collection().delete_many(dict(query))
    return result.deleted_count


async def _manage(
    sender: FcmSender, *, subscribe: bool, by_topic: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """(Un)subscribe tokens grouped by topic; the tokens that failed, with FCM's reason."""
    failed: dict[str, str] = {}
    for topic, tokens in by_topic.items():
        try:
            outcome: TopicOutcome = await (sender.subscribe if subscribe else sender.unsubscribe)(
                tokens, topic
            )
        except (exceptions.FirebaseError, ValueError) as exc:
            logger.warning("alert topic change failed", extra={"error": type(exc).__name__})
            outcome = TopicOutcome(0, dict.fromkeys(tokens, "UNKNOWN"))
        failed |= outcome.errors
    return failed


async def _drop_removed(sender: FcmSender, *, limit: int) -> int:
    removals = await TopicRemoval.find({}).sort("+_id").limit(limit).to_list()
    if not removals:
        return 0
    # A device registered again and subscribed since it was deleted keeps its subscription.
    revived = {
        device["_id"]: device.get("topic_subscribed")
        for device in await Device.get_pymongo_collection()
        .find({"_id": {"$in": [r.device_id for r in removals]}}, {"topic_subscribed": 1})
        .to_list()
    }
    due = [r for r in removals if revived.get(r.device_id, "") != r.topic]
    by_topic: dict[str, list[str]] = defaultdict(list)
    for removal in due:
        by_topic[removal.topic].append(removal.token)
    failed = await _manage(sender, subscribe=False, by_topic=by_topic)
    done = [r for r in due if failed.get(r.token, "UNREGISTERED") in _DEAD_TOKEN]
    settled = [r.id for r in removals if r not in due] + [r.id for r in done]
    if settled:
        await TopicRemoval.get_pymongo_collection().delete_many({"_id": {"$in": settled}})
    return len(done)


async def _record(device: Device, topic: str | None) -> None:
    """Record what FCM now has for the device's token; pending again if its desired topic moved meanwhile."""
    collection = Device.get_pymongo_collection()
    if (
        await collection.update_one(
            {"_id": device.id, "topic": topic},
            {"$set": {"topic_subscribed": topic, "topic_pending": False}},
        )
    ).matched_count:
        return
    moved = await collection.update_one(
        {"_id": device.id}, {"$set": {"topic_subscribed": topic, "topic_pending": True}}
    )
    if moved.matched_count == 0 and topic is not None:
        # Deleted while we subscribed it: FCM has a subscription no device holds any more.
        await _note_removal(device_id=device.id, token=device.fcm_token, topic=topic)


async def _give_up(device: Device) -> None:
    """A dead token is in no topic: stop trying unless its desired topic moves (the worker prunes it)."""
    await Device.get_pymongo_collection().update_one(
        {"_id": device.id, "topic": device.topic},
        {"$set": {"topic_subscribed": None, "topic_pending": False}},
    )


def _failed(outcome: Mapping[str, str], token: str) -> bool:
    """Whether FCM refused the token for a reason worth another try (a dead token is no such reason)."""
    return token in outcome and outcome[token] not in _DEAD_TOKEN


async def _move_devices(sender: FcmSender, *, limit: int) -> int:
    devices = await Device.find({"topic_pending": True}).sort("+_id").limit(limit).to_list()
    moving = [device for device in devices if device.topic != device.topic_subscribed]
    for device in devices:
        if device.topic == device.topic_subscribed:
            await _record(device, device.topic)  # nothing to do at FCM (e.g. a re-registration)
    leaving: dict[str, list[str]] = defaultdict(list)
    for device in moving:
        if device.topic_subscribed is not None:
            leaving[device.topic_subscribed].append(device.fcm_token)
    left = await _manage(sender, subscribe=False, by_topic=leaving)
    # A device joins only once out of its old topic, so it is never in two (a failure retries next run).
    moving = [device for device in moving if not _failed(left, device.fcm_token)]
    joining: dict[str, list[str]] = defaultdict(list)
    for device in moving:
        if device.topic is not None:
            joining[device.topic].append(device.fcm_token)
    joined = await _manage(sender, subscribe=True, by_topic=joining)
    changed = 0
    for device in moving:
        if device.fcm_token not in joined:
            await _record(device, device.topic)
            changed += 1
        elif not _failed(joined, device.fcm_token):
            await _give_up(device)
        elif device.topic_subscribed is not None:
            # Out of the old topic, not yet in the new one: recorded so, and joined next run.
            await Device.get_pymongo_collection().update_one(
                {"_id": device.id}, {"$set": {"topic_subscribed": None}}
            )
    return changed


async def _claim_lease(owner: str) -> bool:
    collection = TopicSyncLease.get_pymongo_collection()
    now = utc_now()
    lease = {"owner": owner, "until": now + SYNC_LEASE}
    expired = await collection.update_one({"_id": _LEASE_ID, "until": {"$lt": now}}, {"$set": lease})
    if expired.matched_count:
        return True
    try:
        await collection.insert_one({"_id": _LEASE_ID, **lease})
    except DuplicateKeyError:
        return False  # held by a live run
    return True


async def sync_topics(sender: FcmSender, *, limit: int = 1000) -> int:
    """Bring FCM's topic subscriptions in line with the devices (at most `limit` of each kind per run);
    how many tokens changed topic at FCM (moved, joined, or left with their deleted device). A run while
    another process's holds the lease does nothing."""
    owner = uuid.uuid4().hex
    if not await _claim_lease(owner):
        return 0
    try:
        return await _drop_removed(sender, limit=limit) + await _move_devices(sender, limit=limit)
    finally:
        await TopicSyncLease.get_pymongo_collection().delete_one({"_id": _LEASE_ID, "owner": owner})
