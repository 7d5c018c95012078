"""Polls under concurrency: changes and retries at once move each count exactly once, and an answer sent
as the poll closes is counted whole or refused whole."""

import asyncio
import itertools
from datetime import datetime, timedelta

import httpx

from backend.voice.polls.models import PollAnswer
from tests.fixtures.users import Clock, User
from tests.fixtures.voice import POLLS, create_poll, raw_counts
from tests.fixtures.youth import MakeYoung

FULL: list[dict[str, object]] = [
    {"question": "q1", "choice": "o1"},
    {"question": "q2", "choices": ["o2", "o3"]},
    {"question": "q3", "rating": 5},
    {"question": "q4", "text": "Safe routes"},
]


async def put(
    client: httpx.AsyncClient, person: User, poll_id: str, answers: list[dict[str, object]]
) -> httpx.Response:
    return await client.put(f"/v1/polls/{poll_id}/answers", json={"answers": answers}, headers=person.headers)


async def test_concurrent_changes_and_retries_leave_one_answer_counted_once(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    # Once lost: a submission whose other answer gave up under contention never counted the change it
    # had made. Several rounds, as a race shows itself in some runs only.
    for _ in range(3):
        poll = await create_poll(client, editor)
        person = await make_young()
        choices = list(itertools.islice(itertools.cycle(["o1", "o2", "o3"]), 12)) * 2  # each sent twice
        ratings = list(itertools.islice(itertools.cycle([1, 2, 3, 4, 5]), 24))
        responses = await asyncio.gather(
            *(
                put(
                    client,
                    person,
                    poll["id"],
                    [{"question": "q1", "choice": c}, {"question": "q3", "rating": r}],
                )
                for c, r in zip(choices, ratings, strict=True)
            )
        )
        assert [response.status_code for response in responses] == [200] * 24
        answers = await PollAnswer.find({"poll": poll["id"]}).to_list()
        stored = {answer.question: answer.value for answer in answers}
        counts = await raw_counts(poll["id"])
        for question, value in (("q1", stored["q1"]), ("q3", str(stored["q3"]))):
            for split in ("all", "g_female", "a_age_20_24"):
                assert counts[question][split]["n"] == 1
                assert {k: v for k, v in counts[question][split]["v"].items() if v} == {value: 1}
        assert await raw_counts(poll["id"], "constituency", "NA-117") == counts


async def test_first_answers_sent_twice_at_once_count_each_person_once(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    people = [await make_young() for _ in range(6)]
    responses = await asyncio.gather(*(put(client, p, poll["id"], FULL) for p in people * 2))
    assert [response.status_code for response in responses] == [200] * 12
    counts = await raw_counts(poll["id"])
    assert [counts[q]["all"]["n"] for q in ("q1", "q2", "q3", "q4")] == [6, 6, 6, 6]
    assert counts["q2"]["all"]["v"] == {"o2": 6, "o3": 6}
    assert await PollAnswer.find({"poll": poll["id"]}).count() == 24


async def test_an_answer_sent_as_the_poll_closes_is_counted_whole_or_refused_whole(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    people = [await make_young() for _ in range(10)]

    async def close() -> httpx.Response:
        await asyncio.sleep(0.01)
        return await client.post(f"{POLLS}/{poll['id']}/close", headers=editor.headers)

    *submitted, closed = await asyncio.gather(*(put(client, p, poll["id"], FULL) for p in people), close())
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    accepted = [p for p, response in zip(people, submitted, strict=True) if response.status_code == 200]
    refused = [p for p, response in zip(people, submitted, strict=True) if response.status_code != 200]
    assert all(
        response.json()["code"] == "poll_closed" for response in submitted if response.status_code != 200
    )
    for person in accepted:
        assert await PollAnswer.find({"poll": poll["id"], "uid": person.uid}).count() == 4
    for person in refused:
        assert await PollAnswer.find({"poll": poll["id"], "uid": person.uid}).count() == 0
    counts = await raw_counts(poll["id"])
    assert [counts.get(q, {}).get("all", {}).get("n", 0) for q in ("q1", "q2", "q3", "q4")] == [
        len(accepted)
    ] * 4
    late = await put(client, people[0], poll["id"], FULL)
    assert late.status_code == 409
    assert late.json()["code"] == "poll_closed"


async def test_the_closing_moment_belongs_to_the_closed_poll(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung, service_clock: Clock
) -> None:
    poll = await create_poll(client, editor)
    closes = datetime.fromisoformat(poll["closes_at"])
    early, late = await make_young(), await make_young()
    service_clock.set(closes - timedelta(milliseconds=1))
    assert (await put(client, early, poll["id"], FULL)).status_code == 200
    service_clock.set(closes)
    refused = await put(client, late, poll["id"], FULL)
    assert refused.status_code == 409
    assert refused.json()["code"] == "poll_closed"
    assert await PollAnswer.find({"poll": poll["id"], "uid": late.uid}).count() == 0
    assert (await raw_counts(poll["id"]))["q1"]["all"]["n"] == 1
