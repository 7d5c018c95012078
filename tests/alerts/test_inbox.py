"""A young person's inbox over HTTP: listing, read state, opens counted once, access, erasure."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import Campaign
from backend.core.clock import month_of
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from backend.turnout.keys import record_key
from schemas.accounts import Role
from tests.fixtures.turnout import cell, counts
from tests.fixtures.users import MakeUser, User
from tests.fixtures.youth import MakeYoung

pytestmark = pytest.mark.usefixtures("seeded")

LAHORE = {"constituency": "NA-117", "district": "lahore", "province": "PK-PB"}


async def campaign(**overrides: Any) -> Campaign:
    """A sent campaign as the editors' routes and the planner leave it."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "idempotency_key": f"editor {uuid.uuid4()}",
        "created_by": "editor",
        "title": {"ur": "جعلی ویزا", "en": "Fake visas"},
        "body": {"ur": "ایجنٹ کا لائسنس دیکھیں۔", "en": "Check the agent's licence."},
        "audience": {"national": True},
        "priority": "high",
        "send_at": now,
        "status": "sent",
        "stats": {"sent": 1},
        "created_at": now,
        "updated_at": now,
    }
    document = Campaign(**(values | overrides))
    await document.insert()
    return document


async def deliver(
    sent: Campaign, user: User, *, language: str = "ur", sent_at: datetime | None = None
) -> None:
    """The person's inbox entry, as the planner writes it with the first delivery."""
    await InboxEntry(
        id=f"{sent.id}:{user.uid}",
        campaign_id=sent.id,
        uid=user.uid,
        language=language,
        title=sent.title[language],
        body=sent.body[language],
        link={"kind": "content", "id": "visa-fraud"},
        priority=sent.priority,
        sent_at=sent_at or datetime.now(UTC),
        places=LAHORE,
    ).insert()


async def alert_reach(area: str, code: str) -> int:
    return (await counts(area, month_of(datetime.now(UTC)), code)).get("alert_reach", 0)


async def opened_stat(campaign_id: str) -> int:
    stored = await Campaign.get(campaign_id)
    assert stored is not None
    return stored.stats.get("opened", 0)


async def test_inbox_lists_own_alerts_newest_first_in_their_language_with_paging(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person, other = await make_young(), await make_young()
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    sent = [await campaign() for _ in range(3)]
    for day, each in enumerate(sent):
        await deliver(each, person, language="en" if day == 1 else "ur", sent_at=start + timedelta(days=day))
    await deliver(await campaign(), other)
    first = (await client.get("/v1/me/notifications", params={"limit": 2}, headers=person.headers)).json()
    assert first["total"] == 3
    assert [item["id"] for item in first["items"]] == [sent[2].id, sent[1].id]
    assert (first["items"][1]["language"], first["items"][1]["title"]) == ("en", "Fake visas")
    assert first["items"][0]["title"] == "جعلی ویزا"
    assert first["items"][0]["link"] == {"kind": "content", "id": "visa-fraud"}
    assert (first["items"][0]["read_at"], first["items"][0]["opened_at"]) == (None, None)
    rest = await client.get("/v1/me/notifications", params={"limit": 2, "offset": 2}, headers=person.headers)
    assert [item["id"] for item in rest.json()["items"]] == [sent[0].id]


async def test_marking_read_is_idempotent_and_keeps_the_first_time(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person = await make_young()
    sent = await campaign()
    await deliver(sent, person)
    url = f"/v1/me/notifications/{sent.id}/read"
    first = await client.put(url, headers=person.headers)
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    again = await client.put(url, headers=person.headers)
    assert (again.status_code, again.json()["read_at"]) == (200, first.json()["read_at"])
    listed = (await client.get("/v1/me/notifications", headers=person.headers)).json()
    assert listed["items"][0]["read_at"] == first.json()["read_at"]
    assert await opened_stat(sent.id) == 0  # reading in the app's inbox is not an open of the push


async def test_another_persons_or_an_unknown_alert_answers_404(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person, other = await make_young(), await make_young()
    sent = await campaign()
    await deliver(sent, other)
    for alert_id in (sent.id, str(uuid.uuid4())):
        read = await client.put(f"/v1/me/notifications/{alert_id}/read", headers=person.headers)
        opened = await client.post(f"/v1/notifications/{alert_id}/opened", headers=person.headers)
        assert (read.status_code, opened.status_code) == (404, 404)
        assert read.json()["code"] == "not_found"
    stored = await InboxEntry.get(f"{sent.id}:{other.uid}")
    assert stored is not None
    assert (stored.read_at, stored.opened_at) == (None, None)
    assert await opened_stat(sent.id) == 0


async def test_an_open_counts_once_in_campaign_stats_and_turnout_under_concurrent_reports(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person = await make_young()
    sent = await campaign()
    await deliver(sent, person)
    url = f"/v1/notifications/{sent.id}/opened"
    answers = await asyncio.gather(*(client.post(url, headers=person.headers) for _ in range(8)))
    assert [answer.status_code for answer in answers] == [204] * 8
    assert (await client.post(url, headers=person.headers)).status_code == 204  # a later retry
    assert await opened_stat(sent.id) == 1
    for area, code in (("constituency", "NA-117"), ("district", "lahore"), ("province", "PK-PB")):
        assert await alert_reach(area, code) == 1, area
    assert await alert_reach("national", "PK") == 1
    listed = (await client.get("/v1/me/notifications", headers=person.headers)).json()["items"][0]
    assert listed["opened_at"] is not None
    assert listed["read_at"] == listed["opened_at"]  # an opened alert is read


async def test_a_read_time_stays_when_the_alert_is_opened_later(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person = await make_young()
    sent = await campaign()
    await deliver(sent, person)
    read = (await client.put(f"/v1/me/notifications/{sent.id}/read", headers=person.headers)).json()
    await client.post(f"/v1/notifications/{sent.id}/opened", headers=person.headers)
    listed = (await client.get("/v1/me/notifications", headers=person.headers)).json()["items"][0]
    assert listed["read_at"] == read["read_at"]
    assert listed["opened_at"] is not None


async def test_alert_reach_in_turnout_passes_the_gate_keyed_by_the_inbox_entries(
    client: httpx.AsyncClient, make_young: MakeYoung, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    sent = await campaign()
    people = [await make_young() for _ in range(6)]
    for person in people:
        await deliver(sent, person)

    async def shown() -> dict[str, Any]:
        read = await client.get("/v1/turnout/constituencies/NA-117", headers=editor.headers)
        assert read.status_code == 200
        cell: dict[str, Any] = read.json()["totals"]["alert_reach"]
        return cell

    assert await shown() == {"value": 0, "suppressed": False}  # nobody reached: zero says so, and is shown
    key = 0
    for opened, person in enumerate(people, start=1):
        await client.post(f"/v1/notifications/{sent.id}/opened", headers=person.headers)
        key += record_key(f"{sent.id}:{person.uid}")
        assert await shown() == cell(opened, key), opened
    assert await opened_stat(sent.id) == 6


async def test_only_young_people_reach_the_inbox(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    staff = await make_user(Role.EDITOR, Role.ADMIN)
    alert_id = str(uuid.uuid4())
    calls = [
        ("GET", "/v1/me/notifications"),
        ("PUT", f"/v1/me/notifications/{alert_id}/read"),
        ("POST", f"/v1/notifications/{alert_id}/opened"),
    ]
    for method, url in calls:
        refused = await client.request(method, url, headers=staff.headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "role_required"), url
        assert (await client.request(method, url)).status_code == 401, url


@asynccontextmanager
async def _limited_app(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    limits = {"notification_open": "2/hour"}
    app: FastAPI = create_app(settings.model_copy(update={"rate_limits": limits}), database=database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.9", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_open_reports_are_rate_limited(
    settings: Settings, shared_database: Database, make_young: MakeYoung
) -> None:
    person = await make_young()
    sent = await campaign()
    await deliver(sent, person)
    async with _limited_app(settings, shared_database) as http:
        statuses = [
            (await http.post(f"/v1/notifications/{sent.id}/opened", headers=person.headers)).status_code
            for _ in range(3)
        ]
        assert statuses == [204, 204, 429]
        refused = await http.post(f"/v1/notifications/{sent.id}/opened", headers=person.headers)
        assert refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert await opened_stat(sent.id) == 1


async def test_erasure_removes_the_inbox_and_keeps_the_counts(
    client: httpx.AsyncClient, make_young: MakeYoung
) -> None:
    person, other = await make_young(), await make_young()
    sent = await campaign()
    await deliver(sent, person)
    await deliver(sent, other)
    await client.post(f"/v1/notifications/{sent.id}/opened", headers=person.headers)
    export = (await client.get("/v1/youth/me/export", headers=person.headers)).json()
    assert [(n["id"], n["title"]) for n in export["notifications"]] == [(sent.id, "جعلی ویزا")]
    assert (await client.delete("/v1/youth/me", headers=person.headers)).status_code == 204
    assert await InboxEntry.find({"uid": person.uid}).count() == 0
    assert await InboxEntry.get(f"{sent.id}:{other.uid}") is not None
    assert await opened_stat(sent.id) == 1
    assert await alert_reach("constituency", "NA-117") == 1
