"""Accounts: who a signed-in caller is, which roles they hold and where those roles apply."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas.common import ContractModel


class Role(StrEnum):
    YOUTH = "youth"
    FIELD_OFFICER = "field_officer"
    SUPERVISOR = "supervisor"
    MP = "mp"
    EDITOR = "editor"
    ADMIN = "admin"


class AccountRead(ContractModel):
    uid: str = Field(description="Firebase Auth uid.")
    email: str | None
    roles: list[Role]
    districts: list[str] = Field(description="District codes where field staff work (their scope).")
    constituency: str | None = Field(description="The one constituency an MP sees.")
    disabled: bool
    claims_synced: bool = Field(description="False when the last change could not be mirrored to Firebase.")
    created_at: datetime
    updated_at: datetime


class RoleGrant(ContractModel):
    """Scope given with a role: districts for field staff, one constituency for an MP."""

    districts: list[str] | None = Field(
        default=None, max_length=200, description="Required for field_officer and supervisor."
    )
    constituency: str | None = Field(default=None, max_length=16, description="Required for mp.")


class ScopeUpdate(ContractModel):
    districts: list[str] | None = Field(default=None, max_length=200)
    constituency: str | None = Field(default=None, max_length=16)


class StatusUpdate(ContractModel):
    disabled: bool
