"""An account per Firebase uid, created the first time we see a valid token for it."""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from schemas.accounts import Role

STAFF_ROLES = frozenset({Role.FIELD_OFFICER, Role.SUPERVISOR, Role.MP, Role.EDITOR, Role.ADMIN})
DISTRICT_SCOPED_ROLES = frozenset({Role.FIELD_OFFICER, Role.SUPERVISOR})


class Account(Document):
    id: str  # type: ignore[assignment]  # the Firebase uid
    email: str | None = None
    roles: list[Role] = Field(default_factory=list)
    # District codes: the capture scope of field officers and supervisors.
    districts: list[str] = Field(default_factory=list)
    constituency: str | None = None  # the one constituency an MP sees
    disabled: bool = False
    claims_synced: bool = True
    # Sign-ins issued before this moment are refused (set by our own sign-out; accounts/revocation.py).
    tokens_valid_after: datetime | None = None
    # The language the person reads the staff console in ("en" or "ur"), kept with them, not the browser.
    console_language: str | None = None
    # Changed by compare-and-set (core/versioning.py); 0 for an account stored before versioning.
    version: int = 0
    pending_change: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "accounts"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("roles", ASCENDING)], name="roles"),
            IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)], name="created"),
        ]

    @property
    def is_staff(self) -> bool:
        return bool(STAFF_ROLES & set(self.roles))

    def has_any_role(self, roles: frozenset[Role]) -> bool:
        return bool(roles & set(self.roles))
