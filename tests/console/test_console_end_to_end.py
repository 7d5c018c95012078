"""The console end to end through the run command's stack (the embedded engine, the Auth emulator, the
local FCM server, the demo), in Debian's Chromium, each person signing in through the console's own page:
an editor publishes an item and a phone's sync sees it; an editor sends a campaign and the local FCM
server receives it; a supervisor approves a report and the MP's dashboard changes; an admin grants a role
and the new officer sees their district."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from backend.core.clock import pakistan_time, utc_now
from backend.core.settings import Settings
from scripts.console_screenshots import sign_in
from scripts.firebase_emulator import EmulatorUsers, loopback_client
from tests.fixtures.content import item_body
from tests.fixtures.events import HELD_REPORT, plan_at
from tests.fixtures.processes import demo_tokens, start_run_command, stop_run_command
from tests.fixtures.youth import signup

# One test of four scenarios, so one test process starts one run command (tests of one module may go to
# different processes); it waits for the run command too (the engine, the emulator, seeds, the demo).
pytestmark = pytest.mark.timeout(300)


@dataclass
class Stack:
    """The run command serving: its addresses and the demo users' ID tokens (for the phone's side)."""

    api: str
    fcm: str
    auth_host: str
    tokens: dict[str, str]
    log: Path

    def bearer(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("run-command")
    server, _, ports = start_run_command(folder, "server.log")
    try:
        log = folder / "server.log"
        tokens = {email: token for email, (_, token) in demo_tokens(log.read_text()).items()}
        assert len(tokens) == 6, log.read_text()[-3000:]
        yield Stack(
            api=f"http://127.0.0.1:{ports['api']}",
            fcm=f"http://127.0.0.1:{ports['fcm']}",
            auth_host=f"127.0.0.1:{ports['auth']}",
            tokens=tokens,
            log=log,
        )
        stop_run_command(server)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture
async def people(browser: Browser) -> AsyncIterator[list[BrowserContext]]:
    """Browser contexts opened by a test (one per person), closed after it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        await context.close()


async def signed_in_page(browser: Browser, people: list[BrowserContext], stack: Stack, email: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    people.append(context)
    page = await context.new_page()
    await sign_in(page, stack.api, email)
    return page


async def events_held(page: Page, stack: Stack) -> int:
    """The MP dashboard's first figure (events held: not a count of people, never hidden)."""
    await page.goto(f"{stack.api}/console/mp")
    text = await page.locator(".dashboard .figure b").first.inner_text()
    return int(re.sub(r"\D", "", text))


def _web() -> httpx.Client:
    return loopback_client()


async def a_supervisor_approves_a_report_and_the_mps_dashboard_changes(
    browser: Browser, people: list[BrowserContext], stack: Stack
) -> None:
    officer = stack.bearer("officer.lahore@hamqadam.dev")
    event_id = str(uuid.uuid4())
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    body = plan_at(started, title="End-to-end dialogue", constituency="NA-120")
    web = _web()
    assert web.put(f"{stack.api}/v1/events/{event_id}", json=body, headers=officer).status_code == 201
    reported = web.put(f"{stack.api}/v1/events/{event_id}/report", json=HELD_REPORT, headers=officer)
    assert reported.status_code == 200, reported.text
    mp = await signed_in_page(browser, people, stack, "mp.na120@hamqadam.dev")
    before = await events_held(mp, stack)
    supervisor = await signed_in_page(browser, people, stack, "supervisor.punjab@hamqadam.dev")
    await supervisor.goto(f"{stack.api}/console/review")
    report = supervisor.locator(f"#report-{event_id}")
    await report.get_by_role("button", name=re.compile("Approve|منظور")).click()
    await expect(supervisor.locator(f'#report-{event_id}[data-review="approved"]')).to_be_visible()
    assert await events_held(mp, stack) == before + 1


async def an_admin_grants_a_role_and_the_new_officer_sees_their_district(
    browser: Browser, people: list[BrowserContext], stack: Stack
) -> None:
    email = f"new.officer.{uuid.uuid4().hex[:6]}@hamqadam.dev"
    uid, token = EmulatorUsers(host=stack.auth_host, project_id=Settings().firebase_project_id).sign_up(email)
    me = _web().get(f"{stack.api}/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == []  # signed in once: an account without a role
    admin = await signed_in_page(browser, people, stack, "admin@hamqadam.dev")
    await admin.goto(f"{stack.api}/console/admin/accounts")
    row = admin.locator(f"#account-{uid}")
    grant = row.locator('form[hx-post$="/roles"]')
    await grant.locator('select[name="role"]').select_option("field_officer")
    await grant.locator('input[name="districts"]').fill("Kasur")
    await grant.locator('button[type="submit"]').click()
    await expect(admin.locator(f'#account-{uid} [data-role="field_officer"]')).to_be_visible()
    officer = await signed_in_page(browser, people, stack, email)
    await officer.goto(f"{stack.api}/console/events")
    districts = set(await officer.locator("table.events tbody tr td:nth-child(3)").all_inner_texts())
    assert districts == {"kasur"}  # the demo's Kasur events, and nothing of another district


def _synced(stack: Stack, item_id: str) -> list[dict[str, object]]:
    """What a phone's content sync receives of the item, paging the feed from the start."""
    web, cursor, found = _web(), None, []
    while True:
        params = {"lang": "en", **({"since": cursor} if cursor else {})}
        page = web.get(f"{stack.api}/v1/content/sync", params=params, timeout=30).json()
        found += [entry for entry in page["entries"] if entry["id"] == item_id]
        cursor = page["cursor"]
        if not page["has_more"]:
            return found


async def an_editor_publishes_an_item_and_a_phone_syncs_it(
    browser: Browser, people: list[BrowserContext], stack: Stack
) -> None:
    texts = item_body()["translations"]
    editor = await signed_in_page(browser, people, stack, "editor@hamqadam.dev")
    await editor.goto(f"{stack.api}/console/content/new")
    await editor.check('input[name="topics"][value="recruiter_check"]')
    for lang in ("ur", "en"):
        await editor.fill(f'input[name="title_{lang}"]', texts[lang]["title"])
        await editor.fill(f'textarea[name="summary_{lang}"]', texts[lang]["summary"])
        await editor.fill(f'textarea[name="body_{lang}"]', texts[lang]["body"])
    await expect(editor.locator("#preview-en strong")).to_have_text("recruiter", timeout=10_000)
    await editor.click('#item-form button[type="submit"]')
    await expect(editor.locator("#workflow")).to_have_attribute("data-status", "draft")
    await editor.wait_for_url(re.compile(r".*/console/content/[0-9a-f-]{36}$"))
    item_id = editor.url.rsplit("/", 1)[1]
    assert _synced(stack, item_id) == []  # a draft reaches no phone
    await editor.click('[data-step="submit"]')
    await expect(editor.locator("#workflow")).to_have_attribute("data-status", "in_review")
    await editor.click('[data-step="publish"]')
    await expect(editor.locator("#workflow")).to_have_attribute("data-status", "published")
    (entry,) = _synced(stack, item_id)
    assert entry["op"] == "upsert"
    assert isinstance(entry["item"], dict)
    assert entry["item"]["title"] == texts["en"]["title"]


def _young_person_with_a_phone(stack: Stack) -> str:
    """A young person of Lahore signed up in the app with a phone registered; the phone's FCM token."""
    email = f"young.{uuid.uuid4().hex[:6]}@hamqadam.dev"
    _, token = EmulatorUsers(host=stack.auth_host, project_id=Settings().firebase_project_id).sign_up(email)
    phone = {"fcm_token": f"fcm-e2e-{uuid.uuid4().hex}" + "p" * 120, "platform": "android", "locale": "ur-PK"}
    headers = {"Authorization": f"Bearer {token}"}
    web = _web()
    signed_up = web.post(f"{stack.api}/v1/youth/signup", json=signup(), headers=headers)
    assert signed_up.status_code == 201, signed_up.text
    # Quiet hours that have not begun, whatever the time the suite runs at (else it waits for morning).
    later = pakistan_time(utc_now())
    quiet = {
        "start": (later + timedelta(hours=2)).strftime("%H:%M"),
        "end": (later + timedelta(hours=3)).strftime("%H:%M"),
    }
    chosen = web.patch(f"{stack.api}/v1/youth/me/preferences", json={"quiet_hours": quiet}, headers=headers)
    assert chosen.status_code == 200, chosen.text
    registered = web.put(
        f"{stack.api}/v1/youth/me/devices", json=phone | {"app_version": "1.0.0"}, headers=headers
    )
    assert registered.status_code == 201, registered.text
    return phone["fcm_token"]


def _received(stack: Stack, token: str, campaign_id: str) -> list[dict[str, object]]:
    """What the local FCM server received for the phone `token` of the campaign."""
    received = _web().get(f"{stack.fcm}/received", timeout=30).json()
    return [
        r
        for r in received
        if r["token"] == token and (r["message"] or {}).get("data", {}).get("campaign_id") == campaign_id
    ]


async def an_editor_sends_a_campaign_and_the_local_fcm_server_receives_it(
    browser: Browser, people: list[BrowserContext], stack: Stack
) -> None:
    token = _young_person_with_a_phone(stack)
    editor = await signed_in_page(browser, people, stack, "editor@hamqadam.dev")
    await editor.goto(f"{stack.api}/console/campaigns/new")
    await editor.locator("#audience details summary").first.click()
    await editor.locator('input[name="districts"][value="lahore"]').check()
    await expect(editor.locator("#reach .reach-figure")).to_be_visible()
    await editor.fill('input[name="title_ur"]', "جعلی ویزا سے ہوشیار")
    await editor.fill('textarea[name="body_ur"]', "لاہور میں جعلی ویزا دینے والے گروہ سے بچیں۔")
    await editor.fill('input[name="title_en"]', "Beware of fake visas")
    await editor.fill('textarea[name="body_en"]', "A racket is selling fake work visas in Lahore.")
    await editor.locator("#review-button").click()
    await editor.locator("#review button.send").click()
    await editor.wait_for_url(re.compile(r".*/console/campaigns/[0-9a-f-]{36}$"))
    campaign_id = editor.url.rsplit("/", 1)[1]
    # The run command's alert workers send it (others of the demo may wait for their morning).
    for _ in range(120):  # up to a minute
        if received := _received(stack, token, campaign_id):
            break
        await asyncio.sleep(0.5)
    (phone,) = received
    message = phone["message"]
    assert isinstance(message, dict)
    assert message["notification"]["title"] == "جعلی ویزا سے ہوشیار"
    # The page follows it out: its progress shows the phone's message sent.
    await expect(editor.locator('#state [data-figure="sent"]')).not_to_have_text("0", timeout=30_000)


async def test_the_console_end_to_end_on_the_run_commands_stack(
    browser: Browser, people: list[BrowserContext], stack: Stack
) -> None:
    """Every scenario on one run command, each person in a browser context of their own."""
    await a_supervisor_approves_a_report_and_the_mps_dashboard_changes(browser, people, stack)
    await an_admin_grants_a_role_and_the_new_officer_sees_their_district(browser, people, stack)
    await an_editor_publishes_an_item_and_a_phone_syncs_it(browser, people, stack)
    await an_editor_sends_a_campaign_and_the_local_fcm_server_receives_it(browser, people, stack)
