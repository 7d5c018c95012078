"""Offset pagination: a capped limit, an explicit and stable order, and one `paginate` for every list."""

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from beanie import Document
from fastapi import Depends, Query
from pydantic import BaseModel

from schemas.common import Page

T = TypeVar("T")

MAX_PAGE_SIZE = 500
# Deeper than any list we hold; bounded so a huge offset is a 422, not an overflow in the driver.
MAX_OFFSET = 1_000_000


class PageParams(BaseModel):
    limit: int
    offset: int


async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Pagination = Annotated[PageParams, Depends(_page_params)]


async def total_count(document: type[Document], query: Mapping[str, Any]) -> int:
    """How many documents match `query`; unfiltered, the collection's own count (MongoDB scans nothing)."""
    if not query:
        return await document.get_pymongo_collection().estimated_document_count()
    return await document.find(dict(query)).count()


async def paginate(
    document: type[Document],
    query: Mapping[str, Any],
    *,
    sort: Sequence[tuple[str, int]],
    page: PageParams,
    read: Callable[[dict[str, Any]], T],
    projection: Mapping[str, Any] | None = None,
) -> Page[T]:
    """One page of `document`s matching `query` in `sort` order (end it with `_id`, so pages are stable),
    each stored document (as a dict, `projection` applied) turned into its contract model by `read`.

    A page that is not full and not past the end tells the total itself: counting is skipped then (most
    people's inboxes and lists fit on one page)."""
    cursor = document.get_pymongo_collection().find(
        dict(query),
        dict(projection) if projection else None,
        sort=list(sort),
        skip=page.offset,
        limit=page.limit,
    )
    items = [read(stored) async for stored in cursor]
    if len(items) < page.limit and (items or page.offset == 0):
        total = page.offset + len(items)
    else:
        total = await total_count(document, query)
    return Page[T](items=items, total=total, limit=page.limit, offset=page.offset)
