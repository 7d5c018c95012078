"""Turnout reads over HTTP through the one gate: each cell adjusted by its own key, small ones hidden, the
same for every reader."""

from typing import Any

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.turnout import DISTRICT, JANUARY, PERIOD, SEAT, cell, put_counts
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")

YOUTH_CELLS = ("headcount", "checkins", "reached", "active", "signups", "erasures", "alert_reach")


def youth_cells(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure derived from young people in a response (totals, months, breakdowns)."""
    rows = [body["totals"], *body["months"]]
    cells = [row[name] for row in rows for name in YOUTH_CELLS if row.get(name) is not None]
    for name, split in body["breakdowns"].items():
        if not name.startswith("events_"):
            cells += split.values()
    return cells


async def test_each_cell_is_adjusted_by_the_sum_of_its_keys_and_hidden_when_small(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    january = {"checkins": 3, "signups": 7, "signups_gender": {"female": 4, "male": 3}, "headcount": 3}
    january_keys = {"checkins": 2**32 + 17, "signups": 901, "signups_gender": {"female": 400, "male": 501}}
    await put_counts("constituency", SEAT, "2026-01", january, january_keys)
    await put_counts(
        "constituency", SEAT, "2026-02", {"checkins": 12, "signups": 6}, {"checkins": 5, "signups": 7}
    )
    body = (await client.get(f"/v1/turnout/constituencies/{SEAT}", params=PERIOD, headers=mp.headers)).json()
    # A month is its own cell; the period total another, keyed by the sum of its months' key sums.
    assert body["months"][0]["checkins"] == cell(3, 2**32 + 17)
    assert body["months"][1]["checkins"] == cell(12, 5)
    assert body["totals"]["checkins"] == cell(15, 2**32 + 22)
    assert body["totals"]["signups"] == cell(13, 908)
    assert body["breakdowns"]["signups_by_gender"]["female"] == cell(4, 400)
    assert body["totals"]["headcount"] == cell(3)  # the officers' headcount is protected too
    assert body["months"][2]["checkins"] == {"value": 0, "suppressed": False}  # nobody stays zero
    assert (body["adjusted"], bool(body["note"])) == (True, True)
    for figure in youth_cells(body):
        assert figure["suppressed"] == (figure["value"] is None)
        assert not 1 <= (figure["value"] or 0) <= 4


async def test_every_reader_sees_the_same_figures_and_asking_again_changes_nothing(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    """What is hidden depends on the cell alone: no reader's own seat is protected apart."""
    mp = await make_user(Role.MP, constituency=SEAT)
    editor = await make_user(Role.EDITOR)
    supervisor = await make_user(Role.SUPERVISOR, districts=[DISTRICT])
    await put_counts("constituency", SEAT, "2026-01", {"checkins": 20, "reached": 50}, {"checkins": 9})
    await put_counts("district", DISTRICT, "2026-01", {"checkins": 23, "reached": 90}, {"checkins": 77})
    views = []
    for reader in (mp, editor, supervisor, mp):
        response = await client.get(
            f"/v1/turnout/districts/{DISTRICT}", params=JANUARY, headers=reader.headers
        )
        views.append({**response.json(), "generated_at": None})
    assert all(view == views[0] for view in views)
    assert views[0]["totals"]["checkins"] == cell(23, 77)
    seat = await client.get(f"/v1/turnout/constituencies/{SEAT}", params=JANUARY, headers=mp.headers)
    district_average = seat.json()["comparisons"][0]["average"]
    published = cell(23, 77)["value"]
    assert district_average["checkins"]["value"] == round(published / 2, 2)
