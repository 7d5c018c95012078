"""A campaign written and confirmed in the console goes out: the fake FCM receives it, and the composer
works in a real browser (live reach, payload size, review, send)."""

import re

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser, expect

from backend.alerts.models import Campaign
from backend.alerts.push.fcm import FcmSender
from backend.console.router import VENDOR_ROOT
from schemas.accounts import Role
from scripts.fake_fcm import FakeFcm
from tests.console.composer import NEW, alert_form, console_of, send
from tests.fixtures.alerts import person
from tests.fixtures.console import CONSOLE, app_context, signed_in
from tests.fixtures.delivery import drain, worker
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import MakeYoung

AXE = VENDOR_ROOT / "axe-core" / "axe.min.js"


async def test_an_alert_written_and_confirmed_in_the_console_reaches_the_phone(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_user: MakeUser,
    make_young: MakeYoung,
    fcm: FakeFcm,
    sender: FcmSender,
    seeded: None,
) -> None:
    young = await make_young()
    phone = {
        "fcm_token": "fcm-" + "p" * 150,
        "platform": "android",
        "app_version": "1.0.0",
        "locale": "ur-PK",
    }
    registered = await client.put("/v1/youth/me/devices", json=phone, headers=young.headers)
    assert registered.status_code == 201, registered.text
    writer, second = await make_user(Role.EDITOR), await make_user(Role.EDITOR)
    emergency = alert_form(priority="emergency", districts=["lahore", "quetta"], title_ur="سیلاب کا خطرہ")
    async with console_of(app, writer) as (browser, csrf):
        campaign_id = await send(browser, csrf, emergency)
    async with console_of(app, second) as (browser, csrf):
        confirmed = await browser.post(f"/console/campaigns/{campaign_id}/confirm", headers=csrf)
        assert 'hx-trigger="every 2s"' in confirmed.text  # due now: the page follows it out
        await drain(sender, worker())
        (received,) = fcm.sent()
        assert received.token == phone["fcm_token"]
        assert received.message is not None
        assert received.message["notification"]["title"] == "سیلاب کا خطرہ"
        assert received.message["data"]["campaign_id"] == campaign_id
        done = (await browser.get(f"/console/campaigns/{campaign_id}/progress")).text
        assert 'data-status="sent"' in done
        assert 'data-figure="sent">1<' in done
        assert "every 2s" not in done


async def test_the_composer_counts_sizes_reviews_and_sends_in_a_real_browser(
    app: FastAPI, client: httpx.AsyncClient, browser: Browser, make_user: MakeUser, seeded: None
) -> None:
    await person(devices=2)
    await signed_in(client, await make_user(Role.EDITOR))
    cookies = [
        {"name": "hq_session", "value": client.cookies.get("hq_session") or "", "url": f"{CONSOLE}/console"},
        {"name": "hq_lang", "value": "en", "url": f"{CONSOLE}/console"},
    ]
    async with app_context(app, browser) as context:
        await context.add_cookies(cookies)  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []  # a CSP refusal or a script error shows here
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        await page.goto(f"{CONSOLE}{NEW}")
        reach = page.locator("#reach")
        await expect(reach).to_contain_text("Choose where it goes")
        await page.locator("#audience details summary").click()
        await page.locator('input[name="districts"][value="lahore"]').check()
        await expect(reach.locator(".reach-figure")).to_have_attribute("data-devices", "2")
        await page.locator('input[name="title_ur"]').fill("سیلاب")
        await page.locator('textarea[name="body_ur"]').fill("ب" * 1000)
        await page.locator('input[name="national"]').check()
        await page.locator('input[name="districts"][value="lahore"]').uncheck()
        await page.locator('select[name="priority"]').select_option("emergency")
        # A national emergency goes as a 2 KB topic message too: this text is over it.
        await expect(page.locator("#payload [data-limit]")).to_have_attribute("data-limit", "2048")
        await expect(page.locator("#review-button")).to_be_disabled()
        await page.locator('textarea[name="body_ur"]').fill("دریا کے کنارے سے دور رہیں۔")
        await expect(page.locator("#review-button")).to_be_enabled()
        await page.locator('select[name="priority"]').select_option("normal")
        await page.locator("#review-button").click()
        await expect(page.locator("#review .reach-figure")).to_have_attribute("data-people", "1")
        result = await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;axe.run(document)")
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
        await page.locator("#review button.send").click()
        await page.wait_for_url(re.compile(r".*/console/campaigns/[0-9a-f-]{36}$"))
        await expect(page.locator("#state")).to_have_attribute("hx-trigger", "every 2s")
        assert errors == []
    (stored,) = await Campaign.find_all().to_list()
    assert stored.audience["national"] is True
    assert stored.title == {"ur": "سیلاب"}
