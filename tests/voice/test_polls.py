"""Polls end to end: editors write them, young people in the audience answer, change and retry."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.alerts.models import Campaign
from backend.core.clock import utc_now
from tests.fixtures.alerts import problem
from tests.fixtures.users import MakeUser, User
from tests.fixtures.voice import POLLS, answer, create_poll, poll_body, question, raw_counts
from tests.fixtures.youth import MakeYoung


async def test_an_editor_writes_a_poll_and_a_retry_is_the_same_poll(
    client: httpx.AsyncClient, editor: User
) -> None:
    headers = editor.headers | {"Idempotency-Key": uuid.uuid4().hex}
    body = poll_body()
    first = await client.post(POLLS, json=body, headers=headers)
    again = await client.post(POLLS, json=body, headers=headers)
    other = await client.post(POLLS, json=poll_body(title={"ur": "دوسرا", "en": "Other"}), headers=headers)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json()
    poll = first.json()
    assert poll["status"] == "open"
    assert poll["version"] == 1
    assert not poll["answered"]
    assert [q["id"] for q in poll["questions"]] == ["q1", "q2", "q3", "q4"]
    assert [o["id"] for o in poll["questions"][0]["options"]] == ["o1", "o2", "o3"]
    listed = await client.get(POLLS, headers=editor.headers)
    assert [item["id"] for item in listed.json()["items"]] == [poll["id"]]


async def test_a_poll_needs_urdu_and_english_fitting_options_and_sane_times(
    client: httpx.AsyncClient, editor: User
) -> None:
    now = utc_now()
    cases = {
        ("body.title", "urdu_and_english_required"): poll_body(title={"en": "Only English"}),
        ("body.questions.0", "options_required"): poll_body(questions=[question("single_choice", 1)]),
        ("body.questions.0", "options_not_allowed"): poll_body(questions=[question("rating", 2)]),
        ("body.closes_at", "before_opening"): poll_body(closes_at=(now - timedelta(hours=1)).isoformat()),
        ("body.opens_at", "in_the_past"): poll_body(
            opens_at=(now - timedelta(days=2)).isoformat(), closes_at=now.isoformat()
        ),
        ("body.closes_at", "too_long"): poll_body(closes_at=(now + timedelta(days=91)).isoformat()),
        ("body.audience.districts.0", "unknown_district"): poll_body(audience={"districts": ["atlantis"]}),
    }
    for (field, rule), body in cases.items():
        response = await create_poll(client, editor, body, status=422)
        fields = {(error["field"], error["rule"]) for error in response["errors"]}
        assert (field, rule) in fields, (field, rule, fields)


async def test_young_people_see_the_polls_of_their_audience_only(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    elsewhere = await create_poll(client, editor, poll_body(audience={"districts": ["quetta"]}))
    later = await create_poll(
        client,
        editor,
        poll_body(
            opens_at=(utc_now() + timedelta(days=1)).isoformat(),
            closes_at=(utc_now() + timedelta(days=2)).isoformat(),
        ),
    )
    lahori = await make_young()
    listed = await client.get("/v1/polls", headers=lahori.headers)
    assert [item["id"] for item in listed.json()] == [poll["id"]]
    assert listed.json()[0]["my_answers"] == []
    for hidden in (elsewhere["id"], later["id"], str(uuid.uuid4())):
        assert (await client.get(f"/v1/polls/{hidden}", headers=lahori.headers)).status_code == 404
        await answer(client, lahori, hidden, {"question": "q1", "choice": "o1"}, status=404)
    assert (await client.get("/v1/polls", headers=editor.headers)).status_code == 403


async def test_an_answer_counts_once_changes_move_one_count_and_retries_change_nothing(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    answers = (
        {"question": "q1", "choice": "o2"},
        {"question": "q2", "choices": ["o3", "o1", "o3"]},
        {"question": "q3", "rating": 4},
        {"question": "q4", "text": "<b>Jobs</b> at home & safe routes"},
    )
    body = (await answer(client, person, poll["id"], *answers)).json()
    mine = {item["question"]: item for item in body["my_answers"]}
    assert mine["q2"]["choices"] == ["o1", "o3"]
    assert mine["q4"]["text"] == "Jobs at home & safe routes"
    await answer(client, person, poll["id"], *answers)  # the app's retry
    counts = await raw_counts(poll["id"])
    assert counts["q1"]["all"] == {"n": 1, "v": {"o2": 1}}
    assert counts["q2"]["all"] == {"n": 1, "v": {"o1": 1, "o3": 1}}
    assert counts["q3"]["g_female"] == {"n": 1, "v": {"4": 1}}
    assert counts["q4"]["all"] == {"n": 1}
    await answer(
        client, person, poll["id"], {"question": "q1", "choice": "o3"}, {"question": "q3", "rating": 4}
    )
    counts = await raw_counts(poll["id"])
    assert counts["q1"]["all"] == {"n": 1, "v": {"o2": 0, "o3": 1}}
    assert counts["q3"]["all"] == {"n": 1, "v": {"4": 1}}
    seat = await raw_counts(poll["id"], "constituency", "NA-117")
    provincial = await raw_counts(poll["id"], "constituency", "PP-145")
    assert seat["q1"] == provincial["q1"] == counts["q1"]
    stored = (await client.get(f"/v1/polls/{poll['id']}", headers=person.headers)).json()
    assert [item["question"] for item in stored["my_answers"]] == ["q1", "q2", "q3", "q4"]
    assert stored["my_answers"][0]["choice"] == "o3"


async def test_answers_must_fit_their_questions(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    cases: dict[tuple[str, str], dict[str, Any]] = {
        ("body.answers.0.question", "unknown_question"): {"question": "q9", "choice": "o1"},
        ("body.answers.0.choice", "wrong_kind"): {"question": "q1", "rating": 2},
        ("body.answers.0.choice", "unknown_option"): {"question": "q1", "choice": "o4"},
        ("body.answers.0.choices", "unknown_option"): {"question": "q2", "choices": ["o1", "o9"]},
        ("body.answers.0.text", "empty_text"): {"question": "q4", "text": "<script>alert(1)</script>"},
    }
    for expected, item in cases.items():
        response = await answer(client, person, poll["id"], item, status=422)
        assert problem(response) == expected
    for item in ({"question": "q3", "rating": 6}, {"question": "q1", "choice": "o1", "rating": 2}):
        await answer(client, person, poll["id"], item, status=422)
    repeated = await answer(client, person, poll["id"], *[{"question": "q1", "choice": "o1"}] * 2, status=422)
    assert problem(repeated) == ("body.answers", "question_repeated")
    assert await raw_counts(poll["id"]) == {}
    assert not (await client.get(f"{POLLS}/{poll['id']}", headers=editor.headers)).json()["answered"]


async def test_questions_change_until_the_first_answer_and_the_opening_until_it_opens(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    url = f"{POLLS}/{poll['id']}"
    changed = await client.patch(
        url, json={"questions": [question("rating")]}, headers=editor.headers | {"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = await client.patch(
        url, json={"title": {"ur": "نیا", "en": "New"}}, headers=editor.headers | {"If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    person = await make_young()
    await answer(client, person, poll["id"], {"question": "q1", "rating": 5})
    frozen = await client.patch(url, json={"questions": [question("short_text")]}, headers=editor.headers)
    assert frozen.status_code == 409
    assert frozen.json()["code"] == "poll_answered"
    opening = await client.patch(
        url, json={"opens_at": (utc_now() + timedelta(hours=1)).isoformat()}, headers=editor.headers
    )
    assert opening.status_code == 409
    assert opening.json()["code"] == "poll_opened"
    longer = await client.patch(
        url, json={"closes_at": (utc_now() + timedelta(days=9)).isoformat()}, headers=editor.headers
    )
    assert longer.status_code == 200
    assert longer.json()["answered"]


async def test_a_closed_poll_refuses_answers_and_keeps_them_readable(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    await answer(client, person, poll["id"], {"question": "q3", "rating": 2})
    closed = await client.post(f"{POLLS}/{poll['id']}/close", headers=editor.headers)
    again = await client.post(f"{POLLS}/{poll['id']}/close", headers=editor.headers)
    assert closed.json()["status"] == again.json()["status"] == "closed"
    refused = await answer(client, person, poll["id"], {"question": "q3", "rating": 5}, status=409)
    assert refused.json()["code"] == "poll_closed"
    read = (await client.get(f"/v1/polls/{poll['id']}", headers=person.headers)).json()
    assert read["status"] == "closed"
    assert read["my_answers"][0]["rating"] == 2
    assert (await raw_counts(poll["id"]))["q3"]["all"] == {"n": 1, "v": {"2": 1}}
    assert (await client.get("/v1/polls", headers=person.headers)).json() == []


async def test_opening_a_poll_can_send_an_alert_linking_to_it(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    opens = utc_now() + timedelta(hours=2)
    announce = {
        "title": {"ur": "رائے دیں", "en": "Have your say"},
        "body": {"ur": "نیا سروے", "en": "A new poll"},
    }
    body = poll_body(
        opens_at=opens.isoformat(), closes_at=(opens + timedelta(days=3)).isoformat(), announce=announce
    )
    headers = editor.headers | {"Idempotency-Key": uuid.uuid4().hex}
    poll = (await client.post(POLLS, json=body, headers=headers)).json()
    assert (await client.post(POLLS, json=body, headers=headers)).json() == poll
    campaign = await Campaign.get(poll["announcement_campaign_id"])
    assert campaign is not None
    assert campaign.link == {"kind": "poll", "id": poll["id"]}
    assert campaign.audience["districts"] == ["lahore"]
    assert campaign.status == "scheduled"
    assert abs((campaign.send_at - opens).total_seconds()) < 0.01
    assert await Campaign.find({"created_by": editor.uid}).count() == 1
    moved = await client.patch(
        f"{POLLS}/{poll['id']}",
        json={"opens_at": (opens + timedelta(hours=1)).isoformat()},
        headers=editor.headers,
    )
    renewed = await Campaign.get(moved.json()["announcement_campaign_id"])
    old = await Campaign.get(poll["announcement_campaign_id"])
    assert renewed is not None
    assert old is not None
    assert renewed.id != old.id
    assert old.status == "cancelled"
    assert renewed.status == "scheduled"
    campaign_link = {"kind": "poll", "id": str(uuid.uuid4())}
    body = {"title": {"en": "x"}, "body": {"en": "y"}, "audience": {"national": True}, "link": campaign_link}
    refused = await client.post(
        "/v1/editorial/campaigns", json=body, headers=editor.headers | {"Idempotency-Key": uuid.uuid4().hex}
    )
    assert problem(refused) == ("body.link.id", "unknown_poll")


async def test_a_retried_change_answers_as_a_replay_and_concurrent_ones_apply_once(
    client: httpx.AsyncClient, editor: User
) -> None:
    poll = await create_poll(client, editor)
    url = f"{POLLS}/{poll['id']}"
    change = {"title": {"ur": "نیا عنوان", "en": "New title"}}
    headers = editor.headers | {"If-Match": '"1"'}
    responses = await asyncio.gather(*(client.patch(url, json=change, headers=headers) for _ in range(4)))
    assert [response.status_code for response in responses] == [200] * 4
    assert {response.json()["version"] for response in responses} == {2}
    other = await client.patch(url, json={"title": {"ur": "اور", "en": "Other"}}, headers=headers)
    assert other.status_code == 409
