"""The filters of event lists, and the check-in code signer.

The dependencies are `async def` although they do not await: FastAPI runs a plain `def` dependency in
a worker thread, a hop that costs more than what they do.
"""

from typing import Annotated

from fastapi import Depends, Query, Request

from backend.events.checkin_codes import CheckinSigner
from schemas.common import SaneDatetime
from schemas.events import EventFilter, EventKind, EventStatus, ReviewStatus


async def event_filters(
    district: Annotated[str | None, Query(max_length=64, description="District code, name or alias.")] = None,
    constituency: Annotated[str | None, Query(max_length=16, description="Constituency code.")] = None,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    review: Annotated[
        ReviewStatus | None, Query(description="E.g. `pending`: reports awaiting a supervisor's review.")
    ] = None,
    starts_from: Annotated[
        SaneDatetime | None, Query(alias="from", description="Starting at or after (2000 to 2100).")
    ] = None,
    starts_before: Annotated[
        SaneDatetime | None, Query(alias="to", description="Starting before (2000 to 2100).")
    ] = None,
) -> EventFilter:
    """The filters shared by the event list and the CSV export."""
    return EventFilter(
        district=district,
        constituency=constituency,
        kind=kind,
        status=status,
        review=review,
        starts_from=starts_from,
        starts_before=starts_before,
    )


Filters = Annotated[EventFilter, Depends(event_filters)]


async def get_checkin_signer(request: Request) -> CheckinSigner:
    signer: CheckinSigner = request.app.state.checkin_signer
    return signer


Signer = Annotated[CheckinSigner, Depends(get_checkin_signer)]
