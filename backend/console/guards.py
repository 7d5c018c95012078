"""The one way a console page says who may see it, and that a write carries the CSRF token.

`ConsoleRole(...)` is a route dependency (an access rule, like the API's role guards): the signed-in staff
member holding one of the roles, 403 for other staff, and the sign-in page for anyone without a usable
session (`SignInRequired`, answered by a redirect: `install` in router.py). `CsrfChecked` refuses an
htmx write without this browser's token.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from backend.accounts.dependencies import get_identity, note_role
from backend.accounts.models import Account
from backend.console import sessions
from backend.core.errors import ForbiddenError
from schemas.accounts import Role

SIGN_IN = "/console/sign-in"


class SignInRequired(Exception):  # noqa: N818 - a signal to redirect, not an error
    """No usable console session: the page sends the browser to sign in."""


async def to_sign_in(request: Request, exc: Exception) -> RedirectResponse:  # noqa: ARG001 - a handler's signature
    return RedirectResponse(SIGN_IN, status_code=303)


async def session_account(request: Request) -> Account | None:
    """The staff account of this request's console session, if it has a usable one (one dependency, so a
    benchmark can stand in for sign-in as it does for the API's `current_account`)."""
    account = await sessions.current(request, await get_identity(request))
    if account is not None:
        note_role(request, account)
    return account


class ConsoleRole:
    """A console page's access rule: a staff session holding one of `roles` (any staff role when none)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)
        who = ", ".join(sorted(self.roles)) if roles else "any staff role"
        self.__access_rule__ = f"console: a session cookie of {who}"

    async def __call__(self, account: Annotated[Account | None, Depends(session_account)]) -> Account:
        if account is None:
            raise SignInRequired
        if self.roles and not account.has_any_role(self.roles):
            raise ForbiddenError("This page is not for your role.", code="role_required")
        return account


async def _csrf_checked(request: Request) -> None:
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))


CsrfChecked = Depends(_csrf_checked)
AnyStaff = Annotated[Account, Depends(ConsoleRole())]
Member = Annotated[Account, Depends(ConsoleRole(Role.MP))]
EditorStaff = Annotated[Account, Depends(ConsoleRole(Role.EDITOR, Role.ADMIN))]
Supervisor = Annotated[Account, Depends(ConsoleRole(Role.SUPERVISOR))]
FieldStaff = Annotated[Account, Depends(ConsoleRole(Role.FIELD_OFFICER, Role.SUPERVISOR))]
Admin = Annotated[Account, Depends(ConsoleRole(Role.ADMIN))]
