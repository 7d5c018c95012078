"""A young person's inbox of alerts, read state, and the app's report that an alert was opened."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from backend.accounts.dependencies import Youth, limited
from backend.alerts.inbox import service
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, NOT_FOUND, NOT_MODIFIED, RATE_LIMITED
from schemas.alerts import NotificationRead
from schemas.common import Page

router = APIRouter(tags=["notifications"], responses=AUTH_ERRORS)

NotificationId = Annotated[
    str,
    Path(min_length=1, max_length=64, pattern="^[0-9A-Za-z-]+$", description="The alert's (campaign's) id."),
]


@router.get(
    "/me/notifications", response_model=Page[NotificationRead], status_code=200, responses=NOT_MODIFIED
)
async def list_notifications(request: Request, youth: Youth, page: Pagination) -> Response:
    """The alerts the caller was sent, newest first, in their language, with read state."""
    return (await service.kept_notifications(account=youth, page=page)).response(request)


@router.put(
    "/me/notifications/{notification_id}/read",
    response_model=NotificationRead,
    status_code=200,
    responses=NOT_FOUND,
)
async def mark_notification_read(youth: Youth, notification_id: NotificationId) -> NotificationRead:
    """Mark one of the caller's alerts read; the first time is kept on repeats."""
    return await service.mark_read(account=youth, campaign_id=notification_id)


@router.post(
    "/notifications/{notification_id}/opened",
    status_code=204,
    dependencies=limited("notification_open"),
    responses=NOT_FOUND | RATE_LIMITED,
)
async def record_notification_opened(youth: Youth, notification_id: NotificationId) -> Response:
    """Report that the caller opened (tapped) an alert; counted once, whatever the retries."""
    await service.record_open(account=youth, campaign_id=notification_id)
    return Response(status_code=204)
