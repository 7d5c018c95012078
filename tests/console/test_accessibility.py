"""Every console page, in Urdu and in English, passes axe-core (vendored from npm, run in the page) with no
serious or critical violation, and a screenshot at phone and desktop width is not blank."""

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from playwright.async_api import Browser

from backend.console.router import VENDOR_ROOT
from schemas.accounts import Role
from tests.fixtures.alerts import campaign, create
from tests.fixtures.console import CONSOLE, app_context, signed_in
from tests.fixtures.content import EDITORIAL, item_body, publish_new
from tests.fixtures.events import event_with_code, plan, reported_event
from tests.fixtures.users import MakeUser, User

AXE = VENDOR_ROOT / "axe-core" / "axe.min.js"
PAGES = (
    "/console/sign-in",
    "/console",
    "/console/mp",
    "/console/editor/questions",
    "/console/review",
    "/console/events",
    "/console/admin/accounts",
    "/console/events/new",
    "/console/content",
    "/console/content/new",
    "/console/admin/audit",
    "/console/admin/imports",
    "/console/campaigns",
    "/console/campaigns/new",
)
# Pages of one event (of the signed-in person's district) and of one content item (edited after publishing).
ITEM_PAGES = (
    "/console/events/{event}/qr",
    "/console/events/{event}/edit",
    "/console/events/{event}/report",
    "/console/content/{item}",
    "/console/content/{item}/revisions/1",
    "/console/campaigns/{campaign}",
    "/console/review/{report}",
)
WIDTHS = {"phone": 390, "desktop": 1280}


def _not_blank(png: Path) -> None:
    shades = Image.open(png).convert("L").histogram()
    assert sum(1 for count in shades if count) > 2, f"{png.name} is blank"


@pytest.mark.parametrize("language", ["ur", "en"])
async def test_every_page_passes_axe_in_both_languages(
    language: str,
    app: FastAPI,
    client: httpx.AsyncClient,
    browser: Browser,
    make_user: MakeUser,
    officer: User,
    tmp_path: Path,
    seeded: None,
) -> None:
    everyone = await make_user(
        Role.ADMIN, Role.EDITOR, Role.SUPERVISOR, Role.MP, districts=["lahore"], constituency="NA-117"
    )
    event_id, _ = await event_with_code(client, officer, plan())
    report_id = await reported_event(client, officer)
    item_id = await publish_new(client, everyone)
    edited = item_body()
    edited["translations"]["en"]["body"] += "\n\nAsk the *Protector of Emigrants* office."
    changed = await client.put(
        f"{EDITORIAL}/{item_id}", json=edited, headers=everyone.headers | {"If-Match": '"3"'}
    )
    assert changed.status_code == 200, changed.text
    # An emergency to two provinces by another editor: the page shows its confirm and cancel buttons.
    emergency = campaign(priority="emergency", audience={"districts": ["lahore", "quetta"]})
    alert = await create(client, await make_user(Role.EDITOR), emergency)
    await signed_in(client, everyone)
    session = client.cookies.get("hq_session") or ""
    axe = AXE.read_text(encoding="utf-8")
    failures: dict[str, list[str]] = {}
    checked: list[int] = []
    async with app_context(app, browser) as context:
        await context.add_cookies(
            [
                {"name": "hq_session", "value": session, "url": f"{CONSOLE}/console"},
                {"name": "hq_lang", "value": language, "url": f"{CONSOLE}/console"},
            ]
        )
        page = await context.new_page()
        ids = {"event": event_id, "item": item_id, "campaign": alert["id"], "report": report_id}
        for path in (*PAGES, *(path.format(**ids) for path in ITEM_PAGES)):
            for width_name, width in WIDTHS.items():
                await page.set_viewport_size({"width": width, "height": 900})
                answer = await page.goto(f"{CONSOLE}{path}")
                assert answer is not None
                assert answer.status == 200, path
                shot = tmp_path / f"{path.strip('/').replace('/', '-')}-{language}-{width_name}.png"
                await page.screenshot(path=str(shot), full_page=True)
                _not_blank(shot)
            # axe is evaluated by the test (Playwright bypasses the page's CSP), never served by the app.
            result = await page.evaluate(axe + "\n;axe.run(document, {resultTypes: ['violations']})")
            serious = [
                f"{violation['id']}: {violation['help']}"
                for violation in result["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                failures[path] = serious
            checked.append(len(result["passes"]))
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert all(checked)  # axe did run its rules on every page
