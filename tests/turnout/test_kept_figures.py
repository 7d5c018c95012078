"""Figures kept by their counter documents' versions (turnout/service.py): a dashboard read again is not
rebuilt, and any counter write (by any process: the version is in the database) makes new figures."""

import httpx
import pytest

from backend.turnout import counting, service
from backend.turnout.models import TurnoutCounter
from schemas.accounts import Role
from tests.fixtures.turnout import DISTRICT, JANUARY, PROVINCE, SEAT, cell, put_counts
from tests.fixtures.users import MakeUser, User

pytestmark = pytest.mark.usefixtures("seeded")
PATH = f"/v1/turnout/constituencies/{SEAT}"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time the figures were built from the counter documents."""
    built: list[int] = []
    real_counts = service._counts

    async def counted(*args: object) -> object:
        built.append(1)
        return await real_counts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_counts", counted)
    return built


@pytest.fixture
async def editor(make_user: MakeUser) -> User:
    return await make_user(Role.EDITOR)


async def _count_checkins(n: int) -> None:
    """`n` check-ins in January in the seat and the areas above it, written as the API writes them."""
    places = {"constituency": SEAT, "district": DISTRICT, "province": PROVINCE}
    ids = [counting.counter_id(area, code, "2026-01") for area, code in counting.areas(places)]
    await counting.add_deltas({document_id: {"c.checkins": n} for document_id in ids})


def _checkins(body: dict[str, object]) -> object:
    return body["totals"]["checkins"]  # type: ignore[index]


async def test_the_same_figures_again_are_not_rebuilt_until_a_counter_changes(
    client: httpx.AsyncClient, editor: User, builds: list[int]
) -> None:
    await _count_checkins(40)
    first = await client.get(PATH, params=JANUARY, headers=editor.headers)
    again = await client.get(PATH, params=JANUARY, headers=editor.headers)
    assert (again.content, again.headers["etag"], len(builds)) == (first.content, first.headers["etag"], 1)
    unchanged = await client.get(
        PATH, params=JANUARY, headers=editor.headers | {"If-None-Match": first.headers["etag"]}
    )
    assert (unchanged.status_code, len(builds)) == (304, 1)
    await _count_checkins(20)
    moved = await client.get(PATH, params=JANUARY, headers=editor.headers)
    assert (_checkins(first.json()), _checkins(moved.json()), len(builds)) == (cell(40), cell(60), 2)


async def test_documents_without_a_version_are_read_every_time(
    client: httpx.AsyncClient, editor: User, builds: list[int]
) -> None:
    """Written before versions (or by hand): never kept, so a change to them is never missed."""
    await put_counts("constituency", SEAT, "2026-01", {"checkins": 40})
    first = (await client.get(PATH, params=JANUARY, headers=editor.headers)).json()
    await TurnoutCounter.get_pymongo_collection().update_one(
        {"_id": f"constituency:{SEAT}:2026-01"}, {"$inc": {"c.checkins": 5}}
    )
    second = (await client.get(PATH, params=JANUARY, headers=editor.headers)).json()
    assert (_checkins(first), _checkins(second), len(builds)) == (cell(40), cell(45), 2)


async def test_a_document_that_appears_makes_new_figures(
    client: httpx.AsyncClient, editor: User, builds: list[int]
) -> None:
    await _count_checkins(40)
    period = {"from": "2026-01", "to": "2026-02"}
    first = (await client.get(PATH, params=period, headers=editor.headers)).json()
    places = {"constituency": SEAT, "district": DISTRICT, "province": PROVINCE}
    february = {counting.counter_id(a, c, "2026-02"): {"c.checkins": 30} for a, c in counting.areas(places)}
    await counting.add_deltas(february)
    second = (await client.get(PATH, params=period, headers=editor.headers)).json()
    assert (_checkins(first), _checkins(second), len(builds)) == (cell(40), cell(70), 2)
