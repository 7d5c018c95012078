"""The editors' workflow buttons (submit, publish, schedule, archive, return to draft) and an item's
published revisions: the differences from the working copy, and restoring one. Each step carries the
version the page showed, as the API's If-Match, and calls the content service as the API's routes do."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.accounts.models import Account
from backend.console import content_forms, content_text, pages
from backend.console.content import workflow
from backend.console.content_forms import Blankable
from backend.console.guards import CsrfChecked, EditorStaff
from backend.content import reads, service
from backend.core.errors import invalid_field
from schemas.content import ContentRead, PublishRequest
from schemas.youth import Language

router = APIRouter(prefix="/console/content/{item_id}", include_in_schema=False)

RevisionNumber = Annotated[int, Path(ge=1, le=1_000_000)]


class StepForm(BaseModel):
    """A workflow button's form: the version the page showed, a note for the other editors, a time."""

    model_config = ConfigDict(extra="ignore")

    version: int = Field(ge=1, le=1_000_000_000)
    note: str = Field(default="", max_length=500)
    publish_at: Annotated[datetime | None, Blankable] = None

    @property
    def note_or_none(self) -> str | None:
        return self.note.strip() or None


Step = Annotated[StepForm, Form()]


async def _panel(request: Request, editor: Account, item: ContentRead) -> Response:
    """The workflow panel after a step, and the item form's version brought up to date with it."""
    return pages.render(
        request, "_content_workflow.html", account=editor, swap_version=True, **await workflow(item)
    )


@router.post("/submit", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def submit_item(request: Request, editor: EditorStaff, item_id: UUID, form: Step) -> Response:
    """Send a draft for review; it must meet everything publishing needs."""
    item = await service.submit(
        actor=editor.id, item_id=item_id, if_match=form.version, note=form.note_or_none
    )
    return await _panel(request, editor, item)


@router.post("/publish", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def publish_item(request: Request, editor: EditorStaff, item_id: UUID, form: Step) -> Response:
    """Publish a reviewed or scheduled item now; phones get it on their next sync."""
    item = await service.publish(actor=editor.id, item_id=item_id, if_match=form.version, publish_at=None)
    return await _panel(request, editor, item)


@router.post("/schedule", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def schedule_item(request: Request, editor: EditorStaff, item_id: UUID, form: Step) -> Response:
    """Publish a reviewed item at the time given (Pakistan time)."""
    if form.publish_at is None:
        raise invalid_field("publish_at", "missing", "choose when to publish")
    try:
        at = PublishRequest(publish_at=content_forms.scheduled_time(form.publish_at)).publish_at
    except ValidationError:
        raise invalid_field(
            "publish_at", "date_out_of_range", "choose a time between 2000 and 2100"
        ) from None
    item = await service.publish(actor=editor.id, item_id=item_id, if_match=form.version, publish_at=at)
    return await _panel(request, editor, item)


@router.post("/archive", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def archive_item(request: Request, editor: EditorStaff, item_id: UUID, form: Step) -> Response:
    """Take an item off the app (phones drop it) and out of the editors' way."""
    item = await service.archive(
        actor=editor.id, item_id=item_id, if_match=form.version, note=form.note_or_none
    )
    return await _panel(request, editor, item)


@router.post("/return-to-draft", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def return_item_to_draft(request: Request, editor: EditorStaff, item_id: UUID, form: Step) -> Response:
    """Send an item in review, scheduled or archived back to draft."""
    item = await service.return_to_draft(
        actor=editor.id, item_id=item_id, if_match=form.version, note=form.note_or_none
    )
    return await _panel(request, editor, item)


@router.get("/revisions/{revision}", response_class=HTMLResponse)
async def revision_diff(
    request: Request, editor: EditorStaff, item_id: UUID, revision: RevisionNumber
) -> Response:
    """A published revision's differences from the working copy, line by line, with a restore button."""
    item = await reads.get(item_id=item_id)
    published = await reads.revision(item_id=item_id, revision=revision)
    old = {lang: text.model_dump() for lang, text in published.translations.items()}
    new = {lang: text.model_dump() for lang, text in item.translations.items()}
    return pages.render(
        request,
        "content_revision.html",
        account=editor,
        item=item,
        revision=published,
        diffs=content_text.translation_diffs(old, new),
        languages=list(Language),
    )


@router.post("/revisions/{revision}/restore", dependencies=[CsrfChecked])
async def restore_revision(
    editor: EditorStaff,
    item_id: UUID,
    revision: RevisionNumber,
    version: Annotated[int, Form(ge=1, le=1_000_000_000)],
) -> Response:
    """Copy a published revision into the working copy, as a draft; the page goes to the item's form."""
    await service.restore(actor=editor.id, item_id=item_id, revision=revision, if_match=version)
    return Response(status_code=200, headers={"HX-Redirect": f"/console/content/{item_id}"})
