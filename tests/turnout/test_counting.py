"""Turnout counters kept on every write of an event report: approved, replayed, corrected, deleted, once."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.accounts.models import Account
from backend.core.clock import month_of
from backend.events import versions
from backend.turnout import counting, service
from backend.turnout.counting import age_band, areas, counter_id, counter_of, event_contribution
from backend.turnout.models import TurnoutCounter
from schemas.accounts import Role
from schemas.turnout import AreaKind
from tests.fixtures.events import HELD_REPORT, new_id, past_plan, plan
from tests.fixtures.turnout import LAHORE, counts, everywhere
from tests.fixtures.users import MakeUser, User

pytestmark = pytest.mark.usefixtures("seeded")

HELD_COUNTS = {
    "events_held": 1,
    "headcount": 50,
    "headcount_gender.female": 22,
    "headcount_gender.male": 26,
    "headcount_gender.transgender": 1,
    "headcount_gender.prefer_not_to_say": 1,
    "headcount_age.under_15": 2,
    "headcount_age.age_15_19": 20,
    "headcount_age.age_20_24": 18,
    "headcount_age.age_25_29": 8,
    "headcount_age.age_30_plus": 2,
    "events_kind.youth_dialogue": 1,
    "events_topic.legal_migration": 1,
    "events_topic.recruiter_check": 1,
    "headcount_topic.legal_migration": 50,
    "headcount_topic.recruiter_check": 50,
}
SMALLER = {
    "outcome": "held",
    "turnout": {
        "total": 10,
        "by_gender": {"female": 6, "male": 4, "transgender": 0, "prefer_not_to_say": 0},
        "by_age": {"under_15": 0, "age_15_19": 10, "age_20_24": 0, "age_25_29": 0, "age_30_plus": 0},
    },
}


async def _reported_event(client: httpx.AsyncClient, officer: User, body: dict[str, Any]) -> str:
    event_id = new_id()
    assert (await client.put(f"/v1/events/{event_id}", json=body, headers=officer.headers)).status_code == 201
    report = await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    assert report.status_code == 200, report.text
    return event_id


async def _review(client: httpx.AsyncClient, supervisor: User, event_id: str) -> httpx.Response:
    response = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    assert response.status_code == 200, response.text
    return response


@pytest.fixture
async def officer(make_user: MakeUser) -> User:
    return await make_user(Role.FIELD_OFFICER, districts=["lahore", "kasur"])


@pytest.fixture
async def supervisor(make_user: MakeUser) -> User:
    return await make_user(Role.SUPERVISOR, districts=["lahore", "kasur"])


def _month(body: dict[str, Any]) -> str:
    return month_of(datetime.fromisoformat(body["starts_at"]))


async def test_an_approved_report_counts_once_whatever_the_replays(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    body = past_plan()
    event_id = await _reported_event(client, officer, body)
    month = _month(body)
    assert await everywhere(month) == [{}] * 4  # pending review: not counted
    for _ in range(2):
        await _review(client, supervisor, event_id)
        assert (
            await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
        ).json()["review"] == "approved"  # an identical report again is a replay, not a correction
    await asyncio.gather(*[_review(client, supervisor, event_id) for _ in range(3)])
    assert await everywhere(month) == [HELD_COUNTS] * 4


async def test_correction_removes_the_counts_reapproval_adds_the_new_ones_and_delete_removes_nothing_more(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    body = past_plan()
    event_id = await _reported_event(client, officer, body)
    month = _month(body)
    await _review(client, supervisor, event_id)
    deleted = await client.delete(f"/v1/events/{event_id}", headers=officer.headers)
    assert (deleted.status_code, deleted.json()["code"]) == (409, "approved_event")
    corrected = await client.put(f"/v1/events/{event_id}/report", json=SMALLER, headers=officer.headers)
    assert corrected.json()["review"] == "pending"
    assert await everywhere(month) == [{}] * 4
    await _review(client, supervisor, event_id)
    smaller = {
        "events_held": 1,
        "headcount": 10,
        "headcount_gender.female": 6,
        "headcount_gender.male": 4,
        "headcount_age.age_15_19": 10,
        "events_kind.youth_dialogue": 1,
        "events_topic.legal_migration": 1,
        "events_topic.recruiter_check": 1,
        "headcount_topic.legal_migration": 10,
        "headcount_topic.recruiter_check": 10,
    }
    assert await everywhere(month) == [smaller] * 4
    # Moved to another seat: corrected (counts off), then deleted (nothing more taken off).
    moved = await client.put(
        f"/v1/events/{event_id}",
        json=body | {"district": "kasur", "constituency": "NA-132"},
        headers=officer.headers | {"If-Match": str(corrected.json()["version"] + 1)},
    )
    assert moved.json()["review"] == "pending", moved.text
    for _ in range(2):
        assert (await client.delete(f"/v1/events/{event_id}", headers=officer.headers)).status_code == 204
    assert await everywhere(month) == [{}] * 4
    assert await counts("constituency", month, "NA-132") == {}


async def test_a_cancelled_event_counts_as_cancelled_by_kind_and_topic(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    body = plan(topics=["remittances"])
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=body, headers=officer.headers)
    cancelled = {"outcome": "cancelled", "cancel_reason": "Flooded road"}
    await client.put(f"/v1/events/{event_id}/report", json=cancelled, headers=officer.headers)
    await _review(client, supervisor, event_id)
    assert await counts("province", _month(body)) == {
        "events_cancelled": 1,
        "events_kind.youth_dialogue": 1,
        "events_topic.remittances": 1,
    }


async def test_an_approval_whose_writer_died_is_counted_once_by_whoever_finishes_it(
    client: httpx.AsyncClient, officer: User, supervisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = past_plan()
    event_id = await _reported_event(client, officer, body)
    real = versions.write_history
    died: list[int] = []

    async def dies_once(event_id: str, pending: dict[str, Any]) -> None:
        if "turnout" in pending and not died:
            died.append(pending["version"])
            raise RuntimeError("the process died here")
        await real(event_id, pending)

    monkeypatch.setattr(versions, "write_history", dies_once)
    review = await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    assert review.status_code == 500
    assert await everywhere(_month(body)) == [{}] * 4
    reads = await asyncio.gather(
        *[client.get(f"/v1/events/{event_id}", headers=officer.headers) for _ in range(4)]
    )
    assert {r.json()["review"] for r in reads} == {"approved"}
    assert await everywhere(_month(body)) == [HELD_COUNTS] * 4


async def test_an_event_counts_in_the_month_of_its_start_in_pakistan_time(
    client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    starts = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # 00:30 on 1 December in Karachi
    body = plan(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    event_id = await _reported_event(client, officer, body)
    await _review(client, supervisor, event_id)
    assert await counts("national", "2026-11") == {}
    assert (await counts("national", "2026-12"))["headcount"] == 50


def test_contribution_is_none_unless_approved_and_live() -> None:
    event = {
        "_id": new_id(),
        "review": "approved",
        "deleted_at": None,
        "status": "held",
        "turnout": HELD_REPORT["turnout"],
        "starts_at": datetime(2026, 5, 31, 19, 0, tzinfo=UTC),
        "kind": "workshop",
        "topics": ["remittances"],
        **{area: LAHORE[area] for area in ("constituency", "district", "province")},
    }
    counted = event_contribution(event)
    assert counted is not None
    assert counted["month"] == "2026-06"
    assert event_contribution(event | {"review": "pending"}) is None
    assert event_contribution(event | {"deleted_at": datetime.now(UTC)}) is None


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (13, "under_15"),
        (15, "age_15_19"),
        (19, "age_15_19"),
        (20, "age_20_24"),
        (29, "age_25_29"),
        (35, "age_30_plus"),
    ],
)
def test_age_bands(age: int, band: str) -> None:
    at = datetime(2026, 12, 31, 19, 0, tzinfo=UTC)  # already 2027 in Pakistan
    assert age_band(2027 - age, at=at) == band


async def test_the_national_and_province_counters_are_split_into_slots_and_read_as_one(
    make_user: MakeUser,
) -> None:
    month = "2026-02"
    places = {"constituency": "NA-117", "district": "lahore", "province": "PK-PB"}
    # An older single document (data loaded before slots) counts beside the slots.
    await TurnoutCounter.get_pymongo_collection().insert_one(
        {"_id": f"national:PK:{month}", "area": "national", "code": "PK", "month": month, "c": {"signups": 5}}
    )
    await asyncio.gather(
        *(
            counting.add_deltas({counter_id(a, c, month): {"c.signups": 1} for a, c in areas(places)})
            for _ in range(64)
        )
    )
    stored = await TurnoutCounter.get_pymongo_collection().find({}, {"_id": 1}).to_list()
    by_counter = Counter(counter_of(document["_id"]) for document in stored)
    assert by_counter[f"national:PK:{month}"] > 2  # 64 writes spread over 16 slots (and the old document)
    assert 1 < by_counter[f"province:PK-PB:{month}"] <= 4
    assert (by_counter[f"district:lahore:{month}"], by_counter[f"constituency:NA-117:{month}"]) == (1, 1)
    assert (await counts("national", month))["signups"] == 69
    assert (await counts("province", month))["signups"] == 64
    editor = await make_user(Role.EDITOR)
    account = await Account.get(editor.uid)
    assert account is not None
    read = await service.read_turnout(
        account=account, kind=AreaKind.NATIONAL, code="PK", from_month=month, to_month=month
    )
    assert read.totals.signups.value is not None
    assert abs(read.totals.signups.value - 69) <= 2  # the summed count, through the privacy gate
