"""A young person's own phones and events (review, issue 11): a lost phone removed; RSVPs and check-ins
listed newest first."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.events import bare_plan, event_with_code, new_id, plan
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import signed_up

pytestmark = pytest.mark.usefixtures("seeded")


async def test_a_lost_phone_is_removed_idempotently_and_only_by_its_owner(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner, other = await signed_up(client, make_user), await signed_up(client, make_user)
    device = {
        "fcm_token": "fcm-" + "c" * 150,
        "platform": "android",
        "app_version": "1.2.0",
        "locale": "ur-PK",
    }
    device_id = (await client.put("/v1/youth/me/devices", json=device, headers=owner.headers)).json()["id"]
    url = f"/v1/youth/me/devices/{device_id}"
    assert (await client.delete(url, headers=other.headers)).status_code == 404
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert (await client.get("/v1/youth/me/devices", headers=owner.headers)).json() == []
    assert (await client.delete("/v1/youth/me/devices/not-a-hash", headers=owner.headers)).status_code == 422


async def test_young_people_list_their_rsvps_and_check_ins_newest_first(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    youth = await signed_up(client, make_user)
    attended, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=10))
    )
    later = new_id()
    await client.put(f"/v1/events/{later}", json=plan(), headers=officer.headers)
    assert (await client.put(f"/v1/events/{attended}/rsvp", headers=youth.headers)).status_code == 204
    assert (
        await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    ).status_code == 201
    assert (await client.put(f"/v1/events/{later}/rsvp", headers=youth.headers)).status_code == 204
    mine = (await client.get("/v1/youth/me/events", headers=youth.headers)).json()
    assert mine["total"] == 3
    assert [(i["event_id"], i["activity"]) for i in mine["items"]] == [
        (later, "rsvp"),
        (attended, "checkin"),
        (attended, "rsvp"),
    ]
    assert mine["items"][0]["title"] == plan()["title"]
    second = (
        await client.get("/v1/youth/me/events", params={"limit": 1, "offset": 1}, headers=youth.headers)
    ).json()
    assert [(i["event_id"], i["activity"]) for i in second["items"]] == [(attended, "checkin")]
    other = await signed_up(client, make_user)
    assert (await client.get("/v1/youth/me/events", headers=other.headers)).json()["total"] == 0
