"""Who may touch events, and the filters of their lists.

The dependencies are `async def` although they do not await: FastAPI runs a plain `def` dependency in
a worker thread, a hop that costs more than what they do.
"""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from backend.accounts.dependencies import RequireRole
from backend.accounts.models import Account
from backend.events.checkin_codes import CheckinSigner
from schemas.accounts import Role
from schemas.events import EventFilter, EventKind, EventStatus

FieldStaff = Annotated[Account, Depends(RequireRole(Role.FIELD_OFFICER, Role.SUPERVISOR))]
Supervisor = Annotated[Account, Depends(RequireRole(Role.SUPERVISOR))]
Youth = Annotated[Account, Depends(RequireRole(Role.YOUTH))]


async def event_filters(
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


async def get_checkin_signer(request: Request) -> CheckinSigner:
    signer: CheckinSigner = request.app.state.checkin_signer
    return signer


Signer = Annotated[CheckinSigner, Depends(get_checkin_signer)]
