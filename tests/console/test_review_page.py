"""Supervisors' console page: reports reviewed in place, four eyes, and the MP's figures follow."""

import httpx
from fastapi import FastAPI

from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.events import new_id, png_with_metadata, reported_event
from tests.fixtures.users import MakeUser, User


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


async def test_a_report_opens_whole_with_its_photos_and_history(
    app: FastAPI, client: httpx.AsyncClient, officer: User, supervisor: User, make_user: MakeUser
) -> None:
    event_id = await reported_event(client, officer)
    photo_id = new_id()
    headers = officer.headers | {"Content-Type": "image/png"}
    uploaded = await client.put(
        f"/v1/events/{event_id}/photos/{photo_id}", content=png_with_metadata(), headers=headers
    )
    assert uploaded.status_code == 201, uploaded.text
    await signed_in(client, supervisor)
    client.cookies.set("hq_lang", "en", path="/console")
    assert f'href="/console/review/{event_id}"' in (await client.get("/console/review")).text
    page = await client.get(f"/console/review/{event_id}")
    assert page.status_code == 200
    assert "Headcount: 50" in page.text
    assert "<td>22</td>" in page.text  # women, as reported
    assert f'src="/console/review/{event_id}/photos/{photo_id}"' in page.text
    assert page.text.count("<tr><td>") == 2  # created, reported
    assert f'hx-post="/console/review/{event_id}/approve"' in page.text
    photo = await client.get(f"/console/review/{event_id}/photos/{photo_id}")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert b"tEXt" not in photo.content  # stored without its metadata
    elsewhere = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with elsewhere:
        await signed_in(elsewhere, await make_user(Role.SUPERVISOR, districts=["quetta"]))
        assert (await elsewhere.get(f"/console/review/{event_id}")).status_code == 404
        assert (await elsewhere.get(f"/console/review/{event_id}/photos/{photo_id}")).status_code == 404
