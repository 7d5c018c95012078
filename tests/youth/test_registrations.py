"""Field officers' registrations (review, issue 11): out of scope answers like unknown, the event kept and
counted, listing and correcting in scope only."""

import uuid

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.app import problem_fields
from tests.fixtures.events import new_id, plan
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import pakistan_year, registration

pytestmark = pytest.mark.usefixtures("seeded")


async def test_a_registration_id_of_another_district_answers_404_like_an_unknown_one(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    lahore = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    kasur = await make_user(Role.FIELD_OFFICER, districts=["kasur"])
    taken = str(uuid.uuid4())
    put = f"/v1/youth/registrations/{taken}"
    assert (await client.put(put, json=registration(), headers=lahore.headers)).status_code == 201
    kasur_person = registration(district="kasur", constituency="NA-132")
    hidden = await client.put(put, json=kasur_person, headers=kasur.headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    fresh = f"/v1/youth/registrations/{uuid.uuid4()}"
    # An invalid body answers the same for the taken id and a fresh one: nothing tells them apart.
    for body in (registration(), kasur_person | {"consent_method": "app"}):
        taken_answer = await client.put(put, json=body, headers=kasur.headers)
        fresh_answer = await client.put(fresh, json=body, headers=kasur.headers)
        assert taken_answer.status_code == fresh_answer.status_code == 422
        assert taken_answer.json()["errors"] == fresh_answer.json()["errors"]
    created = await client.put(fresh, json=kasur_person, headers=kasur.headers)
    assert created.status_code == 201, created.text


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
            json=registration() | {"event_id": bad},
            headers=officer.headers,
        )
        assert ("body.event_id", "unknown_event") in problem_fields(refused)
    registration_id = str(uuid.uuid4())
    body = registration() | {"event_id": event_id}
    for _ in range(3):
        await client.put(f"/v1/youth/registrations/{registration_id}", json=body, headers=officer.headers)
    listed = await client.get("/v1/youth/registrations", headers=officer.headers)
    assert [(r["id"], r["event_id"]) for r in listed.json()["items"]] == [(registration_id, event_id)]
    event = await client.get(f"/v1/events/{event_id}", headers=officer.headers)
    assert event.json()["registration_count"] == 1


async def test_officers_list_and_correct_their_registrations_in_scope_only(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore", "kasur"])
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for registration_id in ids:
        await client.put(
            f"/v1/youth/registrations/{registration_id}", json=registration(), headers=officer.headers
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
        url,
        json={"district": "kasur", "constituency": "NA-132", "provincial_constituency": "PP-176"},
        headers=officer.headers,
    )
    assert moved.json()["district"] == "kasur"
    outside = await client.patch(
        url,
        json={"district": "quetta", "constituency": "NA-262", "provincial_constituency": "PB-40"},
        headers=officer.headers,
    )
    assert ("body.district", "outside_scope") in problem_fields(outside)
    too_young = await client.patch(url, json={"birth_year": pakistan_year() - 5}, headers=officer.headers)
    assert ("body.birth_year", "age_out_of_range") in problem_fields(too_young)
    quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (await client.patch(url, json={"display_name": "X Y"}, headers=quetta.headers)).status_code == 404
    youth = await make_user(Role.YOUTH)
    assert (await client.get("/v1/youth/registrations", headers=youth.headers)).status_code == 403
