"""The editors' content pages: the list and its filters, the item form with its sanitised live preview,
saving with the loaded version (a stale page gets a conflict), the workflow buttons, revisions with their
differences and restore, refusals (CSRF, role), stored markup shown as text; and, in a real browser, an
editor writing and publishing an item that a phone's sync then receives."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser, expect

from backend.content.models import ContentItem
from schemas.accounts import Role
from tests.fixtures.console import CONSOLE, app_context, signed_in
from tests.fixtures.content import item_body, publish_new, sync_all
from tests.fixtures.users import MakeUser, User

PAGES = "/console/content"


async def signed_in_english(client: httpx.AsyncClient, user: User) -> str:
    """Sign `user` in with the console in English (the tests read its words); the CSRF token."""
    client.cookies.set("hq_lang", "en", path="/console")
    return await signed_in(client, user)


def form_of(body: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The item form's fields for an API item body."""
    fields: dict[str, Any] = {"kind": body["kind"], "topics": body["topics"]}
    for lang, text in body["translations"].items():
        for name in ("title", "summary", "body"):
            fields[f"{name}_{lang}"] = text[name]
    return fields | overrides


async def save(client: httpx.AsyncClient, token: str, item_id: str, **fields: Any) -> httpx.Response:
    return await client.post(f"{PAGES}/{item_id}", data=fields, headers={"X-CSRF-Token": token})


async def step(
    client: httpx.AsyncClient, token: str, item_id: str, action: str, **fields: Any
) -> httpx.Response:
    return await client.post(f"{PAGES}/{item_id}/{action}", data=fields, headers={"X-CSRF-Token": token})


async def version_of(item_id: str) -> int:
    item = await ContentItem.get(item_id)
    assert item is not None
    return item.version


async def test_the_list_filters_by_status_kind_topic_language_and_title(
    client: httpx.AsyncClient, editor: User
) -> None:
    published = await publish_new(client, editor)
    helpline = item_body(
        kind="faq",
        topics=["where_to_get_help"],
        translations={"en": {"title": "Who to call", "summary": "Numbers.", "body": "Call *us*."}},
    )
    draft = str(uuid.uuid4())
    assert (
        await client.put(f"/v1/editorial/content/{draft}", json=helpline, headers=editor.headers)
    ).is_success
    await signed_in(client, editor)
    everything = await client.get(PAGES)
    assert everything.status_code == 200
    assert published in everything.text
    assert draft in everything.text
    for query, shown, hidden in (
        ({"status": "published"}, published, draft),
        ({"status": "draft"}, draft, published),
        ({"kind": "faq"}, draft, published),
        ({"topic": "recruiter_check"}, published, draft),
        ({"language": "ur"}, published, draft),
        ({"q": "WHO TO"}, draft, published),
        ({"q": "licence", "status": "", "kind": ""}, published, draft),
    ):
        page = await client.get(PAGES, params=query)
        assert page.status_code == 200, (query, page.text)
        assert shown in page.text, query
        assert hidden not in page.text, query
    assert (await client.get(PAGES, params={"offset": 50})).status_code == 200
    assert (await client.get(PAGES, params={"status": "lost"})).status_code == 422


async def test_an_editor_creates_an_item_and_a_stale_page_gets_a_conflict(
    client: httpx.AsyncClient, editor: User
) -> None:
    token = await signed_in(client, editor)
    new = await client.get(f"{PAGES}/new")
    assert new.status_code == 200
    assert 'hx-trigger="input changed delay:400ms"' in new.text
    item_id = str(uuid.uuid4())
    created = await save(client, token, item_id, **form_of(item_body(), districts="Lahore"))
    assert created.status_code == 200, created.text
    assert created.headers["HX-Push-Url"] == f"{PAGES}/{item_id}"
    assert 'data-status="draft"' in created.text
    stored = await ContentItem.get(item_id)
    assert stored is not None
    assert stored.districts == ["lahore"]
    assert stored.created_by == editor.uid
    edited = await save(client, token, item_id, **form_of(item_body(), version=1, title_en="Check it twice"))
    assert edited.status_code == 200, edited.text
    assert await version_of(item_id) == 2
    stale = await save(client, token, item_id, **form_of(item_body(), version=1, title_en="An older view"))
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["current_version"] == 2
    half = await save(client, token, item_id, **form_of(item_body(), version=2, summary_ur=""))
    assert half.status_code == 422
    assert [error["field"] for error in half.json()["errors"]] == ["summary_ur"]
    page = await client.get(f"{PAGES}/{item_id}")
    assert "Check it twice" in page.text
    assert "An older view" not in page.text


async def test_the_preview_is_sanitised_as_the_app_gets_it(client: httpx.AsyncClient, editor: User) -> None:
    token = await signed_in_english(client, editor)
    body = (
        "Stay *safe* and **check**.\n\n<script>alert(1)</script>\n\n"
        'Look <img src=x onerror="alert(2)"> here [call](javascript:alert(3)).'
    )
    shown = await client.post(
        f"{PAGES}/preview", params={"lang": "en"}, data={"body_en": body}, headers={"X-CSRF-Token": token}
    )
    assert shown.status_code == 200
    assert "<em>safe</em>" in shown.text
    assert "<strong>check</strong>" in shown.text
    for markup in ("<script", "<img", "onerror=", "javascript:", "alert(1)"):
        assert markup not in shown.text, markup
    assert "Removed when saved" in shown.text
    assert (
        await client.post(f"{PAGES}/preview", params={"lang": "en"}, data={"body_en": "x"})
    ).status_code == 403


async def test_each_workflow_button_takes_its_step_with_the_shown_version(
    client: httpx.AsyncClient, editor: User
) -> None:
    token = await signed_in_english(client, editor)
    item_id = str(uuid.uuid4())
    assert (await save(client, token, item_id, **form_of(item_body()))).status_code == 200
    draft = (await client.get(f"{PAGES}/{item_id}")).text
    assert 'data-step="submit"' in draft
    assert 'data-step="publish"' not in draft
    submitted = await step(client, token, item_id, "submit", version=1, note="Ready")
    assert 'data-status="in_review"' in submitted.text
    assert 'id="item-version" value="2" hx-swap-oob="true"' in submitted.text
    assert 'data-step="publish"' in submitted.text
    assert 'data-step="submit"' not in submitted.text
    stale = await step(client, token, item_id, "publish", version=1)
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    scheduled = await step(client, token, item_id, "schedule", version=2, publish_at="2099-01-02T10:30")
    assert 'data-status="scheduled"' in scheduled.text
    assert "2099-01-02 10:30" in scheduled.text
    stored = await ContentItem.get(item_id)
    assert stored is not None
    assert stored.publish_at is not None
    assert stored.publish_at.isoformat().startswith("2099-01-02T05:30")  # Pakistan is UTC+5
    missing = await step(client, token, item_id, "schedule", version=3, publish_at="")
    assert missing.status_code == 422
    returned = await step(client, token, item_id, "return-to-draft", version=3)
    assert 'data-status="draft"' in returned.text
    await step(client, token, item_id, "submit", version=4)
    published = await step(client, token, item_id, "publish", version=5)
    assert 'data-status="published"' in published.text
    assert "Revision 1: " in published.text
    entries, cursor = await sync_all(client)
    assert [entry["op"] for entry in entries if entry["id"] == item_id] == ["upsert"]
    not_allowed = await step(client, token, item_id, "submit", version=6)
    assert not_allowed.status_code == 409
    assert not_allowed.json()["code"] == "invalid_transition"
    archived = await step(client, token, item_id, "archive", version=6, note="Out of date")
    assert 'data-status="archived"' in archived.text
    assert 'data-step="return-to-draft"' in archived.text
    assert 'data-step="archive"' not in archived.text
    entries, _ = await sync_all(client, cursor)
    assert [entry["op"] for entry in entries if entry["id"] == item_id] == ["delete"]


async def test_a_revision_shows_its_differences_and_restores(client: httpx.AsyncClient, editor: User) -> None:
    item_id = await publish_new(client, editor)
    token = await signed_in_english(client, editor)
    changed = item_body()
    changed["translations"]["en"]["body"] = "## Licence\n\nAsk for the licence & keep a copy."
    assert (await save(client, token, item_id, **form_of(changed, version=3))).status_code == 200
    diff = await client.get(f"{PAGES}/{item_id}/revisions/1")
    assert diff.status_code == 200
    assert '<li class="removed">' in diff.text
    assert '<li class="added">' in diff.text
    assert "<del>Every **recruiter** must hold a valid licence.</del>" in diff.text
    assert "<ins>Ask for the licence &amp; keep a copy.</ins>" in diff.text
    assert "Removed:" in diff.text
    assert "Added:" in diff.text
    assert (await client.get(f"{PAGES}/{item_id}/revisions/9")).status_code == 404
    restore = f"{PAGES}/{item_id}/revisions/1/restore"
    assert (await client.post(restore, data={"version": 4})).status_code == 403  # no CSRF token
    stale = await client.post(restore, data={"version": 3}, headers={"X-CSRF-Token": token})
    assert stale.status_code == 409
    restored = await client.post(restore, data={"version": 4}, headers={"X-CSRF-Token": token})
    assert restored.status_code == 200
    assert restored.headers["HX-Redirect"] == f"{PAGES}/{item_id}"
    item = await ContentItem.get(item_id)
    assert item is not None
    assert item.status == "draft"
    assert item.translations["en"]["body"] == item_body()["translations"]["en"]["body"]


async def test_writes_need_the_csrf_token_and_the_pages_need_an_editor(
    app: FastAPI, client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    await signed_in(client, editor)
    item_id = str(uuid.uuid4())
    for token in (None, "forged"):
        headers = {"X-CSRF-Token": token} if token else {}
        refused = await client.post(f"{PAGES}/{item_id}", data=form_of(item_body()), headers=headers)
        assert refused.status_code == 403
        assert refused.json()["code"] == "csrf_failed"
    assert await ContentItem.get(item_id) is None
    admin = await make_user(Role.ADMIN)
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    for user, allowed in ((admin, 200), (officer, 403)):
        other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        async with other:
            token = await signed_in(other, user)
            assert (await other.get(PAGES)).status_code == allowed
            assert (await other.get(f"{PAGES}/new")).status_code == allowed
            answer = await save(other, token, str(uuid.uuid4()), **form_of(item_body()))
            assert answer.status_code == allowed
    anonymous = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with anonymous:
        assert (await anonymous.get(PAGES, follow_redirects=False)).headers["location"] == "/console/sign-in"


async def test_stored_markup_in_a_title_shows_as_text(client: httpx.AsyncClient, editor: User) -> None:
    item_id = await publish_new(client, editor)
    markup = '<img src=x onerror="alert(1)">Fees'
    await ContentItem.get_pymongo_collection().update_one(
        {"_id": item_id}, {"$set": {"translations.ur.title": markup, "translations.en.summary": markup}}
    )
    await signed_in(client, editor)
    for path in (PAGES, f"{PAGES}/{item_id}", f"{PAGES}/{item_id}/revisions/1"):
        page = (await client.get(path)).text
        assert "<img src=x" not in page, path
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Fees" in (await client.get(PAGES)).text


async def test_an_editor_publishes_in_a_real_browser_and_a_phone_syncs_it(
    app: FastAPI, client: httpx.AsyncClient, browser: Browser, editor: User
) -> None:
    await signed_in(client, editor)
    session = client.cookies.get("hq_session") or ""
    texts = item_body()["translations"]
    async with app_context(app, browser) as context:
        await context.add_cookies(
            [
                {"name": "hq_session", "value": session, "url": f"{CONSOLE}/console"},
                {"name": "hq_lang", "value": "en", "url": f"{CONSOLE}/console"},
            ]
        )
        page = await context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        await page.goto(f"{CONSOLE}{PAGES}")
        await page.click("text=New item")
        await page.wait_for_url(f"{CONSOLE}{PAGES}/new")
        await page.check('input[name="topics"][value="recruiter_check"]')
        for lang in ("ur", "en"):
            await page.fill(f'input[name="title_{lang}"]', texts[lang]["title"])
            await page.fill(f'textarea[name="summary_{lang}"]', texts[lang]["summary"])
        await page.fill('textarea[name="body_ur"]', texts["ur"]["body"])
        await page.locator('textarea[name="body_en"]').press_sequentially("Pay *nobody* <b>before</b>")
        await expect(page.locator("#preview-en em")).to_have_text("nobody", timeout=10_000)
        await expect(page.locator("#preview-en b")).to_have_count(0)
        await page.click('#item-form button[type="submit"]')
        await expect(page.locator("#workflow")).to_have_attribute("data-status", "draft")
        await page.wait_for_url(f"{CONSOLE}{PAGES}/*")
        item_id = page.url.rsplit("/", 1)[1]
        await page.click('[data-step="submit"]')
        await expect(page.locator("#workflow")).to_have_attribute("data-status", "in_review")
        await page.click('[data-step="publish"]')
        await expect(page.locator("#workflow")).to_have_attribute("data-status", "published")
        assert await page.locator("#item-version").get_attribute("value") == "3"
    assert problems == []
    entries, _ = await sync_all(client, lang="en")
    synced = [entry for entry in entries if entry["id"] == item_id]
    assert [entry["op"] for entry in synced] == ["upsert"]
    assert synced[0]["item"]["body"] == "Pay *nobody* before"
