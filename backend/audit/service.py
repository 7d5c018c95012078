"""Writing and reading the audit log. There is deliberately no update or delete here."""

import contextlib
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from backend.audit.models import AuditEntry
from backend.core.clock import utc_now
from backend.core.pagination import PageParams, paginate
from backend.core.request_context import current_request_id
from schemas.audit import AuditEntryRead
from schemas.common import Page


async def record(
    *,
    actor: str,
    action: str,
    resource_type: str,
    resource_id: str,
    details: dict[str, Any] | None = None,
    key: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry, stamped with the current time (or `at`) and request id. An entry with a `key`
    (the consequence of a versioned change, carried out again after a crash) is written once."""
    entry = AuditEntry(
        at=at or utc_now(),
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        request_id=current_request_id(),
        details=details or {},
    )
    if key is None:
        await entry.insert()
        return
    entry.id = key
    with contextlib.suppress(DuplicateKeyError):
        await entry.insert()


async def list_entries(
    *,
    page: PageParams,
    actor: str | None = None,
    action: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntryRead]:
    """Newest first; every filter is optional and they combine."""
    query: dict[str, Any] = {}
    for field, value in (
        ("actor", actor),
        ("action", action),
        ("resource_type", resource_type),
        ("resource_id", resource_id),
    ):
        if value is not None:
            query[field] = value
    if since is not None or until is not None:
        query["at"] = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
    return await paginate(AuditEntry, query, sort=[("at", -1), ("_id", -1)], page=page, read=_entry_read)


def _entry_read(stored: dict[str, Any]) -> AuditEntryRead:
    entry_id = str(stored.pop("_id"))
    return AuditEntryRead.model_validate({**stored, "id": entry_id})
