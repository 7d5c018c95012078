"""Field officers' console pages: their districts' events, and a check-in QR code for the projector."""

from datetime import timedelta

import httpx
import segno
from fastapi import FastAPI

from backend.core.clock import utc_now
from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.events import event_with_code, plan_at
from tests.fixtures.users import MakeUser, User


async def test_an_officer_projects_the_check_in_code_of_an_event(
    app: FastAPI, client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    event_id, payload = await event_with_code(
        client, officer, plan_at(utc_now() + timedelta(minutes=10), title="Dialogue <b>Lahore</b>")
    )
    await signed_in(client, officer)
    listed = await client.get("/console/events")
    assert listed.status_code == 200
    assert "Dialogue &lt;b&gt;Lahore&lt;/b&gt;" in listed.text
    page = await client.get(f"/console/events/{event_id}/qr")
    assert page.status_code == 200
    expected = segno.make(payload, error="m").svg_inline(scale=10, border=2, omitsize=True, title="QR")
    assert expected in page.text  # the API's signed payload, drawn as SVG
    assert 'hx-trigger="every ' in page.text
    fragment = await client.get(f"/console/events/{event_id}/qr/code")
    assert expected in fragment.text
    assert "<html" not in fragment.text
    elsewhere = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with elsewhere:
        await signed_in(elsewhere, await make_user(Role.FIELD_OFFICER, districts=["quetta"]))
        assert (await elsewhere.get(f"/console/events/{event_id}/qr")).status_code == 404
        await signed_in(elsewhere, await make_user(Role.EDITOR))
        assert (await elsewhere.get("/console/events")).status_code == 403
