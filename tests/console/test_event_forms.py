"""Field officers' event forms in the console: plan, edit and report events through the API's services."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser

from backend.core.clock import PAKISTAN, utc_now
from schemas.accounts import Role
from tests.fixtures.console import CONSOLE, app_context, signed_in
from tests.fixtures.events import new_id, past_plan, plan
from tests.fixtures.users import MakeUser, User

TOMORROW_10AM = (utc_now().astimezone(PAKISTAN) + timedelta(days=1)).replace(
    hour=10, minute=0, second=0, microsecond=0
)


def plan_form(starts: datetime = TOMORROW_10AM, **overrides: Any) -> dict[str, Any]:
    """What the plan form posts: Pakistan time in datetime-local inputs, topics as checkboxes."""
    local = starts.astimezone(PAKISTAN)
    form: dict[str, Any] = {
        "title": "Safe migration dialogue",
        "kind": "youth_dialogue",
        "topics": ["legal_migration", "recruiter_check"],
        "district": "lahore",
        "constituency": "NA-117",
        "venue_name": "Government College hall",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "expected_turnout": "60",
        "partner_organisations": "SSDO\n\nYouth Parliament\n",
        "lat": "",
        "lng": "",
    }
    return form | overrides


def held_form(**overrides: str) -> dict[str, str]:
    """The "held" report form with a consistent headcount of 50."""
    counts = {
        "total": "50",
        **{"female": "22", "male": "26", "transgender": "1", "prefer_not_to_say": "1"},
        **{"under_15": "2", "age_15_19": "20", "age_20_24": "18", "age_25_29": "8", "age_30_plus": "2"},
    }
    return {"outcome": "held", **counts, **overrides}


async def created(client: httpx.AsyncClient, officer: User, body: dict[str, Any]) -> str:
    """An event of `officer` created through the API."""
    event_id = new_id()
    answer = await client.put(f"/v1/events/{event_id}", json=body, headers=officer.headers)
    assert answer.status_code == 201, answer.text
    return event_id


def problem_fields(answer: httpx.Response) -> dict[str, str]:
    return {error["field"]: error["rule"] for error in answer.json().get("errors", [])}


async def test_an_officer_plans_an_event_once_however_often_the_form_is_sent(
    client: httpx.AsyncClient, officer: User
) -> None:
    token = await signed_in(client, officer)
    client.cookies.set("hq_lang", "en", path="/console")
    page = await client.get("/console/events/new")
    assert page.status_code == 200
    found = re.search(r'hx-post="/console/events/([0-9a-f-]{36})"', page.text)
    assert found is not None  # the client id, chosen when the form was drawn
    assert '<option value="lahore">' in page.text
    assert '<option value="kasur">' in page.text
    assert 'value="quetta"' not in page.text  # only the officer's districts
    assert 'type="datetime-local"' in page.text
    event_id = found.group(1)
    first = await client.post(
        f"/console/events/{event_id}", data=plan_form(), headers={"X-CSRF-Token": token}
    )
    assert first.status_code == 201, first.text
    assert f'data-saved="{event_id}"' in first.text
    again = await client.post(
        f"/console/events/{event_id}", data=plan_form(), headers={"X-CSRF-Token": token}
    )
    assert again.status_code == 200, again.text  # the replay of a double submit: the same event
    listed = (await client.get("/v1/events", headers=officer.headers)).json()
    assert [event["id"] for event in listed["items"]] == [event_id]
    stored = listed["items"][0]
    assert datetime.fromisoformat(stored["starts_at"]).astimezone(UTC) == TOMORROW_10AM.astimezone(UTC)
    assert stored["starts_at_local"].startswith(TOMORROW_10AM.strftime("%Y-%m-%dT10:00"))
    assert stored["partner_organisations"] == ["SSDO", "Youth Parliament"]
    assert stored["lat"] is None
    events_page = await client.get("/console/events")
    assert f'href="/console/events/{event_id}/edit"' in events_page.text
    assert f'href="/console/events/{event_id}/report"' in events_page.text
    assert f'href="/console/events/{event_id}/qr"' in events_page.text
    assert 'data-review="not_reported"' in events_page.text


async def test_a_stale_edit_is_a_conflict_not_an_overwrite(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await created(client, officer, plan())
    token = await signed_in(client, officer)
    page = await client.get(f"/console/events/{event_id}/edit")
    assert page.status_code == 200
    assert '<input type="hidden" name="version" value="1">' in page.text
    assert 'value="Safe migration dialogue at Government College"' in page.text
    edited = await client.post(
        f"/console/events/{event_id}",
        data=plan_form(title="Dialogue moved to the library", version="1"),
        headers={"X-CSRF-Token": token},
    )
    assert edited.status_code == 200, edited.text
    assert 'data-version="2"' in edited.text
    stale = await client.post(
        f"/console/events/{event_id}",
        data=plan_form(title="An edit from an old tab", version="1"),
        headers={"X-CSRF-Token": token},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["current_version"] == 2
    stored = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert stored["title"] == "Dialogue moved to the library"


async def test_the_form_is_refused_by_the_services_rules_naming_the_field(
    client: httpx.AsyncClient, officer: User
) -> None:
    token = await signed_in(client, officer)
    headers = {"X-CSRF-Token": token}
    elsewhere = await client.post(
        f"/console/events/{new_id()}", data=plan_form(district="quetta"), headers=headers
    )
    assert elsewhere.status_code == 422
    assert problem_fields(elsewhere) == {"body.district": "outside_scope"}
    wrong_seat = await client.post(
        f"/console/events/{new_id()}", data=plan_form(constituency="NA-242"), headers=headers
    )
    assert problem_fields(wrong_seat) == {"body.constituency": "inconsistent_pair"}
    no_topic = await client.post(f"/console/events/{new_id()}", data=plan_form(topics=[]), headers=headers)
    assert "body.topics" in problem_fields(no_topic)
    backwards = plan_form(ends_at=TOMORROW_10AM.strftime("%Y-%m-%dT09:00"))
    assert (
        await client.post(f"/console/events/{new_id()}", data=backwards, headers=headers)
    ).status_code == 422
    assert (await client.get("/v1/events", headers=officer.headers)).json()["total"] == 0


async def test_a_reported_event_awaits_the_supervisors_review(
    app: FastAPI, client: httpx.AsyncClient, officer: User, supervisor: User
) -> None:
    event_id = await created(client, officer, past_plan())
    token = await signed_in(client, officer)
    page = await client.get(f"/console/events/{event_id}/report")
    assert page.status_code == 200
    assert 'name="prefer_not_to_say"' in page.text
    assert 'name="cancel_reason"' in page.text
    reported = await client.post(
        f"/console/events/{event_id}/report", data=held_form(), headers={"X-CSRF-Token": token}
    )
    assert reported.status_code == 200, reported.text
    assert 'data-review="pending"' in reported.text
    stored = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert (stored["status"], stored["review"], stored["turnout"]["total"]) == ("held", "pending", 50)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        supervisor_token = await signed_in(other, supervisor)
        assert f'id="report-{event_id}"' in (await other.get("/console/review")).text
        returned = await other.post(
            f"/console/review/{event_id}/return",
            data={"reason": "Recount the <b>girls</b>"},
            headers={"X-CSRF-Token": supervisor_token},
        )
        assert returned.status_code == 200, returned.text
    client.cookies.set("hq_lang", "en", path="/console")
    listed = (await client.get("/console/events")).text
    assert 'data-review="rejected"' in listed
    assert "Returned: Recount the &lt;b&gt;girls&lt;/b&gt;" in listed  # the reason, as text


async def test_impossible_numbers_are_refused_naming_the_field(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await created(client, officer, past_plan())
    headers = {"X-CSRF-Token": await signed_in(client, officer)}
    report = f"/console/events/{event_id}/report"
    too_many = await client.post(report, data=held_form(male="36"), headers=headers)
    assert too_many.status_code == 422
    assert problem_fields(too_many) == {"body.turnout.by_gender": "sum_mismatch"}
    assert "add up to 60, not the total 50" in too_many.text
    negative = await client.post(report, data=held_form(under_15="-2", age_15_19="24"), headers=headers)
    assert problem_fields(negative) == {"body.turnout.by_age.under_15": "greater_than_equal"}
    missing = await client.post(report, data=held_form(total=""), headers=headers)
    assert "body.turnout.total" in problem_fields(missing)
    no_reason = await client.post(
        report, data={"outcome": "cancelled", "cancel_reason": " "}, headers=headers
    )
    assert problem_fields(no_reason) == {"body.cancel_reason": "missing"}
    future = await created(client, officer, plan())
    early = await client.post(f"/console/events/{future}/report", data=held_form(), headers=headers)
    assert problem_fields(early) == {"body.outcome": "not_started"}
    cancelled = await client.post(
        f"/console/events/{future}/report",
        data={"outcome": "cancelled", "cancel_reason": "Flooded roads"},
        headers=headers,
    )
    assert 'data-review="pending"' in cancelled.text
    stored = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert stored["review"] == "not_reported"


async def test_the_forms_are_for_field_staff_of_the_events_district(
    app: FastAPI, client: httpx.AsyncClient, officer: User, make_user: MakeUser
) -> None:
    event_id = await created(client, officer, past_plan())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        token = await signed_in(other, await make_user(Role.FIELD_OFFICER, districts=["quetta"]))
        headers = {"X-CSRF-Token": token}
        assert (await other.get(f"/console/events/{event_id}/edit")).status_code == 404
        assert (await other.get(f"/console/events/{event_id}/report")).status_code == 404
        edit = await other.post(f"/console/events/{event_id}", data=plan_form(version="1"), headers=headers)
        assert problem_fields(edit) == {"body.district": "outside_scope"}  # the service checks the plan first
        report = await other.post(f"/console/events/{event_id}/report", data=held_form(), headers=headers)
        assert report.status_code == 404
        token = await signed_in(other, await make_user(Role.EDITOR))
        assert (await other.get("/console/events/new")).status_code == 403
        assert (await other.get(f"/console/events/{event_id}/edit")).status_code == 403
        refused = await other.post(
            f"/console/events/{new_id()}", data=plan_form(), headers={"X-CSRF-Token": token}
        )
        assert refused.status_code == 403
    await signed_in(client, officer)
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        unsigned = await client.post(f"/console/events/{new_id()}", data=plan_form(), headers=headers)
        assert unsigned.status_code == 403
        assert unsigned.json()["code"] == "csrf_failed"
        unsigned = await client.post(f"/console/events/{event_id}/report", data=held_form(), headers=headers)
        assert unsigned.status_code == 403
    assert (await client.get("/v1/events", headers=officer.headers)).json()["total"] == 1
    stored = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
    assert (stored["version"], stored["review"]) == (1, "not_reported")


async def test_a_title_holding_markup_is_shown_as_text(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await created(client, officer, past_plan(title='<img src=x onerror="alert(1)"> dialogue'))
    token = await signed_in(client, officer)
    escaped = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; dialogue"
    for path in ("", f"/{event_id}/edit", f"/{event_id}/report"):
        page = await client.get(f"/console/events{path}")
        assert page.status_code == 200
        assert "<img src=x" not in page.text, path
        assert escaped in page.text, path
    saved = await client.post(
        f"/console/events/{event_id}",
        data=plan_form(title='<img src=x onerror="alert(1)"> dialogue', version="1"),
        headers={"X-CSRF-Token": token},
    )
    assert "<img src=x" not in saved.text


async def test_an_officer_plans_reports_and_meets_a_conflict_in_a_real_browser(
    app: FastAPI, client: httpx.AsyncClient, browser: Browser, officer: User
) -> None:
    await signed_in(client, officer)
    session = client.cookies.get("hq_session") or ""
    yesterday = (utc_now() - timedelta(days=1)).astimezone(PAKISTAN).strftime("%Y-%m-%d")
    async with app_context(app, browser) as context:
        await context.add_cookies(
            [
                {"name": "hq_session", "value": session, "url": f"{CONSOLE}/console"},
                {"name": "hq_lang", "value": "en", "url": f"{CONSOLE}/console"},
            ]
        )
        page = await context.new_page()
        await page.goto(f"{CONSOLE}/console/events")
        await page.click('a[href="/console/events/new"]')
        await page.fill('input[name="title"]', "Dialogue at the district library")
        await page.select_option('select[name="kind"]', "workshop")
        await page.check('input[name="topics"][value="remittances"]')
        await page.select_option('select[name="district"]', "lahore")
        await page.select_option('select[name="constituency"]', "NA-117")
        await page.fill('input[name="venue_name"]', "District library")
        await page.fill('input[name="starts_at"]', f"{yesterday}T10:00")
        await page.fill('input[name="ends_at"]', f"{yesterday}T12:00")
        await page.fill('input[name="expected_turnout"]', "40")
        await page.click("#event-form button")
        saved = page.locator("[data-saved]")
        await saved.wait_for()
        event_id = await saved.get_attribute("data-saved")
        stored = (await client.get(f"/v1/events/{event_id}", headers=officer.headers)).json()
        assert (stored["kind"], stored["topics"], stored["starts_at_local"][11:16]) == (
            "workshop",
            ["remittances"],
            "10:00",
        )

        await page.goto(f"{CONSOLE}/console/events/{event_id}/edit")
        elsewhere = past_plan(title="Changed on a phone meanwhile")
        changed = await client.put(
            f"/v1/events/{event_id}", json=elsewhere, headers={**officer.headers, "If-Match": '"1"'}
        )
        assert changed.status_code == 200, changed.text
        await page.fill('input[name="title"]', "Changed in the console")
        await page.click("#event-form button")
        problem = page.locator("#problem")
        await problem.wait_for(state="visible")
        assert "changed since this edit was made" in (await problem.text_content() or "")

        await page.goto(f"{CONSOLE}/console/events/{event_id}/report")
        await page.fill('input[name="total"]', "10")
        for part, count in {"female": 5, "male": 5, "transgender": 0, "prefer_not_to_say": 0}.items():
            await page.fill(f'input[name="{part}"]', str(count))
        for part in ("under_15", "age_20_24", "age_25_29", "age_30_plus"):
            await page.fill(f'input[name="{part}"]', "0")
        await page.fill('input[name="age_15_19"]', "9")  # one short of the total
        await page.click("text=Report as held")
        await problem.wait_for(state="visible")
        assert "body.turnout.by_age" in (await problem.text_content() or "")
        await page.fill('input[name="age_15_19"]', "10")
        await page.click("text=Report as held")
        await page.locator('#report[data-review="pending"]').wait_for()
        assert await problem.is_hidden()
