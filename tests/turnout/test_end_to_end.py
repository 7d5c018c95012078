"""From the field to the MP: reports, check-ins and sign-ups made through the API, read as an MP."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from backend.turnout.counting import month_of
from schemas.accounts import Role
from tests.conftest import MakeUser, User
from tests.events.conftest import HELD_REPORT, new_id, past_plan
from tests.turnout.test_counting_people import _event_with_code, _youth

pytestmark = pytest.mark.usefixtures("seeded")


def _youth_cells(read: dict[str, Any]) -> list[dict[str, Any]]:
    """Every cell of a turnout read that counts young people (the headcount's splits included)."""
    cells = [read["totals"][name] for name in ("checkins", "reached", "signups", "erasures", "alert_reach")]
    for month in read["months"]:
        cells += [
            month[name] for name in ("checkins", "reached", "active", "signups", "erasures") if month[name]
        ]
    for name, split in read["breakdowns"].items():
        if name.startswith(("reached_", "signups_", "headcount_by_gender", "headcount_by_age")):
            cells += split.values()
    return cells


async def test_an_mp_reads_what_the_field_reported_with_small_counts_suppressed(
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
    _, code = await _event_with_code(client, officer, now)
    people: list[User] = [await _youth(client, make_user) for _ in range(6)]
    people.append(await _youth(client, make_user, gender="male"))
    for person in people:
        checked = await client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
        assert checked.status_code == 201, checked.text
    month = month_of(now)
    period = {"from": min(month, month_of(datetime.fromisoformat(body["starts_at"]))), "to": month}

    read = await client.get("/v1/turnout/constituencies/NA-117", params=period, headers=mp.headers)

    assert read.status_code == 200, read.text
    figures = read.json()
    totals = figures["totals"]
    assert (totals["events_held"], totals["headcount"]) == (1, 50)
    assert totals["checkins"] == {"value": 7, "suppressed": False}
    assert totals["reached"] == {"value": 7, "suppressed": False}
    assert totals["signups"] == {"value": 7, "suppressed": False}
    # One young man among seven: his cell is hidden, and a second one with it, so 7 - 6 gives nothing.
    by_gender = figures["breakdowns"]["reached_by_gender"]
    assert by_gender["male"] == {"value": None, "suppressed": True}
    assert sum(cell["suppressed"] for cell in by_gender.values()) >= 2
    for cell in _youth_cells(figures):
        assert cell["suppressed"] or not 1 <= cell["value"] <= 4, cell
    for area in ("districts/lahore", "provinces/PK-PB", "national"):
        wider = await client.get(f"/v1/turnout/{area}", params=period, headers=mp.headers)
        assert wider.status_code == 200, (area, wider.text)
        assert wider.json()["totals"]["headcount"] == 50
    other = await client.get("/v1/turnout/constituencies/NA-118", params=period, headers=mp.headers)
    assert other.status_code == 404
    brief = await client.get("/v1/turnout/constituencies/NA-117/brief", params=period, headers=mp.headers)
    assert brief.status_code == 200
    assert "NA-117" in brief.text
