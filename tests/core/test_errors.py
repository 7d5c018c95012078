"""One error shape for the whole API: RFC 9457 problem details with a stable code and the request id."""

import httpx
from fastapi import FastAPI


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
