"""Offset pagination for reference lists: a capped limit and an explicit, stable order."""

from collections.abc import Mapping
from typing import Annotated, Any

from beanie import Document
from fastapi import Depends, Query
from pydantic import BaseModel

MAX_PAGE_SIZE = 500
# Deeper than any list we hold; bounded so a huge offset is a 422, not an overflow in the driver.
MAX_OFFSET = 1_000_000


class PageParams(BaseModel):
    limit: int
    offset: int


def _page_params(
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
