"""Bodies over the limit are refused with a 413 problem before they are read in full (issue 11)."""

from collections.abc import AsyncIterator

import httpx

ONE_MB = 1024 * 1024


async def test_declared_oversized_json_body_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/youth/signup",
        content=b"{" + b" " * (2 * ONE_MB) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    problem = response.json()
    assert problem["code"] == "payload_too_large"
    assert problem["status"] == 413


async def test_chunked_oversized_body_is_refused_while_streaming(client: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):  # 100 MB if it were all read
            sent += ONE_MB
            yield b" " * ONE_MB

    response = await client.post(
        "/v1/youth/signup", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert sent < 5 * ONE_MB


async def test_a_small_body_still_reaches_the_route(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/youth/signup", json={})
    assert response.status_code == 401  # the token check, after the body was accepted
