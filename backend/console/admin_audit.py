"""Admins' console page of the audit log: the API's read (`GET /v1/admin/audit`), newest first, with its
filters (actor, action, resource type and id, a range of Pakistan days) and previous/next pages. It shows
what the API shows, and nothing can edit or delete an entry."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from backend.audit import service as audit
from backend.console import pages
from backend.console.guards import Admin
from backend.core.clock import PAKISTAN, pakistan_time
from backend.core.errors import invalid_field
from backend.core.pagination import MAX_OFFSET, PageParams
from schemas.audit import AuditEntryRead

router = APIRouter(prefix="/console/admin", include_in_schema=False)

ENTRIES_SHOWN = 50
# A date input's value, or nothing (an empty field of the filter form).
DAY = r"^(\d{4}-\d{2}-\d{2})?$"


def _start_of(field: str, day: str) -> datetime | None:
    """Midnight in Pakistan at the start of `day` (YYYY-MM-DD), in UTC; None for an empty field."""
    if not day:
        return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise invalid_field(f"query.{field}", "date_format", "not a date like 2026-01-31") from None
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=PAKISTAN).astimezone(UTC)


def _row(entry: AuditEntryRead) -> dict[str, Any]:
    # Details are shown as JSON text (escaped by the template), exactly the API's members.
    details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True, default=str)
    return {"entry": entry, "at": pakistan_time(entry.at), "details": details if entry.details else ""}


@router.get("/audit", response_class=HTMLResponse)
async def audit_log(
    request: Request,
    admin: Admin,
    actor: Annotated[str, Query(max_length=128)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    resource_type: Annotated[str, Query(max_length=64)] = "",
    resource_id: Annotated[str, Query(max_length=128)] = "",
    since: Annotated[str, Query(pattern=DAY, description="From this Pakistan day (inclusive).")] = "",
    until: Annotated[str, Query(pattern=DAY, description="To this Pakistan day (inclusive).")] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """The audit log, newest first, filtered as the API filters it, a page at a time."""
    last_day = _start_of("until", until)
    listed = await audit.list_entries(
        page=PageParams(limit=ENTRIES_SHOWN, offset=offset),
        actor=actor.strip() or None,
        action=action.strip() or None,
        resource_type=resource_type.strip() or None,
        resource_id=resource_id.strip() or None,
        since=_start_of("since", since),
        until=last_day + timedelta(days=1) if last_day else None,
    )
    filters = {
        "actor": actor.strip(),
        "action": action.strip(),
        "resource_type": resource_type.strip(),
        "resource_id": resource_id.strip(),
        "since": since,
        "until": until,
    }
    return pages.render(
        request,
        "admin_audit.html",
        account=admin,
        rows=[_row(entry) for entry in listed.items],
        filters=filters,
        pager=pages.pager(request, listed, filters),
    )
