"""Every free-text field, list and time of a content request is bounded, and named when it is not."""

import uuid
from typing import Any

import httpx
import pytest

from tests.fixtures.content import EDITORIAL, item_body, step
from tests.fixtures.users import User


def _helpline(**contact: Any) -> dict[str, Any]:
    base = {"phones": ["0800-12345"], "verified_at": "2026-11-01", "source": "The ministry's website"}
    return item_body(kind="helpline", contact=base | contact)


def _long_translation(field: str, size: int) -> dict[str, Any]:
    body = item_body()
    body["translations"]["en"][field] = "a" * size
    return body


TOO_BIG: list[tuple[dict[str, Any], str, str]] = [
    (_long_translation("title", 121), "body.translations.en.title", "string_too_long"),
    (_long_translation("summary", 301), "body.translations.en.summary", "string_too_long"),
    (_long_translation("body", 12_001), "body.translations.en.body", "string_too_long"),
    (_helpline(phones=["1" * 33]), "body.contact.phones.0", "string_too_long"),
    (_helpline(phones=["0800-12345"] * 11), "body.contact.phones", "too_long"),
    (_helpline(address="a" * 301), "body.contact.address", "string_too_long"),
    (_helpline(source="a" * 301), "body.contact.source", "string_too_long"),
    (_helpline(verified_at="1900-01-01"), "body.contact.verified_at", "date_out_of_range"),
    (_helpline(verified_at="9999-12-31"), "body.contact.verified_at", "date_out_of_range"),
    (item_body(provinces=["P" * 9]), "body.provinces.0", "string_too_long"),
    (item_body(provinces=["PB"] * 8), "body.provinces", "too_long"),
    (item_body(districts=["d" * 65]), "body.districts.0", "string_too_long"),
    (item_body(districts=["lahore"] * 201), "body.districts", "too_long"),
    (item_body(topics=["recruiter_check"] * 10), "body.topics", "too_long"),
    (item_body(expires_at="0001-01-01T00:00:00-23:59"), "body.expires_at", "datetime_out_of_range"),
    (item_body(expires_at="9999-12-31T23:59:59+00:00"), "body.expires_at", "datetime_out_of_range"),
    (item_body(expires_at="2100-01-01T00:00:00+00:00"), "body.expires_at", "datetime_out_of_range"),
]


@pytest.mark.parametrize(
    ("body", "field", "rule"), TOO_BIG, ids=[case[1] + ":" + case[2] for case in TOO_BIG]
)
async def test_oversized_or_out_of_range_fields_are_refused_by_name(
    client: httpx.AsyncClient, editor: User, body: dict[str, Any], field: str, rule: str
) -> None:
    response = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=body, headers=editor.headers)
    assert response.status_code == 422, response.text
    assert [(problem["field"], problem["rule"]) for problem in response.json()["errors"]] == [(field, rule)]


@pytest.mark.parametrize(
    "publish_at", ["0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+00:00", "1999-12-31T23:59:59+00:00"]
)
async def test_publish_at_beyond_the_sane_range_is_refused(
    client: httpx.AsyncClient, editor: User, publish_at: str
) -> None:
    item_id = str(uuid.uuid4())
    assert (await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)).is_success
    await step(client, editor, item_id, "submit")
    response = await client.post(
        f"{EDITORIAL}/{item_id}/publish", json={"publish_at": publish_at}, headers=editor.headers
    )
    assert response.status_code == 422, response.text
    assert [(p["field"], p["rule"]) for p in response.json()["errors"]] == [
        ("body.publish_at", "datetime_out_of_range")
    ]


@pytest.mark.parametrize("action", ["submit", "return-to-draft", "archive"])
async def test_notes_are_bounded(client: httpx.AsyncClient, editor: User, action: str) -> None:
    item_id = str(uuid.uuid4())
    assert (await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)).is_success
    response = await client.post(
        f"{EDITORIAL}/{item_id}/{action}", json={"note": "n" * 501}, headers=editor.headers
    )
    assert response.status_code == 422
    assert [(p["field"], p["rule"]) for p in response.json()["errors"]] == [("body.note", "string_too_long")]


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"q": "w" * 201}, "query.q", "string_too_long"),
        ({"q": ""}, "query.q", "string_too_short"),
        ({"q": "visa", "district": "d" * 65}, "query.district", "string_too_long"),
        ({"q": "visa", "limit": 51}, "query.limit", "less_than_equal"),
    ],
)
async def test_search_parameters_are_bounded(
    client: httpx.AsyncClient, params: dict[str, Any], field: str, rule: str
) -> None:
    response = await client.get("/v1/content/search", params=params)
    assert response.status_code == 422
    assert [(p["field"], p["rule"]) for p in response.json()["errors"]] == [(field, rule)]


@pytest.mark.parametrize("revision", ["0", "-1", str(2**64)])
async def test_revision_numbers_are_bounded(client: httpx.AsyncClient, editor: User, revision: str) -> None:
    item_id = str(uuid.uuid4())
    assert (await client.put(f"{EDITORIAL}/{item_id}", json=item_body(), headers=editor.headers)).is_success
    response = await client.get(f"{EDITORIAL}/{item_id}/revisions/{revision}", headers=editor.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.revision"
