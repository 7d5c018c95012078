"""Two of one header and times that are not RFC 3339 strings are refused with the field named (issue 19,
defects 3 and 4)."""

import time
import uuid
from typing import Any

import httpx
import pytest

from schemas.accounts import Role
from tests.fixtures.alerts import CAMPAIGNS, campaign
from tests.fixtures.events import plan
from tests.fixtures.users import MakeUser

pytestmark = pytest.mark.usefixtures("seeded")


async def test_two_idempotency_keys_on_one_request_are_refused_naming_the_header(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    headers = [
        ("Authorization", editor.headers["Authorization"]),
        ("Idempotency-Key", uuid.uuid4().hex),
        ("Idempotency-Key", uuid.uuid4().hex),
    ]
    response = await client.post(CAMPAIGNS, json=campaign(), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_request"
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
        ("header.idempotency-key", "single_value")
    ]
    assert await client.get(CAMPAIGNS, headers=editor.headers) is not None


TOMORROW = int(time.time()) + 86_400  # a send time the rules would accept if given as a string


# Named ids: the values change every second, and every xdist worker must collect the same test ids.
@pytest.mark.parametrize(
    "send_at",
    [TOMORROW, TOMORROW + 0.5, str(TOMORROW), True, "31/12/2030", "2030-12-31T10:00:00+05:00x"],
    ids=["epoch", "epoch_fraction", "epoch_string", "true", "day_first", "trailing_junk"],
)
async def test_a_campaign_send_at_must_be_an_rfc_3339_string(
    client: httpx.AsyncClient, make_user: MakeUser, send_at: Any
) -> None:
    editor = await make_user(Role.EDITOR)
    response = await client.post(
        CAMPAIGNS,
        json=campaign(send_at=send_at),
        headers=editor.headers | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["body.send_at"]


@pytest.mark.parametrize("starts_at", [TOMORROW, str(TOMORROW)], ids=["epoch", "epoch_string"])
async def test_an_event_time_must_be_an_rfc_3339_string(
    client: httpx.AsyncClient, make_user: MakeUser, starts_at: Any
) -> None:
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    response = await client.put(
        f"/v1/events/{uuid.uuid4()}", json=plan(starts_at=starts_at), headers=officer.headers
    )
    assert response.status_code == 422, response.text
    assert "body.starts_at" in [e["field"] for e in response.json()["errors"]]
