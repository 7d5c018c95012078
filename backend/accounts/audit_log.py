"""The admins' route that reads the audit log (there is none that edits or deletes an entry). It lives with
the other admin routes: audit/ is the log itself, which every feature, accounts included, writes."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.accounts.dependencies import AdminOnly
from backend.audit import service as audit
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS
from schemas.audit import AuditEntryRead
from schemas.common import Page, SaneDatetime

router = APIRouter(prefix="/admin/audit", tags=["audit"], responses=AUTH_ERRORS, dependencies=[AdminOnly])


@router.get("", response_model=Page[AuditEntryRead], status_code=200)
async def list_audit_entries(
    page: Pagination,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    resource_type: Annotated[str | None, Query(max_length=64)] = None,
    resource_id: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[SaneDatetime | None, Query(description="From this time (inclusive).")] = None,
    until: Annotated[SaneDatetime | None, Query(description="Before this time.")] = None,
) -> Page[AuditEntryRead]:
    """Page through the audit log, newest first, filtered by actor, action, resource or time."""
    return await audit.list_entries(
        page=page,
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        since=since,
        until=until,
    )
