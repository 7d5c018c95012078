"""Event feedback: once per person who checked in, within 14 days; officers see their events' feedback
without names, MPs only an area's protected aggregate; erasure keeps the counts."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from backend.core.clock import month_of, utc_now
from backend.turnout import protection
from backend.voice.feedback.models import EventFeedback, FeedbackCounter
from schemas.accounts import Role
from tests.fixtures.events import event_with_code, plan_at
from tests.fixtures.users import Clock, MakeUser, User
from tests.fixtures.youth import MakeYoung


async def attended(
    client: httpx.AsyncClient, officer: User, make_young: MakeYoung, people: int
) -> tuple[str, list[User]]:
    event_id, code = await event_with_code(client, officer, plan_at(utc_now() - timedelta(minutes=30)))
    young = []
    for _ in range(people):
        person = await make_young()
        checked = await client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
        assert checked.status_code in (200, 201), checked.text
        young.append(person)
    return event_id, young


def feedback(rating: int = 4, **extra: Any) -> dict[str, Any]:
    return {"rating": rating, "recommend": True} | extra


async def test_feedback_is_given_once_by_people_who_checked_in(
    client: httpx.AsyncClient, officer: User, make_young: MakeYoung
) -> None:
    event_id, (person,) = await attended(client, officer, make_young, 1)
    url = f"/v1/events/{event_id}/feedback"
    body = feedback(5, learned="<p>Check the licence</p> first")
    first, again = await asyncio.gather(
        *(client.put(url, json=body, headers=person.headers) for _ in range(2))
    )
    assert sorted((first.status_code, again.status_code)) == [200, 201]
    assert first.json()["learned"] == "Check the licence first"
    changed = await client.put(url, json=feedback(1), headers=person.headers)
    assert changed.status_code == 409
    assert changed.json()["code"] == "feedback_given"
    mine = await client.get(f"{url}/mine", headers=person.headers)
    assert mine.json()["rating"] == 5
    stranger = await make_young()
    refused = await client.put(url, json=feedback(), headers=stranger.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_checked_in"
    counter = await FeedbackCounter.get(f"constituency:NA-117:{month_of(utc_now() - timedelta(minutes=30))}")
    assert counter is not None
    assert counter.c == {"n": 1, "r": {"5": 1}, "rec": {"yes": 1}}
    for bad in (feedback(6), feedback(learned=""), {"rating": 3}, feedback(learned="<b></b>")):
        assert (await client.put(url, json=bad, headers=person.headers)).status_code == 422


async def test_feedback_closes_fourteen_days_after_the_event(
    client: httpx.AsyncClient, officer: User, make_young: MakeYoung, service_clock: Clock
) -> None:
    event_id, (early, late) = await attended(client, officer, make_young, 2)
    url = f"/v1/events/{event_id}/feedback"
    service_clock.shift(timedelta(days=13, hours=23).total_seconds())
    assert (await client.put(url, json=feedback(), headers=early.headers)).status_code == 201
    service_clock.shift(timedelta(days=14, hours=2).total_seconds())
    closed = await client.put(url, json=feedback(), headers=late.headers)
    assert closed.status_code == 409
    assert closed.json()["code"] == "feedback_closed"


async def test_officers_read_their_events_feedback_and_mps_only_the_protected_aggregate(
    client: httpx.AsyncClient, officer: User, make_young: MakeYoung, make_user: MakeUser
) -> None:
    event_id, people = await attended(client, officer, make_young, 7)
    for index, person in enumerate(people):
        body = feedback(5 if index < 5 else 2, recommend=index < 6, learned=f"Lesson {index}")
        await client.put(f"/v1/events/{event_id}/feedback", json=body, headers=person.headers)
    read = await client.get(f"/v1/events/{event_id}/feedback?limit=3", headers=officer.headers)
    assert read.status_code == 200, read.text
    assert read.json()["total"] == 7
    assert [entry["learned"] for entry in read.json()["entries"]] == ["Lesson 0", "Lesson 1", "Lesson 2"]
    assert all("uid" not in entry for entry in read.json()["entries"])
    stored = await EventFeedback.find({"event": event_id}).to_list()
    key = sum(int(item.counted_as["key"]) for item in stored)
    assert read.json()["figures"]["respondents"] == protection.protect(7, key).model_dump()
    elsewhere = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    assert (await client.get(f"/v1/events/{event_id}/feedback", headers=elsewhere.headers)).status_code == 404
    mp = await make_user(Role.MP, constituency="NA-117")
    assert (await client.get(f"/v1/events/{event_id}/feedback", headers=mp.headers)).status_code == 403
    seat = await client.get("/v1/feedback?area=constituency&code=NA-117", headers=mp.headers)
    assert seat.status_code == 200, seat.text
    assert seat.json()["figures"] == read.json()["figures"]
    assert seat.json()["national"] == read.json()["figures"]
    other = await client.get("/v1/feedback?area=constituency&code=NA-118", headers=mp.headers)
    assert other.status_code == 404
    young = await client.get("/v1/feedback", headers=people[0].headers)
    assert young.status_code == 403


async def test_erasure_keeps_feedback_counted_and_drops_what_was_written(
    client: httpx.AsyncClient, officer: User, make_young: MakeYoung
) -> None:
    event_id, (person,) = await attended(client, officer, make_young, 1)
    body = feedback(3, learned="My cousin was trafficked")
    await client.put(f"/v1/events/{event_id}/feedback", json=body, headers=person.headers)
    exported = (await client.get("/v1/youth/me/export", headers=person.headers)).json()
    assert exported["event_feedback"][0]["learned"] == "My cousin was trafficked"
    before = await FeedbackCounter.find({}).to_list()
    assert (await client.delete("/v1/youth/me", headers=person.headers)).status_code == 204
    after = await FeedbackCounter.find({}).to_list()
    assert [(c.id, c.c, c.k) for c in after] == [(c.id, c.c, c.k) for c in before]
    (left,) = await EventFeedback.find({"event": event_id}).to_list()
    assert left.uid.startswith("erased:")
    assert left.learned is None
    assert left.rating == 3
