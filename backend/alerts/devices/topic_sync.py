"""Asking FCM to make devices' topic subscriptions what `topics.py` recorded they should be.

Three callers: the timer (every pending device and removal, a page at a time), a request that takes a
device out of its topic (erasure, a removed phone, a disabled account, a move: `settle_devices`, at once,
the timer retrying what FCM refused), and an emergency about to go out by topic (`settle_topics`: the
pending joins and leaves of its topics first, then which topics hold no pending leave).

A device's topic is changed at FCM by one process at a time: it is claimed (`topic_claim`, until
`topic_claim_until`) before FCM is asked and released when FCM's answer is recorded, so two processes
never interleave their calls for one device (which could leave it in two topics). A claim left by a
process that died runs out after CLAIM_S. A device leaves its old topic before joining its new one, so
it is never in two. Failures stay pending for the next try.
"""

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from firebase_admin import exceptions

from backend.alerts.devices.models import Device, TopicRemoval
from backend.alerts.devices.topics import note_removal
from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.messages import TopicOutcome
from backend.alerts.push.process import current_sender
from backend.core import leases
from backend.core.clock import utc_now

logger = logging.getLogger(__name__)

# Answers saying the token itself is dead: nothing left to unsubscribe, no use subscribing it again (the
# delivery worker removes such devices when it next sends to them).
_DEAD_TOKEN = frozenset({"UNREGISTERED", "INVALID_ARGUMENT", "SENDER_ID_MISMATCH", "NOT_FOUND"})
# Far longer than FCM takes to answer one page (its HTTP timeout is 10 s); a dead process frees it then.
CLAIM_S = 60
PAGE = 1000
_UNCLAIMED = {"topic_claim": None, "topic_claim_until": None}
_CLAIM_FIELDS = {"owner_field": "topic_claim", "until_field": "topic_claim_until"}


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


def _failed(outcome: Mapping[str, str], token: str) -> bool:
    """Whether FCM refused the token for a reason worth another try (a dead token is no such reason)."""
    return token in outcome and outcome[token] not in _DEAD_TOKEN


async def _drop_removed(sender: FcmSender, removals: Sequence[TopicRemoval]) -> int:
    """Unsubscribe the tokens of deleted devices; how many left their topic."""
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


async def _claim(ids: Sequence[str], owner: str) -> list[Device]:
    """Claim the pending devices among `ids` that no live process is changing; the ones now ours."""
    await leases.take_many(
        Device.get_pymongo_collection(),
        ids,
        owner=owner,
        duration_s=CLAIM_S,
        condition={"topic_pending": True},
        **_CLAIM_FIELDS,
    )
    return await Device.find({"_id": {"$in": list(ids)}, "topic_claim": owner}).to_list()


async def _record(device: Device, owner: str, *, confirmed_at: datetime) -> bool:
    """Record that FCM now has the device's token in its desired topic, and release the claim; pending
    again if the desired topic moved meanwhile. False when the claim was no longer ours."""
    collection = Device.get_pymongo_collection()
    topic = device.topic
    since = device.topic_since if topic == device.topic_subscribed else confirmed_at
    state = {"topic_subscribed": topic, "topic_since": since if topic else None, **_UNCLAIMED}
    ours = {"_id": device.id, "topic_claim": owner}
    if (
        await collection.update_one({**ours, "topic": topic}, {"$set": state | {"topic_pending": False}})
    ).matched_count:
        return True
    if (await collection.update_one(ours, {"$set": state | {"topic_pending": True}})).matched_count:
        return True
    if topic is not None and await Device.get(device.id) is None:
        # Deleted while we subscribed it: FCM has a subscription no device holds any more.
        await note_removal(device_id=device.id, token=device.fcm_token, topic=topic)
    return False


async def _move(sender: FcmSender, devices: Sequence[Device], owner: str) -> int:
    """Make claimed devices' subscriptions what they should be; how many changed topic at FCM."""
    leaving: dict[str, list[str]] = defaultdict(list)
    for device in devices:
        if device.topic != device.topic_subscribed and device.topic_subscribed is not None:
            leaving[device.topic_subscribed].append(device.fcm_token)
    left = await _manage(sender, subscribe=False, by_topic=leaving)
    # A device joins only once out of its old topic, so it is never in two (a failure retries later).
    moving = [device for device in devices if not _failed(left, device.fcm_token)]
    joining: dict[str, list[str]] = defaultdict(list)
    for device in moving:
        if device.topic is not None and device.topic != device.topic_subscribed:
            joining[device.topic].append(device.fcm_token)
    joined = await _manage(sender, subscribe=True, by_topic=joining)
    confirmed_at = utc_now()
    changed = 0
    collection = Device.get_pymongo_collection()
    for device in moving:
        moved = device.topic != device.topic_subscribed
        if device.fcm_token not in joined:
            changed += await _record(device, owner, confirmed_at=confirmed_at) and moved
        elif not _failed(joined, device.fcm_token):
            # A dead token is in no topic: stop trying unless its desired topic moves (the worker prunes it).
            await collection.update_one(
                {"_id": device.id, "topic": device.topic, "topic_claim": owner},
                {"$set": {"topic_subscribed": None, "topic_since": None, "topic_pending": False}},
            )
        elif device.topic_subscribed is not None:
            # Out of the old topic, not yet in the new one: recorded so, and joined on the next try.
            await collection.update_one(
                {"_id": device.id, "topic_claim": owner},
                {"$set": {"topic_subscribed": None, "topic_since": None}},
            )
    # Whatever was not recorded (a failed leave or join) stays pending, free for the next try.
    await leases.release_many(collection, [device.id for device in devices], owner=owner, **_CLAIM_FIELDS)
    return changed


async def _settle(sender: FcmSender, query: Mapping[str, Any], *, limit: int | None) -> int:
    """Claim and settle the pending devices `query` selects, a page at a time (at most `limit`)."""
    owner, after, changed, seen = uuid.uuid4().hex, None, 0, 0
    while limit is None or seen < limit:
        page_query = {**query, "topic_pending": True} | ({"_id": {"$gt": after}} if after else {})
        size = PAGE if limit is None else min(PAGE, limit - seen)
        page = await Device.find(page_query).sort("+_id").limit(size).to_list()
        if not page:
            break
        seen, after = seen + len(page), page[-1].id
        claimed = await _claim([device.id for device in page], owner)
        if claimed:
            changed += await _move(sender, claimed, owner)
    return changed


async def sync_topics(sender: FcmSender, *, limit: int = PAGE) -> int:
    """The timer: bring FCM in line with the devices, at most `limit` removals and pending devices per run;
    how many tokens changed topic at FCM (moved, joined, or left with their deleted device)."""
    removals = await TopicRemoval.find({}).sort("+_id").limit(limit).to_list()
    return await _drop_removed(sender, removals) + await _settle(sender, {}, limit=limit)


async def settle_devices(sender: FcmSender, device_ids: Sequence[str]) -> int:
    """In a request: make these devices' pending topic changes (and their deleted tokens' leaves) now."""
    if not device_ids:
        return 0
    removals = await TopicRemoval.find({"device_id": {"$in": list(device_ids)}}).to_list()
    dropped = await _drop_removed(sender, removals)
    return dropped + await _settle(sender, {"_id": {"$in": list(device_ids)}}, limit=None)


async def settle_now(device_ids: Sequence[str], *, timeout_s: float = 5.0) -> None:
    """`settle_devices` with the process's sender within `timeout_s`, never failing the request that asks:
    what is left, the timer retries."""
    sender = current_sender()
    if sender is None:  # FCM not set up: nothing is sent, and the timer does not run either
        return
    try:
        await asyncio.wait_for(settle_devices(sender, device_ids), timeout=timeout_s)
    except (TimeoutError, exceptions.FirebaseError, OSError) as exc:
        logger.warning("topic change left to the timer", extra={"error": type(exc).__name__})


async def _pending_leaves(topics: Collection[str]) -> tuple[set[str], bool]:
    """The topics among `topics` that still hold a token which should leave them, and whether another
    process is making one of those leaves now (worth waiting for)."""
    unsafe = set(
        await TopicRemoval.get_pymongo_collection().distinct("topic", {"topic": {"$in": list(topics)}})
    )
    busy, now = False, utc_now()
    leaving = Device.get_pymongo_collection().find(
        {"topic_pending": True, "topic_subscribed": {"$in": list(topics)}},
        {"topic": 1, "topic_subscribed": 1, "topic_claim_until": 1},
    )
    async for device in leaving:
        if device.get("topic") != device["topic_subscribed"]:
            unsafe.add(device["topic_subscribed"])
            busy |= bool(device.get("topic_claim_until") and device["topic_claim_until"] > now)
    return unsafe, busy


async def settle_topics(sender: FcmSender, topics: Collection[str], *, wait_s: float = 10.0) -> set[str]:
    """Before an emergency by topic: send FCM the pending leaves and joins of `topics`, waiting up to
    `wait_s` for leaves another process is making; the topics that hold no token which should leave."""
    deadline = time.monotonic() + wait_s
    touching = {"$or": [{"topic": {"$in": list(topics)}}, {"topic_subscribed": {"$in": list(topics)}}]}
    while True:
        removals = await TopicRemoval.find({"topic": {"$in": list(topics)}}).sort("+_id").to_list()
        await _drop_removed(sender, removals)
        await _settle(sender, touching, limit=None)
        unsafe, busy = await _pending_leaves(topics)
        if not busy or time.monotonic() >= deadline:
            # What FCM refused now stays unsafe: those topics' people are sent the alert device by device.
            return set(topics) - unsafe
        await asyncio.sleep(0.2)
