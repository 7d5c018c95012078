"""The published topic list, with labels in English and Urdu for the app's pickers."""

from fastapi import APIRouter, Request, Response

from backend.core.access import Public
from backend.core.http_cache import cached_json
from backend.core.responses import NOT_MODIFIED
from backend.topics import service
from schemas.topics import TopicRead

router = APIRouter(prefix="/topics", tags=["topics"], dependencies=[Public])


@router.get("", response_model=list[TopicRead], status_code=200, responses=NOT_MODIFIED)
async def list_topics(request: Request) -> Response:
    """List the topics events, interests and content are tagged with."""
    return cached_json(request, service.list_topics())
