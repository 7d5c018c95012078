"""Events: officers' lists and exports (filters inside their districts), upcoming events, check-ins."""

from typing import Any

from backend.accounts import scope
from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import invalid_field
from backend.core.http_cache import Representation
from backend.core.kept_reads import KeptReads
from backend.core.pagination import PageParams, paginate
from backend.events.models import Event
from backend.events.service import local_time, stored_to_read
from backend.geography import places
from schemas.common import Page
from schemas.events import (
    EventFilter,
    EventRead,
    EventStatus,
    UpcomingEventRead,
)


def _to_upcoming(event: Event) -> UpcomingEventRead:
    fields = set(UpcomingEventRead.model_fields) - {"starts_at_local"}
    return UpcomingEventRead.model_validate(
        {**event.model_dump(include=fields), "starts_at_local": local_time(event.starts_at)}
    )


async def _district_filter(value: str) -> str:
    return (await places.district_or_raise("query.district", value)).code


async def _constituency_filter(value: str) -> str:
    return await places.constituency_or_raise("query.constituency", value)


async def list_query(*, actor: Account, filters: EventFilter) -> dict[str, Any]:
    """The filter of an officer's list or export: always inside their districts, never deleted events.

    District and constituency are taken by code, name or alias; an unknown one is a 422, never an empty list.
    """
    wanted = None if filters.district is None else await _district_filter(filters.district)
    districts = scope.covered(actor, [wanted] if wanted is not None else actor.districts)
    query: dict[str, Any] = {"deleted_at": None}
    if len(districts) > 1:
        # One equality per district (not `$in`): each is an index range in start order, merged by MongoDB.
        query["$or"] = [{"district": district} for district in districts]
    else:
        query["district"] = {"$in": districts}  # one district, or none: an empty list
    if filters.constituency is not None:
        query["constituency"] = await _constituency_filter(filters.constituency)
    if filters.kind is not None:
        query["kind"] = filters.kind.value
    if filters.status is not None:
        query["status"] = filters.status.value
    if filters.review is not None:
        query["review"] = filters.review.value
    if filters.starts_from is not None or filters.starts_before is not None:
        query["starts_at"] = {
            **({"$gte": filters.starts_from} if filters.starts_from else {}),
            **({"$lt": filters.starts_before} if filters.starts_before else {}),
        }
    return query


# An officer's list asked again within a second in this process (the app refreshing, a colleague with the
# same districts) is answered as it was, serialised already, unless an event was written here since; an
# event written by another process shows within that second (core/kept_reads.py).
LIST_KEPT_S = 1.0
_kept_lists: KeptReads[tuple[object, ...], Representation] = KeptReads(Event, seconds=LIST_KEPT_S, most=1024)


async def kept_list(*, query: dict[str, Any], newest_first: bool, page: PageParams) -> Representation:
    """`list_events`, serialised, kept for a moment."""

    async def read() -> Representation:
        listed = await list_events(query=query, newest_first=newest_first, page=page)
        return Representation.of(listed, compressed=True)

    # The query is built in one fixed order (list_query), so its text names it.
    return await _kept_lists.get((repr(query), newest_first, page.limit, page.offset), read)


async def list_events(*, query: dict[str, Any], newest_first: bool, page: PageParams) -> Page[EventRead]:
    direction = -1 if newest_first else 1
    return await paginate(
        Event,
        query,
        sort=[("starts_at", direction), ("_id", direction)],
        page=page,
        read=stored_to_read,
    )


async def upcoming(
    *, district: str | None, constituency: str | None, page: PageParams
) -> Page[UpcomingEventRead]:
    """Planned events that have not ended, soonest first: what young people may attend."""
    if (district is None) == (constituency is None):
        raise invalid_field("query.district", "one_of", "give either district or constituency")
    query: dict[str, Any] = {
        "status": EventStatus.PLANNED.value,
        "deleted_at": None,
        "ends_at": {"$gte": utc_now()},
    }
    if district is not None:
        query["district"] = await _district_filter(district)
    else:
        assert constituency is not None
        query["constituency"] = await _constituency_filter(constituency)
    return await paginate(
        Event,
        query,
        sort=[("starts_at", 1), ("_id", 1)],
        page=page,
        read=lambda stored: _to_upcoming(Event.model_validate(stored)),
    )
