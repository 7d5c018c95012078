"""Editors' console pages for alert campaigns: the list with the four-eyes queue, the composer (live reach
and payload size), a review before sending, and a campaign's page with confirm, cancel and live progress.
Every rule is the API's: the same campaign service (checks, idempotent create, four eyes, audit)."""

import uuid
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from backend.accounts.models import Account
from backend.alerts import campaigns
from backend.console import campaign_forms, pages
from backend.console.campaign_forms import ComposerForm
from backend.console.guards import CsrfChecked, EditorStaff
from backend.core.clock import pakistan_time, utc_now
from backend.core.errors import ConflictError, ValidationFailedError
from backend.core.pagination import PageParams
from schemas.alerts import AgeBand, CampaignRead, CampaignStatus, LinkKind, Priority
from schemas.events import Topic
from schemas.youth import Gender, Language

router = APIRouter(prefix="/console/campaigns", include_in_schema=False)

Composer = Annotated[ComposerForm, Form()]
CAMPAIGNS_SHOWN = 100
QUEUE_SHOWN = 50
# A campaign's page fetches its state again every 2 s while it goes out, and from a minute before it is due.
POLL_BEFORE_DUE = timedelta(minutes=1)
_CANCELLABLE = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.AWAITING_CONFIRMATION})


@router.get("", response_class=HTMLResponse)
async def campaign_list(request: Request, editor: EditorStaff) -> Response:
    """Every campaign with its status, newest first, and the emergencies waiting for a second editor."""
    queue = await campaigns.awaiting_confirmation(page=PageParams(limit=QUEUE_SHOWN, offset=0))
    listed = await campaigns.list_campaigns(page=PageParams(limit=CAMPAIGNS_SHOWN, offset=0))
    return pages.render(
        request,
        "campaigns.html",
        account=editor,
        queue=queue.items,
        campaigns=listed.items,
        total=listed.total,
        when=pakistan_time,
    )


@router.get("/new", response_class=HTMLResponse)
async def composer(request: Request, editor: EditorStaff) -> Response:
    """The composer: places and people, the text per language, priority, time and link; a fresh key."""
    return pages.render(
        request,
        "campaign_new.html",
        account=editor,
        # One key per rendered form: posting it twice (a double click, a retry) is one campaign.
        key=uuid.uuid4().hex,
        pickers=await campaign_forms.place_pickers(),
        text_languages=campaign_forms.TEXT_LANGUAGES,
        languages=list(Language),
        age_bands=list(AgeBand),
        genders=list(Gender),
        interests=list(Topic),
        priorities=list(Priority),
        link_kinds=list(LinkKind),
    )


@router.post("/new/reach", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def reach(request: Request, editor: EditorStaff, form: Composer) -> Response:
    """How many people and devices the audience reaches now, counted as the API's preview counts them."""
    try:
        audience = campaign_forms.audience_of(form)
        counted = await campaigns.preview(audience=audience, priority=form.priority)
    except ValidationFailedError as refused:
        # Still being written: say what is missing in place, not as a refused write.
        return pages.render(
            request, "_campaign_reach.html", account=editor, preview=None, problems=refused.errors or []
        )
    return pages.render(request, "_campaign_reach.html", account=editor, preview=counted, problems=[])


@router.post("/new/payload", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def payload(request: Request, editor: EditorStaff, form: Composer) -> Response:
    """The bytes of the fullest push the text makes against FCM's limit; over it, the review is disabled."""
    push = campaigns.payload_use(
        title=form.texts("title"),
        body=form.texts("body"),
        priority=form.priority,
        link=form.link(),
        audience=form.audience(),
    )
    return pages.render(request, "_campaign_payload.html", account=editor, push=push)


@router.post("/new/review", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def review(request: Request, editor: EditorStaff, form: Composer) -> Response:
    """The alert checked as the API would store it, with whom it reaches now: confirm to send or schedule."""
    write = campaign_forms.write_of(form)
    drafted, counted = await campaigns.review(actor=editor.id, write=write)
    return pages.render(
        request,
        "_campaign_review.html",
        account=editor,
        campaign=drafted,
        preview=counted,
        send_at=pakistan_time(drafted.send_at),
        now=write.send_at is None,
        digest=campaign_forms.reviewed_digest(form, write),
    )


@router.post("", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def create(request: Request, editor: EditorStaff, form: Composer) -> Response:
    """Send or schedule the alert as reviewed; the same form posted again is the same campaign."""
    write = campaign_forms.write_of(form)
    if form.reviewed != campaign_forms.reviewed_digest(form, write):
        raise ConflictError("The alert changed after its review: review it again.", code="review_outdated")
    stored, _ = await campaigns.create(actor=editor.id, key=form.idempotency_key, write=write)
    response = pages.render(request, "_campaign_created.html", account=editor, campaign=stored)
    response.headers["HX-Redirect"] = f"/console/campaigns/{stored.id}"
    return response


def _state(editor: Account, campaign: CampaignRead) -> dict[str, Any]:
    """What the state panel shows: the figures, which buttons this editor has, whether it polls."""
    due_soon = campaign.send_at <= utc_now() + POLL_BEFORE_DUE
    return {
        "account": editor,
        "campaign": campaign,
        "own": campaign.created_by == editor.id,
        "cancellable": campaign.status in _CANCELLABLE,
        "polling": campaign.status is CampaignStatus.SENDING
        or (campaign.status is CampaignStatus.SCHEDULED and due_soon),
        "send_at": pakistan_time(campaign.send_at),
    }


@router.get("/{campaign_id}", response_class=HTMLResponse)
async def campaign_page(request: Request, editor: EditorStaff, campaign_id: UUID) -> Response:
    """One campaign: its text and audience, its state with confirm or cancel, and its live progress."""
    campaign = await campaigns.get(campaign_id=str(campaign_id))
    return pages.render(request, "campaign.html", **_state(editor, campaign))


@router.get("/{campaign_id}/progress", response_class=HTMLResponse)
async def progress(request: Request, editor: EditorStaff, campaign_id: UUID) -> Response:
    """A campaign's state and delivery figures, fetched again every 2 s while it goes out."""
    campaign = await campaigns.get(campaign_id=str(campaign_id))
    return pages.render(request, "_campaign_state.html", **_state(editor, campaign))


@router.post("/{campaign_id}/confirm", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def confirm(request: Request, editor: EditorStaff, campaign_id: UUID) -> Response:
    """Confirm another editor's emergency alert (four eyes: never one's own); answers its new state."""
    confirmed = await campaigns.confirm(actor=editor.id, campaign_id=str(campaign_id))
    return pages.render(request, "_campaign_state.html", **_state(editor, confirmed))


@router.post("/{campaign_id}/cancel", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def cancel(request: Request, editor: EditorStaff, campaign_id: UUID) -> Response:
    """Cancel a campaign that has not started sending; answers its new state."""
    cancelled = await campaigns.cancel(actor=editor.id, campaign_id=str(campaign_id))
    return pages.render(request, "_campaign_state.html", **_state(editor, cancelled))
