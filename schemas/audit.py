"""The append-only audit log, as admins read it."""

from datetime import datetime
from typing import Any

from pydantic import Field

from schemas.common import ContractModel


class AuditEntryRead(ContractModel):
    id: str
    at: datetime
    actor: str = Field(description="uid of who acted, or `system:<name>` for scripts.")
    action: str = Field(description="What happened, e.g. `account.role_granted`.")
    resource_type: str
    resource_id: str
    request_id: str | None
    details: dict[str, Any]
