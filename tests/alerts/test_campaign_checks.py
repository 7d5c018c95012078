"""Editors' campaigns over HTTP: what a campaign is checked for before it is stored (places, languages, send
time, FCM payload size, deep links), each refusal a 422 naming the field and rule."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from backend.events.models import Event
from schemas.accounts import Role
from tests.fixtures.alerts import CAMPAIGNS, campaign, create, key, problem
from tests.fixtures.content import item_body, publish_new
from tests.fixtures.events import plan
from tests.fixtures.users import MakeUser, User

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    ("audience", "field", "rule"),
    [
        ({"districts": ["lahore", "atlantis"]}, "body.audience.districts.1", "unknown_district"),
        ({"provinces": ["PK-XX"]}, "body.audience.provinces.0", "unknown_province"),
        ({"constituencies": ["NA-999"]}, "body.audience.constituencies.0", "unknown_constituency"),
        ({"languages": ["ur"]}, "body.audience", "value_error"),
        ({"national": True, "provinces": ["PK-PB"]}, "body.audience", "value_error"),
    ],
)
async def test_unknown_places_or_no_place_are_422(
    client: httpx.AsyncClient, editor: User, audience: dict[str, Any], field: str, rule: str
) -> None:
    response = await client.post(CAMPAIGNS, json=campaign(audience=audience), headers=editor.headers | key())
    assert problem(response) == (field, rule)


@pytest.mark.parametrize(
    ("title", "body", "field", "rule"),
    [
        ({"ps": "خبردار"}, {"ps": "خبردار"}, "body.title", "urdu_or_english_required"),
        ({"ur": "خبردار", "en": "Beware"}, {"ur": "خبردار"}, "body.body", "languages_differ"),
    ],
)
async def test_urdu_or_english_is_required_in_both_title_and_body(
    client: httpx.AsyncClient,
    editor: User,
    title: dict[str, str],
    body: dict[str, str],
    field: str,
    rule: str,
) -> None:
    response = await client.post(
        CAMPAIGNS, json=campaign(title=title, body=body), headers=editor.headers | key()
    )
    assert problem(response) == (field, rule)


@pytest.mark.parametrize(
    ("send_at", "rule"),
    [
        (datetime.now(UTC) - timedelta(hours=1), "in_the_past"),
        (datetime.now(UTC) + timedelta(days=91), "too_far_ahead"),
    ],
)
async def test_send_at_far_in_the_past_or_beyond_90_days_is_422(
    client: httpx.AsyncClient, editor: User, send_at: datetime, rule: str
) -> None:
    response = await client.post(
        CAMPAIGNS, json=campaign(send_at=send_at.isoformat()), headers=editor.headers | key()
    )
    assert problem(response) == ("body.send_at", rule)


async def test_send_at_in_pakistan_time_is_stored_in_utc_and_needs_an_offset(
    client: httpx.AsyncClient, editor: User
) -> None:
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    karachi = soon.astimezone(ZoneInfo("Asia/Karachi")).isoformat()
    assert karachi.endswith("+05:00")
    stored = await create(client, editor, campaign(send_at=karachi))
    assert datetime.fromisoformat(stored["send_at"]) == soon
    assert datetime.fromisoformat(stored["send_at"]).utcoffset() == timedelta(0)
    naive = await client.post(
        CAMPAIGNS,
        json=campaign(send_at=soon.replace(tzinfo=None).isoformat()),
        headers=editor.headers | key(),
    )
    assert problem(naive)[0] == "body.send_at"


async def test_a_payload_over_fcm_limits_is_422_naming_size_and_limit(
    client: httpx.AsyncClient, editor: User
) -> None:
    emoji = {"title": {"en": "Alert"}, "body": {"en": "😀" * 1000}}
    response = await client.post(CAMPAIGNS, json=campaign(**emoji), headers=editor.headers | key())
    assert problem(response) == ("body.body", "payload_too_large")
    assert "4096" in response.json()["errors"][0]["message"]
    # 2 KB of Urdu fits a push to each phone, but not the topic message of a national emergency.
    urdu = {"title": {"ur": "سیلاب"}, "body": {"ur": "ب" * 1000}}
    await create(client, editor, campaign(**urdu, priority="emergency"))
    national = campaign(**urdu, priority="emergency", audience={"national": True})
    response = await client.post(CAMPAIGNS, json=national, headers=editor.headers | key())
    assert problem(response) == ("body.body", "payload_too_large")
    assert "topic message" in response.json()["errors"][0]["message"]
    assert "2048" in response.json()["errors"][0]["message"]
    await create(client, editor, campaign(**urdu, audience={"national": True}))


async def test_a_deep_link_names_a_published_item_or_an_existing_event(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    published = await publish_new(client, editor)
    draft = str(uuid.uuid4())
    saved = await client.put(f"/v1/editorial/content/{draft}", json=item_body(), headers=editor.headers)
    assert saved.status_code == 201
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id, gone_id = str(uuid.uuid4()), str(uuid.uuid4())
    for planned in (event_id, gone_id):
        response = await client.put(f"/v1/events/{planned}", json=plan(), headers=officer.headers)
        assert response.status_code == 201, response.text
    await Event.get_pymongo_collection().update_one(
        {"_id": gone_id}, {"$set": {"deleted_at": datetime.now(UTC)}}
    )

    linked = await create(client, editor, campaign(link={"kind": "content", "id": published.upper()}))
    assert linked["link"] == {"kind": "content", "id": published}
    assert (await create(client, editor, campaign(link={"kind": "event", "id": event_id})))["link"][
        "id"
    ] == event_id
    for link, rule in (
        ({"kind": "content", "id": draft}, "unpublished_content"),
        ({"kind": "content", "id": str(uuid.uuid4())}, "unpublished_content"),
        ({"kind": "event", "id": gone_id}, "unknown_event"),
        ({"kind": "event", "id": "not-a-uuid"}, "unknown_link"),
    ):
        response = await client.post(CAMPAIGNS, json=campaign(link=link), headers=editor.headers | key())
        assert problem(response) == ("body.link.id", rule), link
