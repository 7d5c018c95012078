"""Admins' console page: accounts with their roles, scope and status; roles granted (with their scope)
and revoked in place through the same versioned changes as the API (audited, claims mirrored)."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.accounts import changes
from backend.accounts import service as accounts
from backend.accounts.models import Account
from backend.console import pages, sessions
from backend.console.router import ConsoleStaff
from backend.core.errors import ForbiddenError
from backend.core.firebase import FirebaseAuth
from backend.core.pagination import PageParams
from schemas.accounts import Role, RoleGrant

router = APIRouter(prefix="/console/admin", include_in_schema=False)

ACCOUNTS_SHOWN = 200
Uid = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


def _admin(account: Account) -> Account:
    if Role.ADMIN not in account.roles:
        raise ForbiddenError("This page is for administrators.", code="role_required")
    return account


def _identity(request: Request) -> FirebaseAuth:
    identity: FirebaseAuth = request.app.state.firebase
    return identity


@router.get("/accounts", response_class=HTMLResponse)
async def account_list(request: Request, account: ConsoleStaff) -> Response:
    """Every account with its roles, scope and status (the read is audited, as the API's)."""
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    admin = _admin(account)
    listed = await accounts.list_accounts(
        actor=admin, role=None, page=PageParams(limit=ACCOUNTS_SHOWN, offset=0)
    )
    return pages.render(request, "accounts.html", account=admin, accounts=listed.items, roles=list(Role))


@router.post("/accounts/{uid}/roles", response_class=HTMLResponse)
async def grant(
    request: Request,
    account: ConsoleStaff,
    uid: Uid,
    role: Annotated[Role, Form()],
    districts: Annotated[str, Form(max_length=2000)] = "",
    constituency: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Give a role with its scope (districts by code, name or alias, comma separated; an MP's seat)."""
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    admin = _admin(account)
    scope = RoleGrant(
        districts=[d.strip() for d in districts.split(",") if d.strip()] or None,
        constituency=constituency.strip() or None,
    )
    changed = await changes.grant_role(
        actor=admin.id, uid=uid, role=role, grant=scope, identity=_identity(request)
    )
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))


@router.post("/accounts/{uid}/roles/{role}/revoke", response_class=HTMLResponse)
async def revoke(request: Request, account: ConsoleStaff, uid: Uid, role: Role) -> Response:
    """Take a role away (the last enabled admin stays, as the service keeps it)."""
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    if account is None:
        return RedirectResponse("/console/sign-in", status_code=303)
    admin = _admin(account)
    changed = await changes.revoke_role(actor=admin.id, uid=uid, role=role, identity=_identity(request))
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))
