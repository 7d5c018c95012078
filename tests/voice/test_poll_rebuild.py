"""The poll results rebuild: recounts from the answers, corrects only agreed drift, and its script."""

import asyncio

import httpx

from backend.core.settings import Settings
from backend.voice.polls.models import PollCounter
from backend.voice.polls.rebuild import rebuild
from tests.fixtures.processes import run_script, script_env
from tests.fixtures.users import User
from tests.fixtures.voice import answer, create_poll, raw_counts
from tests.fixtures.youth import MakeYoung


async def _answered_poll(client: httpx.AsyncClient, editor: User, make_young: MakeYoung) -> str:
    poll = await create_poll(client, editor)
    for choice, gender in (("o1", "female"), ("o2", "male"), ("o2", "female")):
        person = await make_young(gender=gender)
        await answer(
            client, person, poll["id"], {"question": "q1", "choice": choice}, {"question": "q4", "text": "x"}
        )
    return str(poll["id"])


async def test_a_rebuild_of_true_counters_changes_nothing_and_restores_lost_ones(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll_id = await _answered_poll(client, editor, make_young)
    truth = {document["_id"]: document async for document in PollCounter.get_pymongo_collection().find()}
    report = await rebuild()
    assert (report.answers, report.drifted, report.corrected) == (6, 0, 0)
    # A process that died between an answer's claim and its `$inc`s, and a counter lost outright.
    await PollCounter.get_pymongo_collection().update_one(
        {"_id": f"{poll_id}:national:PK"}, {"$inc": {"c.q1.all.v.o2": -1, "c.q1.all.n": -1}}
    )
    await PollCounter.get_pymongo_collection().delete_one({"_id": f"{poll_id}:district:lahore"})
    report = await rebuild(poll=poll_id)
    assert (report.drifted, report.corrected) == (2, 2)
    after = {document["_id"]: document async for document in PollCounter.get_pymongo_collection().find()}
    assert {key: (doc["c"], doc["k"]) for key, doc in after.items()} == {
        key: (doc["c"], doc["k"]) for key, doc in truth.items()
    }
    assert (await raw_counts(poll_id))["q1"]["all"] == {"n": 3, "v": {"o1": 1, "o2": 2}}


async def test_rebuild_script_reports_a_dry_run_with_progress(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung, settings: Settings
) -> None:
    poll_id = await _answered_poll(client, editor, make_young)
    await PollCounter.get_pymongo_collection().delete_one({"_id": f"{poll_id}:province:PK-PB"})
    env = script_env(MONGODB_URI=settings.mongodb_uri, MONGODB_DATABASE=settings.mongodb_database)
    result = await asyncio.to_thread(run_script, "scripts.rebuild_poll_results", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "answers read: 6" in result.stdout
    assert "counters drifted: 1" in result.stdout
    assert f"  {poll_id}:province:PK-PB c.q1.all.v.o2: would add +2" in result.stdout.splitlines()
    assert "answers: 6 read" in result.stderr
    assert await PollCounter.get_pymongo_collection().count_documents({"area": "province"}) == 0
    refused = await asyncio.to_thread(run_script, "scripts.rebuild_poll_results", "--poll", "nope", env=env)
    assert refused.returncode == 2
    assert "UUID" in refused.stderr
