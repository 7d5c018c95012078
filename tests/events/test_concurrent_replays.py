"""Identical requests sent at once (a double tap and the app's retry) all answer as replays: the one that
loses the compare-and-set re-reads and finds the state it asked for (issue 19, defect 5)."""

import asyncio

import httpx

from tests.fixtures.events import HELD_REPORT, new_id, past_plan
from tests.fixtures.users import User

TIMES = 5


async def _reported(client: httpx.AsyncClient, officer: User) -> str:
    event_id = await _past_event(client, officer)
    reported = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert reported.status_code == 200, reported.text
    return event_id


async def test_five_identical_approvals_at_once_all_answer_200_and_approve_once(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    event_id = await _reported(client, officer)
    before = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()["version"]
    url = f"/v1/events/{event_id}/review"
    statuses = await asyncio.gather(
        *(client.put(url, json={"decision": "approve"}, headers=supervisor.headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in statuses] == [200] * TIMES, [r.text for r in statuses]
    assert {r.json()["review"] for r in statuses} == {"approved"}
    assert {r.json()["version"] for r in statuses} == {before + 1}
    history = (await client.get(f"/v1/events/{event_id}/history", headers=supervisor.headers)).json()
    assert [change["action"] for change in history].count("review_approved") == 1


async def _past_event(client: httpx.AsyncClient, officer: User) -> str:
    """The id of a new event planned in the past by `officer`, so that it may be reported."""
    event_id = new_id()
    created = await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=officer.headers)
    assert created.status_code == 201, created.text
    return event_id


async def test_five_identical_reports_at_once_all_answer_200(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _past_event(client, officer)
    url = f"/v1/events/{event_id}/report"
    answers = await asyncio.gather(
        *(client.put(url, json=HELD_REPORT, headers=officer.headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in answers] == [200] * TIMES, [r.text for r in answers]
    assert {r.json()["version"] for r in answers} == {2}


async def test_five_identical_edits_at_once_all_answer_200(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await _past_event(client, officer)
    edited = past_plan(title="Safe migration dialogue, moved to the library")
    headers = officer.headers | {"If-Match": '"1"'}
    answers = await asyncio.gather(
        *(client.put(f"/v1/events/{event_id}", json=edited, headers=headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in answers] == [200] * TIMES, [r.text for r in answers]
    assert {r.json()["version"] for r in answers} == {2}


async def test_five_identical_deletes_at_once_all_answer_204(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _past_event(client, officer)
    answers = await asyncio.gather(
        *(client.delete(f"/v1/events/{event_id}", headers=officer.headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in answers] == [204] * TIMES, [r.text for r in answers]
