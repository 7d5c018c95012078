"""Admins' console page: accounts with their roles, scope and status; roles granted (with their scope) and
revoked, scopes changed, accounts disabled and enabled in place, through the same versioned changes as the
API (audited, claims mirrored, the last enabled admin kept, the followers of a disabled account told)."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse

from backend.accounts import changes
from backend.accounts import service as accounts
from backend.accounts.dependencies import AccountFollowers, Identity
from backend.console import pages
from backend.console.guards import Admin, CsrfChecked
from backend.core.pagination import PageParams
from schemas.accounts import Role, RoleGrant, ScopeUpdate

router = APIRouter(prefix="/console/admin", include_in_schema=False)

ACCOUNTS_SHOWN = 200
Uid = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


def _district_list(districts: str) -> list[str] | None:
    """Districts typed comma separated; none typed is no change."""
    return [d.strip() for d in districts.split(",") if d.strip()] or None


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
    scope = RoleGrant(districts=_district_list(districts), constituency=constituency.strip() or None)
    changed = await changes.grant_role(actor=admin.id, uid=uid, role=role, grant=scope, identity=identity)
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))


@router.post("/accounts/{uid}/roles/{role}/revoke", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def revoke(request: Request, admin: Admin, identity: Identity, uid: Uid, role: Role) -> Response:
    """Take a role away (the last enabled admin stays, as the service keeps it)."""
    changed = await changes.revoke_role(actor=admin.id, uid=uid, role=role, identity=identity)
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))


@router.post("/accounts/{uid}/scope", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def change_scope(
    request: Request,
    admin: Admin,
    identity: Identity,
    uid: Uid,
    districts: Annotated[str, Form(max_length=2000)] = "",
    constituency: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Change the districts or the seat of an account's roles (a field left empty stays as it is)."""
    scope = ScopeUpdate(districts=_district_list(districts), constituency=constituency.strip() or None)
    changed = await changes.set_scope(actor=admin.id, uid=uid, scope=scope, identity=identity)
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))


@router.post("/accounts/{uid}/status", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def change_status(
    request: Request,
    admin: Admin,
    identity: Identity,
    followers: AccountFollowers,
    uid: Uid,
    disabled: Annotated[bool, Form()],
) -> Response:
    """Disable or re-enable an account: refused at once everywhere (the last enabled admin stays)."""
    changed = await changes.set_disabled(
        actor=admin.id, uid=uid, disabled=disabled, identity=identity, followers=followers
    )
    return pages.render(request, "_account.html", account=admin, row=changed, roles=list(Role))
