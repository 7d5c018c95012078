"""Alert topic subscriptions: each device in its person's province-and-language topic, synced with FCM."""

import asyncio
import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.alerts.devices.models import Device, TopicRemoval
from backend.alerts.devices.service import drop_stale_devices
from backend.alerts.devices.topic_sync import sync_topics
from backend.alerts.devices.topics import topic_name
from backend.alerts.push.fcm import FcmSender
from scripts.fake_fcm import FakeFcm
from tests.fixtures.users import User
from tests.fixtures.youth import MakeYoung

pytestmark = pytest.mark.usefixtures("seeded")

PUNJAB_UR, PUNJAB_EN, BALOCHISTAN_EN = "alerts-PK-PB-ur", "alerts-PK-PB-en", "alerts-PK-BA-en"
# A passing failure the SDK does not retry by itself (it retries 500 and 503 with backoff).
PASSING = "QUOTA_EXCEEDED"


def token() -> str:
    return f"fcm-{uuid.uuid4().hex}-{'t' * 40}"


async def register(client: httpx.AsyncClient, person: User, fcm_token: str) -> Device:
    body = {"fcm_token": fcm_token, "platform": "android", "app_version": "1.0", "locale": "ur"}
    response = await client.put("/v1/youth/me/devices", json=body, headers=person.headers)
    assert response.status_code in (200, 201), response.text
    return await stored(fcm_token)


async def stored(fcm_token: str) -> Device:
    device = await Device.get(hashlib.sha256(fcm_token.encode()).hexdigest())
    assert device is not None
    return device


async def _a_phone_in_its_topic(
    client: httpx.AsyncClient, make_young: MakeYoung, sender: FcmSender
) -> tuple[User, str, Device]:
    """A young person with one registered phone (its token, its device), subscribed to its topic."""
    person = await make_young()
    phone = token()
    device = await register(client, person, phone)
    await sync_topics(sender)
    return person, phone, device


def topic_requests(fcm: FakeFcm, since: int = 0) -> list[tuple[str, str | None, str | None]]:
    """The topic (un)subscriptions FCM was asked for, after the first `since` requests, sorted."""
    return sorted((r.kind, r.topic, r.token) for r in fcm.requests()[since:] if r.kind != "send")


def test_topic_names_are_province_and_language_in_fcm_characters() -> None:
    assert topic_name("PK-PB", "ur") == PUNJAB_UR
    assert topic_name("PK-BA", "bal") == "alerts-PK-BA-bal"
    odd = topic_name("PK PB/é", "ur")
    assert re.fullmatch(r"[a-zA-Z0-9\-_.~%]+", odd), odd


async def test_registration_sets_the_topic_of_the_province_and_first_language(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person = await make_young(languages=["ur", "en"])
    device = await register(client, person, token())
    assert (device.topic, device.topic_subscribed, device.topic_pending) == (PUNJAB_UR, None, True)


async def test_a_language_or_province_change_moves_the_topic_of_every_device(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person = await make_young()
    tokens = [token(), token()]
    for each in tokens:
        await register(client, person, each)
    changed = await client.patch(
        "/v1/youth/me/preferences", json={"languages": ["en"]}, headers=person.headers
    )
    assert changed.status_code == 200
    assert {(await stored(each)).topic for each in tokens} == {PUNJAB_EN}
    moved = await client.patch(
        "/v1/youth/me",
        json={"district": "quetta", "constituency": "NA-262", "provincial_constituency": "PB-40"},
        headers=person.headers,
    )
    assert moved.status_code == 200
    assert {(await stored(each)).topic for each in tokens} == {BALOCHISTAN_EN}
    stopped = await client.patch(
        "/v1/youth/me/preferences", json={"alerts_stopped": True}, headers=person.headers
    )
    assert stopped.status_code == 200
    assert {(await stored(each)).topic for each in tokens} == {BALOCHISTAN_EN}  # emergencies still reach


async def test_sync_subscribes_and_moves_devices_at_fcm_exactly(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    ayesha, bilal = await make_young(), await make_young(languages=["en"])
    ayesha_phones, bilal_phone = [token(), token()], token()
    for each in ayesha_phones:
        await register(client, ayesha, each)
    await register(client, bilal, bilal_phone)
    assert await sync_topics(sender) == 3
    assert fcm.subscribers(PUNJAB_UR) == set(ayesha_phones)
    assert fcm.subscribers(PUNJAB_EN) == {bilal_phone}
    assert {(await stored(each)).topic_subscribed for each in ayesha_phones} == {PUNJAB_UR}
    assert len(topic_requests(fcm)) == 3
    assert await sync_topics(sender) == 0  # nothing pending: FCM is not asked again
    await register(client, bilal, bilal_phone)  # the app registering again at start-up
    assert await sync_topics(sender) == 0
    assert len(topic_requests(fcm)) == 3
    await client.patch("/v1/youth/me/preferences", json={"languages": ["en", "ur"]}, headers=ayesha.headers)
    assert await sync_topics(sender) == 2
    assert topic_requests(fcm, since=3) == sorted(
        [("unsubscribe", PUNJAB_UR, each) for each in ayesha_phones]
        + [("subscribe", PUNJAB_EN, each) for each in ayesha_phones]
    )
    assert fcm.subscribers(PUNJAB_UR) == set()
    assert fcm.subscribers(PUNJAB_EN) == {*ayesha_phones, bilal_phone}
    assert not (await stored(ayesha_phones[0])).topic_pending


async def test_a_failed_subscription_is_retried_on_the_next_run(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    person = await make_young()
    unlucky, lucky = token(), token()
    await register(client, person, unlucky)
    await register(client, person, lucky)
    fcm.fail(unlucky, PASSING, times=1)
    assert await sync_topics(sender) == 1
    assert fcm.subscribers(PUNJAB_UR) == {lucky}
    assert (await stored(unlucky)).topic_pending
    assert await sync_topics(sender) == 1
    assert fcm.subscribers(PUNJAB_UR) == {unlucky, lucky}
    assert not (await stored(unlucky)).topic_pending


async def test_a_device_leaves_its_old_topic_before_joining_the_new_one(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    person, phone, _ = await _a_phone_in_its_topic(client, make_young, sender)
    await client.patch("/v1/youth/me/preferences", json={"languages": ["en"]}, headers=person.headers)
    fcm.fail(phone, PASSING, times=1)
    assert await sync_topics(sender) == 0
    assert (fcm.subscribers(PUNJAB_UR), fcm.subscribers(PUNJAB_EN)) == ({phone}, set())  # never in two
    assert await sync_topics(sender) == 1
    assert (fcm.subscribers(PUNJAB_UR), fcm.subscribers(PUNJAB_EN)) == (set(), {phone})


async def test_a_dead_token_is_not_tried_again_and_again(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    person = await make_young()
    dead = token()
    await register(client, person, dead)
    fcm.fail(dead, "UNREGISTERED")
    assert await sync_topics(sender) == 0
    device = await stored(dead)
    assert (device.topic_subscribed, device.topic_pending) == (None, False)
    assert await sync_topics(sender) == 0
    assert len(topic_requests(fcm)) == 1


async def test_removed_and_erased_devices_are_unsubscribed(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    lost_owner, leaver, stayer = await make_young(), await make_young(), await make_young()
    lost, leavers, kept = token(), [token(), token()], token()
    lost_device = await register(client, lost_owner, lost)
    for each in leavers:
        await register(client, leaver, each)
    await register(client, stayer, kept)
    await sync_topics(sender)
    assert fcm.subscribers(PUNJAB_UR) == {lost, *leavers, kept}
    await register(client, leaver, token())  # never subscribed: nothing to remove for it
    removed = await client.delete(f"/v1/youth/me/devices/{lost_device.id}", headers=lost_owner.headers)
    assert removed.status_code == 204
    assert (await client.delete("/v1/youth/me", headers=leaver.headers)).status_code == 204
    assert await Device.find({"uid": leaver.uid}).count() == 0
    assert await TopicRemoval.find({}).count() == 3
    before = len(fcm.requests())
    assert await sync_topics(sender) == 3
    assert fcm.subscribers(PUNJAB_UR) == {kept}
    assert topic_requests(fcm, before) == sorted(
        [("unsubscribe", PUNJAB_UR, each) for each in (lost, *leavers)]
    )
    assert await TopicRemoval.find({}).count() == 0
    assert (await stored(kept)).topic_subscribed == PUNJAB_UR


async def test_a_failed_unsubscription_of_a_removed_device_is_retried(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    person, phone, device = await _a_phone_in_its_topic(client, make_young, sender)
    await client.delete(f"/v1/youth/me/devices/{device.id}", headers=person.headers)
    fcm.fail(phone, PASSING, times=1)
    assert await sync_topics(sender) == 0
    assert fcm.subscribers(PUNJAB_UR) == {phone}
    assert await sync_topics(sender) == 1
    assert fcm.subscribers(PUNJAB_UR) == set()
    assert await TopicRemoval.find({}).count() == 0


async def test_stale_devices_leave_their_topic_when_dropped(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    await _a_phone_in_its_topic(client, make_young, sender)
    assert await drop_stale_devices(now=datetime.now(UTC) + timedelta(days=271)) == 1
    assert await sync_topics(sender) == 1
    assert fcm.subscribers(PUNJAB_UR) == set()


async def test_concurrent_syncs_change_each_device_at_fcm_once(
    client: httpx.AsyncClient, make_young: MakeYoung, fcm: FakeFcm, sender: FcmSender
) -> None:
    person = await make_young()
    phones = [token(), token()]
    for each in phones:
        await register(client, person, each)
    assert sum(await asyncio.gather(sync_topics(sender), sync_topics(sender), sync_topics(sender))) == 2
    assert topic_requests(fcm) == sorted(("subscribe", PUNJAB_UR, each) for each in phones)
    claimed = await Device.find({"topic_claim": {"$ne": None}}).count()
    assert claimed == 0  # released: the next change may start at once
    await client.patch("/v1/youth/me/preferences", json={"languages": ["en"]}, headers=person.headers)
    assert await sync_topics(sender) == 2


async def test_a_device_claimed_by_a_process_that_died_is_changed_once_the_claim_runs_out(
    client: httpx.AsyncClient, make_young: MakeYoung, sender: FcmSender
) -> None:
    person = await make_young()
    device = await register(client, person, token())
    now = datetime.now(UTC)
    claim = {"topic_claim": "died", "topic_claim_until": now + timedelta(minutes=1)}
    await Device.get_pymongo_collection().update_one({"_id": device.id}, {"$set": claim})
    assert await sync_topics(sender) == 0
    await Device.get_pymongo_collection().update_one(
        {"_id": device.id}, {"$set": {"topic_claim_until": now - timedelta(seconds=1)}}
    )
    assert await sync_topics(sender) == 1
    stored_device = await stored(device.fcm_token)
    assert (stored_device.topic_subscribed, stored_device.topic_claim) == (PUNJAB_UR, None)
