"""Identical campaign steps sent at once all answer as replays, and each step is audited once (issue 19,
defect 5): a confirmation and a cancel pressed twice, retried by the app."""

import asyncio

import httpx
import pytest

from backend.audit.models import AuditEntry
from schemas.accounts import Role
from tests.fixtures.alerts import CAMPAIGNS, campaign, create
from tests.fixtures.users import MakeUser, User

pytestmark = pytest.mark.usefixtures("seeded")
TIMES = 5


async def test_five_identical_confirmations_and_cancels_at_once_all_answer_200(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser
) -> None:
    national = await create(client, editor, campaign(priority="emergency", audience={"national": True}))
    colleague = await make_user(Role.EDITOR)
    url = f"{CAMPAIGNS}/{national['id']}"
    confirmed = await asyncio.gather(
        *(client.post(f"{url}/confirm", headers=colleague.headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in confirmed] == [200] * TIMES, [r.text for r in confirmed]
    assert {r.json()["status"] for r in confirmed} == {"scheduled"}
    cancelled = await asyncio.gather(
        *(client.post(f"{url}/cancel", headers=editor.headers) for _ in range(TIMES))
    )
    assert [r.status_code for r in cancelled] == [200] * TIMES, [r.text for r in cancelled]
    assert {r.json()["status"] for r in cancelled} == {"cancelled"}
    actions = [entry.action async for entry in AuditEntry.find({"resource_id": national["id"]})]
    assert sorted(actions).count("alerts.emergency_confirmed") == 1
    assert sorted(actions).count("alerts.campaign_cancelled") == 1
