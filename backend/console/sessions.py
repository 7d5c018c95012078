"""Console sessions: a Firebase session cookie made from a fresh ID token, checked for revocation on
every request (accounts/revocation.py), revoked at sign-out; and the double-submit CSRF token every form
and htmx request carries.

The session cookie is HttpOnly, SameSite=Strict and (outside development and tests) Secure, for /console
only. The CSRF token is a random value in a cookie of its own, written into each page; a write must send
it back (form field `csrf_token` or header `X-CSRF-Token`), which another site cannot read or forge.
"""

import hmac
import secrets
import time
from datetime import timedelta

from fastapi import Request, Response

from backend.accounts import revocation
from backend.accounts import service as accounts
from backend.accounts.models import Account
from backend.core.errors import ForbiddenError, UnauthenticatedError
from backend.core.firebase import FirebaseAuth
from backend.core.settings import Environment, Settings

SESSION_COOKIE = "hq_session"
CSRF_COOKIE = "hq_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
PATH = "/console"
SESSION_LENGTH = timedelta(hours=8)
# A session is made only from a sign-in this recent (Firebase's advice: a stolen old token makes none).
FRESH_SIGN_IN_S = 5 * 60


class CsrfError(ForbiddenError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="csrf_failed")


def secure_cookies(settings: Settings) -> bool:
    """Cookies go over HTTPS only, except in development and tests (plain HTTP on loopback)."""
    return settings.environment not in (Environment.DEVELOPMENT, Environment.TEST)


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (a new one when it has none yet: `remember_csrf` stores it)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def remember_csrf(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, path=PATH, httponly=True, samesite="strict", secure=secure_cookies(settings)
    )


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a write whose CSRF token is missing or is not this browser's."""
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfError("The form's security token is missing or wrong; reload the page.")


async def start(response: Response, *, identity: FirebaseAuth, id_token: str, settings: Settings) -> Account:
    """Swap a fresh ID token of a staff member for a session cookie on `response`."""
    claims = await identity.verify(id_token, check_revoked=True)
    if time.time() - float(claims.get("auth_time", 0)) > FRESH_SIGN_IN_S:
        raise UnauthenticatedError("Sign in again to open the console.", code="sign_in_too_old")
    account = await staff_account(claims)
    cookie = await identity.create_session_cookie(id_token, expires_in=SESSION_LENGTH)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(SESSION_LENGTH.total_seconds()),
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(settings),
    )
    return account


async def staff_account(claims: dict[str, object]) -> Account:
    """The staff account of verified claims; 403 for anyone without a staff role or disabled."""
    uid = str(claims["uid"])
    email = claims.get("email")
    account = await accounts.account_for_token(uid=uid, email=email if isinstance(email, str) else None)
    if account.disabled:
        raise ForbiddenError("This account is disabled.", code="account_disabled")
    if not account.is_staff:
        raise ForbiddenError("The console is for staff accounts.", code="role_required")
    return account


async def current(request: Request, identity: FirebaseAuth) -> Account | None:
    """The signed-in staff account of this request's session cookie; None without a usable one."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        claims = await identity.verify_session_cookie(cookie, check_revoked=False)
        account = await staff_account(claims)
        await revocation.check(
            request,
            account,
            claims,
            ask_firebase=lambda: identity.verify_session_cookie(cookie, check_revoked=True),
            code="session_revoked",
        )
        return account
    except (UnauthenticatedError, ForbiddenError):
        return None


async def end(response: Response, *, identity: FirebaseAuth, account: Account | None) -> None:
    """Sign out: every session of the account is revoked, and this browser's cookie goes."""
    if account is not None:
        await identity.revoke_sessions(account.id)
        await accounts.revoke_sign_ins(uid=account.id)
    response.delete_cookie(SESSION_COOKIE, path=PATH)
