"""Content: what the app reads (public: sync feed, items, list, search) and the editors' workflow."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from backend.accounts.dependencies import Editor, EditorOnly
from backend.content import public, reads, service
from backend.content.sync_pages import SyncPages
from backend.core.access import Public
from backend.core.dependencies import IfMatch
from backend.core.http_cache import cached_json
from backend.core.pagination import Pagination
from backend.core.rate_limit import RateLimit
from backend.core.responses import AUTH_ERRORS, NOT_FOUND, NOT_MODIFIED, RATE_LIMITED, Responses
from schemas.common import Page
from schemas.content import (
    ContentCard,
    ContentChangeRead,
    ContentConflict,
    ContentKind,
    ContentPublic,
    ContentRead,
    ContentStatus,
    ContentSummary,
    ContentWrite,
    EditorNote,
    PublishRequest,
    RevisionRead,
    RevisionSummary,
    SearchResults,
    SyncPage,
)
from schemas.events import Topic
from schemas.youth import Language

router = APIRouter(prefix="/content", tags=["content"], dependencies=[Public])

Lang = Annotated[Language, Query(description="Language to serve; falls back to Urdu, then English.")]
RevisionNumber = Annotated[int, Path(ge=1, le=1_000_000, description="A published revision: 1, 2, 3 ...")]
DistrictFilter = Annotated[
    str | None, Query(max_length=64, description="Only what applies to this district (code, name or alias).")
]


@router.get("/sync", response_model=SyncPage, status_code=200, responses=NOT_MODIFIED)
async def sync_content(
    request: Request,
    lang: Lang = Language.URDU,
    district: DistrictFilter = None,
    since: Annotated[
        str | None, Query(max_length=64, description="The cursor of the last sync; omit the first time.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Most entries per page.")] = 200,
) -> Response:
    """Changes since the cursor: items to store and tombstones, each item once, oldest first."""
    pages: SyncPages = request.app.state.sync_pages
    return (await pages.page(since=since, lang=lang, district=district, limit=limit)).response(request)


@router.get(
    "/search",
    response_model=SearchResults,
    status_code=200,
    responses=NOT_MODIFIED | RATE_LIMITED,
    dependencies=[Depends(RateLimit("search"))],
)
async def search_content(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find, in any language.")],
    lang: Lang = Language.URDU,
    district: DistrictFilter = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response:
    """Search live items by words of their title, summary and body; the caller's language first."""
    return cached_json(request, await public.search(q=q, lang=lang, district=district, limit=limit))


@router.get("", response_model=Page[ContentCard], status_code=200, responses=NOT_MODIFIED)
async def list_content(
    request: Request,
    page: Pagination,
    lang: Lang = Language.URDU,
    district: DistrictFilter = None,
    topic: Topic | None = None,
    kind: ContentKind | None = None,
) -> Response:
    """List live items, newest first."""
    cards = await public.list_live(lang=lang, district=district, topic=topic, kind=kind, page=page)
    return cached_json(request, cards)


@router.get("/{item_id}", response_model=ContentPublic, status_code=200, responses=NOT_FOUND | NOT_MODIFIED)
async def read_content(request: Request, item_id: UUID, lang: Lang = Language.URDU) -> Response:
    """Read one live item in the caller's language."""
    return cached_json(request, await public.read(item_id=str(item_id), lang=lang))


# A 409 of the workflow: a step the item's status does not allow, a busy feed, or a version conflict,
# which carries the working copy as it is now (`current`, `current_version`) to merge with.
CONFLICT: Responses = {
    409: {
        "model": ContentConflict,
        "description": "Conflicts with the current state; a version conflict carries the working copy.",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ContentConflict"}}},
    }
}


editorial_router = APIRouter(
    prefix="/editorial/content",
    tags=["editorial"],
    dependencies=[EditorOnly],
    responses=AUTH_ERRORS | NOT_FOUND,
)


def _with_etag(response: Response, item: ContentRead) -> ContentRead:
    response.headers["ETag"] = f'"{item.version}"'
    return item


@editorial_router.get("", response_model=Page[ContentSummary], status_code=200)
async def list_working_copies(
    page: Pagination,
    status: ContentStatus | None = None,
    kind: ContentKind | None = None,
    topic: Topic | None = None,
) -> Page[ContentSummary]:
    """List working copies, most recently changed first."""
    return await reads.list_items(status=status, kind=kind, topic=topic, page=page)


@editorial_router.put(
    "/{item_id}",
    response_model=ContentRead,
    status_code=200,
    responses={201: {"model": ContentRead, "description": "Created."}, **CONFLICT},
)
async def save_content(
    editor: Editor, item_id: UUID, item: ContentWrite, response: Response, if_match: IfMatch
) -> ContentRead:
    """Create or change a working copy by the id the client generated; identical saves change nothing."""
    stored, created = await service.save(actor=editor.id, item_id=item_id, write=item, if_match=if_match)
    response.status_code = 201 if created else 200
    return _with_etag(response, stored)


@editorial_router.get("/{item_id}", response_model=ContentRead, status_code=200)
async def get_working_copy(item_id: UUID, response: Response) -> ContentRead:
    """Read a working copy; its ETag is the version to send as If-Match."""
    return _with_etag(response, await reads.get(item_id=item_id))


@editorial_router.post("/{item_id}/submit", response_model=ContentRead, status_code=200, responses=CONFLICT)
async def submit_content(
    editor: Editor, item_id: UUID, response: Response, if_match: IfMatch, body: EditorNote | None = None
) -> ContentRead:
    """Send a draft for review; it must meet everything publishing needs."""
    note = body.note if body else None
    return _with_etag(
        response, await service.submit(actor=editor.id, item_id=item_id, if_match=if_match, note=note)
    )


@editorial_router.post(
    "/{item_id}/return-to-draft", response_model=ContentRead, status_code=200, responses=CONFLICT
)
async def return_content_to_draft(
    editor: Editor, item_id: UUID, response: Response, if_match: IfMatch, body: EditorNote | None = None
) -> ContentRead:
    """Send an item in review, scheduled or archived back to draft."""
    note = body.note if body else None
    item = await service.return_to_draft(actor=editor.id, item_id=item_id, if_match=if_match, note=note)
    return _with_etag(response, item)


@editorial_router.post("/{item_id}/publish", response_model=ContentRead, status_code=200, responses=CONFLICT)
async def publish_content(
    editor: Editor, item_id: UUID, response: Response, if_match: IfMatch, body: PublishRequest | None = None
) -> ContentRead:
    """Publish a reviewed item now, or at `publish_at`; phones get it on their next sync."""
    at = body.publish_at if body else None
    item = await service.publish(actor=editor.id, item_id=item_id, if_match=if_match, publish_at=at)
    return _with_etag(response, item)


@editorial_router.post("/{item_id}/archive", response_model=ContentRead, status_code=200, responses=CONFLICT)
async def archive_content(
    editor: Editor, item_id: UUID, response: Response, if_match: IfMatch, body: EditorNote | None = None
) -> ContentRead:
    """Unpublish and archive an item; phones drop it on their next sync."""
    note = body.note if body else None
    return _with_etag(
        response, await service.archive(actor=editor.id, item_id=item_id, if_match=if_match, note=note)
    )


@editorial_router.delete("/{item_id}", status_code=204, responses=CONFLICT)
async def delete_content(editor: Editor, item_id: UUID) -> Response:
    """Delete an item; phones drop it, and its revisions and history are kept."""
    await service.delete(actor=editor.id, item_id=item_id)
    return Response(status_code=204)


@editorial_router.get("/{item_id}/revisions", response_model=list[RevisionSummary], status_code=200)
async def list_revisions(item_id: UUID) -> list[RevisionSummary]:
    """List every published revision of an item."""
    return await reads.revisions(item_id=item_id)


@editorial_router.get("/{item_id}/revisions/{revision}", response_model=RevisionRead, status_code=200)
async def get_revision(item_id: UUID, revision: RevisionNumber) -> RevisionRead:
    """Read one published revision."""
    return await reads.revision(item_id=item_id, revision=revision)


@editorial_router.post(
    "/{item_id}/revisions/{revision}/restore", response_model=ContentRead, status_code=200, responses=CONFLICT
)
async def restore_revision(
    editor: Editor, item_id: UUID, revision: RevisionNumber, response: Response, if_match: IfMatch
) -> ContentRead:
    """Copy a published revision into the working copy, as a draft."""
    item = await service.restore(actor=editor.id, item_id=item_id, revision=revision, if_match=if_match)
    return _with_etag(response, item)


@editorial_router.get("/{item_id}/history", response_model=list[ContentChangeRead], status_code=200)
async def content_history(item_id: UUID) -> list[ContentChangeRead]:
    """Every step of an item: who, when, what."""
    return await reads.history(item_id=item_id)
