"""The rebuild: recounts the records, corrects agreed drift with deltas, leaves writes in flight alone."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from backend.core.clock import month_of
from backend.core.database import Database
from backend.core.settings import Settings
from backend.events.models import Attendance
from backend.main import create_app
from backend.recount.service import KeySecretMismatchError, Report, rebuild
from backend.turnout import keys
from backend.turnout.counting import stored_ids
from backend.turnout.models import ReachClaim, TurnoutCounter
from backend.youth.models import YouthProfile
from schemas.accounts import Role
from tests.fixtures.app import TEST_FIGURES_KEY_SECRET
from tests.fixtures.events import HELD_REPORT, new_id, past_plan, plan
from tests.fixtures.processes import run_script, script_env
from tests.fixtures.turnout import summed_counters
from tests.fixtures.users import MakeUser, User
from tests.fixtures.youth import signup

pytestmark = pytest.mark.usefixtures("seeded")


async def _stored() -> dict[str, dict[str, int]]:
    """Every counter's counts and key sums as dotted paths, zeros left out (a correction may leave one)."""
    stored = await summed_counters()
    cleaned = {counter: {p: n for p, n in paths.items() if n} for counter, paths in stored.items()}
    return {counter: paths for counter, paths in sorted(cleaned.items()) if paths}


async def _activity(client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, User]:
    """An approved report, three young people (one erased) with check-ins at two events."""
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    supervisor = await make_user(Role.SUPERVISOR, districts=["lahore"])
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=past_plan(), headers=officer.headers)
    await client.put(f"/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer.headers)
    await client.put(
        f"/v1/events/{event_id}/review", json={"decision": "approve"}, headers=supervisor.headers
    )
    codes = []
    for minutes in (10, 5):
        starts = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)
        checkin_event = new_id()
        body = plan(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
        await client.put(f"/v1/events/{checkin_event}", json=body, headers=officer.headers)
        code = await client.get(f"/v1/events/{checkin_event}/checkin-code", headers=officer.headers)
        codes.append(code.json()["payload"])
    people = {}
    for name, gender in (("ayesha", "female"), ("bilal", "male"), ("erased", "female")):
        person = await make_user()
        await client.post("/v1/youth/signup", json=signup(gender=gender), headers=person.headers)
        for code in codes:
            await client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
        people[name] = person
    assert (await client.delete("/v1/youth/me", headers=people["erased"].headers)).status_code == 204
    return people


async def test_counters_kept_by_the_api_match_the_recount(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await _activity(client, make_user)
    before = await _stored()
    report = await rebuild()
    assert (report.drifted, report.corrected, report.transient, report.claims_missing) == (0, 0, 0, 0)
    assert report.checked == len(before) >= 4
    assert await _stored() == before


async def test_rebuild_corrects_corrupted_counters_exactly_and_reports_it(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    people = await _activity(client, make_user)
    expected = await _stored()
    month = month_of(datetime.now(UTC))
    counters = TurnoutCounter.get_pymongo_collection()
    await counters.update_one({"_id": f"constituency:NA-117:{month}"}, {"$inc": {"c.checkins": 3}})
    await counters.update_one({"_id": f"district:lahore:{month}"}, {"$unset": {"c.reached_gender": ""}})
    await counters.delete_many({"_id": {"$in": stored_ids(f"province:PK-PB:{month}")}})  # every slot
    await counters.insert_one(
        {
            "_id": "constituency:NA-1:2020-01",
            "area": "constituency",
            "code": "NA-1",
            "month": "2020-01",
            "c": {"active": 2},
        }
    )
    await ReachClaim.get_pymongo_collection().update_one(
        {"_id": people["ayesha"].uid}, {"$pull": {"seen": f"national:PK:{month}"}}
    )
    dry = await rebuild(dry_run=True)
    assert (dry.drifted, dry.corrected, dry.claims_missing, dry.claims_repaired) == (4, 0, 1, 0)
    assert await _stored() != expected

    lines: list[str] = []
    report = await rebuild(progress=lines.append)
    checked = len(expected) + 1
    assert (report.checked, report.drifted, report.corrected, report.claims_repaired) == (checked, 4, 4, 1)
    assert (f"constituency:NA-117:{month}", "c.checkins", -3) in report.corrections
    assert ("constituency:NA-1:2020-01", "c.active", -2) in report.corrections
    assert {"first count", "second count"} <= set(lines)
    assert any(line.startswith("check-ins: ") for line in lines)
    assert await _stored() == expected
    claim = await ReachClaim.get(people["ayesha"].uid)
    assert claim is not None
    assert f"national:PK:{month}" in claim.seen

    again = await rebuild()
    assert (again.drifted, again.corrected, again.claims_missing) == (0, 0, 0)
    assert await _stored() == expected


async def test_a_rebuild_from_no_counters_at_all_publishes_the_same_figures(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    """Counts and key sums both come back from the records, so every published figure is the same."""
    await _activity(client, make_user)
    editor = await make_user(Role.EDITOR)

    async def published() -> list[dict[str, Any]]:
        reads = []
        for path in ("constituencies/NA-117", "constituencies/PP-145", "districts/lahore", "national"):
            response = await client.get(f"/v1/turnout/{path}", headers=editor.headers)
            reads.append({**response.json(), "generated_at": None})
        return reads

    before, stored = await published(), await _stored()
    await TurnoutCounter.get_pymongo_collection().delete_many({})
    report = await rebuild()
    assert report.corrected == len(stored)
    assert await _stored() == stored
    assert await published() == before


async def test_a_rebuild_with_another_secret_is_refused_unless_the_change_is_meant(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    await _activity(client, make_user)
    stored = await _stored()
    try:
        keys.use_secret(settings.model_copy(update={"figures_key_secret": SecretStr("another secret " * 3)}))
        with pytest.raises(KeySecretMismatchError):
            await rebuild()
        assert await _stored() == stored
        rekeyed = await rebuild(new_secret=True)
        # Reports and erasures are keyed from their ids: their key sums follow the new secret.
        assert rekeyed.corrected > 0
        assert all(path.startswith("k.") for _, path, _ in rekeyed.corrections)
        assert await rebuild() == Report(checked=rekeyed.checked)
    finally:
        keys.use_secret(settings)
    back = await rebuild(new_secret=True)
    assert back.corrected == rekeyed.corrected
    assert await _stored() == stored


async def test_an_api_process_with_another_secret_says_so_at_start(
    app: FastAPI, shared_database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    other = create_app(
        settings.model_copy(update={"figures_key_secret": SecretStr("another secret " * 3)}),
        database=shared_database,
    )
    try:
        async with other.router.lifespan_context(other):
            pass
    finally:
        keys.use_secret(settings)
    assert "FIGURES_KEY_SECRET is not the secret the figures are keyed with" in caplog.text


async def test_a_difference_seen_by_only_one_count_is_left_alone(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await _activity(client, make_user)
    month = month_of(datetime.now(UTC))
    key = {"_id": stored_ids(f"national:PK:{month}")[1]}  # one slot of the split counter
    counters = TurnoutCounter.get_pymongo_collection()
    in_flight: list[Any] = []

    def progress(line: str) -> None:
        # A write lands between the two counts: its counter moves, as if its record were still on the way.
        if line == "second count":
            in_flight.append(
                asyncio.ensure_future(counters.update_one(key, {"$inc": {"c.checkins": 1}}, upsert=True))
            )

    report = await rebuild(progress=progress)
    await asyncio.gather(*in_flight)
    assert (report.drifted, report.corrected, report.transient) == (0, 0, 1)


async def test_records_from_before_the_snapshots_are_counted_from_their_current_fields(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    people = await _activity(client, make_user)
    expected = await _stored()
    # As stored before this change: no snapshot on the check-ins or the profile.
    await Attendance.get_pymongo_collection().update_many({}, {"$unset": {"counted_as": ""}})
    await YouthProfile.get_pymongo_collection().update_one(
        {"_id": people["bilal"].uid}, {"$unset": {"counted_as": ""}}
    )
    # The erased person's anonymous check-ins lost their gender and age with the profile.
    national = expected[f"national:PK:{month_of(datetime.now(UTC))}"]
    report = await rebuild()
    assert report.drifted == 4
    after = (await _stored())[f"national:PK:{month_of(datetime.now(UTC))}"]
    assert after["c.reached"] == national["c.reached"] == 3
    assert after["c.reached_gender.female"] == national["c.reached_gender.female"] - 1
    assert after["c.signups_gender.male"] == national["c.signups_gender.male"] == 1


async def test_rebuild_script_reports_a_dry_run_with_progress(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    await _activity(client, make_user)
    await TurnoutCounter.get_pymongo_collection().delete_many({"area": "district"})
    # The rebuild keys records as the API does: with the API's secret.
    env = script_env(
        MONGODB_URI=settings.mongodb_uri,
        MONGODB_DATABASE=settings.mongodb_database,
        FIGURES_KEY_SECRET=TEST_FIGURES_KEY_SECRET,
    )
    result = await asyncio.to_thread(run_script, "scripts.rebuild_turnout", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "counters drifted: 1" in result.stdout
    assert "counters corrected: 0 (dry run)" in result.stdout
    month = month_of(datetime.now(UTC))
    assert f"  district:lahore:{month} c.checkins: would add +6" in result.stdout.splitlines()
    assert "check-ins: " in result.stderr
    assert await TurnoutCounter.get_pymongo_collection().count_documents({"area": "district"}) == 0
