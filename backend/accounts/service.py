"""Accounts: first-sight creation and admins' reads (audited). Changes are in changes.py."""

from typing import Any

from pymongo.errors import DuplicateKeyError

from backend.accounts import revocation
from backend.accounts.models import Account
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError
from backend.core.kept_reads import KeptReads
from backend.core.pagination import PageParams, paginate
from schemas.accounts import AccountRead, Role
from schemas.common import Page

# Kept on the account for the service's own use, never part of what an admin reads.
_NOT_READ = {"id", "revision_id", "version", "pending_change", "console_language", "tokens_valid_after"}


def to_read(account: Account) -> AccountRead:
    return AccountRead.model_validate({"uid": account.id, **account.model_dump(exclude=_NOT_READ)})


# Every signed-in request reads its caller's account, and a phone opening the app sends several at once:
# kept for a second (a change made in this process is seen at once; core/kept_reads.py).
CALLER_KEPT_S = 1.0
_callers: KeptReads[str, dict[str, Any] | None] = KeptReads(Account, seconds=CALLER_KEPT_S)


async def account_for_token(*, uid: str, email: str | None) -> Account:
    """The caller's account, created on first sight; concurrent first requests create exactly one."""
    stored = await _callers.get(uid, lambda: Account.get_pymongo_collection().find_one({"_id": uid}))
    if stored is not None:
        account: Account = Account.model_validate(stored)
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
    listed = await paginate(
        Account,
        query,
        sort=[("created_at", 1), ("_id", 1)],
        page=page,
        read=lambda stored: to_read(Account.model_validate(stored)),
    )
    await audit.record(
        actor=actor.id,
        action="account.list",
        resource_type="account",
        resource_id="*",
        details={"role": role.value if role else None, "offset": page.offset, "count": len(listed.items)},
    )
    return listed


async def set_console_language(*, uid: str, language: str) -> None:
    """Remember the language a person chose for the console (a preference: no version, no audit)."""
    await Account.get_pymongo_collection().update_one(
        {"_id": uid}, {"$set": {"console_language": language, "updated_at": utc_now()}}
    )


async def revoke_sign_ins(*, uid: str) -> None:
    """Refuse every ID token and session of `uid` issued until now (after Firebase revoked them too)."""
    await Account.get_pymongo_collection().update_one(
        {"_id": uid}, {"$set": {"tokens_valid_after": revocation.valid_after_now(), "updated_at": utc_now()}}
    )
