"""Hostile input in shared pieces gets a clear 4xx problem, never a 500 (issue 11, the core part)."""

import json

import httpx
import pytest

from backend.core.dependencies import if_match_version
from backend.core.errors import ConflictError, ValidationFailedError, problem_body, problem_response
from backend.core.pagination import MAX_OFFSET
from schemas.accounts import Role
from scripts.export_openapi import current_openapi
from tests.fixtures.users import MakeUser


@pytest.mark.parametrize("offset", ["9223372036854775808", "1" + "0" * 40])
async def test_huge_offset_is_a_422_naming_the_field(client: httpx.AsyncClient, offset: str) -> None:
    response = await client.get("/v1/geo/districts", params={"offset": offset})
    assert response.status_code == 422
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
        ("query.offset", "less_than_equal")
    ]


@pytest.mark.parametrize("header", ['"²"', '"¹²"', '"٣"', '"' + "9" * 5000 + '"', '""', '"-1"'])
async def test_if_match_with_non_ascii_or_absurd_digits_is_refused(header: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        await if_match_version(header)
    assert caught.value.errors is not None
    assert caught.value.errors[0].field == "header.if-match"


@pytest.mark.parametrize("header", ['"3"', 'W/"12"', "7"])
async def test_if_match_reads_a_version(header: str) -> None:
    assert await if_match_version(header) in (3, 12, 7)


def test_extension_members_never_replace_standard_ones() -> None:
    error = ConflictError("stale", code="version_conflict", extensions={"status": "draft", "code": "x"})
    body = problem_body(error)
    assert body["status"] == 409
    assert body["code"] == "version_conflict"
    response = problem_response(
        status=409,
        code="version_conflict",
        title="Conflict",
        detail="stale",
        instance="/v1/x",
        extensions={"status": "draft", "title": "mine"},
    )
    rendered = json.loads(bytes(response.body))
    assert (rendered["status"], rendered["title"]) == (409, "Conflict")


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
    ],
)
async def test_audit_log_refuses_times_outside_2000_to_2100(
    client: httpx.AsyncClient, make_user: MakeUser, moment: str
) -> None:
    admin = await make_user(Role.ADMIN)
    for name in ("since", "until"):
        response = await client.get("/v1/admin/audit", params={name: moment}, headers=admin.headers)
        assert response.status_code == 422, (name, moment)
        assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [
            (f"query.{name}", "datetime_out_of_range")
        ]


def test_every_paged_list_bounds_its_offset() -> None:
    lists = {
        f"{method.upper()} {path}": parameter["schema"]
        for path, operations in current_openapi()["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "offset"
    }
    assert len(lists) >= 7  # districts, constituencies, events, upcoming, accounts, audit, editorial ...
    unbounded = [name for name, schema in lists.items() if schema.get("maximum") != MAX_OFFSET]
    assert not unbounded


@pytest.mark.parametrize("path", ["/v1/geo/constituencies", "/v1/events/upcoming", "/v1/content"])
async def test_huge_offsets_on_public_lists_are_422(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, params={"offset": "9223372036854775808", "district": "lahore"})
    assert response.status_code == 422
    assert "query.offset" in {e["field"] for e in response.json()["errors"]}
