"""The real verification path: tokens signed by a local key (certificate on loopback) and emulator tokens."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from firebase_admin import auth
from pymongo import AsyncMongoClient

from backend.core.settings import Settings
from backend.main import create_app
from schemas.accounts import Role
from scripts.token_issuer import TokenIssuer
from tests.fixtures.app import make_settings
from tests.fixtures.users import User

PROJECT = "demo-hamqadam"


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    token_issuer = TokenIssuer(PROJECT)
    yield token_issuer
    token_issuer.close()


@pytest.fixture
def signed_settings(mongodb_uri: str, issuer: TokenIssuer) -> Settings:
    return make_settings(
        mongodb_uri,
        firebase_project_id=PROJECT,
        firebase_id_token_cert_url=issuer.cert_url,
        firebase_auth_api_url=issuer.api_url,
    )


@pytest.fixture
async def signed_client(mongodb_uri: str, signed_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API verifying tokens for real: signature, expiry, audience and issuer, no emulator; user
    look-ups (the staff revocation check) answered by the issuer too."""
    settings = signed_settings
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


async def test_a_token_is_checked_once_then_taken_from_memory_until_it_expires(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = auth.Client.verify_id_token

    def counted(self: auth.Client, token: str, check_revoked: bool = False) -> dict[str, object]:
        checked.append(token)
        return real_verify(self, token, check_revoked=check_revoked)  # type: ignore[no-any-return]

    monkeypatch.setattr(auth.Client, "verify_id_token", counted)
    token = issuer.sign("uid-remembered", expires_in_s=3)
    for _ in range(3):
        assert (await signed_client.get("/v1/me", headers=bearer(token))).status_code == 200
    assert len(checked) == 1
    forged = issuer.sign("uid-remembered", forged=True)  # another token: checked on its own, refused
    assert (await signed_client.get("/v1/me", headers=bearer(forged))).json()["code"] == "token_invalid"
    await asyncio.sleep(3.5)  # past the token's `exp`: no longer taken from memory, checked again
    await signed_client.get("/v1/me", headers=bearer(token))
    # (The SDK itself then allows some clock skew; a long-expired token is refused: test_expired_token_...)
    assert checked.count(token) == 2


async def test_a_staff_token_is_checked_for_revocation_through_identity_toolkit(
    signed_client: httpx.AsyncClient, issuer: TokenIssuer, signed_settings: Settings
) -> None:
    """Signed tokens and the revocation look-up together, as the load benchmark runs them."""
    first = await signed_client.get("/v1/me", headers=bearer(issuer.sign("uid-staff-signed")))
    assert first.status_code == 200
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(signed_settings.mongodb_uri)
    await client[signed_settings.mongodb_database]["accounts"].update_one(
        {"_id": "uid-staff-signed"}, {"$set": {"roles": [Role.EDITOR], "updated_at": datetime.now(UTC)}}
    )
    await client.close()
    asked_before = len(issuer.lookups)
    for _ in range(3):
        me = await signed_client.get("/v1/me", headers=bearer(issuer.sign("uid-staff-signed")))
        assert (me.status_code, me.json()["roles"]) == (200, ["editor"])
    assert issuer.lookups[asked_before:] == ["uid-staff-signed"]  # once a minute, not per request


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
