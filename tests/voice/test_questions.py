"""Questions to MPs end to end: asking (idempotent, a daily limit), moderation, the seat's scope,
support once per person, one published answer that reaches the asker, and erasure."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from backend.alerts.models import Campaign
from backend.alerts.push.fcm import FcmSender
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from backend.voice.questions.models import QuestionSupport, VoiceQuestion
from schemas.accounts import Role
from scripts.fake_fcm import FakeFcm
from tests.fixtures.alerts import add_phone, problem
from tests.fixtures.delivery import drain, worker
from tests.fixtures.users import Clock, MakeUser, User
from tests.fixtures.youth import MakeYoung, signed_up

QUESTIONS = "/v1/questions"
MODERATION = "/v1/editorial/questions"
MP_QUESTIONS = "/v1/mp/questions"


async def ask(
    client: httpx.AsyncClient, person: User, text: str = "Why are visa agents not checked?", **extra: Any
) -> httpx.Response:
    headers = person.headers | {"Idempotency-Key": extra.pop("key", uuid.uuid4().hex)}
    body = {"text": text, "topic": extra.pop("topic", "fake_job_or_visa")}
    return await client.post(QUESTIONS, json=body, headers=headers)


async def approved_question(
    client: httpx.AsyncClient, person: User, editor: User, text: str = "Jobs?"
) -> str:
    asked = await ask(client, person, text)
    assert asked.status_code == 201, asked.text
    question_id = str(asked.json()["id"])
    approved = await client.post(f"{MODERATION}/{question_id}/approve", headers=editor.headers)
    assert approved.status_code == 200, approved.text
    return question_id


async def test_a_question_is_sent_once_per_key_as_plain_text_within_the_daily_limit(
    client: httpx.AsyncClient, make_young: MakeYoung, seeded: None
) -> None:
    person = await make_young()
    first = await ask(client, person, "<b>Who</b> checks agents?", key="key-00001")
    again = await ask(client, person, "<b>Who</b> checks agents?", key="key-00001")
    other = await ask(client, person, "Something else", key="key-00001")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json()
    assert first.json()["text"] == "Who checks agents?"
    assert first.json()["status"] == "pending"
    assert first.json()["seats"] == ["NA-117", "PP-145"]
    assert problem(await ask(client, person, "<script>x</script>")) == ("body.text", "empty_text")
    assert problem(await ask(client, person, "x" * 501)) == ("body.text", "string_too_long")
    assert (await ask(client, person, "Second")).status_code == 201
    assert (await ask(client, person, "Third")).status_code == 201
    limited = await ask(client, person, "Fourth")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    mine = (await client.get(f"{QUESTIONS}/mine", headers=person.headers)).json()
    assert [item["text"] for item in mine["items"]] == ["Third", "Second", "Who checks agents?"]


async def test_editors_moderate_without_seeing_the_asker_and_the_asker_reads_the_reason(
    client: httpx.AsyncClient, make_young: MakeYoung, editor: User
) -> None:
    person = await make_young()
    kept = (await ask(client, person, "About jobs")).json()["id"]
    refused = (await ask(client, person, "Spam")).json()["id"]
    queue = (await client.get(MODERATION, headers=editor.headers)).json()
    assert [item["id"] for item in queue["items"]] == [kept, refused]
    assert all("uid" not in item for item in queue["items"])
    approve = f"{MODERATION}/{kept}/approve"
    assert (await client.post(approve, headers=editor.headers)).json()["status"] == "approved"
    assert (await client.post(approve, headers=editor.headers)).status_code == 200
    reject = f"{MODERATION}/{refused}/reject"
    rejected = await client.post(reject, json={"reason": "Not a question"}, headers=editor.headers)
    assert rejected.json()["rejection_reason"] == "Not a question"
    late = await client.post(f"{MODERATION}/{kept}/reject", json={"reason": "x"}, headers=editor.headers)
    assert late.status_code == 409
    mine = {
        item["id"]: item
        for item in (await client.get(f"{QUESTIONS}/mine", headers=person.headers)).json()["items"]
    }
    assert mine[refused]["status"] == "rejected"
    assert mine[refused]["rejection_reason"] == "Not a question"
    assert (await client.get(MODERATION, headers=person.headers)).status_code == 403
    assert (
        await client.post(f"{MODERATION}/{uuid.uuid4()}/approve", headers=editor.headers)
    ).status_code == 404


async def test_only_the_seats_mps_read_a_question_and_another_seats_is_404(
    client: httpx.AsyncClient, make_young: MakeYoung, make_user: MakeUser, editor: User
) -> None:
    person = await make_young()
    pending = (await ask(client, person, "Still pending")).json()["id"]
    question_id = await approved_question(client, person, editor)
    member = await make_user(Role.MP, constituency="NA-117")
    provincial = await make_user(Role.MP, constituency="PP-145")
    other = await make_user(Role.MP, constituency="NA-118")
    for mp in (member, provincial):
        listed = (await client.get(MP_QUESTIONS, headers=mp.headers)).json()
        assert [item["id"] for item in listed["items"]] == [question_id]
        assert "uid" not in listed["items"][0]
    assert (await client.get(MP_QUESTIONS, headers=other.headers)).json()["items"] == []
    for mp, question, status in (
        (other, question_id, 404),
        (member, pending, 404),
        (member, question_id, 200),
    ):
        assert (await client.get(f"{MP_QUESTIONS}/{question}", headers=mp.headers)).status_code == status
    answer = await client.put(
        f"{MP_QUESTIONS}/{question_id}/answer", json={"text": "No"}, headers=other.headers
    )
    assert answer.status_code == 404
    assert (await client.get(MP_QUESTIONS, headers=editor.headers)).status_code == 403


async def test_support_counts_once_per_person_through_the_gate_and_orders_the_seat(
    client: httpx.AsyncClient, make_young: MakeYoung, make_user: MakeUser, editor: User
) -> None:
    asker = await make_young()
    quiet = await approved_question(client, asker, editor, "Quiet one")
    popular = await approved_question(client, asker, editor, "Popular one")
    supporters = [await make_young() for _ in range(6)]
    responses = await asyncio.gather(
        *(client.put(f"{QUESTIONS}/{popular}/support", headers=p.headers) for p in supporters * 2)
    )
    assert {response.status_code for response in responses} == {200}
    stored = await VoiceQuestion.get(popular)
    assert stored is not None
    assert stored.supports == 6
    assert await QuestionSupport.find({"question": popular}).count() == 6
    mp = await make_user(Role.MP, constituency="NA-117")
    listed = (await client.get(MP_QUESTIONS, headers=mp.headers)).json()["items"]
    assert [item["id"] for item in listed] == [popular, quiet]
    assert listed[0]["supports"]["value"] is None or abs(listed[0]["supports"]["value"] - 6) <= 2
    seen = (await client.get(QUESTIONS, headers=supporters[0].headers)).json()["items"]
    assert [(item["id"], item["supported_by_me"]) for item in seen] == [(popular, True), (quiet, False)]
    elsewhere = await make_young(district="Quetta", constituency="NA-263")
    assert (await client.put(f"{QUESTIONS}/{popular}/support", headers=elsewhere.headers)).status_code == 404
    pending = (await ask(client, asker, "Pending")).json()["id"]
    assert (
        await client.put(f"{QUESTIONS}/{pending}/support", headers=supporters[0].headers)
    ).status_code == 404


async def test_the_mp_publishes_one_answer_the_seat_reads_and_the_asker_is_told(
    client: httpx.AsyncClient,
    make_young: MakeYoung,
    make_user: MakeUser,
    editor: User,
    fcm: FakeFcm,
    sender: FcmSender,
    service_clock: Clock,
) -> None:
    service_clock.set(datetime.now(UTC).replace(hour=7, minute=0))  # noon in Pakistan: not quiet hours
    asker = await make_young()
    token = await add_phone(asker.uid)
    question_id = await approved_question(client, asker, editor)
    mp = await make_user(Role.MP, constituency="NA-117")
    url = f"{MP_QUESTIONS}/{question_id}/answer"
    answered = await client.put(url, json={"text": "We will <i>ask</i> the minister."}, headers=mp.headers)
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"]["text"] == "We will ask the minister."
    assert answered.json()["status"] == "answered"
    assert (
        await client.put(url, json={"text": "We will ask the minister."}, headers=mp.headers)
    ).status_code == 200
    assert (await client.put(url, json={"text": "Another"}, headers=mp.headers)).status_code == 409
    neighbour = await make_young()
    seat = (await client.get(QUESTIONS, headers=neighbour.headers)).json()["items"]
    assert seat[0]["answer"]["text"] == "We will ask the minister."
    personal = await Campaign.find({"personal": True}).to_list()
    assert len(personal) == 1
    assert personal[0].audience == {"uids": [asker.uid]}
    await drain(sender, worker())
    assert [r.token for r in fcm.sent()] == [token]
    inbox = (await client.get("/v1/me/notifications", headers=asker.headers)).json()["items"]
    assert inbox[0]["link"] == {"kind": "question", "id": question_id}
    campaigns = (await client.get("/v1/editorial/campaigns", headers=editor.headers)).json()
    assert campaigns["total"] == 0
    assert (
        await client.get(f"/v1/editorial/campaigns/{personal[0].id}", headers=editor.headers)
    ).status_code == 404


async def test_erasure_withdraws_unanswered_questions_and_keeps_answered_ones_and_supports(
    client: httpx.AsyncClient, make_young: MakeYoung, make_user: MakeUser, editor: User
) -> None:
    person = await make_young()
    other = await make_young()
    pending = (await ask(client, person, "My name is Ali, pending")).json()["id"]
    answered = await approved_question(client, person, editor, "Answered one")
    supported = await approved_question(client, other, editor, "Someone else's")
    await client.put(f"{QUESTIONS}/{supported}/support", headers=person.headers)
    mp = await make_user(Role.MP, constituency="NA-117")
    await client.put(f"{MP_QUESTIONS}/{answered}/answer", json={"text": "Yes"}, headers=mp.headers)
    exported = (await client.get("/v1/youth/me/export", headers=person.headers)).json()
    assert {item["id"] for item in exported["questions"]} == {pending, answered}
    assert [item["question_id"] for item in exported["question_supports"]] == [supported]
    assert (await client.delete("/v1/youth/me", headers=person.headers)).status_code == 204
    assert await VoiceQuestion.find({"uid": person.uid}).count() == 0
    withdrawn = await VoiceQuestion.get(pending)
    kept = await VoiceQuestion.get(answered)
    still = await VoiceQuestion.get(supported)
    assert withdrawn is not None
    assert kept is not None
    assert still is not None
    assert (withdrawn.status, withdrawn.text) == ("withdrawn", "")
    assert (kept.status, kept.text) == ("answered", "Answered one")
    assert still.supports == 1
    assert await QuestionSupport.find({"uid": person.uid}).count() == 0
    listed = (await client.get(MP_QUESTIONS, headers=mp.headers)).json()["items"]
    assert {item["id"] for item in listed} == {answered, supported}


async def test_moderation_decisions_and_published_answers_are_audited(
    client: httpx.AsyncClient, make_young: MakeYoung, make_user: MakeUser, editor: User
) -> None:
    person = await make_young()
    answered = await approved_question(client, person, editor)
    rejected = (await ask(client, person, "Off topic")).json()["id"]
    await client.post(f"{MODERATION}/{rejected}/reject", json={"reason": "Off topic"}, headers=editor.headers)
    mp = await make_user(Role.MP, constituency="NA-117")
    await client.put(f"{MP_QUESTIONS}/{answered}/answer", json={"text": "Done"}, headers=mp.headers)
    await client.put(f"{MP_QUESTIONS}/{answered}/answer", json={"text": "Done"}, headers=mp.headers)
    admin = await make_user(Role.ADMIN)
    entries = {}
    for action in ("voice.question_approved", "voice.question_rejected", "voice.question_answered"):
        found = await client.get("/v1/admin/audit", params={"action": action}, headers=admin.headers)
        entries[action] = [(item["actor"], item["resource_id"]) for item in found.json()["items"]]
    assert entries == {
        "voice.question_approved": [(editor.uid, answered)],
        "voice.question_rejected": [(editor.uid, rejected)],
        "voice.question_answered": [(mp.uid, answered)],
    }


async def test_supports_have_a_daily_limit_per_person(
    settings: Settings, shared_database: Database, make_user: MakeUser, editor: User
) -> None:
    app = create_app(settings.model_copy(update={"supports_per_day": 2}), database=shared_database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            asker, supporter = await signed_up(http, make_user), await signed_up(http, make_user)
            ids = [await approved_question(http, asker, editor, f"Question {n}") for n in range(3)]
            answers = [await http.put(f"{QUESTIONS}/{i}/support", headers=supporter.headers) for i in ids]
            again = await http.put(f"{QUESTIONS}/{ids[0]}/support", headers=supporter.headers)
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert again.status_code == 200  # supported already: no allowance taken
