"""Editors' campaigns over HTTP: idempotent writes, four eyes, cancel and its race, list, preview, access."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.alerts.models import Campaign
from backend.audit.models import AuditEntry
from schemas.accounts import Role
from tests.fixtures.alerts import CAMPAIGNS, campaign, create, key, person, problem
from tests.fixtures.users import MakeUser, User

pytestmark = pytest.mark.usefixtures("seeded")


async def test_create_stores_canonical_codes_and_schedules_now(
    client: httpx.AsyncClient, editor: User
) -> None:
    audience = {"districts": ["Lahore", "lahore"], "constituencies": ["na-263"], "provinces": ["pk-kp"]}
    created = await create(client, editor, campaign(audience=audience))
    assert created["audience"]["districts"] == ["lahore"]
    assert created["audience"]["constituencies"] == ["NA-263"]
    assert created["audience"]["provinces"] == ["PK-KP"]
    assert (created["status"], created["confirmation_required"]) == ("scheduled", False)
    sent_at = datetime.fromisoformat(created["send_at"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert created["stats"] == {
        "people": 0, "devices": 0, "sent": 0, "by_topic": 0, "failed": 0, "skipped": 0, "held": 0,
        "unconfirmed": 0, "opened": 0,
    }  # fmt: skip


async def test_same_key_and_body_is_the_same_campaign_and_another_body_is_409(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    headers = editor.headers | key()
    first = await client.post(CAMPAIGNS, json=campaign(), headers=headers)
    again = await client.post(CAMPAIGNS, json=campaign(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = await client.post(CAMPAIGNS, json=campaign(priority="high"), headers=headers)
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    # A key belongs to its editor: another editor's same key is another campaign.
    colleague = await make_user(Role.EDITOR)
    theirs = await client.post(
        CAMPAIGNS,
        json=campaign(),
        headers=colleague.headers | {"Idempotency-Key": headers["Idempotency-Key"]},
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert await Campaign.count() == 2


async def test_concurrent_retries_with_one_key_make_one_campaign(
    client: httpx.AsyncClient, editor: User
) -> None:
    headers = editor.headers | key()
    responses = await asyncio.gather(
        *(client.post(CAMPAIGNS, json=campaign(), headers=headers) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Campaign.count() == 1


@pytest.mark.parametrize("value", [None, "short", "has space in it", "x" * 101])
async def test_the_idempotency_key_is_required_and_well_formed(
    client: httpx.AsyncClient, editor: User, value: str | None
) -> None:
    headers = editor.headers | ({"Idempotency-Key": value} if value else {})
    response = await client.post(CAMPAIGNS, json=campaign(), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"


async def test_an_emergency_to_several_provinces_needs_another_editor(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    one_province = await create(
        client,
        editor,
        campaign(priority="emergency", audience={"districts": ["lahore"], "constituencies": ["NA-117"]}),
    )
    assert one_province["status"] == "scheduled"
    normal_national = await create(client, editor, campaign(audience={"national": True}))
    assert normal_national["status"] == "scheduled"
    two = await create(
        client,
        editor,
        campaign(priority="emergency", audience={"districts": ["lahore"], "constituencies": ["NA-263"]}),
    )
    national = await create(client, editor, campaign(priority="emergency", audience={"national": True}))
    assert (two["status"], national["status"]) == ("awaiting_confirmation", "awaiting_confirmation")
    assert national["confirmation_required"] is True

    own = await client.post(f"{CAMPAIGNS}/{national['id']}/confirm", headers=editor.headers)
    assert (own.status_code, own.json()["code"]) == (403, "four_eyes")
    admin = await make_user(Role.ADMIN)
    confirmed = await client.post(f"{CAMPAIGNS}/{national['id']}/confirm", headers=admin.headers)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["confirmed_by"]) == ("scheduled", admin.uid)
    colleague = await make_user(Role.EDITOR)
    again = await client.post(f"{CAMPAIGNS}/{national['id']}/confirm", headers=colleague.headers)
    assert (again.status_code, again.json()["confirmed_by"]) == (200, admin.uid)
    needless = await client.post(f"{CAMPAIGNS}/{normal_national['id']}/confirm", headers=colleague.headers)
    assert (needless.status_code, needless.json()["code"]) == (409, "not_awaiting_confirmation")
    missing = await client.post(f"{CAMPAIGNS}/{uuid.uuid4()}/confirm", headers=colleague.headers)
    assert missing.status_code == 404

    actions = [(e.action, e.actor) async for e in AuditEntry.find({"resource_id": national["id"]})]
    assert sorted(actions) == [
        ("alerts.emergency_confirmed", admin.uid),
        ("alerts.emergency_created", editor.uid),
    ]
    assert await AuditEntry.find({"resource_id": normal_national["id"]}).count() == 0


async def test_cancel_before_sending_is_idempotent_and_after_is_409(
    client: httpx.AsyncClient, editor: User
) -> None:
    scheduled = await create(client, editor)
    awaiting = await create(client, editor, campaign(priority="emergency", audience={"national": True}))
    for created in (scheduled, awaiting):
        for _ in range(2):
            response = await client.post(f"{CAMPAIGNS}/{created['id']}/cancel", headers=editor.headers)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "cancelled"
            assert response.json()["cancelled_at"] is not None
    confirm = await client.post(f"{CAMPAIGNS}/{awaiting['id']}/confirm", headers=editor.headers)
    assert confirm.status_code == 403
    assert await AuditEntry.find({"action": "alerts.campaign_cancelled"}).count() == 2
    for status in ("sending", "sent"):
        started = await create(client, editor)
        await Campaign.get_pymongo_collection().update_one(
            {"_id": started["id"]}, {"$set": {"status": status}}
        )
        response = await client.post(f"{CAMPAIGNS}/{started['id']}/cancel", headers=editor.headers)
        assert (response.status_code, response.json()["code"]) == (409, "already_sending")
    assert (
        await client.post(f"{CAMPAIGNS}/{uuid.uuid4()}/cancel", headers=editor.headers)
    ).status_code == 404


async def test_a_cancel_racing_the_planners_claim_has_one_winner(
    client: httpx.AsyncClient, editor: User
) -> None:
    collection = Campaign.get_pymongo_collection()

    async def claim(campaign_id: str) -> bool:
        # The planner's move, as the delivery worker makes it.
        moved = await collection.update_one(
            {"_id": campaign_id, "status": "scheduled", "send_at": {"$lte": datetime.now(UTC)}},
            {"$set": {"status": "sending"}},
        )
        return moved.modified_count == 1

    for _ in range(8):
        created = await create(client, editor)
        cancelled, claimed = await asyncio.gather(
            client.post(f"{CAMPAIGNS}/{created['id']}/cancel", headers=editor.headers), claim(created["id"])
        )
        stored = await Campaign.get(created["id"])
        assert stored is not None
        if claimed:
            assert (cancelled.status_code, stored.status) == (409, "sending")
        else:
            assert (cancelled.status_code, stored.status) == (200, "cancelled")
            assert cancelled.json()["status"] == "cancelled"


async def test_list_is_newest_first_and_a_read_shows_the_statistics(
    client: httpx.AsyncClient, editor: User
) -> None:
    ids = [(await create(client, editor))["id"] for _ in range(3)]
    page = (await client.get(CAMPAIGNS, params={"limit": 2}, headers=editor.headers)).json()
    assert (page["total"], [item["id"] for item in page["items"]]) == (3, ids[::-1][:2])
    await Campaign.get_pymongo_collection().update_one(
        {"_id": ids[0]},
        {"$inc": {"stats.people": 4, "stats.sent": 5, "stats.opened": 1, "stats.internal": 9}},
    )
    read = (await client.get(f"{CAMPAIGNS}/{ids[0]}", headers=editor.headers)).json()
    assert read["stats"] == {
        "people": 4, "devices": 0, "sent": 5, "by_topic": 0, "failed": 0, "skipped": 0, "held": 0,
        "unconfirmed": 0, "opened": 1,
    }  # fmt: skip
    assert (await client.get(f"{CAMPAIGNS}/{uuid.uuid4()}", headers=editor.headers)).status_code == 404


async def test_preview_counts_people_and_devices_and_stopped_ones_only_for_emergencies(
    client: httpx.AsyncClient, editor: User
) -> None:
    await person(district="lahore", devices=2)
    await person(district="lahore", devices=0, gender="male")
    await person(district="quetta", alerts_stopped=True, status="stopped")
    await person(district="peshawar", status="erased")

    async def preview(audience: dict[str, Any], priority: str | None = None) -> tuple[int, int]:
        params = {"priority": priority} if priority else {}
        response = await client.post(
            f"{CAMPAIGNS}/preview", json=audience, params=params, headers=editor.headers
        )
        assert response.status_code == 200, response.text
        return response.json()["people"], response.json()["devices"]

    assert await preview({"national": True}) == (2, 2)
    assert await preview({"national": True}, "emergency") == (3, 3)
    assert await preview({"districts": ["Lahore"], "genders": ["male"]}) == (1, 0)
    assert await preview({"provinces": ["PK-BA", "PK-KP"]}, "emergency") == (1, 1)
    unknown = await client.post(
        f"{CAMPAIGNS}/preview", json={"districts": ["atlantis"]}, headers=editor.headers
    )
    assert problem(unknown) == ("body.districts.0", "unknown_district")


async def test_youth_and_mp_get_403_and_anonymous_401_on_every_campaign_route(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await make_user(Role.YOUTH)
    mp = await make_user(Role.MP, constituency="NA-117")
    some = uuid.uuid4()
    routes = [
        ("POST", CAMPAIGNS),
        ("GET", CAMPAIGNS),
        ("POST", f"{CAMPAIGNS}/preview"),
        ("GET", f"{CAMPAIGNS}/{some}"),
        ("POST", f"{CAMPAIGNS}/{some}/confirm"),
        ("POST", f"{CAMPAIGNS}/{some}/cancel"),
    ]
    for method, path in routes:
        for caller in (youth, mp):
            response = await client.request(method, path, json=campaign(), headers=caller.headers | key())
            assert (response.status_code, response.json()["code"]) == (403, "role_required"), (method, path)
        assert (await client.request(method, path, json=campaign(), headers=key())).status_code == 401
    assert await Campaign.count() == 0
