"""The editors' console pages: questions to MPs moderated in place, never showing who asked."""

import uuid

import httpx
from fastapi import FastAPI

from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.users import MakeUser
from tests.fixtures.youth import MakeYoung


async def test_an_editor_approves_and_rejects_questions_in_the_console(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser, make_young: MakeYoung, seeded: None
) -> None:
    asker = await make_young()
    ids = []
    for text in ("Who checks <i>agents</i>?", "Spam spam"):
        asked = await client.post(
            "/v1/questions",
            json={"text": text, "topic": "recruiter_check"},
            headers=asker.headers | {"Idempotency-Key": uuid.uuid4().hex},
        )
        ids.append(asked.json()["id"])
    editor = await make_user(Role.EDITOR)
    token = await signed_in(client, editor)
    page = await client.get("/console/editor/questions")
    assert page.status_code == 200
    assert "Who checks agents?" in page.text
    assert asker.uid not in page.text
    approve = f"/console/editor/questions/{ids[0]}/approve"
    assert (await client.post(approve)).status_code == 403  # no CSRF token
    approved = await client.post(approve, headers={"X-CSRF-Token": token})
    assert 'data-status="approved"' in approved.text
    rejected = await client.post(
        f"/console/editor/questions/{ids[1]}/reject",
        data={"reason": "Not a question"},
        headers={"X-CSRF-Token": token},
    )
    assert 'data-status="rejected"' in rejected.text
    mine = (await client.get("/v1/questions/mine", headers=asker.headers)).json()["items"]
    assert {item["id"]: item["status"] for item in mine} == {ids[0]: "approved", ids[1]: "rejected"}
    mp_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    async with mp_client:
        await signed_in(mp_client, await make_user(Role.MP, constituency="NA-117"))
        assert (await mp_client.get("/console/editor/questions")).status_code == 403
