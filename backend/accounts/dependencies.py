"""Who is calling: the verified Firebase ID token, the account behind it, and role requirements."""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.accounts import changes, revocation, service
from backend.accounts.models import Account
from backend.core.access import access_rule
from backend.core.errors import ForbiddenError, UnauthenticatedError
from backend.core.firebase import FirebaseAuth
from backend.core.rate_limit import RateLimit, enforce, rules
from schemas.accounts import Role

_bearer = HTTPBearer(
    auto_error=False, description="A Firebase Auth ID token: `Authorization: Bearer <token>`."
)


async def get_identity(request: Request) -> FirebaseAuth:
    identity: FirebaseAuth = request.app.state.firebase
    return identity


Identity = Annotated[FirebaseAuth, Depends(get_identity)]


async def _account_followers(request: Request) -> tuple[changes.AccountFollower, ...]:
    followers: tuple[changes.AccountFollower, ...] = getattr(request.app.state, "account_followers", ())
    return followers


# What other features do when an account is disabled or enabled (main.py wires them).
AccountFollowers = Annotated[tuple[changes.AccountFollower, ...], Depends(_account_followers)]


@access_rule("signed in: any valid Firebase ID token of an enabled account")
async def current_account(
    request: Request,
    identity: Identity,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Account:
    """Verify the caller's ID token and load (or create) their account."""
    if credentials is None:
        if request.headers.get("authorization"):
            raise UnauthenticatedError(
                "Send the ID token as `Authorization: Bearer <token>`.", code="token_malformed"
            )
        raise UnauthenticatedError("Sign in: this needs a Firebase ID token.", code="token_missing")
    token = credentials.credentials.strip()
    if token.count(".") != 2:
        raise UnauthenticatedError("The bearer token is not a JWT.", code="token_malformed")
    claims = await identity.verify(token, check_revoked=False)
    account = await service.account_for_token(uid=claims["uid"], email=claims.get("email"))
    if account.disabled:
        raise ForbiddenError("This account is disabled.", code="account_disabled")
    if account.is_staff:
        # Staff can see other people's data: a revoked sign-in must stop working, not wait for expiry.
        await revocation.check(
            request, account, claims, ask_firebase=lambda: identity.verify(token, check_revoked=True)
        )
    note_role(request, account)
    return account


def note_role(request: Request, account: Account) -> None:
    """Put the caller's roles (never who they are) on the request, for its access log line."""
    request.state.role = ",".join(sorted(account.roles)) or "none"


CurrentAccount = Annotated[Account, Depends(current_account)]


class RequireRole:
    """An access rule: the caller holds at least one of `roles`. Use as `Depends(RequireRole(Role.ADMIN))`."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)
        self.__access_rule__ = "role: " + " or ".join(sorted(self.roles))

    async def __call__(self, account: CurrentAccount) -> Account:
        if not account.has_any_role(self.roles):
            needed = ", ".join(sorted(self.roles))
            raise ForbiddenError(f"This needs one of these roles: {needed}.", code="role_required")
        return account


# Every role guard of the API, in one place: a handler parameter (`Account`), or `...Only` for a router's
# `dependencies` (the same instance, so FastAPI checks it once per request).
_ADMIN = RequireRole(Role.ADMIN)
_EDITOR = RequireRole(Role.EDITOR, Role.ADMIN)
_FIELD_STAFF = RequireRole(Role.FIELD_OFFICER, Role.SUPERVISOR)
_STAFF = RequireRole(Role.FIELD_OFFICER, Role.SUPERVISOR, Role.MP, Role.EDITOR, Role.ADMIN)

AdminAccount = Annotated[Account, Depends(_ADMIN)]
AdminOnly = Depends(_ADMIN)
Editor = Annotated[Account, Depends(_EDITOR)]
EditorOnly = Depends(_EDITOR)
FieldStaff = Annotated[Account, Depends(_FIELD_STAFF)]
Supervisor = Annotated[Account, Depends(RequireRole(Role.SUPERVISOR))]
Youth = Annotated[Account, Depends(RequireRole(Role.YOUTH))]
# A member of either assembly (or their office's account), who sees their one seat.
MemberOfParliament = Annotated[Account, Depends(RequireRole(Role.MP))]
# Every staff role (turnout figures); young people see none of it.
Staff = Annotated[Account, Depends(_STAFF)]


class AccountRateLimit:
    """Counts `name` per signed-in account, beside the per-address `RateLimit` of the same name."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, request: Request, account: CurrentAccount) -> None:
        items = rules(request, self.name)
        if items:
            await enforce(items, self.name, "account", account.id)


def limited(name: str) -> list[Any]:
    """A route's rate limit `name`, counted per client address and per signed-in account."""
    return [Depends(RateLimit(name)), Depends(AccountRateLimit(name))]
