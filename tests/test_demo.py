"""The run command's demo: loaded once, clearly marked, and every figure MPs read is a real-looking one."""

import asyncio

import httpx

from backend.core.settings import Settings
from schemas.accounts import Role
from scripts import demo_data
from tests.fixtures.users import MakeUser


async def test_the_demo_loads_once_and_fills_the_mps_pages(
    client: httpx.AsyncClient, settings: Settings, make_user: MakeUser, seeded: None
) -> None:
    loaded = await asyncio.to_thread(demo_data.load, settings)
    assert loaded is not None
    assert loaded["young people"] == demo_data.SIZES["youth"]
    assert await asyncio.to_thread(demo_data.load, settings) is None  # once per database
    mp = await make_user(Role.MP, constituency="NA-120")
    turnout = (await client.get("/v1/turnout/constituencies/NA-120", headers=mp.headers)).json()
    assert turnout["totals"]["events_held"] > 0
    supervisor = await make_user(Role.SUPERVISOR, districts=["lahore"])
    waiting = await client.get("/v1/events", params={"review": "pending"}, headers=supervisor.headers)
    assert waiting.json()["total"] == 4  # the review queue has work, not yet in the MP's figures
    assert (turnout["totals"]["checkins"]["value"] or 0) > 0
    polls = (await client.get("/v1/editorial/polls", headers=(await make_user(Role.EDITOR)).headers)).json()
    (poll,) = polls["items"]
    assert poll["title"]["en"].startswith("[Demo]")
    results = await client.get(
        f"/v1/polls/{poll['id']}/results?area=constituency&code=NA-120", headers=mp.headers
    )
    assert (results.json()["national"]["questions"][0]["all"]["respondents"]["value"] or 0) > 0
    questions = (await client.get("/v1/mp/questions", headers=mp.headers)).json()["items"]
    assert [q["status"] for q in questions] == ["answered", "approved", "approved"]
    ratings = (await client.get("/v1/feedback?area=constituency&code=NA-120", headers=mp.headers)).json()
    assert (ratings["figures"]["respondents"]["value"] or 0) > 0
    brief = (await client.get("/v1/turnout/constituencies/NA-120/brief", headers=mp.headers)).text
    assert "What young people in this seat said" in brief
    assert "Event ratings" in brief
