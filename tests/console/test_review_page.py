"""Supervisors' console page: reports reviewed in place, four eyes, and the MP's figures follow."""

import httpx
from fastapi import FastAPI

from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.events import HELD_REPORT, new_id, past_plan
from tests.fixtures.users import MakeUser, User


async def reported_event(client: httpx.AsyncClient, reporter: User) -> str:
    event_id = new_id()
    created = await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=reporter.headers)
    assert created.status_code == 201, created.text
    reported = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=reporter.headers)
    assert reported.status_code == 200, reported.text
    return event_id


async def test_a_supervisor_approves_a_report_in_the_console_and_the_mps_figures_change(
    app: FastAPI, client: httpx.AsyncClient, officer: User, supervisor: User, make_user: MakeUser
) -> None:
    event_id = await reported_event(client, officer)
    own = await reported_event(client, supervisor)  # a supervisor's own report: someone else reviews it
    mp = await make_user(Role.MP, constituency="NA-117")
    before = (await client.get("/v1/turnout/constituencies/NA-117", headers=mp.headers)).json()
    token = await signed_in(client, supervisor)
    client.cookies.set("hq_lang", "en", path="/console")
    queue = await client.get("/console/review")
    assert queue.status_code == 200
    assert f'hx-post="/console/review/{event_id}/approve"' in queue.text
    assert f'hx-post="/console/review/{own}/approve"' not in queue.text
    assert "You made this report: another supervisor reviews it." in queue.text
    approved = await client.post(f"/console/review/{event_id}/approve", headers={"X-CSRF-Token": token})
    assert 'data-review="approved"' in approved.text
    forced = await client.post(f"/console/review/{own}/approve", headers={"X-CSRF-Token": token})
    assert forced.status_code == 403  # four eyes, by the service
    after = (await client.get("/v1/turnout/constituencies/NA-117", headers=mp.headers)).json()
    assert after["totals"]["events_held"] == before["totals"]["events_held"] + 1
    officer_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with officer_client:
        await signed_in(officer_client, officer)
        assert (await officer_client.get("/console/review")).status_code == 403
