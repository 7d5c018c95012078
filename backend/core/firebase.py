"""Firebase Auth through firebase-admin: ID-token verification and custom claims, in one class of ours.

One Firebase App per running API, created in the lifespan. firebase-admin takes the emulator host from
the process environment and the certificate URL from a module constant; this module sets both from our
settings so that nothing else touches them.
"""

import asyncio
import hashlib
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import firebase_admin
import google.auth.credentials
from cachetools import TLRUCache
from firebase_admin import _token_gen as token_gen
from firebase_admin import _user_mgt as user_mgt
from firebase_admin import auth, credentials
from firebase_admin import exceptions as firebase_exceptions
from typing_extensions import override

from backend.core.errors import IdentityProviderError, UnauthenticatedError
from backend.core.settings import Environment, Settings

_EMULATOR_VARIABLE = "FIREBASE_AUTH_EMULATOR_HOST"
# Tokens whose checks passed, per process: a phone sends the same token for up to an hour.
_MOST_VERIFIED_TOKENS = 20_000
_build_lock = threading.Lock()
_app_numbers = itertools.count(1)


class _StaticToken(google.auth.credentials.Credentials):
    """A credential that never calls Google: for the emulator and for tests, where no token is checked."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.token = "owner"  # noqa: S105  (the emulator accepts any bearer; nothing is secret here)

    @override
    def refresh(self, request: Any) -> None:
        return None


class OfflineCredential(credentials.Base):  # type: ignore[misc]
    """A static credential that never calls Google: for the Auth emulator and a local FCM server."""

    def get_credential(self) -> google.auth.credentials.Credentials:
        return _StaticToken()


def _apply_emulator_setting(settings: Settings) -> None:
    # firebase-admin reads this variable from the process environment on every verification, so the
    # setting is applied process-wide (one API per process); the settings class forbids it in production.
    if settings.firebase_auth_emulator_host:
        os.environ[_EMULATOR_VARIABLE] = settings.firebase_auth_emulator_host
    else:
        os.environ.pop(_EMULATOR_VARIABLE, None)


@contextmanager
def _certificate_url(settings: Settings) -> Iterator[None]:
    # Read once, when the auth client builds its token verifier; tests point it at a loopback server.
    saved = token_gen.ID_TOKEN_CERT_URI
    if settings.firebase_id_token_cert_url:
        token_gen.ID_TOKEN_CERT_URI = settings.firebase_id_token_cert_url
    try:
        yield
    finally:
        token_gen.ID_TOKEN_CERT_URI = saved


class FirebaseAuth:
    """Verifies ID tokens and keeps custom claims; blocking SDK calls run in a worker thread."""

    def __init__(self, settings: Settings) -> None:
        # Production uses Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or the platform's);
        # elsewhere they are used only when configured, so development and tests never look for Google.
        use_google = settings.environment is Environment.PRODUCTION or bool(
            os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        )
        credential = credentials.ApplicationDefault() if use_google else OfflineCredential()
        options = {"projectId": settings.firebase_project_id, "httpTimeout": settings.firebase_http_timeout_s}
        with _build_lock, _certificate_url(settings):
            _apply_emulator_setting(settings)
            self._app = firebase_admin.initialize_app(
                credential, options, name=f"hamqadam-{next(_app_numbers)}"
            )
            self._client = auth.Client(self._app)
        # Dropped at the token's own expiry (`exp`, seconds since the epoch), or the least recently used.
        self._verified: TLRUCache[bytes, dict[str, Any]] = TLRUCache(
            maxsize=_MOST_VERIFIED_TOKENS,
            ttu=lambda _key, claims, _now: float(claims["exp"]),
            timer=time.time,
        )
        if settings.firebase_auth_api_url:
            # firebase-admin takes another Identity Toolkit address only from the emulator variable, which
            # would also switch signature checks off; the load benchmark needs both, so the look-ups are
            # pointed at its loopback server here (a private attribute: tests and benchmarks only).
            manager = self._client._user_manager
            self._client._user_manager = user_mgt.UserManager(
                manager.http_client, settings.firebase_project_id, url_override=settings.firebase_auth_api_url
            )

    @property
    def app(self) -> firebase_admin.App:
        """The Firebase App, which Cloud Messaging shares in production."""
        return self._app

    @property
    def emulated(self) -> bool:
        return bool(self._client.emulated)

    async def verify(self, token: str, *, check_revoked: bool) -> dict[str, Any]:
        """The token's claims; raises UnauthenticatedError with a code saying what is wrong.

        A token that passed once is good until it expires (its signature, audience and issuer cannot
        change), so it is checked once per process and then taken from memory: checking costs a thread
        hop, a certificate parse and an RSA verification. Revocation (`check_revoked`) always asks.
        """
        key = hashlib.sha256(token.encode()).digest()
        if not check_revoked and (known := self._verified.get(key)) is not None:
            return dict(known)
        try:
            claims: dict[str, Any] = await asyncio.to_thread(
                self._client.verify_id_token, token, check_revoked=check_revoked
            )
        except auth.ExpiredIdTokenError as exc:
            raise UnauthenticatedError("The ID token has expired; refresh it.", code="token_expired") from exc
        except auth.RevokedIdTokenError as exc:
            raise UnauthenticatedError(
                "The ID token was revoked; sign in again.", code="token_revoked"
            ) from exc
        except auth.UserDisabledError as exc:
            raise UnauthenticatedError("This Firebase user is disabled.", code="user_disabled") from exc
        except auth.CertificateFetchError as exc:
            raise IdentityProviderError("Could not fetch Firebase signing certificates.") from exc
        except (auth.InvalidIdTokenError, ValueError) as exc:
            raise UnauthenticatedError(
                "The ID token is not valid for this service.", code="token_invalid"
            ) from exc
        except firebase_exceptions.FirebaseError as exc:
            raise IdentityProviderError("Firebase Auth did not answer.") from exc
        self._verified[key] = dict(claims)
        return claims

    async def create_session_cookie(self, id_token: str, *, expires_in: timedelta) -> str:
        """A Firebase session cookie for a recently signed-in user's ID token (the console's sign-in)."""
        try:
            cookie: str = await asyncio.to_thread(
                auth.create_session_cookie, id_token, expires_in=expires_in, app=self._app
            )
        except (auth.InvalidIdTokenError, ValueError) as exc:
            raise UnauthenticatedError(
                "The ID token is not valid for this service.", code="token_invalid"
            ) from exc
        except firebase_exceptions.FirebaseError as exc:
            raise IdentityProviderError("Firebase Auth did not answer.") from exc
        return cookie

    async def verify_session_cookie(self, cookie: str, *, check_revoked: bool) -> dict[str, Any]:
        """A session cookie's claims (with Firebase's revocation check when asked); raises
        UnauthenticatedError when unusable."""
        try:
            claims: dict[str, Any] = await asyncio.to_thread(
                auth.verify_session_cookie, cookie, check_revoked=check_revoked, app=self._app
            )
        except auth.RevokedSessionCookieError as exc:
            raise UnauthenticatedError("The session was signed out.", code="session_revoked") from exc
        except auth.ExpiredSessionCookieError as exc:
            raise UnauthenticatedError("The session has expired.", code="session_expired") from exc
        except auth.UserDisabledError as exc:
            raise UnauthenticatedError("This Firebase user is disabled.", code="user_disabled") from exc
        except (auth.InvalidSessionCookieError, ValueError) as exc:
            raise UnauthenticatedError("The session is not valid here.", code="session_invalid") from exc
        except firebase_exceptions.FirebaseError as exc:
            raise IdentityProviderError("Firebase Auth did not answer.") from exc
        return claims

    async def revoke_sessions(self, uid: str) -> None:
        """Sign `uid` out everywhere: their refresh tokens and session cookies stop working."""
        try:
            await asyncio.to_thread(auth.revoke_refresh_tokens, uid, app=self._app)
        except firebase_exceptions.FirebaseError as exc:
            raise IdentityProviderError("Firebase Auth did not answer.") from exc

    async def set_custom_claims(self, uid: str, claims: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(self._client.set_custom_user_claims, uid, claims)
        except (firebase_exceptions.FirebaseError, ValueError) as exc:
            raise IdentityProviderError(f"Could not update the custom claims of {uid}.") from exc

    async def uid_for_email(self, email: str) -> str:
        try:
            user = await asyncio.to_thread(self._client.get_user_by_email, email)
        except auth.UserNotFoundError as exc:
            raise IdentityProviderError(f"No Firebase user has the e-mail {email}.") from exc
        except firebase_exceptions.FirebaseError as exc:
            raise IdentityProviderError("Firebase Auth did not answer.") from exc
        uid: str = user.uid
        return uid

    def close(self) -> None:
        firebase_admin.delete_app(self._app)
