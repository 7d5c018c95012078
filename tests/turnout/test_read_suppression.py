"""Turnout reads over HTTP: small cells suppressed, never shown as their value nor left to subtraction."""

from typing import Any

import httpx
import pytest

from schemas.accounts import Role
from tests.conftest import MakeUser
from tests.turnout.read_data import DISTRICT, JANUARY, PERIOD, SEAT, put_counts

pytestmark = pytest.mark.usefixtures("seeded")

YOUTH_CELLS = ("checkins", "reached", "active", "signups", "erasures", "alert_reach")


def youth_cells(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure derived from young people in a response (totals, months, breakdowns)."""
    rows = [body["totals"], *body["months"]]
    cells = [row[name] for row in rows for name in YOUTH_CELLS if row.get(name) is not None]
    breakdowns = body["breakdowns"]
    for name, split in breakdowns.items():
        if not name.startswith("events_") and name != "headcount_by_topic":
            cells += split.values()
    return cells


async def test_small_counts_are_shown_suppressed_never_as_their_value(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    small = {
        "headcount": 3,
        "headcount_gender": {"female": 1, "male": 2},
        "checkins": 3,
        "active": 2,
        "reached": 2,
        "reached_gender": {"female": 2},
        "reached_age": {"age_15_19": 1, "age_20_24": 1},
        "signups": 7,
        "signups_gender": {"female": 4, "male": 3},
        "erasures": 1,
    }
    await put_counts("constituency", SEAT, "2026-01", small)
    await put_counts(
        "constituency", SEAT, "2026-02", {"checkins": 12, "signups": 6, "signups_gender": {"male": 6}}
    )
    response = await client.get(f"/v1/turnout/constituencies/{SEAT}", params=PERIOD, headers=mp.headers)
    body = response.json()
    cells = youth_cells(body)
    assert all(not 1 <= (cell["value"] or 0) <= 4 for cell in cells)
    assert all(cell["suppressed"] == (cell["value"] is None) for cell in cells)
    assert body["totals"]["headcount"] == 3  # the officers' public-facing figure
    assert body["breakdowns"]["headcount_by_gender"]["female"]["suppressed"]
    january = body["months"][0]
    assert january["checkins"]["suppressed"]
    # One more cell of the checkins row hides January: here the empty March, so the total stays visible.
    assert body["months"][2]["checkins"]["suppressed"]
    assert body["totals"]["checkins"]["value"] == 15
    assert body["breakdowns"]["signups_by_gender"]["female"]["suppressed"]


async def test_mp_reading_a_two_seat_district_cannot_subtract_their_own_seat(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    editor = await make_user(Role.EDITOR)
    await put_counts("constituency", SEAT, "2026-01", {"checkins": 20, "reached": 50})
    # The other seat adds 3 check-ins: the district minus the MP's own seat would show them.
    await put_counts("district", DISTRICT, "2026-01", {"checkins": 23, "reached": 90})
    as_mp = (await client.get(f"/v1/turnout/districts/{DISTRICT}", params=JANUARY, headers=mp.headers)).json()
    assert as_mp["totals"]["checkins"] == {"value": None, "suppressed": True}
    assert as_mp["months"][0]["checkins"]["suppressed"]
    assert as_mp["totals"]["reached"]["value"] == 90
    as_editor = (
        await client.get(f"/v1/turnout/districts/{DISTRICT}", params=JANUARY, headers=editor.headers)
    ).json()
    assert as_editor["totals"]["checkins"]["value"] == 23
    # The same rule holds in comparisons: the district's average would give its total back.
    seat_view = (
        await client.get(f"/v1/turnout/constituencies/{SEAT}", params=JANUARY, headers=mp.headers)
    ).json()
    district_average = seat_view["comparisons"][0]["average"]
    assert district_average["checkins"] == {"value": None, "suppressed": True}
    assert district_average["reached"]["value"] == 45.0
    seat_view = (
        await client.get(f"/v1/turnout/constituencies/{SEAT}", params=JANUARY, headers=editor.headers)
    ).json()
    assert seat_view["comparisons"][0]["average"]["checkins"]["value"] == 11.5
