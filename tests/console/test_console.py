"""The console's foundation: sign-in through Firebase in a real browser, the session cookie (checked with
revocation, revoked at sign-out), CSRF on every write, the CSP, both languages, escaped stored text."""

import asyncio
import base64
import json
import re
from pathlib import Path

import httpx
from babel.messages.extract import extract_from_dir
from fastapi import FastAPI
from playwright.async_api import Browser

from backend.accounts.models import Account
from backend.console import i18n
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from schemas.accounts import Role
from scripts.firebase_emulator import EMULATOR_PASSWORD, AuthEmulator
from tests.fixtures.console import CONSOLE, app_context, open_session
from tests.fixtures.users import MakeUser


async def test_the_sign_in_page_runs_no_inline_script_and_cannot_be_framed(client: httpx.AsyncClient) -> None:
    page = await client.get("/console/sign-in")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in page.text
    assert all(part.startswith(' src="/console/static/') for part in page.text.split("<script")[1:])
    cookie = page.headers["set-cookie"]
    assert "hq_csrf=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie.replace("Strict", "strict")
    for name in ("firebase-app-compat.js", "firebase-auth-compat.js", "htmx.min.js", "sign-in.js"):
        assert (await client.get(f"/console/static/{name}")).status_code == 200, name
    assert (await client.get("/console/static/..%2Fpages.py")).status_code == 404


async def test_staff_get_a_session_cookie_and_young_people_do_not(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    assert (await client.get("/console", follow_redirects=False)).headers["location"] == "/console/sign-in"
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    opened = await open_session(client, officer)
    assert opened.status_code == 204, opened.text
    cookie = opened.headers["set-cookie"]
    assert cookie.startswith("hq_session=")
    for attribute in ("HttpOnly", "Path=/console"):
        assert attribute in cookie
    home = await client.get("/console")
    assert home.status_code == 200
    assert 'data-role="field_officer"' in home.text
    young = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with young:
        refused = await open_session(young, await make_user(Role.YOUTH))
    assert refused.status_code == 403


async def test_a_write_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    await client.get("/console/sign-in")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        refused = await client.post("/console/session", json={"id_token": editor.token}, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["code"] == "csrf_failed"
    assert (await open_session(client, editor)).status_code == 204
    forged = await client.post("/console/sign-out", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    assert (await client.get("/console")).status_code == 200  # still signed in


async def test_sign_out_revokes_the_session_everywhere(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    assert (await open_session(client, editor)).status_code == 204
    stolen = client.cookies.get("hq_session")
    await asyncio.sleep(1.1)  # Firebase compares revocation times in whole seconds
    token = client.cookies.get("hq_csrf") or ""
    out = await client.post("/console/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/console/sign-in"
    for cookie in (stolen or "", "eyJhbGciOiJub25lIn0.e30."):  # the old session, and a forged one
        client.cookies.set("hq_session", cookie, path="/console")
        assert (await client.get("/console", follow_redirects=False)).status_code == 303
    # Refused at once by the account's own record (Firebase is asked at most once a minute), and so is
    # every ID token issued before the sign-out.
    old_token = await client.get("/v1/me", headers=editor.headers)
    assert (old_token.status_code, old_token.json()["code"]) == (401, "token_revoked")


async def test_urdu_is_right_to_left_and_every_message_is_translated(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    switched = await client.get("/console/language/ur?next=/console/sign-in", follow_redirects=False)
    assert switched.headers["location"] == "/console/sign-in"
    elsewhere = await client.get("/console/language/en?next=https://evil.example/", follow_redirects=False)
    assert elsewhere.headers["location"] == "/console"
    client.cookies.set("hq_lang", "ur", path="/console")
    page = await client.get("/console/sign-in")
    assert '<html lang="ur" dir="rtl">' in page.text
    assert "سائن ان" in page.text
    templates = Path(i18n.HERE / "templates")
    messages = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(templates), method_map=[("**.html", "jinja2")])
    }
    translations = i18n.translations("ur")
    untranslated = sorted(m for m in messages if translations.gettext(m) == m)
    assert untranslated == []


async def test_stored_text_is_shown_as_text(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    await Account.get_pymongo_collection().update_one(
        {"_id": admin.uid}, {"$set": {"email": "<img src=x onerror=alert(1)>@example.org"}}
    )
    assert (await open_session(client, admin)).status_code == 204
    home = (await client.get("/console")).text
    assert "<img src=x" not in home
    assert "&lt;img src=x onerror=alert(1)&gt;@example.org" in home


async def test_a_supervisor_signs_in_with_firebase_in_a_real_browser(
    app: FastAPI, browser: Browser, make_user: MakeUser, auth_emulator: AuthEmulator, seeded: None
) -> None:
    supervisor = await make_user(Role.SUPERVISOR, districts=["lahore"])
    async with app_context(app, browser) as context:
        page = await context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        await page.goto(f"{CONSOLE}/console/sign-in")
        await page.fill('input[name="email"]', supervisor.email)
        await page.fill('input[name="password"]', EMULATOR_PASSWORD)
        await page.click('button[type="submit"]')
        await page.wait_for_url(f"{CONSOLE}/console", timeout=20_000)
        assert await page.locator('[data-role="supervisor"]').count() == 1
        await page.click(".sign-out button")
        await page.wait_for_url(f"{CONSOLE}/console/sign-in")
    assert problems == []


async def test_sign_in_is_rate_limited_per_address(
    settings: Settings, shared_database: Database, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    limited = create_app(
        settings.model_copy(update={"rate_limits": {"console_sign_in": "2/minute"}}), database=shared_database
    )
    async with limited.router.lifespan_context(limited):
        transport = httpx.ASGITransport(app=limited)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answers = [(await open_session(http, editor)).status_code for _ in range(3)]
    assert answers == [204, 204, 429]


async def test_every_font_the_stylesheet_names_is_served_by_the_console(client: httpx.AsyncClient) -> None:
    css = (await client.get("/console/static/console.css")).text
    fonts = re.findall(r"url\((/console/static/[^)]+)\)", css)
    assert len(fonts) == 6  # Nastaliq, Naskh and Sans, regular and bold
    for url in fonts:
        served = await client.get(url)
        assert served.status_code == 200, url
        assert served.headers["content-type"] == "font/woff2"
        assert served.content[:4] == b"wOF2"
    assert "http" not in css  # nothing from elsewhere


async def test_the_language_a_person_chooses_follows_them_to_another_browser(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    assert (await open_session(client, editor)).status_code == 204
    assert '<html lang="ur"' in (await client.get("/console")).text  # Urdu first
    await client.get("/console/language/en?next=/console")
    assert '<html lang="en"' in (await client.get("/console")).text
    laptop = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with laptop:
        assert (await open_session(laptop, editor)).status_code == 204
        assert laptop.cookies.get("hq_lang") == "en"  # set at sign-in from the account
        laptop.cookies.delete("hq_lang")
        assert '<html lang="en"' in (await laptop.get("/console")).text  # the account decides
        await laptop.get("/console/language/ur?next=/console")
    assert '<html lang="ur"' in (await client.get("/console")).text  # and back on the first browser
    stored = await Account.get_pymongo_collection().find_one({"_id": editor.uid})
    assert stored is not None
    assert stored["console_language"] == "ur"
    me = (await client.get("/v1/me", headers=editor.headers)).json()
    assert "console_language" not in me


def _with_claims(cookie: str, **claims: str) -> str:
    """An emulator session cookie (unsigned, as the emulator makes them) with `claims` changed."""
    header, payload, _ = cookie.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    encoded = base64.urlsafe_b64encode(json.dumps(decoded | claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}."


async def test_a_session_cookie_of_another_firebase_project_is_refused(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    assert (await open_session(client, editor)).status_code == 204
    cookie = client.cookies.get("hq_session") or ""
    project = Settings().firebase_project_id
    client.cookies.set("hq_session", _with_claims(cookie), path="/console")
    assert (await client.get("/console", follow_redirects=False)).status_code == 200  # re-encoded, still ours
    other = "demo-another-project"
    forged = _with_claims(cookie, aud=other, iss=f"https://session.firebase.google.com/{other}")
    assert project != other
    client.cookies.set("hq_session", forged, path="/console")
    assert (await client.get("/console", follow_redirects=False)).headers["location"] == "/console/sign-in"
