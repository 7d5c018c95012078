"""Field officers' and supervisors' console pages: their districts' events, and an event's check-in QR code
full screen for a projector (SVG, refreshed before it expires), each with its status and links to its forms
(event_forms.py). Every rule is the API's services'."""

from datetime import timedelta
from typing import Any
from uuid import UUID

import segno
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from backend.accounts.models import Account
from backend.console import pages
from backend.console.guards import FieldStaff
from backend.core.clock import pakistan_time, utc_now
from backend.core.pagination import PageParams
from backend.events import lists
from backend.events import service as events
from backend.events.checkin_codes import CheckinSigner
from backend.events.dependencies import Signer
from schemas.events import EventFilter

router = APIRouter(prefix="/console/events", include_in_schema=False)

EVENTS_SHOWN = 100
# A projected code is fetched again this long before it would expire, and at least this often.
REFRESH_MARGIN = timedelta(minutes=5)
LONGEST_REFRESH = timedelta(minutes=10)


@router.get("", response_class=HTMLResponse)
async def event_list(request: Request, staff: FieldStaff) -> Response:
    """The events of the caller's districts, the latest first."""
    query = await lists.list_query(actor=staff, filters=EventFilter())
    listed = await lists.list_events(
        query=query, newest_first=True, page=PageParams(limit=EVENTS_SHOWN, offset=0)
    )
    rows = [{"event": event, "starts": pakistan_time(event.starts_at)} for event in listed.items]
    return pages.render(request, "events.html", account=staff, rows=rows, total=listed.total)


async def _code(staff: Account, signer: CheckinSigner, event_id: UUID) -> dict[str, Any]:
    code = await events.checkin_code(account=staff, event_id=event_id, signer=signer)
    # Drawn as SVG by segno: crisp on a projector at any size, nothing fetched.
    svg = segno.make(code.payload, error="m").svg_inline(scale=10, border=2, omitsize=True, title="QR")
    left = code.valid_until - utc_now()
    refresh = max(min(left - REFRESH_MARGIN, LONGEST_REFRESH), timedelta(seconds=30))
    return {"svg": Markup(svg), "code": code, "refresh_s": int(refresh.total_seconds())}  # noqa: S704


@router.get("/{event_id}/qr", response_class=HTMLResponse)
async def checkin_qr(request: Request, staff: FieldStaff, signer: Signer, event_id: UUID) -> Response:
    """An event's check-in QR code, full screen, fetched again before it expires."""
    event = await events.event_in_scope(account=staff, event_id=event_id)
    return pages.render(
        request, "qr.html", account=staff, event=event, **await _code(staff, signer, event_id)
    )


@router.get("/{event_id}/qr/code", response_class=HTMLResponse)
async def checkin_qr_code(request: Request, staff: FieldStaff, signer: Signer, event_id: UUID) -> Response:
    """The QR code alone, as the page fetches it again."""
    code = await _code(staff, signer, event_id)
    return pages.render(request, "_qr_code.html", account=staff, event_id=event_id, **code)
