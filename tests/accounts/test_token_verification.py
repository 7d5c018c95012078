"""The real verification path: tokens signed by a local key (certificate on loopback) and emulator tokens."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from backend.main import create_app
from tests.fixtures.app import make_settings
from scripts.token_issuer import TokenIssuer
from tests.fixtures.users import User

PROJECT = "demo-hamqadam"


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    token_issuer = TokenIssuer(PROJECT)
    yield token_issuer
    token_issuer.close()


@pytest.fixture
async def signed_client(mongodb_uri: str, issuer: TokenIssuer) -> AsyncIterator[httpx.AsyncClient]:
    """The API verifying tokens for real: signature, expiry, audience and issuer, no emulator."""
    settings = make_settings(
        mongodb_uri, firebase_project_id=PROJECT, firebase_id_token_cert_url=issuer.cert_url
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    await client.drop_database(settings.mongodb_database)
    await client.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_valid_signed_token_creates_the_account_on_first_sight(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    token = issuer.sign("uid-first-sight", email="first@example.org")
    first = await signed_client.get("/v1/me", headers=bearer(token))
    assert first.status_code == 200
    me = first.json()
    assert (me["uid"], me["email"], me["roles"], me["disabled"]) == (
        "uid-first-sight",
        "first@example.org",
        [],
        False,
    )
    again = await signed_client.get("/v1/me", headers=bearer(token))
    assert again.json()["created_at"] == me["created_at"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "token_missing"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "token_malformed"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_malformed"),
        ({"Authorization": "Bearer aaa.bbb.ccc"}, "token_invalid"),
    ],
)
async def test_missing_or_malformed_tokens_get_401_with_a_code(
    signed_client: httpx.AsyncClient, headers: dict[str, str], code: str
) -> None:
    response = await signed_client.get("/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_expired_token_is_rejected(signed_client: httpx.AsyncClient, issuer: TokenIssuer) -> None:
    response = await signed_client.get("/v1/me", headers=bearer(issuer.sign("uid-x", expires_in_s=-600)))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


async def test_token_signed_by_another_key_is_rejected(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    response = await signed_client.get("/v1/me", headers=bearer(issuer.sign("uid-x", forged=True)))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


async def test_token_for_another_project_is_rejected(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    wrong_audience = issuer.sign("uid-x", audience="demo-someone-else")
    assert (await signed_client.get("/v1/me", headers=bearer(wrong_audience))).json()[
        "code"
    ] == "token_invalid"
    wrong_issuer = issuer.sign("uid-x", issuer="https://securetoken.google.com/demo-someone-else")
    assert (await signed_client.get("/v1/me", headers=bearer(wrong_issuer))).json()["code"] == "token_invalid"


async def test_unsigned_emulator_style_token_is_rejected_outside_the_emulator(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    header, payload, _ = issuer.sign("uid-x").split(".")
    unsigned = f"{header}.{payload}."
    assert (await signed_client.get("/v1/me", headers=bearer(unsigned))).json()["code"] == "token_invalid"


async def test_emulator_token_signs_in(client: httpx.AsyncClient, make_user: object) -> None:
    user: User = await make_user()  # type: ignore[operator]
    response = await client.get("/v1/me", headers=user.headers)
    assert response.status_code == 200
    assert response.json()["uid"] == user.uid
