"""Accounts: first-sight creation, role and scope administration (audited, mirrored to Firebase claims)."""

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pymongo.errors import DuplicateKeyError

from backend.accounts.models import DISTRICT_SCOPED_ROLES, Account
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import (
    ConflictError,
    IdentityProviderError,
    NotFoundError,
    ValidationFailedError,
    invalid_field,
)
from backend.core.firebase import FirebaseAuth
from backend.core.pagination import PageParams, total_count
from backend.geography import service as geography
from schemas.accounts import AccountRead, Role, RoleGrant, ScopeUpdate
from schemas.common import FieldProblem, Page

logger = logging.getLogger(__name__)

# Firebase refuses custom claims over 1,000 bytes; districts are left out of the claims past that.
_MAX_CLAIMS_BYTES = 1000


def to_read(account: Account) -> AccountRead:
    return AccountRead.model_validate(
        {"uid": account.id, **account.model_dump(exclude={"id", "revision_id"})}
    )


async def account_for_token(*, uid: str, email: str | None) -> Account:
    """The caller's account, created on first sight; concurrent first requests create exactly one."""
    account = await Account.get(uid)
    if account is not None:
        return account
    now = utc_now()
    try:
        return await Account(id=uid, email=email, created_at=now, updated_at=now).insert()
    except DuplicateKeyError:
        existing = await Account.get(uid)
        assert existing is not None
        return existing


async def get_account(*, uid: str) -> Account:
    account = await Account.get(uid)
    if account is None:
        raise NotFoundError(f"No account has the uid '{uid}'; the person must sign in once first.")
    return account


async def read_account(*, actor: Account, uid: str) -> AccountRead:
    """Another person's account, as an admin reads it (audited: it holds personal data)."""
    account = await get_account(uid=uid)
    await audit.record(actor=actor.id, action="account.read", resource_type="account", resource_id=uid)
    return to_read(account)


async def list_accounts(*, actor: Account, role: Role | None, page: PageParams) -> Page[AccountRead]:
    query: dict[str, Any] = {"roles": role.value} if role is not None else {}
    total = await total_count(Account, query)
    accounts = (
        await Account.find(query).sort("+created_at", "+_id").skip(page.offset).limit(page.limit).to_list()
    )
    await audit.record(
        actor=actor.id,
        action="account.list",
        resource_type="account",
        resource_id="*",
        details={"role": role.value if role else None, "offset": page.offset, "count": len(accounts)},
    )
    return Page[AccountRead](
        items=[to_read(a) for a in accounts], total=total, limit=page.limit, offset=page.offset
    )


async def _district_codes(field: str, names: list[str]) -> list[str]:
    """Canonical codes for the given district codes, names or aliases; every unknown one is reported."""
    codes: list[str] = []
    problems: list[FieldProblem] = []
    for position, name in enumerate(names):
        code = await geography.district_code(name)
        if code is None:
            problems.append(
                FieldProblem(
                    field=f"{field}.{position}",
                    rule="unknown_district",
                    message=f"'{name}' is not a known district",
                )
            )
        elif code not in codes:
            codes.append(code)
    if problems:
        raise ValidationFailedError("Unknown districts in the scope.", errors=problems)
    return codes


async def _constituency_code(field: str, code: str) -> str:
    canonical = await geography.constituency_code(code)
    if canonical is None:
        raise invalid_field(field, "unknown_constituency", f"'{code}' is not a known constituency")
    return canonical


async def _apply_scope(account: Account, scope: RoleGrant | ScopeUpdate) -> None:
    """Validate the scope fields against the account's roles and the geography, then set them."""
    if scope.districts is not None:
        if not account.has_any_role(DISTRICT_SCOPED_ROLES):
            raise invalid_field(
                "body.districts",
                "scope_not_applicable",
                "districts apply only to field_officer and supervisor roles",
            )
        if not scope.districts:
            raise invalid_field("body.districts", "too_short", "list at least one district")
        account.districts = await _district_codes("body.districts", scope.districts)
    if scope.constituency is not None:
        if Role.MP not in account.roles:
            raise invalid_field(
                "body.constituency", "scope_not_applicable", "a constituency applies only to the mp role"
            )
        account.constituency = await _constituency_code("body.constituency", scope.constituency)


def _check_scope_complete(account: Account) -> None:
    if account.has_any_role(DISTRICT_SCOPED_ROLES) and not account.districts:
        raise invalid_field(
            "body.districts", "missing", "field_officer and supervisor need at least one district"
        )
    if Role.MP in account.roles and account.constituency is None:
        raise invalid_field("body.constituency", "missing", "an mp needs exactly one constituency")


def _snapshot(account: Account) -> dict[str, Any]:
    return {
        "roles": sorted(account.roles),
        "districts": list(account.districts),
        "constituency": account.constituency,
        "disabled": account.disabled,
    }


async def _save_change(
    *, actor: str, account: Account, before: dict[str, Any], action: str, identity: FirebaseAuth
) -> Account:
    """Persist a changed account, audit it and mirror it to Firebase claims; unchanged means no write."""
    after = _snapshot(account)
    if after == before:
        return account
    account.updated_at = utc_now()
    account.claims_synced = await _sync_claims(account, identity)
    await account.save()
    changes = {key: {"from": before[key], "to": after[key]} for key in after if after[key] != before[key]}
    await audit.record(
        actor=actor, action=action, resource_type="account", resource_id=account.id, details=changes
    )
    return account


def claims_for(account: Account) -> dict[str, Any]:
    """What the app reads from the ID token to choose its screens."""
    claims: dict[str, Any] = {
        "roles": sorted(account.roles),
        "constituency": account.constituency,
        "districts": account.districts,
        "disabled": account.disabled,
    }
    if len(json.dumps(claims)) > _MAX_CLAIMS_BYTES:
        claims["districts"] = None
        claims["districts_omitted"] = True
    return claims


async def _sync_claims(account: Account, identity: FirebaseAuth) -> bool:
    try:
        await identity.set_custom_claims(account.id, claims_for(account))
    except IdentityProviderError:
        # The change itself stands; the next change retries the mirror. The app reads roles from /v1/me.
        logger.warning("custom claims not synced", extra={"uid": account.id})
        return False
    return True


async def _enabled_admins() -> int:
    return await Account.find({"roles": Role.ADMIN.value, "disabled": False}).count()


async def grant_role(
    *, actor: str, uid: str, role: Role, grant: RoleGrant, identity: FirebaseAuth
) -> AccountRead:
    """Give a role with its scope; granting a role already held with the same scope changes nothing."""
    account = await get_account(uid=uid)
    before = _snapshot(account)
    if role not in account.roles:
        account.roles = [*account.roles, role]
    await _apply_scope(account, grant)
    _check_scope_complete(account)
    saved = await _save_change(
        actor=actor, account=account, before=before, action="account.role_granted", identity=identity
    )
    return to_read(saved)


async def revoke_role(*, actor: str, uid: str, role: Role, identity: FirebaseAuth) -> AccountRead:
    """Take a role away, and the scope that only it needed; revoking a role not held changes nothing."""
    account = await get_account(uid=uid)
    before = _snapshot(account)
    if (
        role == Role.ADMIN
        and Role.ADMIN in account.roles
        and not account.disabled
        and await _enabled_admins() <= 1
    ):
        raise ConflictError("This is the last enabled admin; grant the role to someone else first.")
    account.roles = [held for held in account.roles if held != role]
    if not account.has_any_role(DISTRICT_SCOPED_ROLES):
        account.districts = []
    if Role.MP not in account.roles:
        account.constituency = None
    saved = await _save_change(
        actor=actor, account=account, before=before, action="account.role_revoked", identity=identity
    )
    return to_read(saved)


async def set_scope(*, actor: str, uid: str, scope: ScopeUpdate, identity: FirebaseAuth) -> AccountRead:
    account = await get_account(uid=uid)
    before = _snapshot(account)
    await _apply_scope(account, scope)
    saved = await _save_change(
        actor=actor, account=account, before=before, action="account.scope_changed", identity=identity
    )
    return to_read(saved)


# What other features do when an account is disabled or enabled (a young person blocked from alerts). Wired
# by main.py, so that accounts, which every feature builds on, imports none of them.
AccountFollower = Callable[[str, bool], Awaitable[None]]


async def set_disabled(
    *,
    actor: str,
    uid: str,
    disabled: bool,
    identity: FirebaseAuth,
    followers: Sequence[AccountFollower] = (),
) -> AccountRead:
    """Disable or re-enable an account; a disabled account is refused on its very next request. The
    followers run every time (also when nothing changed), so a retry completes what a crash left."""
    read = await _set_disabled(actor=actor, uid=uid, disabled=disabled, identity=identity)
    for follow in followers:
        await follow(uid, disabled)
    return read


async def _set_disabled(*, actor: str, uid: str, disabled: bool, identity: FirebaseAuth) -> AccountRead:
    account = await get_account(uid=uid)
    before = _snapshot(account)
    if disabled and Role.ADMIN in account.roles and not account.disabled and await _enabled_admins() <= 1:
        raise ConflictError("This is the last enabled admin; it cannot be disabled.")
    account.disabled = disabled
    action = "account.disabled" if disabled else "account.enabled"
    saved = await _save_change(actor=actor, account=account, before=before, action=action, identity=identity)
    return to_read(saved)


async def bootstrap_admin(*, uid: str, email: str | None, identity: FirebaseAuth) -> AccountRead:
    """Make the first admin (from the command line); safe to run again."""
    account = await account_for_token(uid=uid, email=email)
    before = _snapshot(account)
    if Role.ADMIN not in account.roles:
        account.roles = [*account.roles, Role.ADMIN]
    account.disabled = False
    saved = await _save_change(
        actor="system:bootstrap",
        account=account,
        before=before,
        action="account.role_granted",
        identity=identity,
    )
    return to_read(saved)
