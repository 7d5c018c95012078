"""Reports, review, soft delete, lists, CSV export, upcoming events and RSVPs."""

import copy
import csv
import io

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.events import HELD_REPORT, new_id, past_plan, plan
from tests.fixtures.users import MakeUser, User


async def _create(client: httpx.AsyncClient, user: User, body: dict[str, object]) -> str:
    event_id = new_id()
    response = await client.put(f"/v1/events/{event_id}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return event_id


async def test_held_report_is_stored_apart_from_check_ins_and_replays_are_no_ops(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _create(client, officer, past_plan())
    first = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert first.status_code == 200
    body = first.json()
    assert (body["status"], body["review"], body["turnout"]["total"], body["checkin_count"]) == (
        "held",
        "pending",
        50,
        0,
    )
    again = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert again.json()["version"] == body["version"]


@pytest.mark.parametrize(
    ("report", "fields"),
    [
        (
            {**HELD_REPORT, "turnout": {**HELD_REPORT["turnout"], "total": 51}},
            {("body.turnout.by_gender", "sum_mismatch"), ("body.turnout.by_age", "sum_mismatch")},
        ),
        ({"outcome": "held"}, {("body.turnout", "missing")}),
        ({"outcome": "cancelled"}, {("body.cancel_reason", "missing")}),
        (
            {**HELD_REPORT, "outcome": "cancelled", "cancel_reason": "Flooding"},
            {("body.turnout", "not_allowed")},
        ),
        (
            {"outcome": "held", "turnout": {"total": -1}},
            {
                ("body.turnout.total", "greater_than_equal"),
                ("body.turnout.by_gender", "missing"),
                ("body.turnout.by_age", "missing"),
            },
        ),
    ],
)
async def test_bad_reports_are_refused_with_the_field_named(
    client: httpx.AsyncClient, officer: User, report: dict[str, object], fields: set[tuple[str, str]]
) -> None:
    event_id = await _create(client, officer, past_plan())
    response = await client.put(f"/v1/events/{event_id}/report", json=report, headers=officer.headers)
    assert response.status_code == 422
    assert {(e["field"], e["rule"]) for e in response.json()["errors"]} == fields


async def test_event_cannot_be_reported_held_before_it_starts(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _create(client, officer, plan())
    response = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert response.json()["errors"][0]["rule"] == "not_started"
    cancelled = await client.put(
        f"/v1/events/{event_id}/report",
        json={"outcome": "cancelled", "cancel_reason": "Heavy rain"},
        headers=officer.headers,
    )
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")


async def test_supervisor_approves_or_rejects_with_reason(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    event_id = await _create(client, officer, past_plan())
    early = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    assert (early.status_code, early.json()["code"]) == (409, "not_reported")
    await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    no_reason = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "reject"}, headers=supervisor.headers
    )
    assert no_reason.json()["errors"][0]["field"] == "body.reason"
    rejected = await client.put(
        f"/v1/events/{event_id}/review",
        json={"decision": "reject", "reason": "Age bands look wrong"},
        headers=supervisor.headers,
    )
    assert (rejected.json()["review"], rejected.json()["review_reason"]) == (
        "rejected",
        "Age bands look wrong",
    )
    approved = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    assert approved.json()["review"] == "approved"
    officer_try = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=officer.headers
    )
    assert officer_try.status_code == 403


async def test_approved_event_is_corrected_not_deleted(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    event_id = await _create(client, officer, past_plan())
    await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    approved = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    delete = await client.delete(f"/v1/events/{event_id}", headers=officer.headers)
    assert (delete.status_code, delete.json()["code"]) == (409, "approved_event")
    correction = copy.deepcopy(HELD_REPORT)
    correction["turnout"]["by_gender"] = {"female": 23, "male": 25, "transgender": 1, "prefer_not_to_say": 1}
    corrected = await client.put(f"/v1/events/{event_id}/report", json=correction, headers=officer.headers)
    assert corrected.json()["review"] == "pending"  # a correction is reviewed again
    assert corrected.json()["version"] == approved.json()["version"] + 1


async def test_soft_delete_by_author_or_supervisor_only(
    client: httpx.AsyncClient, officer: User, supervisor: User, make_user: MakeUser
) -> None:
    colleague = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    event_id = await _create(client, officer, plan())
    assert (await client.delete(f"/v1/events/{event_id}", headers=colleague.headers)).status_code == 404
    assert (await client.delete(f"/v1/events/{event_id}", headers=supervisor.headers)).status_code == 204
    assert (await client.delete(f"/v1/events/{event_id}", headers=officer.headers)).status_code == 204
    assert (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).status_code == 404
    history = await client.get(f"/v1/events/{event_id}/history", headers=officer.headers)
    assert history.status_code == 404
    own = await _create(client, officer, plan())
    assert (await client.delete(f"/v1/events/{own}", headers=officer.headers)).status_code == 204


async def test_list_filters_sorts_and_stays_in_scope(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    lahore = await _create(client, officer, plan(kind="workshop"))
    kasur = await _create(client, officer, past_plan(district="kasur", constituency="NA-132"))
    quetta_officer = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    await _create(client, quetta_officer, plan(district="quetta", constituency="NA-262"))
    everything = (await client.get("/v1/events", headers=officer.headers)).json()
    assert [e["id"] for e in everything["items"]] == [kasur, lahore]
    newest = (await client.get("/v1/events", params={"newest_first": True}, headers=officer.headers)).json()
    assert [e["id"] for e in newest["items"]] == [lahore, kasur]
    by_kind = (await client.get("/v1/events", params={"kind": "workshop"}, headers=officer.headers)).json()
    assert [e["id"] for e in by_kind["items"]] == [lahore]
    by_district = (
        await client.get("/v1/events", params={"district": "kasur"}, headers=officer.headers)
    ).json()
    assert [e["id"] for e in by_district["items"]] == [kasur]
    other = (await client.get("/v1/events", params={"district": "quetta"}, headers=officer.headers)).json()
    assert other["total"] == 0


async def test_csv_export_is_scoped_streamed_and_audited(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    await _create(client, officer, plan(title='=HYPERLINK("http://evil")'))
    await _create(client, officer, past_plan(district="kasur", constituency="NA-132"))
    quetta_officer = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    await _create(client, quetta_officer, plan(district="quetta", constituency="NA-262"))
    response = await client.get("/v1/events/export.csv", headers=officer.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["district"] for r in rows) == ["kasur", "lahore"]
    assert any(r["title"].startswith("'=HYPERLINK") for r in rows)
    admin = await make_user(Role.ADMIN)
    audit = await client.get("/v1/admin/audit", params={"action": "events.exported"}, headers=admin.headers)
    assert audit.json()["items"][0]["actor"] == officer.uid


async def test_upcoming_shows_public_fields_soonest_first_and_rsvps_count_once(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    later = await _create(
        client, officer, plan(starts_at="2031-01-02T10:00:00+05:00", ends_at="2031-01-02T12:00:00+05:00")
    )
    sooner = await _create(
        client, officer, plan(starts_at="2031-01-01T10:00:00+05:00", ends_at="2031-01-01T12:00:00+05:00")
    )
    await _create(client, officer, past_plan())  # already over
    upcoming = await client.get("/v1/events/upcoming", params={"district": "Lahore"})
    items = upcoming.json()["items"]
    assert [e["id"] for e in items] == [sooner, later]
    assert "created_by" not in items[0]
    assert "rsvp_count" not in items[0]
    assert "turnout" not in items[0]
    by_seat = await client.get("/v1/events/upcoming", params={"constituency": "na-117"})
    assert by_seat.json()["total"] == 2
    neither = await client.get("/v1/events/upcoming")
    assert neither.status_code == 422

    youth = await make_user(Role.YOUTH)
    for _ in range(3):
        assert (await client.put(f"/v1/events/{sooner}/rsvp", headers=youth.headers)).status_code == 204
    other_youth = await make_user(Role.YOUTH)
    await client.put(f"/v1/events/{sooner}/rsvp", headers=other_youth.headers)
    seen = (await client.get(f"/v1/events/{sooner}", headers=officer.headers)).json()
    assert (seen["rsvp_count"], seen["expected_turnout"]) == (2, 60)
    await client.delete(f"/v1/events/{sooner}/rsvp", headers=youth.headers)
    await client.delete(f"/v1/events/{sooner}/rsvp", headers=youth.headers)
    assert (await client.get(f"/v1/events/{sooner}", headers=officer.headers)).json()["rsvp_count"] == 1
    assert (await client.put(f"/v1/events/{sooner}/rsvp", headers=officer.headers)).status_code == 403
