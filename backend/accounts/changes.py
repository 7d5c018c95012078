"""Admins' changes to accounts: roles, scopes and status, each a versioned step (core/versioning.py).

A change moves the account from version N to N+1 by compare-and-set, with its consequences marked on
it: the audit entry (keyed `account:<uid>:<N+1>`, so written once) and the custom claims mirrored into
Firebase. The writer carries them out and clears the mark; one that died is finished by the next change
of that account. An identical change again changes nothing (a replay), also when sent concurrently.

The last enabled admin stays: every change that takes an enabled admin away (revoking the role,
disabling the account) runs under one named lease, so two admins removing each other at the same moment
are serialised and the second is refused.
"""

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from backend.accounts.models import DISTRICT_SCOPED_ROLES, Account
from backend.accounts.service import account_for_token, get_account, to_read
from backend.audit import service as audit
from backend.core import leases, versioning
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, IdentityProviderError, invalid_field
from backend.core.firebase import FirebaseAuth
from backend.geography import places
from schemas.accounts import AccountRead, Role, RoleGrant, ScopeUpdate

logger = logging.getLogger(__name__)

# Firebase refuses custom claims over 1,000 bytes; districts are left out of the claims past that.
_MAX_CLAIMS_BYTES = 1000
_LAST_ADMIN_LEASE = "accounts:admin-removal"

# What other features do when an account is disabled or enabled (a young person blocked from alerts). Wired
# by main.py, so that accounts, which every feature builds on, imports none of them.
AccountFollower = Callable[[str, bool], Awaitable[None]]


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


def _snapshot(account: Account) -> dict[str, Any]:
    return {
        "roles": sorted(account.roles),
        "districts": list(account.districts),
        "constituency": account.constituency,
        "disabled": account.disabled,
    }


async def _carry_out(uid: str, pending: dict[str, Any], identity: FirebaseAuth) -> None:
    """Write the change's audit entry (once) and mirror its claims into Firebase."""
    await audit.record(
        actor=pending["actor"],
        action=pending["action"],
        resource_type="account",
        resource_id=uid,
        details=pending["details"],
        key=f"account:{uid}:{pending['version']}",
        at=pending["at"],
    )
    try:
        await identity.set_custom_claims(uid, pending["claims"])
        synced = True
    except IdentityProviderError:
        # The change itself stands; the next change retries the mirror. The app reads roles from /v1/me.
        logger.warning("custom claims not synced", extra={"uid": uid})
        synced = False
    await Account.get_pymongo_collection().update_one(
        {"_id": uid, "version": pending["version"]}, {"$set": {"claims_synced": synced}}
    )


async def _load(uid: str, identity: FirebaseAuth) -> Account:
    """The account (404 if none), with the consequences of a change whose writer died carried out."""
    account = await get_account(uid=uid)
    collection = Account.get_pymongo_collection()

    async def carry_out(pending: dict[str, Any]) -> None:
        await _carry_out(uid, pending, identity)

    if await versioning.settle(collection, uid, account.pending_change, carry_out):
        account = await get_account(uid=uid)
    return account


def _removes_an_admin(stored: Account, changed: Account) -> bool:
    enabled_admin = Role.ADMIN in stored.roles and not stored.disabled
    return enabled_admin and (Role.ADMIN not in changed.roles or changed.disabled)


async def _other_enabled_admins(uid: str) -> int:
    return await Account.find({"roles": Role.ADMIN.value, "disabled": False, "_id": {"$ne": uid}}).count()


async def _commit(
    *, actor: str, stored: Account, changed: Account, action: str, identity: FirebaseAuth
) -> AccountRead:
    """Move the account to its next version (nothing when unchanged), then carry out the consequences."""
    before, after = _snapshot(stored), _snapshot(changed)
    if after == before:
        return to_read(stored)
    now = utc_now()
    consequences = {
        "actor": actor,
        "action": action,
        "at": now,
        "details": {
            key: {"from": before[key], "to": after[key]} for key in after if after[key] != before[key]
        },
        "claims": claims_for(changed),
    }
    changes = after | {"updated_at": now}

    async def advance() -> bool:
        return await versioning.advance(
            Account.get_pymongo_collection(),
            stored.id,
            from_version=stored.version,
            changes=changes,
            consequences=consequences,
        )

    if _removes_an_admin(stored, changed):
        async with leases.exclusive(_LAST_ADMIN_LEASE):
            if await _other_enabled_admins(stored.id) == 0:
                raise ConflictError(
                    "This is the last enabled admin: grant the role to someone else before removing it.",
                    code="last_admin",
                )
            moved = await advance()
    else:
        moved = await advance()
    if not moved:
        raise versioning.LostRaceError(
            "The account changed at the same moment; retry.", code="version_conflict"
        )
    version = stored.version + 1
    await _carry_out(stored.id, {**consequences, "version": version}, identity)
    await versioning.finish(Account.get_pymongo_collection(), stored.id, version=version)
    return to_read(await get_account(uid=stored.id))


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
        account.districts = await places.district_codes_or_raise("body.districts", scope.districts)
    if scope.constituency is not None:
        if Role.MP not in account.roles:
            raise invalid_field(
                "body.constituency", "scope_not_applicable", "a constituency applies only to the mp role"
            )
        account.constituency = await places.constituency_or_raise("body.constituency", scope.constituency)


def _check_scope_complete(account: Account) -> None:
    if account.has_any_role(DISTRICT_SCOPED_ROLES) and not account.districts:
        raise invalid_field(
            "body.districts", "missing", "field_officer and supervisor need at least one district"
        )
    if Role.MP in account.roles and account.constituency is None:
        raise invalid_field("body.constituency", "missing", "an mp needs exactly one constituency")


@versioning.replaying
async def grant_role(
    *, actor: str, uid: str, role: Role, grant: RoleGrant, identity: FirebaseAuth
) -> AccountRead:
    """Give a role with its scope; granting a role already held with the same scope changes nothing."""
    stored = await _load(uid, identity)
    changed = stored.model_copy(deep=True)
    if role not in changed.roles:
        changed.roles = [*changed.roles, role]
    await _apply_scope(changed, grant)
    _check_scope_complete(changed)
    return await _commit(
        actor=actor, stored=stored, changed=changed, action="account.role_granted", identity=identity
    )


@versioning.replaying
async def revoke_role(*, actor: str, uid: str, role: Role, identity: FirebaseAuth) -> AccountRead:
    """Take a role away, and the scope that only it needed; revoking a role not held changes nothing."""
    stored = await _load(uid, identity)
    changed = stored.model_copy(deep=True)
    changed.roles = [held for held in changed.roles if held != role]
    if not changed.has_any_role(DISTRICT_SCOPED_ROLES):
        changed.districts = []
    if Role.MP not in changed.roles:
        changed.constituency = None
    return await _commit(
        actor=actor, stored=stored, changed=changed, action="account.role_revoked", identity=identity
    )


@versioning.replaying
async def set_scope(*, actor: str, uid: str, scope: ScopeUpdate, identity: FirebaseAuth) -> AccountRead:
    """Change the districts or constituency of an account's roles."""
    stored = await _load(uid, identity)
    changed = stored.model_copy(deep=True)
    await _apply_scope(changed, scope)
    return await _commit(
        actor=actor, stored=stored, changed=changed, action="account.scope_changed", identity=identity
    )


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


@versioning.replaying
async def _set_disabled(*, actor: str, uid: str, disabled: bool, identity: FirebaseAuth) -> AccountRead:
    stored = await _load(uid, identity)
    changed = stored.model_copy(update={"disabled": disabled})
    action = "account.disabled" if disabled else "account.enabled"
    return await _commit(actor=actor, stored=stored, changed=changed, action=action, identity=identity)


@versioning.replaying
async def bootstrap_admin(*, uid: str, email: str | None, identity: FirebaseAuth) -> AccountRead:
    """Make the first admin (from the command line); safe to run again."""
    await account_for_token(uid=uid, email=email)
    stored = await _load(uid, identity)
    changed = stored.model_copy(deep=True)
    if Role.ADMIN not in changed.roles:
        changed.roles = [*changed.roles, Role.ADMIN]
    changed.disabled = False
    return await _commit(
        actor="system:bootstrap",
        stored=stored,
        changed=changed,
        action="account.role_granted",
        identity=identity,
    )
