"""The MP's console pages: their seat's brief and the questions of their seat, answered in place."""

import uuid

import httpx
from fastapi import FastAPI

from backend.turnout.brief.charts import swatch_rules
from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.turnout import PERIOD, SEAT, put_counts
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import MakeYoung


async def test_an_mp_answers_a_question_of_their_seat_in_the_console(
    client: httpx.AsyncClient, make_user: MakeUser, make_young: MakeYoung, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    asker = await make_young(constituency="NA-120")
    asked = await client.post(
        "/v1/questions",
        json={"text": "Is a fee > 5 lakh <legal>?", "topic": "fake_job_or_visa"},
        headers=asker.headers | {"Idempotency-Key": uuid.uuid4().hex},
    )
    question_id = asked.json()["id"]
    await client.post(f"/v1/editorial/questions/{question_id}/approve", headers=editor.headers)
    mp = await make_user(Role.MP, constituency="NA-120")
    token = await signed_in(client, mp)
    page = await client.get("/console/mp")
    assert page.status_code == 200
    assert "Is a fee &gt; 5 lakh" in page.text  # stored as plain text, shown escaped
    assert f'hx-post="/console/mp/questions/{question_id}/answer"' in page.text
    url = f"/console/mp/questions/{question_id}/answer"
    refused = await client.post(url, data={"text": "Yes"})
    assert refused.status_code == 403
    answered = await client.post(
        url, data={"text": "I asked the <b>minister</b>."}, headers={"X-CSRF-Token": token}
    )
    assert answered.status_code == 200, answered.text
    assert "I asked the minister." in answered.text
    assert "hx-post" not in answered.text
    seat = (await client.get("/v1/questions", headers=asker.headers)).json()["items"][0]
    assert seat["answer"]["text"] == "I asked the minister."


async def test_the_mp_reads_the_brief_in_the_console_and_other_staff_cannot(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    mp = await make_user(Role.MP, constituency="NA-120")
    await signed_in(client, mp)
    brief = await client.get("/console/mp/brief", params={"from": "2026-01", "to": "2026-06"})
    assert brief.status_code == 200
    assert "(NA-120)" in brief.text
    assert brief.headers["content-security-policy"].startswith("default-src 'none'")
    empty = await client.get("/console/mp/brief", params={"from": "", "to": ""})  # the form, nothing picked
    assert empty.status_code == 200
    assert (await client.get("/console/mp/brief", params={"from": "2026-13"})).status_code == 422
    pdf = await client.get("/console/mp/brief.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    officer_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with officer_client:
        await signed_in(officer_client, await make_user(Role.FIELD_OFFICER, districts=["lahore"]))
        assert (await officer_client.get("/console/mp")).status_code == 403


async def test_the_mp_dashboard_shows_the_api_figures_with_charts_for_the_months_chosen(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    mp = await make_user(Role.MP, constituency=SEAT)
    january = {"checkins": 31, "headcount": 57, "headcount_gender": {"female": 30, "male": 27}}
    await put_counts("constituency", SEAT, "2026-01", january, {"checkins": 11})
    await put_counts("constituency", SEAT, "2026-02", {"reached": 3, "headcount": 1234}, {"reached": 7})
    api = (await client.get(f"/v1/turnout/constituencies/{SEAT}", params=PERIOD, headers=mp.headers)).json()
    await signed_in(client, mp)
    client.cookies.set("hq_lang", "en", path="/console")
    page = await client.get("/console/mp", params=PERIOD)
    assert page.status_code == 200
    text = page.text
    assert 'value="2026-01"' in text
    assert 'value="2026-03"' in text
    assert f"<b>{api['totals']['checkins']['value']:,}</b>" in text  # the API's published figure
    assert f"<b>{api['totals']['headcount']['value']:,}</b>" in text  # 57 + 1234, as published
    assert api["months"][1]["reached"]["suppressed"]  # three reached in February (key 7): hidden ...
    assert 'fill="url(#monthly-hatch)"' in text  # ... and drawn hatched, never as 3
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 3  # months, gender, age, topics
    assert 'class="series-0"' in text
    assert "style=" not in text
    css = (await client.get("/console/static/console.css")).text
    assert swatch_rules(".dashboard") in css  # legend keys coloured like the bars
    reversed_months = await client.get("/console/mp", params={"from": "2026-03", "to": "2026-01"})
    assert reversed_months.status_code == 422
    assert 'role="alert"' in reversed_months.text
    await client.get("/console/language/ur?next=/console/mp")
    urdu = await client.get("/console/mp", params=PERIOD)
    assert '<html lang="ur" dir="rtl">' in urdu.text
    assert 'direction="rtl"' in urdu.text
