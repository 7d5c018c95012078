"""Editors' alert campaigns: write, preview, confirm (four eyes), cancel, and their statistics."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from backend.accounts.dependencies import Editor, EditorOnly
from backend.alerts import campaigns
from backend.core.dependencies import IdempotencyKey
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, VALIDATION_FAILED, Responses
from schemas.alerts import Audience, AudiencePreview, CampaignRead, CampaignWrite, Priority
from schemas.common import Page

router = APIRouter(
    prefix="/editorial/campaigns",
    tags=["alerts"],
    dependencies=[EditorOnly],
    responses=AUTH_ERRORS | VALIDATION_FAILED,
)

REPLAYED: Responses = {200: {"model": CampaignRead, "description": "A retry: the campaign this key created."}}


@router.post(
    "",
    response_model=CampaignRead,
    status_code=201,
    responses=REPLAYED | CONFLICT,
)
async def create_campaign(
    editor: Editor, campaign: CampaignWrite, idempotency_key: IdempotencyKey, response: Response
) -> CampaignRead:
    """Write a campaign: scheduled, or awaiting a second editor for an emergency to several provinces."""
    stored, created = await campaigns.create(actor=editor.id, key=idempotency_key, write=campaign)
    response.status_code = 201 if created else 200
    return stored


@router.get("", response_model=Page[CampaignRead], status_code=200)
async def list_campaigns(page: Pagination) -> Page[CampaignRead]:
    """List campaigns, newest first."""
    return await campaigns.list_campaigns(page=page)


@router.post("/preview", response_model=AudiencePreview, status_code=200)
async def preview_audience(
    audience: Audience,
    priority: Annotated[
        Priority, Query(description="Emergency alerts also reach people who stopped alerts.")
    ] = Priority.NORMAL,
) -> AudiencePreview:
    """Count exactly the people and devices an audience reaches now, before sending."""
    return await campaigns.preview(audience=audience, priority=priority)


@router.get("/{campaign_id}", response_model=CampaignRead, status_code=200, responses=NOT_FOUND)
async def get_campaign(campaign_id: UUID) -> CampaignRead:
    """Read a campaign with its delivery statistics."""
    return await campaigns.get(campaign_id=str(campaign_id))


@router.post(
    "/{campaign_id}/confirm", response_model=CampaignRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def confirm_campaign(editor: Editor, campaign_id: UUID) -> CampaignRead:
    """Confirm another editor's emergency alert to several provinces (four eyes); it is then scheduled."""
    return await campaigns.confirm(actor=editor.id, campaign_id=str(campaign_id))


@router.post(
    "/{campaign_id}/cancel", response_model=CampaignRead, status_code=200, responses=NOT_FOUND | CONFLICT
)
async def cancel_campaign(editor: Editor, campaign_id: UUID) -> CampaignRead:
    """Cancel a campaign that has not started sending; cancelling again changes nothing."""
    return await campaigns.cancel(actor=editor.id, campaign_id=str(campaign_id))
