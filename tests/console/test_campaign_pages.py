"""Editors' campaign pages over HTTP: the composer with its live reach and payload size, a review before
the send, one campaign per form, four eyes, cancel, live progress, and every refusal."""

import re
import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI

from backend.alerts.models import Campaign
from backend.console.campaign_forms import ComposerForm, reviewed_digest, write_of
from backend.core.clock import pakistan_time, utc_now
from schemas.accounts import Role
from tests.console.composer import NEW, alert_form, console_of, figures, reviewed, send
from tests.fixtures.alerts import CAMPAIGNS, campaign, create, person
from tests.fixtures.users import MakeUser


async def test_the_composer_offers_the_places_and_a_fresh_key_per_render(
    app: FastAPI, make_user: MakeUser, seeded: None
) -> None:
    async with console_of(app, await make_user(Role.EDITOR)) as (browser, _):
        first, second = (await browser.get(NEW)).text, (await browser.get(NEW)).text
        home = (await browser.get("/console")).text
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', first + second)
    assert len(set(keys)) == 2
    assert 'name="districts" value="lahore"' in first
    assert 'name="provinces" value="PK-PB"' in first
    assert 'name="body_skr"' in first
    assert 'href="/console/campaigns"' in home


async def test_the_reach_is_the_api_preview_of_the_same_audience(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    await person(devices=2)
    await person(alerts_stopped=True)
    await person(district="quetta")
    editor = await make_user(Role.EDITOR)
    async with console_of(app, editor) as (browser, csrf):
        for priority in ("normal", "emergency"):
            shown = await browser.post(f"{NEW}/reach", data=alert_form(priority=priority), headers=csrf)
            api = await client.post(
                f"{CAMPAIGNS}/preview?priority={priority}",
                json={"districts": ["lahore"]},
                headers=editor.headers,
            )
            assert figures(shown.text) == (api.json()["people"], api.json()["devices"])
        assert figures(shown.text) == (2, 3)  # an emergency reaches the person who stopped alerts
        nowhere = await browser.post(f"{NEW}/reach", data=alert_form(districts=[]), headers=csrf)
        assert nowhere.status_code == 200
        assert "data-people" not in nowhere.text
        unknown = await browser.post(f"{NEW}/reach", data=alert_form(districts=["atlantis"]), headers=csrf)
        assert "body.districts.0" in unknown.text  # named as the API preview names it


async def test_a_payload_over_fcm_limit_disables_the_review_and_is_refused(
    app: FastAPI, make_user: MakeUser, seeded: None
) -> None:
    too_long = alert_form(title_ur="", body_ur="", title_en="Alert", body_en="😀" * 1000)
    async with console_of(app, await make_user(Role.EDITOR)) as (browser, csrf):
        fits = await browser.post(f"{NEW}/payload", data=alert_form(), headers=csrf)
        assert 'data-limit="4096"' in fits.text
        assert "disabled" not in fits.text
        over = await browser.post(f"{NEW}/payload", data=too_long, headers=csrf)
        size = re.search(r'data-bytes="(\d+)" data-limit="4096"', over.text)
        assert size is not None
        assert int(size.group(1)) > 4096
        assert re.search(r'<button id="review-button"[^>]* disabled', over.text)
        # A national emergency goes as a topic message too: 2 KB.
        topic = alert_form(national="true", districts=[], priority="emergency", body_ur="ب" * 1000)
        assert 'data-limit="2048"' in (await browser.post(f"{NEW}/payload", data=topic, headers=csrf)).text
        refused = await browser.post(f"{NEW}/review", data=too_long, headers=csrf)
        assert refused.status_code == 422
        assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [
            ("body.body", "payload_too_large")
        ]
        # The final post is refused by the service as well, even with a matching review digest.
        parsed = ComposerForm.model_validate(too_long)
        forced = too_long | {"reviewed": reviewed_digest(parsed, write_of(parsed))}
        refused = await browser.post("/console/campaigns", data=forced, headers=csrf)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["rule"] == "payload_too_large"
    assert await Campaign.find_all().count() == 0


async def test_one_form_posted_twice_is_one_campaign_and_a_changed_form_needs_a_new_review(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    await person()
    async with console_of(app, editor) as (browser, csrf):
        form = await reviewed(browser, csrf, alert_form())
        review = await browser.post(f"{NEW}/review", data=form, headers=csrf)
        assert figures(review.text) == (1, 1)
        assert "Send now" in review.text
        answers = [await browser.post("/console/campaigns", data=form, headers=csrf) for _ in range(2)]
        assert [answer.status_code for answer in answers] == [200, 200]
        assert answers[0].headers["HX-Redirect"] == answers[1].headers["HX-Redirect"]
        changed = await browser.post("/console/campaigns", data=form | {"title_en": "Other"}, headers=csrf)
        assert changed.status_code == 409
        assert changed.json()["code"] == "review_outdated"
    listed = (await client.get(CAMPAIGNS, headers=editor.headers)).json()
    assert listed["total"] == 1
    assert listed["items"][0]["title"]["en"] == "Beware of fake visas"
    assert listed["items"][0]["status"] == "scheduled"


async def test_a_scheduled_alert_is_sent_at_its_pakistan_time(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    later = pakistan_time(utc_now() + timedelta(days=1)).replace(second=0, microsecond=0)
    async with console_of(app, editor) as (browser, csrf):
        form = alert_form(send_at=later.strftime("%Y-%m-%dT%H:%M"))
        review = await browser.post(f"{NEW}/review", data=form, headers=csrf)
        assert "Schedule" in review.text
        campaign_id = await send(browser, csrf, form)
    stored = await Campaign.get(campaign_id)
    assert stored is not None
    assert stored.status == "scheduled"
    assert pakistan_time(stored.send_at) == later


async def test_four_eyes_the_writer_cannot_confirm_another_editor_can(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    writer, second = await make_user(Role.EDITOR), await make_user(Role.EDITOR)
    emergency = alert_form(priority="emergency", districts=["lahore", "quetta"])
    async with console_of(app, writer) as (browser, csrf):
        review = await browser.post(f"{NEW}/review", data=emergency, headers=csrf)
        assert 'data-status="awaiting_confirmation"' in review.text
        campaign_id = await send(browser, csrf, emergency)
        page = (await browser.get(f"/console/campaigns/{campaign_id}")).text
        assert 'data-status="awaiting_confirmation"' in page
        assert f"/console/campaigns/{campaign_id}/confirm" not in page
        queue = (await browser.get("/console/campaigns")).text
        assert "another editor must confirm it" in queue
        refused = await browser.post(f"/console/campaigns/{campaign_id}/confirm", headers=csrf)
        assert refused.status_code == 403
        assert refused.json()["code"] == "four_eyes"
    async with console_of(app, second) as (browser, csrf):
        page = (await browser.get(f"/console/campaigns/{campaign_id}")).text
        assert f'hx-post="/console/campaigns/{campaign_id}/confirm"' in page
        confirmed = await browser.post(f"/console/campaigns/{campaign_id}/confirm", headers=csrf)
        assert confirmed.status_code == 200
        assert 'data-status="scheduled"' in confirmed.text
        assert "Confirmed by a second editor." in confirmed.text
    stored = (await client.get(f"{CAMPAIGNS}/{campaign_id}", headers=writer.headers)).json()
    assert (stored["status"], stored["confirmed_by"]) == ("scheduled", second.uid)


async def test_an_editor_cancels_a_scheduled_alert(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    later = (utc_now() + timedelta(days=2)).isoformat()
    created = await create(client, editor, campaign(send_at=later))
    async with console_of(app, editor) as (browser, csrf):
        page = (await browser.get(f"/console/campaigns/{created['id']}")).text
        assert 'hx-trigger="every 2s"' not in page  # due in two days: nothing to follow yet
        for _ in range(2):  # cancelling again changes nothing
            cancelled = await browser.post(f"/console/campaigns/{created['id']}/cancel", headers=csrf)
            assert cancelled.status_code == 200
            assert 'data-status="cancelled"' in cancelled.text
            assert "/cancel" not in cancelled.text
    stored = (await client.get(f"{CAMPAIGNS}/{created['id']}", headers=editor.headers)).json()
    assert stored["status"] == "cancelled"


async def test_progress_is_polled_while_sending_and_stops_when_sent(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    created = await create(client, editor)
    stored = Campaign.get_pymongo_collection()
    stats = {"people": 40, "devices": 50, "sent": 30, "failed": 2, "held": 5, "opened": 7}
    await stored.update_one({"_id": created["id"]}, {"$set": {"status": "sending", "stats": stats}})
    progress = f"/console/campaigns/{created['id']}/progress"
    async with console_of(app, editor) as (browser, _):
        sending = (await browser.get(progress)).text
        assert f'hx-get="{progress}" hx-trigger="every 2s"' in sending
        for name, value in stats.items():
            assert f'data-figure="{name}">{value}<' in sending
        await stored.update_one({"_id": created["id"]}, {"$set": {"status": "sent", "stats.sent": 43}})
        sent = (await browser.get(progress)).text
        assert 'data-status="sent"' in sent
        assert "every 2s" not in sent
        assert 'data-figure="sent">43<' in sent


async def test_writes_need_the_csrf_token_and_the_pages_an_editor(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.EDITOR)
    created = await create(client, editor)
    async with console_of(app, editor) as (browser, csrf):
        form = await reviewed(browser, csrf, alert_form())
        writes = [
            (f"{NEW}/reach", form),
            (f"{NEW}/payload", form),
            (f"{NEW}/review", form),
            ("/console/campaigns", form),
            (f"/console/campaigns/{created['id']}/confirm", {}),
            (f"/console/campaigns/{created['id']}/cancel", {}),
        ]
        for path, data in writes:
            assert (await browser.post(path, data=data)).status_code == 403, path
            forged = await browser.post(path, data=data, headers={"X-CSRF-Token": "forged"})
            assert forged.status_code == 403, path
        assert (await browser.get(f"/console/campaigns/{uuid.uuid4()}")).status_code == 404
    assert await Campaign.find_all().count() == 1
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    async with console_of(app, officer) as (browser, csrf):
        for page in ("/console/campaigns", NEW, f"/console/campaigns/{created['id']}"):
            assert (await browser.get(page)).status_code == 403, page
        assert (await browser.post(f"{NEW}/review", data=form, headers=csrf)).status_code == 403
        assert (await browser.post("/console/campaigns", data=form, headers=csrf)).status_code == 403
        assert 'href="/console/campaigns"' not in (await browser.get("/console")).text


async def test_stored_markup_in_a_campaign_is_shown_as_text(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    editor = await make_user(Role.ADMIN)
    markup = "<img src=x onerror=alert(1)>"
    body = campaign(title={"en": markup, "ur": markup}, body={"en": f"<b>{markup}</b>", "ur": "متن"})
    created = await create(client, editor, body)
    async with console_of(app, editor) as (browser, _):
        for page in ("/console/campaigns", f"/console/campaigns/{created['id']}"):
            html = (await browser.get(page)).text
            assert "<img src=x" not in html, page
            assert "<b>" not in html, page
            assert "&lt;img src=x onerror=alert(1)&gt;" in html, page
