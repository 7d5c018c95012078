"""Findings of the security and usability review (issue 11) on young people's routes."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from backend.youth import service
from schemas.accounts import Role
from tests.conftest import MakeUser, User
from tests.events.conftest import new_id, plan
from tests.youth.test_router import CONSENT_VERSION, _event_with_code, pakistan_year, signup

pytestmark = pytest.mark.usefixtures("seeded")


def _fields(response: httpx.Response) -> set[tuple[str, str]]:
    return {(error["field"], error["rule"]) for error in response.json().get("errors", [])}


async def _youth(client: httpx.AsyncClient, make_user: MakeUser, **overrides: Any) -> User:
    user = await make_user()
    assert (
        await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
    ).status_code == 201
    return user


def _registration(**person: Any) -> dict[str, Any]:
    return {"person": signup(phone=None, **person), "consent_method": "paper"}


# 4. Out of scope looks like not found


async def test_a_registration_id_of_another_district_answers_404_like_an_unknown_one(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lahore = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    kasur = await make_user(Role.FIELD_OFFICER, districts=["kasur"])
    taken = str(uuid.uuid4())
    put = f"/v1/youth/registrations/{taken}"
    assert (await client.put(put, json=_registration(), headers=lahore.headers)).status_code == 201
    kasur_person = _registration(district="kasur", constituency="NA-132")
    hidden = await client.put(put, json=kasur_person, headers=kasur.headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    fresh = f"/v1/youth/registrations/{uuid.uuid4()}"
    # An invalid body answers the same for the taken id and a fresh one: nothing tells them apart.
    for body in (_registration(), kasur_person | {"consent_method": "app"}):
        taken_answer = await client.put(put, json=body, headers=kasur.headers)
        fresh_answer = await client.put(fresh, json=body, headers=kasur.headers)
        assert taken_answer.status_code == fresh_answer.status_code == 422
        assert taken_answer.json()["errors"] == fresh_answer.json()["errors"]
    created = await client.put(fresh, json=kasur_person, headers=kasur.headers)
    assert created.status_code == 201, created.text


# 5. Display names


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("   ", "blank_name"),
        ("\u200b\u200b", "blank_name"),
        ("\u200b \u2060\u00a0", "blank_name"),
        ("\u0301\u0301", "blank_name"),
        ("\u2028", "blank_name"),
        ("Ali\x00", "control_character"),
        ("Ali\nKhan", "control_character"),
        ("\x1b[31mAli", "control_character"),
    ],
)
async def test_invisible_or_control_names_are_refused_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser, name: str, rule: str
) -> None:
    user = await make_user()
    response = await client.post("/v1/youth/signup", json=signup(display_name=name), headers=user.headers)
    assert ("body.display_name", rule) in _fields(response)
    youth = await _youth(client, make_user)
    change = await client.patch("/v1/youth/me", json={"display_name": name}, headers=youth.headers)
    assert ("body.display_name", rule) in _fields(change)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    registered = await client.put(
        f"/v1/youth/registrations/{uuid.uuid4()}",
        json=_registration(display_name=name),
        headers=officer.headers,
    )
    assert ("body.person.display_name", rule) in _fields(registered)


async def test_names_are_trimmed(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    created = await client.post(
        "/v1/youth/signup", json=signup(display_name="  Ayesha  "), headers=user.headers
    )
    assert created.json()["display_name"] == "Ayesha"
    changed = await client.patch(
        "/v1/youth/me", json={"display_name": " Zainab\u200d "}, headers=user.headers
    )
    assert changed.json()["display_name"] == "Zainab\u200d"  # a joiner inside a name is writing, not blank


# 6. Strict types


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"birth_year": "2005"}, "body.birth_year", "int_type"),
        ({"birth_year": 2005.0}, "body.birth_year", "int_type"),
        (
            {"consent": {"version": CONSENT_VERSION, "guardian_consent": "true"}},
            "body.consent.guardian_consent",
            "bool_type",
        ),
        (
            {"consent": {"version": CONSENT_VERSION, "guardian_consent": 1}},
            "body.consent.guardian_consent",
            "bool_type",
        ),
    ],
)
async def test_sign_up_takes_only_exact_json_types(
    client: httpx.AsyncClient, make_user: MakeUser, overrides: dict[str, Any], field: str, rule: str
) -> None:
    user = await make_user()
    response = await client.post("/v1/youth/signup", json=signup(**overrides), headers=user.headers)
    assert (field, rule) in _fields(response)


async def test_preferences_take_only_json_booleans_and_hh_mm_times(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await _youth(client, make_user)
    stopped = await client.patch(
        "/v1/youth/me/preferences", json={"alerts_stopped": 1}, headers=youth.headers
    )
    assert ("body.alerts_stopped", "bool_type") in _fields(stopped)
    bad_time = await client.patch(
        "/v1/youth/me/preferences",
        json={"quiet_hours": {"start": "25:00", "end": "07:00"}},
        headers=youth.headers,
    )
    assert bad_time.status_code == 422


# 9. The event of a field registration


async def test_registration_event_is_kept_validated_and_counted(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore", "kasur"])
    event_id, deleted_id = new_id(), new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    await client.put(f"/v1/events/{deleted_id}", json=plan(), headers=officer.headers)
    await client.delete(f"/v1/events/{deleted_id}", headers=officer.headers)
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    elsewhere = new_id()
    await client.put(
        f"/v1/events/{elsewhere}", json=plan(district="quetta", constituency="NA-262"), headers=quetta.headers
    )
    for bad in (new_id(), deleted_id, elsewhere):
        refused = await client.put(
            f"/v1/youth/registrations/{uuid.uuid4()}",
            json=_registration() | {"event_id": bad},
            headers=officer.headers,
        )
        assert ("body.event_id", "unknown_event") in _fields(refused)
    registration_id = str(uuid.uuid4())
    body = _registration() | {"event_id": event_id}
    for _ in range(3):
        await client.put(f"/v1/youth/registrations/{registration_id}", json=body, headers=officer.headers)
    listed = await client.get("/v1/youth/registrations", headers=officer.headers)
    assert [(r["id"], r["event_id"]) for r in listed.json()["items"]] == [(registration_id, event_id)]
    event = await client.get(f"/v1/events/{event_id}", headers=officer.headers)
    assert event.json()["registration_count"] == 1


# 10. The year boundary, with the clock set


@pytest.mark.parametrize(
    ("utc_time", "accepted"),
    [
        (datetime(2026, 12, 31, 18, 59, tzinfo=UTC), False),  # 23:59 in Pakistan: still 2026, aged 12
        (datetime(2026, 12, 31, 19, 0, tzinfo=UTC), True),  # midnight in Pakistan: 2027, aged 13
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), True),
    ],
)
async def test_age_is_counted_in_pakistan_across_the_new_year(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
    utc_time: datetime,
    accepted: bool,
) -> None:
    monkeypatch.setattr(service, "current_time", lambda: utc_time)
    user = await make_user()
    response = await client.post(
        "/v1/youth/signup",
        json=signup(birth_year=2014, consent={"version": CONSENT_VERSION, "guardian_consent": True}),
        headers=user.headers,
    )
    if accepted:
        assert response.status_code == 201, response.text
    else:
        assert ("body.birth_year", "age_out_of_range") in _fields(response)


# 11. Devices, own events, an officer's registrations


async def test_a_lost_phone_is_removed_idempotently_and_only_by_its_owner(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner, other = await _youth(client, make_user), await _youth(client, make_user)
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
    youth = await _youth(client, make_user)
    attended, code = await _event_with_code(client, officer, datetime.now(UTC) - timedelta(minutes=10))
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
    other = await _youth(client, make_user)
    assert (await client.get("/v1/youth/me/events", headers=other.headers)).json()["total"] == 0


async def test_officers_list_and_correct_their_registrations_in_scope_only(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore", "kasur"])
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for registration_id in ids:
        await client.put(
            f"/v1/youth/registrations/{registration_id}", json=_registration(), headers=officer.headers
        )
    listed = (
        await client.get("/v1/youth/registrations", params={"limit": 2}, headers=officer.headers)
    ).json()
    assert (listed["total"], [r["id"] for r in listed["items"]]) == (3, ids[::-1][:2])
    assert "phone" not in listed["items"][0]
    someone = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    assert (await client.get("/v1/youth/registrations", headers=someone.headers)).json()["total"] == 0
    url = f"/v1/youth/registrations/{ids[0]}"
    corrected = await client.patch(
        url, json={"display_name": "Ayesha Bibi", "birth_year": pakistan_year() - 21}, headers=officer.headers
    )
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["display_name"], corrected.json()["birth_year"]) == (
        "Ayesha Bibi",
        pakistan_year() - 21,
    )
    moved = await client.patch(
        url, json={"district": "kasur", "constituency": "NA-132"}, headers=officer.headers
    )
    assert moved.json()["district"] == "kasur"
    outside = await client.patch(
        url, json={"district": "quetta", "constituency": "NA-262"}, headers=officer.headers
    )
    assert ("body.district", "outside_scope") in _fields(outside)
    too_young = await client.patch(url, json={"birth_year": pakistan_year() - 5}, headers=officer.headers)
    assert ("body.birth_year", "age_out_of_range") in _fields(too_young)
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (await client.patch(url, json={"display_name": "X Y"}, headers=quetta.headers)).status_code == 404
    youth = await make_user(Role.YOUTH)
    assert (await client.get("/v1/youth/registrations", headers=youth.headers)).status_code == 403


# 12. Rate limits


@asynccontextmanager
async def _limited_app(
    settings: Settings, database: Database, limits: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings.model_copy(update={"rate_limits": limits}), database=database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.8", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_sign_up_and_device_registration_are_rate_limited(
    settings: Settings, shared_database: Database, make_user: MakeUser
) -> None:
    limits = {"signup": "2/hour", "device_registration": "1/hour", "checkin": "1/hour"}
    async with _limited_app(settings, shared_database, limits) as http:
        user = await make_user()
        statuses = [
            (await http.post("/v1/youth/signup", json=signup(), headers=user.headers)).status_code
            for _ in range(3)
        ]
        assert statuses == [201, 200, 429]
        refused = await http.post("/v1/youth/signup", json=signup(), headers=user.headers)
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert refused.json()["code"] == "rate_limited"
        device = {"fcm_token": "fcm-" + "d" * 150, "platform": "ios", "app_version": "1.0", "locale": "en"}
        first = await http.put("/v1/youth/me/devices", json=device, headers=user.headers)
        again = await http.put("/v1/youth/me/devices", json=device, headers=user.headers)
        assert (first.status_code, again.status_code) == (201, 429)
        checkins = [
            (
                await http.post("/v1/youth/checkins", json={"code": "HQ1.x.1.2.sig"}, headers=user.headers)
            ).status_code
            for _ in range(2)
        ]
        assert checkins == [422, 429]


# 13. Declared statuses and formats


def test_youth_routes_declare_what_they_answer(app: FastAPI) -> None:
    spec = app.openapi()
    devices = spec["paths"]["/v1/youth/me/devices"]["put"]["responses"]
    assert {"200", "201", "429"} <= set(devices)
    assert "429" in spec["paths"]["/v1/youth/signup"]["post"]["responses"]
    assert {"200", "201", "429"} <= set(spec["paths"]["/v1/youth/checkins"]["post"]["responses"])
    assert "404" in spec["paths"]["/v1/youth/registrations/{registration_id}"]["put"]["responses"]
    quiet = spec["components"]["schemas"]["QuietHours"]["properties"]["start"]
    assert quiet.get("format") != "time"
    assert quiet["pattern"]
