"""Admins' audit log page: the API's read with its filters, a page at a time, stored text shown as text."""

from datetime import UTC, datetime, timedelta

import httpx

from backend.audit import service as audit
from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.users import MakeUser

PAGE = "/console/admin/audit"


def entries_in(page: httpx.Response) -> int:
    return page.text.count('class="audit-entry"')


async def test_an_entry_made_by_a_console_action_appears_in_the_log(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    other = await make_user(Role.EDITOR)
    token = await signed_in(client, admin)
    disabled = await client.post(
        f"/console/admin/accounts/{other.uid}/status",
        data={"disabled": "true"},
        headers={"X-CSRF-Token": token},
    )
    assert disabled.status_code == 200, disabled.text
    page = await client.get(PAGE, params={"action": "account.disabled"})
    assert page.status_code == 200
    assert entries_in(page) == 1
    assert other.uid in page.text
    assert admin.uid in page.text  # who acted
    api = await client.get("/v1/admin/audit", params={"action": "account.disabled"}, headers=admin.headers)
    assert api.json()["total"] == 1  # the same read as the API's


async def test_filters_narrow_the_log(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user(Role.ADMIN)
    await signed_in(client, admin)
    day = datetime(2026, 3, 10, 12, tzinfo=UTC)
    await audit.record(
        actor="ali", action="content.published", resource_type="content", resource_id="c-1", at=day
    )
    await audit.record(
        actor="sara", action="content.published", resource_type="content", resource_id="c-2", at=day
    )
    await audit.record(
        actor="ali",
        action="event.created",
        resource_type="event",
        resource_id="e-1",
        at=day + timedelta(days=2),
    )
    by_actor = await client.get(PAGE, params={"actor": "ali"})
    assert entries_in(by_actor) == 2
    both = await client.get(PAGE, params={"actor": "ali", "action": "content.published"})
    assert entries_in(both) == 1
    assert "c-1" in both.text
    by_type = await client.get(PAGE, params={"resource_type": "event"})
    assert (entries_in(by_type), "e-1" in by_type.text) == (1, True)
    by_id = await client.get(PAGE, params={"resource_id": "c-2"})
    assert (entries_in(by_id), "sara" in by_id.text) == (1, True)
    # Pakistan days, the last one included: 10 March only, then 11 and 12 March.
    first_day = await client.get(PAGE, params={"since": "2026-03-10", "until": "2026-03-10", "actor": "ali"})
    assert (entries_in(first_day), "c-1" in first_day.text) == (1, True)
    later = await client.get(PAGE, params={"since": "2026-03-11", "until": "2026-03-12"})
    assert (entries_in(later), "e-1" in later.text) == (1, True)
    nothing = await client.get(PAGE, params={"actor": "nobody"})
    assert entries_in(nothing) == 0
    assert "No entries match these filters." in nothing.text or "کوئی اندراج نہیں" in nothing.text


async def test_the_log_is_paged_with_previous_and_next_links(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    await signed_in(client, admin)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(60):
        await audit.record(
            actor="bulk",
            action="test.entry",
            resource_type="test",
            resource_id=f"r-{number:02d}",
            at=start + timedelta(minutes=number),
        )
    first = await client.get(PAGE, params={"actor": "bulk"})
    assert entries_in(first) == 50
    assert "r-59" in first.text
    assert "r-10" in first.text
    assert "r-09" not in first.text
    assert 'rel="prev"' not in first.text
    assert 'href="/console/admin/audit?actor=bulk&amp;offset=50" rel="next"' in first.text
    second = await client.get(PAGE, params={"actor": "bulk", "offset": 50})
    assert entries_in(second) == 10
    assert "r-09" in second.text
    assert "r-00" in second.text
    assert 'href="/console/admin/audit?actor=bulk&amp;offset=0" rel="prev"' in second.text
    assert 'rel="next"' not in second.text


async def test_stored_markup_in_an_entry_is_shown_as_text(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    admin = await make_user(Role.ADMIN)
    await signed_in(client, admin)
    await audit.record(
        actor="<b>actor</b>",
        action="test.markup",
        resource_type="test",
        resource_id="<img src=x onerror=alert(1)>",
        details={"title": "<script>alert(1)</script>"},
    )
    page = await client.get(PAGE, params={"action": "test.markup"})
    assert "<script>alert(1)</script>" not in page.text
    assert "<img src=x" not in page.text
    assert "<b>actor</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;actor&lt;/b&gt;" in page.text


async def test_the_audit_log_is_for_admins_only_and_refuses_bad_filters(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    await signed_in(client, editor)
    assert (await client.get(PAGE)).status_code == 403
    admin = await make_user(Role.ADMIN)
    await signed_in(client, admin)
    assert (await client.get(PAGE)).status_code == 200
    assert (await client.get(PAGE, params={"since": "2026-02-31"})).status_code == 422
    assert (await client.get(PAGE, params={"until": "yesterday"})).status_code == 422
    assert (await client.get(PAGE, params={"actor": "x" * 129})).status_code == 422
