"""From the field to the MP: reports, check-ins and sign-ups made through the API, read as an MP."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from backend.core.clock import month_of
from backend.turnout.protection import NOTE
from schemas.accounts import Role
from tests.fixtures.events import HELD_REPORT, event_with_code, new_id, past_plan, plan_at
from tests.fixtures.users import MakeUser, User
from tests.fixtures.youth import signed_up

pytestmark = pytest.mark.usefixtures("seeded")


def _youth_cells(read: dict[str, Any]) -> list[dict[str, Any]]:
    """Every cell of a turnout read that counts young people (the headcount's splits included)."""
    names = ("headcount", "checkins", "reached", "signups", "erasures", "alert_reach")
    cells = [read["totals"][name] for name in names]
    for month in read["months"]:
        cells += [month[name] for name in (*names, "active") if month[name]]
    for name, split in read["breakdowns"].items():
        if not name.startswith("events_"):
            cells += split.values()
    return cells


async def test_an_mp_reads_what_the_field_reported_adjusted_with_small_counts_suppressed(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    supervisor = await make_user(Role.SUPERVISOR, districts=["lahore"])
    mp = await make_user(Role.MP, constituency="NA-117")
    body = past_plan()
    event_id = new_id()
    assert (await client.put(f"/v1/events/{event_id}", json=body, headers=officer.headers)).status_code == 201
    reported = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert reported.status_code == 200, reported.text
    approved = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    assert approved.status_code == 200, approved.text
    now = datetime.now(UTC).replace(microsecond=0)
    _, code = await event_with_code(client, officer, plan_at(now))
    people: list[User] = [await signed_up(client, make_user) for _ in range(6)]
    people.append(await signed_up(client, make_user, gender="male"))
    for person in people:
        checked = await client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
        assert checked.status_code == 201, checked.text
    month = month_of(now)
    period = {"from": min(month, month_of(datetime.fromisoformat(body["starts_at"]))), "to": month}

    read = await client.get("/v1/turnout/constituencies/NA-117", params=period, headers=mp.headers)

    assert read.status_code == 200, read.text
    figures = read.json()
    totals = figures["totals"]
    assert totals["events_held"] == 1
    assert (figures["adjusted"], figures["note"]) == (True, NOTE)
    # Each figure is the true count adjusted by at most 2, never into 1 to 4.
    for name, true in (("headcount", 50), ("checkins", 7), ("reached", 7), ("signups", 7)):
        assert abs(totals[name]["value"] - true) <= 2, name
    # One young man among seven: hidden, or shown as nobody (a true 1 adjusted down), never as 1.
    by_gender = figures["breakdowns"]["reached_by_gender"]
    assert by_gender["male"]["value"] in (None, 0)
    for cell in _youth_cells(figures):
        assert cell["suppressed"] or not 1 <= cell["value"] <= 4, cell
    again = await client.get("/v1/turnout/constituencies/NA-117", params=period, headers=mp.headers)
    assert {**again.json(), "generated_at": None} == {**figures, "generated_at": None}
    for area in ("districts/lahore", "provinces/PK-PB", "national"):
        wider = await client.get(f"/v1/turnout/{area}", params=period, headers=mp.headers)
        assert wider.status_code == 200, (area, wider.text)
        assert abs(wider.json()["totals"]["headcount"]["value"] - 50) <= 2
    # The young people live in PP-145 too: its MPA sees them signed up.
    mpa = await make_user(Role.MP, constituency="PP-145")
    provincial = await client.get("/v1/turnout/constituencies/PP-145", params=period, headers=mpa.headers)
    assert abs(provincial.json()["totals"]["signups"]["value"] - 7) <= 2
    other = await client.get("/v1/turnout/constituencies/NA-118", params=period, headers=mp.headers)
    assert other.status_code == 404
    brief = await client.get("/v1/turnout/constituencies/NA-117/brief", params=period, headers=mp.headers)
    assert brief.status_code == 200
    assert "NA-117" in brief.text
