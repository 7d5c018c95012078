"""Moving district, downloading one's data, erasure, stale devices, and no personal data in logs."""

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.accounts.models import Account
from backend.alerts.devices.models import Device
from backend.alerts.devices.service import drop_stale_devices
from backend.events.models import Attendance
from backend.youth.models import Tombstone, YouthProfile
from schemas.accounts import Role
from tests.fixtures.events import bare_plan, event_with_code
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import signup

pytestmark = pytest.mark.usefixtures("seeded")

DEVICE = {"fcm_token": "fcm-" + "c" * 150, "platform": "android", "app_version": "1.0.0", "locale": "ur-PK"}


async def test_moving_district_needs_a_consistent_pair(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    alone = await client.patch("/v1/youth/me", json={"district": "kasur"}, headers=youth.headers)
    assert alone.json()["errors"][0]["rule"] == "pair_required"
    wrong = await client.patch(
        "/v1/youth/me", json={"district": "kasur", "constituency": "NA-117"}, headers=youth.headers
    )
    assert wrong.json()["errors"][0]["rule"] == "inconsistent_pair"
    moved = await client.patch(
        "/v1/youth/me",
        json={
            "district": "kasur",
            "constituency": "NA-132",
            "provincial_constituency": "PP-176",
            "phone": "",
        },
        headers=youth.headers,
    )
    assert (moved.json()["district"], moved.json()["constituency"], moved.json()["phone"]) == (
        "kasur",
        "NA-132",
        None,
    )


async def test_export_holds_everything_and_is_audited(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=5))
    )
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    await client.put("/v1/youth/me/devices", json=DEVICE, headers=youth.headers)
    await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    export = (await client.get("/v1/youth/me/export", headers=youth.headers)).json()
    assert export["profile"]["display_name"] == "Ayesha"
    assert export["account"]["email"] == youth.email
    assert [c["event_id"] for c in export["checkins"]] == [event_id]
    assert len(export["devices"]) == 1
    admin = await make_user(Role.ADMIN)
    audit = await client.get("/v1/admin/audit", params={"action": "youth.exported"}, headers=admin.headers)
    assert audit.json()["items"][0]["actor"] == youth.uid


async def test_erasure_removes_personal_data_keeps_counts_and_allows_a_fresh_start(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=5))
    )
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    await client.put("/v1/youth/me/devices", json=DEVICE, headers=youth.headers)
    await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    for _ in range(2):  # idempotent
        assert (await client.delete("/v1/youth/me", headers=youth.headers)).status_code == 204
    assert await YouthProfile.get(youth.uid) is None
    assert await Device.find({"uid": youth.uid}).count() == 0
    assert await Attendance.find({"uid": youth.uid}).count() == 0
    assert await Tombstone.find_all().count() == 1
    event = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert event["checkin_count"] == 1  # the aggregate stays
    account = await Account.get(youth.uid)
    assert account is not None
    assert (account.email, Role.YOUTH in account.roles) == (None, False)
    assert (await client.get("/v1/youth/me", headers=youth.headers)).status_code == 404
    again = await client.post(
        "/v1/youth/signup", json=signup(display_name="New start"), headers=youth.headers
    )
    assert again.status_code == 201
    assert again.json()["display_name"] == "New start"


async def test_devices_unseen_for_270_days_are_dropped(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    await client.put("/v1/youth/me/devices", json=DEVICE, headers=youth.headers)
    now = datetime.now(UTC)
    assert await drop_stale_devices(now=now + timedelta(days=269)) == 0
    assert await drop_stale_devices(now=now + timedelta(days=271)) == 1
    assert (await client.get("/v1/youth/me/devices", headers=youth.headers)).json() == []


async def test_personal_data_never_reaches_the_logs(
    client: httpx.AsyncClient, make_user: MakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    youth = await make_user()
    body = signup(display_name="Zarmeena Khattak", phone="+923451234567")
    with caplog.at_level(logging.DEBUG):
        await client.post("/v1/youth/signup", json=body, headers=youth.headers)
        await client.post(
            "/v1/youth/signup", json=body | {"phone": "+44 20 7946 0958"}, headers=youth.headers
        )
        await client.get("/v1/youth/me", headers=youth.headers)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for secret in ("Zarmeena", "Khattak", "3451234567", "7946"):
        assert secret not in logged


async def test_erasure_takes_rsvps_off_the_count_once_and_keeps_check_ins_counted_once(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=5))
    )
    later_id, _ = await event_with_code(client, officer, bare_plan(datetime.now(UTC) + timedelta(days=2)))
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    await client.put(f"/v1/events/{later_id}/rsvp", headers=youth.headers)
    await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    for _ in range(2):
        assert (await client.delete("/v1/youth/me", headers=youth.headers)).status_code == 204
    held = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    later = (await client.get(f"/v1/events/{later_id}", headers=officer.headers)).json()
    assert (held["checkin_count"], later["rsvp_count"]) == (1, 0)
    kept = await Attendance.find({"event_id": event_id}).to_list()
    assert [(a.uid.startswith("erased:"), a.counted) for a in kept] == [(True, True)]
