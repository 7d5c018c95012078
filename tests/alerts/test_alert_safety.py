"""Who gets a safety alert, through the API and the real SDK against the local FCM server: a phone new to
its topic, an erased person, a disabled account (issue 17's findings, each a regression test)."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend.alerts.devices.topic_sync import sync_topics
from backend.alerts.devices.topics import topic_name
from backend.alerts.models import Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from schemas.accounts import Role
from scripts.fake_fcm import FakeFcm
from tests.fixtures.alerts import CAMPAIGNS, campaign, create
from tests.fixtures.delivery import drain, worker
from tests.fixtures.users import MakeUser, User
from tests.fixtures.youth import signup

pytestmark = pytest.mark.usefixtures("seeded")

PUNJAB_UR = topic_name("PK-PB", "ur")
FLOOD = {
    "title": {"ur": "سیلاب کا خطرہ", "en": "Flood warning"},
    "body": {"ur": "اونچی جگہ پر جائیں۔", "en": "Move to high ground now."},
    "priority": "emergency",
}


@pytest.fixture
async def api(
    settings: Settings, shared_database: Database, fcm: FakeFcm
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with FCM pointed at the local server; no worker or topic timer of its own (tests drain)."""
    changes = {
        "fcm_base_url": fcm.base_url,
        "alerts_worker_enabled": False,
        "alerts_topic_sync_interval_s": 0,
    }
    app = create_app(settings.model_copy(update=changes), database=shared_database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def young(api: httpx.AsyncClient, make_user: MakeUser, *, phones: int = 1) -> tuple[User, list[str]]:
    """A young person of Lahore (Punjab, Urdu first) signed up through the API, with registered phones."""
    person = await make_user()
    signed = await api.post("/v1/youth/signup", json=signup(), headers=person.headers)
    assert signed.status_code == 201, signed.text
    awake = {"quiet_hours": {"start": "00:00", "end": "00:00"}}  # no quiet hours: nothing is held
    quiet = await api.patch("/v1/youth/me/preferences", json=awake, headers=person.headers)
    assert quiet.status_code == 200, quiet.text
    tokens = [f"fcm-{uuid.uuid4().hex}-{'t' * 40}" for _ in range(phones)]
    for token in tokens:
        body = {"fcm_token": token, "platform": "android", "app_version": "1.0", "locale": "ur"}
        registered = await api.put("/v1/youth/me/devices", json=body, headers=person.headers)
        assert registered.status_code in (200, 201), registered.text
    return person, tokens


async def send(api: httpx.AsyncClient, editor: User, sender: FcmSender, body: dict[str, Any]) -> str:
    """Create a campaign through the API and let a worker deliver it; its id."""
    created = await create(api, editor, body)
    await drain(sender, worker())
    stored = await Campaign.get(created["id"])
    assert stored is not None
    assert stored.status == "sent", stored
    return str(created["id"])


def device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def test_a_phone_registered_just_before_a_province_emergency_receives_it(
    api: httpx.AsyncClient, make_user: MakeUser, fcm: FakeFcm, sender: FcmSender
) -> None:
    editor = await make_user(Role.EDITOR)
    _, settled = await young(api, make_user, phones=2)
    await sync_topics(sender)  # the timer's last run: these two are in their topic
    _, new = await young(api, make_user, phones=3)  # registered since: not yet in a topic
    campaign_id = await send(api, editor, sender, campaign(audience={"provinces": ["PK-PB"]}, **FLOOD))
    for token in (*settled, *new):
        assert fcm.displayed(token) == [campaign_id], token
    # The emergency first brought its topics up to date: the new phones joined before the message left.
    assert fcm.subscribers(PUNJAB_UR) == {*settled, *new}
    channels = {d.device_id: d.channel for d in await Delivery.find({"campaign_id": campaign_id}).to_list()}
    assert channels == {device_id(t): "topic" for t in (*settled, *new)}
    stored = await Campaign.get(campaign_id)
    assert stored is not None
    assert (stored.stats["sent"], stored.stats["by_topic"], stored.stats["unconfirmed"]) == (5, 5, 0)


async def test_a_phone_that_joined_its_topic_after_the_message_left_is_sent_it_directly(
    api: httpx.AsyncClient, make_user: MakeUser, fcm: FakeFcm, sender: FcmSender
) -> None:
    editor = await make_user(Role.EDITOR)
    _, [phone] = await young(api, make_user)
    # FCM refuses the join once: the emergency's own catch-up leaves the phone out of its topic.
    fcm.fail(phone, "QUOTA_EXCEEDED", times=1)
    campaign_id = await send(api, editor, sender, campaign(audience={"provinces": ["PK-PB"]}, **FLOOD))
    assert fcm.displayed(phone) == [campaign_id]
    (delivery,) = await Delivery.find({"campaign_id": campaign_id}).to_list()
    assert (delivery.status, delivery.channel) == ("sent", "token")


async def test_an_erased_person_gets_no_emergency_sent_just_after_the_erasure(
    api: httpx.AsyncClient, make_user: MakeUser, fcm: FakeFcm, sender: FcmSender
) -> None:
    editor = await make_user(Role.EDITOR)
    leaver, [gone] = await young(api, make_user)
    _, [kept] = await young(api, make_user)
    await sync_topics(sender)
    assert fcm.subscribers(PUNJAB_UR) == {gone, kept}
    assert (await api.delete("/v1/youth/me", headers=leaver.headers)).status_code == 204
    assert fcm.subscribers(PUNJAB_UR) == {kept}  # left in the request, not a minute later
    campaign_id = await send(api, editor, sender, campaign(audience={"provinces": ["PK-PB"]}, **FLOOD))
    assert fcm.received_by(gone) == []
    assert fcm.displayed(kept) == [campaign_id]


async def test_an_erasure_whose_topic_leave_fails_keeps_the_emergency_off_that_topic(
    api: httpx.AsyncClient, make_user: MakeUser, fcm: FakeFcm, sender: FcmSender
) -> None:
    editor = await make_user(Role.EDITOR)
    leaver, [gone] = await young(api, make_user)
    _, [kept] = await young(api, make_user)
    await sync_topics(sender)
    fcm.fail(gone, "QUOTA_EXCEEDED")  # FCM will not let the erased phone leave, for now
    assert (await api.delete("/v1/youth/me", headers=leaver.headers)).status_code == 204
    assert gone in fcm.subscribers(PUNJAB_UR)
    campaign_id = await send(api, editor, sender, campaign(audience={"provinces": ["PK-PB"]}, **FLOOD))
    assert fcm.received_by(gone) == []  # the topic still holds it: the province went device by device
    assert fcm.displayed(kept) == [campaign_id]
    (delivery,) = await Delivery.find({"campaign_id": campaign_id}).to_list()
    assert delivery.channel == "token"
    fcm.app.clear_rules()
    await sync_topics(sender)  # the timer finishes the leave once FCM answers
    assert gone not in fcm.subscribers(PUNJAB_UR)


AUDIENCES = [
    pytest.param("normal", {"districts": ["lahore"]}, id="normal-district"),
    pytest.param("high", {"national": True}, id="high-national"),
    pytest.param("emergency", {"districts": ["lahore"]}, id="emergency-by-device"),
    pytest.param("emergency", {"provinces": ["PK-PB"]}, id="emergency-by-topic"),
]


@pytest.mark.parametrize(("priority", "audience"), AUDIENCES)
async def test_a_disabled_account_gets_nothing_and_everything_again_once_enabled(
    api: httpx.AsyncClient,
    make_user: MakeUser,
    fcm: FakeFcm,
    sender: FcmSender,
    priority: str,
    audience: dict[str, Any],
) -> None:
    editor, admin = await make_user(Role.EDITOR), await make_user(Role.ADMIN)
    blocked, [phone] = await young(api, make_user)
    _, [other] = await young(api, make_user)
    await sync_topics(sender)
    body = campaign(audience=audience, priority=priority)
    status = f"/v1/admin/accounts/{blocked.uid}/status"

    disabled = await api.put(status, json={"disabled": True}, headers=admin.headers)
    assert disabled.status_code == 200, disabled.text
    assert phone not in fcm.subscribers(PUNJAB_UR)
    preview = await api.post(
        f"{CAMPAIGNS}/preview", params={"priority": priority}, json=audience, headers=editor.headers
    )
    assert preview.json() == {"people": 1, "devices": 1}, preview.text
    first = await send(api, editor, sender, body)
    assert fcm.received_by(phone) == []
    assert fcm.displayed(other) == [first]

    enabled = await api.put(status, json={"disabled": False}, headers=admin.headers)
    assert enabled.status_code == 200, enabled.text
    await sync_topics(sender)
    assert phone in fcm.subscribers(PUNJAB_UR)
    preview = await api.post(
        f"{CAMPAIGNS}/preview", params={"priority": priority}, json=audience, headers=editor.headers
    )
    assert preview.json() == {"people": 2, "devices": 2}
    second = await send(api, editor, sender, body)
    assert fcm.displayed(phone) == [second]


async def test_a_removed_phone_and_a_move_to_another_province_leave_the_old_topic_in_the_request(
    api: httpx.AsyncClient, make_user: MakeUser, fcm: FakeFcm, sender: FcmSender
) -> None:
    person, [lost, kept] = await young(api, make_user, phones=2)
    await sync_topics(sender)
    assert fcm.subscribers(PUNJAB_UR) == {lost, kept}
    removed = await api.delete(f"/v1/youth/me/devices/{device_id(lost)}", headers=person.headers)
    assert removed.status_code == 204
    assert fcm.subscribers(PUNJAB_UR) == {kept}
    moved = await api.patch(
        "/v1/youth/me",
        json={"district": "quetta", "constituency": "NA-262", "provincial_constituency": "PB-38"},
        headers=person.headers,
    )
    assert moved.status_code == 200, moved.text
    assert fcm.subscribers(PUNJAB_UR) == set()
    assert fcm.subscribers(topic_name("PK-BA", "ur")) == {kept}
