"""Admins' console page: accounts with their roles, scope and status; roles granted (with their scope)
and revoked in place through the same versioned changes as the API (audited, claims mirrored)."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse

from backend.accounts import changes
from backend.accounts import service as accounts
from backend.accounts.dependencies import Identity
from backend.console import pages
from backend.console.guards import Admin, CsrfChecked
from backend.core.pagination import PageParams
from schemas.accounts import Role, RoleGrant

router = APIRouter(prefix="/console/admin", include_in_schema=False)

ACCOUNTS_SHOWN = 200
Uid = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/accounts", response_class=HTMLResponse)
async def account_list(request: Request, admin: Admin) -> Response:
    """Every account with its roles, scope and status (the read is audited, as the API's)."""
    listed = await accounts.list_accounts(
        actor=admin, role=None, page=PageParams(limit=ACCOUNTS_SHOWN, offset=0)
    )
    return pages.render(request, "accounts.html", account=admin, accounts=listed.items, roles=list(Role))


@router.post("/accounts/{uid}/roles", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def grant(
    request: Request,
    admin: Admin,
    identity: Identity,
    uid: Uid,
    role: Annotated[Role, Form()],
    districts: Annotated[str, Form(max_length=2000)] = "",
    constituency: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Give a role with its scope (districts by code, name or alias, comma separated; an MP's seat)."""
    scope = RoleGrant(
        districts=[d.strip() for d in districts.split(",") if d.strip()] or None,
        constituency=constituency.strip() or None,
    )
    changed = await changes.grant_role(actor=admin.id, uid=uid, role=role, grant=scope, identity=identity)
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))


@router.post("/accounts/{uid}/roles/{role}/revoke", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def revoke(request: Request, admin: Admin, identity: Identity, uid: Uid, role: Role) -> Response:
    """Take a role away (the last enabled admin stays, as the service keeps it)."""
    changed = await changes.revoke_role(actor=admin.id, uid=uid, role=role, identity=identity)
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))
