"""The signed-in caller's own account, and account administration by admins."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend.accounts import changes, service
from backend.accounts.dependencies import AccountFollowers, AdminAccount, CurrentAccount, Identity
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND
from schemas.accounts import AccountRead, Role, RoleGrant, ScopeUpdate, StatusUpdate
from schemas.common import Page

router = APIRouter(tags=["accounts"], responses=AUTH_ERRORS)

Uid = Annotated[str, Path(min_length=1, max_length=128, description="Firebase Auth uid.")]


@router.get("/me", response_model=AccountRead, status_code=200)
async def read_me(account: CurrentAccount) -> AccountRead:
    """Read the caller's own account: roles and scopes (created on first sign-in)."""
    return service.to_read(account)


@router.get("/admin/accounts", response_model=Page[AccountRead], status_code=200)
async def list_accounts(
    admin: AdminAccount, page: Pagination, role: Annotated[Role | None, Query()] = None
) -> Page[AccountRead]:
    """List accounts, optionally those holding one role, oldest first (audited)."""
    return await service.list_accounts(actor=admin, role=role, page=page)


@router.get("/admin/accounts/{uid}", response_model=AccountRead, status_code=200, responses=NOT_FOUND)
async def read_account(admin: AdminAccount, uid: Uid) -> AccountRead:
    """Read one account (audited)."""
    return await service.read_account(actor=admin, uid=uid)


@router.put(
    "/admin/accounts/{uid}/roles/{role}", response_model=AccountRead, status_code=200, responses=NOT_FOUND
)
async def grant_role(
    admin: AdminAccount, identity: Identity, uid: Uid, role: Role, grant: RoleGrant
) -> AccountRead:
    """Grant a role with its scope (districts for field staff, a constituency for an MP); idempotent."""
    return await changes.grant_role(actor=admin.id, uid=uid, role=role, grant=grant, identity=identity)


@router.delete(
    "/admin/accounts/{uid}/roles/{role}",
    response_model=AccountRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT,
)
async def revoke_role(admin: AdminAccount, identity: Identity, uid: Uid, role: Role) -> AccountRead:
    """Revoke a role and the scope only it needed; idempotent."""
    return await changes.revoke_role(actor=admin.id, uid=uid, role=role, identity=identity)


@router.put("/admin/accounts/{uid}/scope", response_model=AccountRead, status_code=200, responses=NOT_FOUND)
async def update_scope(admin: AdminAccount, identity: Identity, uid: Uid, scope: ScopeUpdate) -> AccountRead:
    """Change the districts or constituency of an account's roles."""
    return await changes.set_scope(actor=admin.id, uid=uid, scope=scope, identity=identity)


@router.put(
    "/admin/accounts/{uid}/status",
    response_model=AccountRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT,
)
async def update_status(
    admin: AdminAccount, identity: Identity, followers: AccountFollowers, uid: Uid, status: StatusUpdate
) -> AccountRead:
    """Disable or re-enable an account; a disabled account is refused at once and gets no alert."""
    return await changes.set_disabled(
        actor=admin.id, uid=uid, disabled=status.disabled, identity=identity, followers=followers
    )
