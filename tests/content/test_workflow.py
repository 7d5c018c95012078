"""The editorial workflow over HTTP: drafts, review, publishing, versions, restore, who may write."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from backend.content import service
from schemas.accounts import Role
from tests.fixtures.content import EDITORIAL, item_body, publish_new, step
from tests.fixtures.users import MakeUser, User


async def test_editor_creates_a_draft_and_an_identical_save_changes_nothing(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = str(uuid.uuid4())
    created = await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["version"], created.headers["etag"]) == (
        "draft",
        1,
        '"1"',
    )
    again = await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    assert (again.status_code, again.json()["version"]) == (200, 1)


async def test_only_editors_and_admins_write(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    item_id = str(uuid.uuid4())
    anonymous = await client.put(f"{EDITORIAL}/{item_id}", json=item_body())
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "token_missing")
    for role in (Role.YOUTH, Role.MP):
        user = await make_user(role, constituency="NA-117" if role == Role.MP else None)
        refused = await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=user.headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "role_required")
        listed = await client.get(EDITORIAL, headers=user.headers)
        assert listed.status_code == 403
    admin = await make_user(Role.ADMIN)
    assert (
        await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=admin.headers)
    ).status_code == 201


async def test_a_different_edit_needs_the_current_version(client: httpx.AsyncClient, editor: User) -> None:
    item_id = str(uuid.uuid4())
    await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    changed = item_body(topics=["recruiter_check", "fake_job_or_visa"])
    stale = await client.put(f"{EDITORIAL}/{item_id}", json=changed, headers=editor.headers)
    assert (stale.status_code, stale.json()["code"], stale.json()["current_version"]) == (
        409,
        "version_conflict",
        1,
    )
    fresh = await client.put(
        f"{EDITORIAL}/{item_id}", json=changed, headers=editor.headers | {"If-Match": '"1"'}
    )
    assert (fresh.status_code, fresh.json()["version"], fresh.json()["topics"]) == (
        200,
        2,
        ["recruiter_check", "fake_job_or_visa"],
    )


async def test_publishing_needs_review_and_both_urdu_and_english(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = str(uuid.uuid4())
    english_only = item_body()
    del english_only["translations"]["ur"]
    await client.put(f"{EDITORIAL}/{item_id}", json=english_only, headers=editor.headers)
    early = await client.post(f"{EDITORIAL}/{item_id}/publish", headers=editor.headers)
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    assert early.json()["item_status"] == "draft"
    refused = await client.post(f"{EDITORIAL}/{item_id}/submit", headers=editor.headers)
    assert refused.status_code == 422
    assert {(e["field"], e["rule"]) for e in refused.json()["errors"]} == {
        ("translations.ur", "required_to_publish")
    }


async def test_helplines_and_offices_need_checked_contact_details(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = str(uuid.uuid4())
    helpline = item_body(kind="helpline", topics=["where_to_get_help"], contact={"phones": []})
    await client.put(f"{EDITORIAL}/{item_id}", json=helpline, headers=editor.headers)
    refused = await client.post(f"{EDITORIAL}/{item_id}/submit", headers=editor.headers)
    assert {(e["field"], e["rule"]) for e in refused.json()["errors"]} == {
        ("contact.phones", "required_for_helpline"),
        ("contact.verified_at", "required_for_helpline"),
        ("contact.source", "required_for_helpline"),
    }
    article_with_contact = item_body(contact={"phones": ["111-247-786"]})
    wrong = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=article_with_contact, headers=editor.headers)
    assert (wrong.status_code, wrong.json()["errors"][0]["rule"]) == (422, "only_for_helplines_and_offices")
    bad_phone = item_body(kind="helpline", contact={"phones": ["call me maybe"]})
    wrong = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=bad_phone, headers=editor.headers)
    assert (wrong.json()["errors"][0]["field"], wrong.json()["errors"][0]["rule"]) == (
        "body.contact.phones.0",
        "phone_number",
    )


async def test_targeting_names_unknown_places(client: httpx.AsyncClient, editor: User) -> None:
    body = item_body(provinces=["PK-XX"], districts=["lahore", "Atlantis"])
    refused = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=body, headers=editor.headers)
    assert refused.status_code == 422
    assert {(e["field"], e["rule"]) for e in refused.json()["errors"]} == {
        ("body.provinces.0", "unknown_province"),
        ("body.districts.1", "unknown_district"),
    }


async def test_markdown_is_sanitised_before_it_is_stored(client: httpx.AsyncClient, editor: User) -> None:
    body = item_body()
    body["translations"]["en"]["body"] = (
        "Read this.\n\n<script>alert('x')</script>\n\n"
        "[Click](javascript:alert(1)) and ![tracker](https://evil.example/pixel.png) "
        "<b onclick=alert(1)>bold</b>"
    )
    body["translations"]["en"]["title"] = "Check <i>the</i> licence"
    item_id = str(uuid.uuid4())
    saved = (await client.put(f"{EDITORIAL}/{item_id}", json=body, headers=editor.headers)).json()
    stored = saved["translations"]["en"]
    for forbidden in ("<", "script", "javascript", "evil.example", "onclick"):
        assert forbidden not in stored["body"] + stored["title"]
    for kept in ("Click", "bold", "tracker"):
        assert kept in stored["body"]
    assert stored["title"] == "Check the licence"
    assert set(saved["sanitised"]) >= {"raw_html", "unsafe_link", "image"}
    await step(client, editor, item_id, "submit")
    await step(client, editor, item_id, "publish")
    public = (await client.get(f"/v1/content/{item_id}", params={"lang": "en"})).json()
    assert "<" not in public["body"]
    assert "javascript" not in public["body"]


async def test_every_published_revision_is_kept_and_can_be_restored(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = await publish_new(client, editor)
    edited = item_body()
    edited["translations"]["en"]["title"] = "Check the licence, always"
    saved = await client.put(
        f"{EDITORIAL}/{item_id}", json=edited, headers=editor.headers | {"If-Match": '"3"'}
    )
    assert (saved.json()["status"], saved.json()["live_revision"]) == ("draft", 1)
    live = (await client.get(f"/v1/content/{item_id}", params={"lang": "en"})).json()
    assert (live["revision"], live["title"]) == (
        1,
        "Check the recruiter's licence",
    )  # the app keeps revision 1

    await step(client, editor, item_id, "submit")
    republished = await step(client, editor, item_id, "publish")
    assert (republished["live_revision"], republished["latest_revision"]) == (2, 2)
    live = (await client.get(f"/v1/content/{item_id}", params={"lang": "en"})).json()
    assert (live["revision"], live["title"]) == (2, "Check the licence, always")

    revisions = (await client.get(f"{EDITORIAL}/{item_id}/revisions", headers=editor.headers)).json()
    assert [r["revision"] for r in revisions] == [1, 2]
    first = (await client.get(f"{EDITORIAL}/{item_id}/revisions/1", headers=editor.headers)).json()
    assert first["translations"]["en"]["title"] == "Check the recruiter's licence"

    restored = await client.post(f"{EDITORIAL}/{item_id}/revisions/1/restore", headers=editor.headers)
    assert (restored.json()["status"], restored.json()["translations"]["en"]["title"]) == (
        "draft",
        "Check the recruiter's licence",
    )
    await step(client, editor, item_id, "submit")
    assert (await step(client, editor, item_id, "publish"))["live_revision"] == 3
    history = (await client.get(f"{EDITORIAL}/{item_id}/history", headers=editor.headers)).json()
    assert [change["action"] for change in history] == [
        "created", "submitted", "published", "edited", "submitted", "published", "restored", "submitted",
        "published",
    ]  # fmt: skip
    assert all(change["changed_by"] == editor.uid for change in history)


async def test_steps_are_idempotent_and_checked(client: httpx.AsyncClient, editor: User) -> None:
    item_id = await publish_new(client, editor)
    again = await step(client, editor, item_id, "publish")
    assert (again["version"], again["live_revision"]) == (3, 1)
    stale = await client.post(f"{EDITORIAL}/{item_id}/archive", headers=editor.headers | {"If-Match": '"1"'})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    archived = await step(client, editor, item_id, "archive", json={"note": "out of date"})
    assert (archived["status"], archived["live_revision"]) == ("archived", None)
    assert (await client.get(f"/v1/content/{item_id}")).status_code == 404
    assert (await client.delete(f"{EDITORIAL}/{item_id}", headers=editor.headers)).status_code == 204
    assert (await client.delete(f"{EDITORIAL}/{item_id}", headers=editor.headers)).status_code == 204
    assert (await client.get(f"{EDITORIAL}/{item_id}", headers=editor.headers)).status_code == 404


async def test_scheduled_publishing_goes_live_at_its_time(client: httpx.AsyncClient, editor: User) -> None:
    item_id = str(uuid.uuid4())
    await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    await step(client, editor, item_id, "submit")
    at = datetime.now(UTC) + timedelta(hours=2)
    scheduled = await step(client, editor, item_id, "publish", json={"publish_at": at.isoformat()})
    assert (scheduled["status"], scheduled["live_revision"]) == ("scheduled", None)
    assert (await client.get(f"/v1/content/{item_id}")).status_code == 404
    assert await service.publish_due(now=datetime.now(UTC)) == 0
    assert await service.publish_due(now=at + timedelta(seconds=1)) == 1
    live = await client.get(f"/v1/content/{item_id}")
    assert (live.status_code, live.json()["revision"]) == (200, 1)
    stored = (await client.get(f"{EDITORIAL}/{item_id}", headers=editor.headers)).json()
    assert (stored["status"], stored["updated_by"]) == ("published", service.SCHEDULER)


async def test_editing_a_scheduled_item_cancels_the_schedule(client: httpx.AsyncClient, editor: User) -> None:
    item_id = str(uuid.uuid4())
    await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)
    await step(client, editor, item_id, "submit")
    at = datetime.now(UTC) + timedelta(hours=2)
    await step(client, editor, item_id, "publish", json={"publish_at": at.isoformat()})
    draft = await step(client, editor, item_id, "return-to-draft", json={"note": "wrong date"})
    assert (draft["status"], draft["publish_at"]) == ("draft", None)
    assert await service.publish_due(now=at + timedelta(seconds=1)) == 0


async def test_editors_list_working_copies_by_status(client: httpx.AsyncClient, editor: User) -> None:
    published = await publish_new(client, editor)
    draft_id = str(uuid.uuid4())
    await client.put(f"{EDITORIAL}/{draft_id}", json=item_body(kind="faq"), headers=editor.headers)
    drafts = (await client.get(EDITORIAL, params={"status": "draft"}, headers=editor.headers)).json()
    assert [item["id"] for item in drafts["items"]] == [draft_id]
    everything = (await client.get(EDITORIAL, headers=editor.headers)).json()
    assert [item["id"] for item in everything["items"]] == [draft_id, published]
    assert everything["items"][0]["title"] == "ریکروٹر کا لائسنس چیک کریں"


async def test_public_item_falls_back_to_urdu_and_answers_304(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = await publish_new(client, editor)
    punjabi = await client.get(f"/v1/content/{item_id}", params={"lang": "pa"})
    assert (punjabi.json()["lang"], punjabi.json()["languages"]) == ("ur", ["ur", "en"])
    again = await client.get(
        f"/v1/content/{item_id}", params={"lang": "pa"}, headers={"If-None-Match": punjabi.headers["etag"]}
    )
    assert again.status_code == 304
    cards = (await client.get("/v1/content", params={"lang": "en"})).json()
    assert [(card["id"], card["lang"]) for card in cards["items"]] == [(item_id, "en")]
    assert "body" not in cards["items"][0]


async def test_a_replayed_save_with_a_precise_expiry_changes_nothing(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = str(uuid.uuid4())
    body = item_body(kind="alert", expires_at="2099-01-01T10:00:00.123456+05:00")
    await client.put(f"{EDITORIAL}/{item_id}", json=body, headers=editor.headers)
    again = await client.put(f"{EDITORIAL}/{item_id}", json=body, headers=editor.headers)
    assert (again.status_code, again.json()["version"]) == (200, 1)
    assert again.json()["expires_at"].startswith("2099-01-01T05:00:00.123")
