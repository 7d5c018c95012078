"""Turnout counters kept by young people's writes: check-ins, sign-ups and erasures, each counted once."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.core.clock import month_of
from backend.events.models import Attendance
from backend.turnout.keys import record_key
from backend.turnout.models import ReachClaim, TurnoutCounter
from backend.youth.models import Tombstone, YouthProfile
from schemas.accounts import Role
from tests.fixtures.events import event_with_code, plan_at
from tests.fixtures.turnout import LAHORE, counts, everywhere
from tests.fixtures.users import Clock, MakeUser, User
from tests.fixtures.youth import signed_up, signup

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
async def officer(make_user: MakeUser) -> User:
    return await make_user(Role.FIELD_OFFICER, districts=["lahore"])


async def test_check_ins_count_people_once_per_month_and_once_ever_whatever_the_replays(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    month = month_of(now)
    first = await event_with_code(client, officer, plan_at(now - timedelta(minutes=10)))
    second = await event_with_code(client, officer, plan_at(now - timedelta(minutes=5)))
    people = [await signed_up(client, make_user, gender=g) for g in ("female", "male", "female")]
    await asyncio.gather(
        *[
            client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
            for person in people
            for _, code in (first, second)
            for _ in range(3)
        ]
    )
    assert await Attendance.find_all().count() == 6
    for area in LAHORE:
        stored = await counts(area, month)
        assert {p: n for p, n in stored.items() if not p.startswith("signups")} == {
            "checkins": 6,
            "active": 3,
            "reached": 3,
            "reached_gender.female": 2,
            "reached_gender.male": 1,
            "reached_age.age_20_24": 3,
        }, area
    claim = await ReachClaim.get(people[0].uid)
    assert claim is not None
    assert sorted(claim.seen) == sorted(
        [f"{area}:{code}" for area, code in LAHORE.items()]
        + [f"{area}:{code}:{month}" for area, code in LAHORE.items()]
    )


async def test_sign_up_is_counted_once_at_its_places_with_its_snapshot(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    youth = await make_user()
    responses = await asyncio.gather(
        *[client.post("/v1/youth/signup", json=signup(), headers=youth.headers) for _ in range(4)]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert "counted_as" not in responses[0].json()
    month = month_of(datetime.now(UTC))
    assert (
        await everywhere(month)
        == [{"signups": 1, "signups_gender.female": 1, "signups_age.age_20_24": 1}] * 4
    )
    # Both seats of where the person lives: the MNA's and the MPA's.
    assert await counts("constituency", month, "PP-145") == await counts("constituency", month)
    profile = await YouthProfile.get(youth.uid)
    assert profile is not None
    assert profile.counted_as == {
        "month": month,
        "constituency": "NA-117",
        "provincial_constituency": "PP-145",
        "district": "lahore",
        "province": "PK-PB",
        "gender": "female",
        "age_band": "age_20_24",
        "key": record_key(youth.uid),
    }
    counter = await TurnoutCounter.get_pymongo_collection().find_one({"_id": f"constituency:PP-145:{month}"})
    assert counter is not None
    assert counter["k"]["signups"] == counter["k"]["signups_gender"]["female"] == record_key(youth.uid)


async def test_sign_up_and_check_in_at_the_month_boundary_count_in_pakistan_time(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser, service_clock: Clock
) -> None:
    moment = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # December in Karachi
    service_clock.set(moment)
    _, code = await event_with_code(client, officer, plan_at(moment - timedelta(minutes=10)))
    youth = await signed_up(client, make_user)
    checked = await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    assert checked.status_code == 201, checked.text
    assert await counts("national", "2026-11") == {}
    december = await counts("national", "2026-12")
    assert (december["signups"], december["checkins"], december["active"], december["reached"]) == (
        1,
        1,
        1,
        1,
    )


async def test_erasure_is_counted_once_and_keeps_the_counts_and_the_reach_claim(
    client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    event_id, code = await event_with_code(client, officer, plan_at(now - timedelta(minutes=5)))
    youth = await signed_up(client, make_user)
    await client.post("/v1/youth/checkins", json={"code": code}, headers=youth.headers)
    erasures = await asyncio.gather(*[client.delete("/v1/youth/me", headers=youth.headers) for _ in range(3)])
    assert {r.status_code for r in erasures} == {204}
    assert (await client.delete("/v1/youth/me", headers=youth.headers)).status_code == 204
    tombstones = await Tombstone.find_all().to_list()
    assert len(tombstones) == 1
    tombstone = tombstones[0]
    assert tombstone.province == "PK-PB"
    assert tombstone.counted_as is not None
    assert tombstone.counted_as["gender"] == "female"
    month = month_of(now)
    for area in LAHORE:
        stored = await counts(area, month)
        assert (stored["signups"], stored["erasures"], stored["checkins"], stored["reached"]) == (1, 1, 1, 1)
    assert await ReachClaim.get(youth.uid) is None
    claim = await ReachClaim.get(f"erased:{tombstone.id}")
    assert claim is not None
    assert len(claim.seen) == 8
    copy = await Attendance.find_one({"uid": f"erased:{tombstone.id}"})
    assert copy is not None
    assert copy.counted_as is not None
    assert copy.counted_as["age_band"] == "age_20_24"
    # The records keep the keys they were counted with, though their ids changed (a rebuild agrees).
    assert tombstone.counted_as["key"] == record_key(youth.uid)
    assert copy.counted_as["key"] == record_key(f"{event_id}:{youth.uid}")
    assert (await counts("constituency", month, "PP-145"))["erasures"] == 1
