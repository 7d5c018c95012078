"""A request id on every response and in every log line; logs are JSON."""

import json
import logging

import httpx
import pytest

from backend.core.logging import JsonFormatter, configure_logging
from backend.core.request_context import bind_request_id, reset_request_id


async def test_every_response_carries_a_fresh_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_well_formed_client_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "phone-abc-123456"})
    assert response.headers["x-request-id"] == "phone-abc-123456"


async def test_malformed_client_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"
    assert len(response.headers["x-request-id"]) == 32


async def test_access_log_line_carries_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="backend.access"):
        response = await client.get("/healthz")
    records = [r for r in caplog.records if r.name == "backend.access"]
    assert records
    assert records[-1].request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert records[-1].status == 200  # type: ignore[attr-defined]


def test_json_formatter_writes_one_object_with_request_id_and_extras() -> None:
    configure_logging("INFO")
    token = bind_request_id("req-1234567890")
    try:
        record = logging.getLogger("test").makeRecord(
            "test", logging.WARNING, __file__, 1, "hello %s", ("world",), None, extra={"district": "lahore"}
        )
    finally:
        reset_request_id(token)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "hello world"
    assert entry["level"] == "WARNING"
    assert entry["request_id"] == "req-1234567890"
    assert entry["district"] == "lahore"
    assert "\n" not in line
