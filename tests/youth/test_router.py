"""Young people's sign-up, preferences, devices and check-ins, with the races a phone creates."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.accounts.models import Account
from schemas.accounts import Role
from tests.fixtures.events import bare_plan, event_with_code
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import CONSENT_VERSION, pakistan_year, signup

pytestmark = pytest.mark.usefixtures("seeded")


async def test_consent_text_is_public_in_english_and_urdu(client: httpx.AsyncClient) -> None:
    consent = (await client.get("/v1/youth/consent")).json()
    assert consent["version"] == CONSENT_VERSION
    assert consent["text_en"]
    assert consent["text_ur"]


async def test_the_topic_list_is_published_with_urdu_labels(client: httpx.AsyncClient) -> None:
    topics = await client.get("/v1/topics")
    assert len(topics.json()) == 9
    assert all(topic["label_ur"] for topic in topics.json())
    assert (
        await client.get("/v1/topics", headers={"If-None-Match": topics.headers["etag"]})
    ).status_code == 304


async def test_sign_up_creates_one_profile_and_grants_the_youth_role(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    created = await client.post("/v1/youth/signup", json=signup(), headers=user.headers)
    assert created.status_code == 201
    profile = created.json()
    assert (profile["district"], profile["constituency"], profile["province"]) == (
        "lahore",
        "NA-117",
        "PK-PB",
    )
    assert profile["phone"] == "+923001234567"
    assert profile["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert profile["consent"]["method"] == "app"
    replay = await client.post("/v1/youth/signup", json=signup(), headers=user.headers)
    assert replay.status_code == 200
    different = await client.post(
        "/v1/youth/signup", json=signup(display_name="Someone"), headers=user.headers
    )
    assert (different.status_code, different.json()["code"]) == (409, "already_signed_up")
    account = await Account.get(user.uid)
    assert account is not None
    assert Role.YOUTH in account.roles


async def test_parallel_sign_ups_create_one_profile(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    responses = await asyncio.gather(
        *[client.post("/v1/youth/signup", json=signup(), headers=user.headers) for _ in range(4)]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"birth_year": pakistan_year() - 12}, "body.birth_year", "age_out_of_range"),
        ({"birth_year": pakistan_year() - 36}, "body.birth_year", "age_out_of_range"),
        (
            {"birth_year": pakistan_year() - 16},
            "body.consent.guardian_consent",
            "guardian_consent_required",
        ),
        ({"consent": {"version": "2020-01-v0"}}, "body.consent.version", "consent_version_outdated"),
        ({"district": "atlantis"}, "body.district", "unknown_district"),
        ({"constituency": "NA-262"}, "body.constituency", "inconsistent_pair"),
        ({"phone": "12345"}, "body.phone", "phone_invalid"),
        ({"phone": "+44 20 7946 0958"}, "body.phone", "phone_not_pakistani"),
        ({"phone": "call me"}, "body.phone", "phone_format"),
        ({"gender": "unknown"}, "body.gender", "enum"),
        ({"languages": []}, "body.languages", "too_short"),
        ({"date_of_birth": "2005-01-01"}, "body.date_of_birth", "extra_forbidden"),
    ],
)
async def test_invalid_sign_ups_name_the_field_and_rule(
    client: httpx.AsyncClient, make_user: MakeUser, overrides: dict[str, Any], field: str, rule: str
) -> None:
    user = await make_user()
    response = await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
    assert response.status_code == 422
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}


async def test_under_18_signs_up_with_guardian_consent(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    body = signup(
        birth_year=pakistan_year() - 16, consent={"version": CONSENT_VERSION, "guardian_consent": True}
    )
    response = await client.post("/v1/youth/signup", json=body, headers=user.headers)
    assert response.status_code == 201
    assert response.json()["consent"]["guardian_consent"] is True


async def test_preferences_quiet_hours_and_stopping_alerts(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=user.headers)
    update = {"quiet_hours": {"start": "23:00", "end": "06:30"}, "alerts_stopped": True, "languages": ["ps"]}
    response = await client.patch("/v1/youth/me/preferences", json=update, headers=user.headers)
    body = response.json()
    assert body["quiet_hours"] == {"start": "23:00", "end": "06:30"}
    assert (body["alerts_stopped"], body["status"], body["languages"]) == (True, "stopped", ["ps"])


async def test_devices_register_idempotently_and_a_moved_token_leaves_the_old_account(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    first, second = await make_user(), await make_user()
    for user in (first, second):
        await client.post("/v1/youth/signup", json=signup(), headers=user.headers)
    device = {
        "fcm_token": "fcm-" + "a" * 150,
        "platform": "android",
        "app_version": "1.2.0",
        "locale": "ur-PK",
    }
    assert (await client.put("/v1/youth/me/devices", json=device, headers=first.headers)).status_code == 201
    assert (await client.put("/v1/youth/me/devices", json=device, headers=first.headers)).status_code == 200
    other = device | {"fcm_token": "fcm-" + "b" * 150, "platform": "ios"}
    await client.put("/v1/youth/me/devices", json=other, headers=first.headers)
    assert len((await client.get("/v1/youth/me/devices", headers=first.headers)).json()) == 2
    moved = await client.put("/v1/youth/me/devices", json=device, headers=second.headers)
    assert moved.status_code == 201
    assert [
        d["platform"] for d in (await client.get("/v1/youth/me/devices", headers=first.headers)).json()
    ] == ["ios"]
    assert "fcm_token" not in moved.json()


async def test_check_in_once_per_person_whatever_the_retries_and_counted_apart(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=10))
    )
    youth = await make_user()
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    responses = await asyncio.gather(
        *[client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers) for _ in range(4)]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    event = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert (event["checkin_count"], event["turnout"]) == (1, None)


async def test_check_in_refused_outside_the_window_for_cancelled_events_and_without_profile(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    youth = await make_user()
    _, future_code = await event_with_code(client, officer, bare_plan(datetime.now(UTC) + timedelta(days=3)))
    no_profile = await client.post("/v1/youth/checkins", json={"code": future_code}, headers=youth.headers)
    assert no_profile.status_code == 422  # the window is checked first: not yet valid
    await client.post("/v1/youth/signup", json=signup(), headers=youth.headers)
    early = await client.post("/v1/youth/checkins", json={"code": future_code}, headers=youth.headers)
    assert early.json()["errors"][0]["rule"] == "not_yet_valid"
    event_id, code = await event_with_code(
        client, officer, bare_plan(datetime.now(UTC) - timedelta(minutes=5))
    )
    await client.put(
        f"/v1/events/{event_id}/report",
        json={"outcome": "cancelled", "cancel_reason": "Floods"},
        headers=officer.headers,
    )
    cancelled = await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    assert (cancelled.status_code, cancelled.json()["code"]) == (409, "event_cancelled")
    forged = await client.post("/v1/youth/checkins", json={"code": code[:-3] + "abc"}, headers=youth.headers)
    assert forged.json()["errors"][0]["rule"] == "signature"


async def test_officer_registers_a_young_person_in_their_districts_only(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    registration_id = str(uuid.uuid4())
    body = {"person": signup(phone=None), "consent_method": "paper"}
    created = await client.put(
        f"/v1/youth/registrations/{registration_id}", json=body, headers=officer.headers
    )
    assert created.status_code == 201
    assert (created.json()["registered_by"], created.json()["consent"]["method"]) == (officer.uid, "paper")
    replay = await client.put(
        f"/v1/youth/registrations/{registration_id}", json=body, headers=officer.headers
    )
    assert replay.status_code == 200
    outside = {"person": signup(district="quetta", constituency="NA-262"), "consent_method": "paper"}
    refused = await client.put(
        f"/v1/youth/registrations/{uuid.uuid4()}", json=outside, headers=officer.headers
    )
    assert refused.json()["errors"][0] == {
        "field": "body.person.district",
        "rule": "outside_scope",
        "message": "'quetta' is not one of your districts",
    }
    app_method = await client.put(
        f"/v1/youth/registrations/{uuid.uuid4()}",
        json=body | {"consent_method": "app"},
        headers=officer.headers,
    )
    assert app_method.json()["errors"][0]["rule"] == "officer_method"
    young = await client.put(
        f"/v1/youth/registrations/{uuid.uuid4()}",
        json={"person": signup(birth_year=pakistan_year() - 15), "consent_method": "paper"},
        headers=officer.headers,
    )
    assert young.json()["errors"][0]["field"] == "body.person.consent.guardian_consent"


async def test_staff_reads_of_a_registered_person_are_scoped_and_audited(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    registration_id = str(uuid.uuid4())
    await client.put(
        f"/v1/youth/registrations/{registration_id}",
        json={"person": signup(), "consent_method": "officer_phone"},
        headers=officer.headers,
    )
    read = await client.get(f"/v1/youth/registrations/{registration_id}", headers=officer.headers)
    assert read.json()["display_name"] == "Ayesha"
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (
        await client.get(f"/v1/youth/registrations/{registration_id}", headers=quetta.headers)
    ).status_code == 404
    youth = await make_user(Role.YOUTH)
    assert (
        await client.get(f"/v1/youth/registrations/{registration_id}", headers=youth.headers)
    ).status_code == 403
    admin = await make_user(Role.ADMIN)
    audit = await client.get("/v1/admin/audit", params={"action": "youth.read"}, headers=admin.headers)
    assert [(e["actor"], e["resource_id"]) for e in audit.json()["items"]] == [
        (officer.uid, f"registered:{registration_id}")
    ]
