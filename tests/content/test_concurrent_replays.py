"""Identical editorial steps sent at once (a double click and a retry) all answer as replays: the step that
loses the compare-and-set re-reads and finds the state it asked for (issue 19, defect 5)."""

import asyncio
import uuid

import httpx

from tests.fixtures.content import EDITORIAL, item_body
from tests.fixtures.users import User

TIMES = 5


async def test_five_identical_saves_submits_publishes_and_archives_at_once_all_answer_200(
    client: httpx.AsyncClient, editor: User
) -> None:
    item_id = str(uuid.uuid4())
    url = f"{EDITORIAL}/{item_id}"
    created = await client.put(url, json=item_body(), headers=editor.headers)
    assert created.status_code == 201, created.text
    edited = item_body(topics=["recruiter_check", "fake_job_or_visa"])
    saves = await asyncio.gather(
        *(client.put(url, json=edited, headers=editor.headers | {"If-Match": '"1"'}) for _ in range(TIMES))
    )
    assert [r.status_code for r in saves] == [200] * TIMES, [r.text for r in saves]
    version = saves[0].json()["version"]
    for action in ("submit", "publish", "archive"):
        answers = await asyncio.gather(
            *(client.post(f"{url}/{action}", headers=editor.headers) for _ in range(TIMES))
        )
        assert [r.status_code for r in answers] == [200] * TIMES, (action, [r.text for r in answers])
        assert len({r.json()["version"] for r in answers}) == 1, action
        assert answers[0].json()["version"] == version + 1
        version += 1
