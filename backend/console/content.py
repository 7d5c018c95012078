"""The editors' content pages: the working copies with filters, an item's form with a live preview of
its body as the app will show it, and saving (with the version the page was loaded at, so a stale page
gets a conflict, never a silent overwrite). Every rule is the content service's, as the API's routes use
it; the workflow steps and revisions are in content_workflow.py."""

import uuid
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from backend.console import content_forms, content_text, pages
from backend.console.content_forms import Blankable, BodiesForm, ContentForm
from backend.console.guards import CsrfChecked, EditorStaff
from backend.content import reads, service
from backend.core.clock import pakistan_time
from backend.core.pagination import MAX_OFFSET, PageParams
from schemas.content import ContentKind, ContentRead, ContentStatus
from schemas.events import Topic
from schemas.youth import Language

router = APIRouter(prefix="/console/content", include_in_schema=False)

PAGE_SIZE = 50
# What each status lets an editor do next (the service refuses anything else all the same).
STEPS: dict[ContentStatus, tuple[str, ...]] = {
    ContentStatus.DRAFT: ("submit", "archive"),
    ContentStatus.IN_REVIEW: ("publish", "schedule", "return-to-draft", "archive"),
    ContentStatus.SCHEDULED: ("publish", "schedule", "return-to-draft", "archive"),
    ContentStatus.PUBLISHED: ("archive",),
    ContentStatus.ARCHIVED: ("return-to-draft",),
}


class ContentFilters(BaseModel):
    """The list's filters, as its form sends them (an empty choice is no filter)."""

    model_config = ConfigDict(extra="ignore")

    status: Annotated[ContentStatus | None, Blankable] = None
    kind: Annotated[ContentKind | None, Blankable] = None
    topic: Annotated[Topic | None, Blankable] = None
    language: Annotated[Language | None, Blankable] = None
    q: str = Field(default="", max_length=100)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


async def workflow(item: ContentRead) -> dict[str, Any]:
    """What the workflow panel shows of an item: its status, the steps it allows, its revisions."""
    return {
        "item": item,
        "steps": STEPS[item.status],
        "publish_at": pakistan_time(item.publish_at) if item.publish_at else None,
        "revisions": [
            {"number": revision.revision, "title": revision.title, "at": pakistan_time(revision.published_at)}
            for revision in await reads.revisions(item_id=UUID(item.id))
        ],
    }


async def editor_context(item_id: str, item: ContentRead | None) -> dict[str, Any]:
    """Everything the item's form, workflow panel and revisions need."""
    shown = content_forms.values(item)
    return {
        "item_id": item_id,
        "item": item,
        "values": shown,
        "languages": list(Language),
        "kinds": list(ContentKind),
        "previews": {
            lang: content_text.preview(shown[f"body_{lang.value}"])
            for lang in Language
            if shown.get(f"body_{lang.value}")
        },
        **(await workflow(item) if item else {}),
    }


@router.get("", response_class=HTMLResponse)
async def content_list(
    request: Request, editor: EditorStaff, filters: Annotated[ContentFilters, Query()]
) -> Response:
    """The working copies, most recently changed first, filtered by status, kind, topic, language, title."""
    listed = await reads.list_items(
        status=filters.status,
        kind=filters.kind,
        topic=filters.topic,
        language=filters.language,
        title_words=filters.q.strip() or None,
        page=PageParams(limit=PAGE_SIZE, offset=filters.offset),
    )
    return pages.render(
        request,
        "content_list.html",
        account=editor,
        listed=listed,
        changed={row.id: pakistan_time(row.updated_at) for row in listed.items},
        filters=filters,
        pager=pages.pager(request, listed, filters.model_dump(mode="json", exclude={"offset"})),
        statuses=list(ContentStatus),
        kinds=list(ContentKind),
        languages=list(Language),
    )


@router.get("/new", response_class=HTMLResponse)
async def new_item(request: Request, editor: EditorStaff) -> Response:
    """An empty item form; the item exists once it is first saved."""
    context = await editor_context(str(uuid.uuid4()), None)
    return pages.render(request, "content_edit.html", account=editor, **context)


@router.post("/preview", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def preview_body(
    request: Request, editor: EditorStaff, bodies: Annotated[BodiesForm, Form()], lang: Language
) -> Response:
    """A body as the app will show it: sanitised as saving does, rendered with HTML off."""
    shown = content_text.preview(bodies.body(lang))
    return pages.render(request, "_content_preview.html", account=editor, preview=shown)


@router.get("/{item_id}", response_class=HTMLResponse)
async def edit_item(request: Request, editor: EditorStaff, item_id: UUID) -> Response:
    """An item's form with its preview, workflow buttons and published revisions."""
    item = await reads.get(item_id=item_id)
    context = await editor_context(str(item_id), item)
    return pages.render(request, "content_edit.html", account=editor, **context)


@router.post("/{item_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def save_item(
    request: Request, editor: EditorStaff, item_id: UUID, form: Annotated[ContentForm, Form()]
) -> Response:
    """Create or change an item; the version the form was loaded at must still be the item's."""
    write = content_forms.to_write(form)
    item, created = await service.save(actor=editor.id, item_id=item_id, write=write, if_match=form.version)
    context = await editor_context(str(item_id), item)
    response = pages.render(request, "_content_editor.html", account=editor, **context)
    if created:
        response.headers["HX-Push-Url"] = f"/console/content/{item_id}"
    return response
