"""Who may touch events, and the If-Match version a phone based its edit on."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from backend.accounts.dependencies import RequireRole
from backend.accounts.models import Account
from backend.core.errors import ValidationFailedError
from backend.events.checkin_codes import CheckinSigner
from schemas.accounts import Role
from schemas.common import FieldProblem
from schemas.events import EventFilter, EventKind, EventStatus

FieldStaff = Annotated[Account, Depends(RequireRole(Role.FIELD_OFFICER, Role.SUPERVISOR))]
Supervisor = Annotated[Account, Depends(RequireRole(Role.SUPERVISOR))]
Youth = Annotated[Account, Depends(RequireRole(Role.YOUTH))]


def if_match_version(
    if_match: Annotated[str | None, Header(description='The event version (its ETag), e.g. `"3"`.')] = None,
) -> int | None:
    """The version in an If-Match header: `"3"`, `W/"3"` or `3`."""
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        problem = FieldProblem(
            field="header.if-match", rule="version", message="If-Match must be an event version"
        )
        raise ValidationFailedError("If-Match must name an event version.", errors=[problem])
    return int(text)


IfMatch = Annotated[int | None, Depends(if_match_version)]


def event_filters(
    district: Annotated[str | None, Query(max_length=64, description="District code.")] = None,
    constituency: Annotated[str | None, Query(max_length=16)] = None,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    starts_from: Annotated[datetime | None, Query(alias="from", description="Starting at or after.")] = None,
    starts_before: Annotated[datetime | None, Query(alias="to", description="Starting before.")] = None,
) -> EventFilter:
    """The filters shared by the event list and the CSV export."""
    return EventFilter(
        district=district,
        constituency=constituency,
        kind=kind,
        status=status,
        starts_from=starts_from,
        starts_before=starts_before,
    )


Filters = Annotated[EventFilter, Depends(event_filters)]


def get_checkin_signer(request: Request) -> CheckinSigner:
    signer: CheckinSigner = request.app.state.checkin_signer
    return signer


Signer = Annotated[CheckinSigner, Depends(get_checkin_signer)]
