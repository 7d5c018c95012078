"""One error shape for the whole API: RFC 9457 problem details with a stable code and the request id."""

import httpx
import pytest
from fastapi import FastAPI
from pymongo.errors import OperationFailure

from backend.geography import service as geography_service


async def test_unknown_route_is_a_problem_with_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "not_found"
    assert problem["type"] == "urn:hamqadam:problem:not_found"
    assert problem["status"] == 404
    assert problem["instance"] == "/v1/nothing-here"
    assert problem["request_id"] == response.headers["x-request-id"]


async def test_wrong_method_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/geo/provinces")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_validation_error_names_each_field_and_rule(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/districts", params={"limit": "many", "offset": -1})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_failed"
    rules = {(e["field"], e["rule"]) for e in problem["errors"]}
    assert rules == {("query.limit", "int_parsing"), ("query.offset", "greater_than_equal")}
    assert "query.limit" in problem["detail"]


async def test_validation_error_does_not_echo_the_input(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/districts", params={"limit": "03001234567"})
    assert "03001234567" not in response.text


async def test_unexpected_error_is_a_500_problem_with_request_id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    async def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom-for-test", explode)
    response = await client.get("/boom-for-test", headers={"X-Request-ID": "trace-12345678"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-12345678"
    problem = response.json()
    assert problem["code"] == "internal_error"
    assert problem["request_id"] == "trace-12345678"
    assert "RuntimeError" not in response.text


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (
            OperationFailure("Unknown error: MVStoreException: Writing to FileChannel failed"),
            503,
            "database_unavailable",
        ),
        (OperationFailure("the store was closed by a storage failure"), 503, "database_unavailable"),
        (OperationFailure("Not enough disk space", code=14031), 503, "database_unavailable"),
        (OperationFailure("Unknown error: something else", code=2), 500, "internal_error"),
    ],
)
async def test_a_database_that_cannot_write_is_a_503_and_other_failures_stay_500(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    failure: OperationFailure,
    status: int,
    code: str,
) -> None:
    """A full disk (MongoDB's OutOfDiskSpace, the embedded engine's store refusing a write) is the database
    being unavailable for now: retry later. scripts/bench/fault_bench.py's disk_full fills a real disk."""

    async def refused() -> None:
        raise failure

    monkeypatch.setattr(geography_service, "list_provinces", refused)
    response = await client.get("/v1/geo/provinces")
    assert (response.status_code, response.json()["code"]) == (status, code)
    if status == 503:
        assert response.headers["retry-after"] == "5"
