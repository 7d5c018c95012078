"""Turnout dashboards for MPs, field staff and editors, and the constituency brief (HTML and PDF)."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from backend.accounts.dependencies import AccountRateLimit, Staff
from backend.accounts.models import Account
from backend.core.responses import (
    AUTH_ERRORS,
    NOT_FOUND,
    NOT_MODIFIED,
    PDF_UNAVAILABLE,
    RATE_LIMITED,
    Responses,
)
from backend.turnout import service
from backend.turnout.brief.page import BRIEF_HEADERS
from backend.turnout.models import NATIONAL_CODE
from schemas.turnout import MONTH_PATTERN, AreaKind, BriefLanguage, TurnoutRead

router = APIRouter(prefix="/turnout", tags=["turnout"], responses=AUTH_ERRORS)

Code = Annotated[str, Path(min_length=1, max_length=64)]
FromMonth = Annotated[
    str | None,
    Query(alias="from", pattern=MONTH_PATTERN, description="First month (YYYY-MM); default 11 before `to`."),
]
ToMonth = Annotated[
    str | None,
    Query(alias="to", pattern=MONTH_PATTERN, description="Last month (YYYY-MM); default this month (PKT)."),
]
HTML_PAGE: Responses = {200: {"content": {"text/html": {}}, "description": "The one-page brief."}}
PDF_FILE: Responses = {200: {"content": {"application/pdf": {}}, "description": "The brief as PDF."}}
Language = Annotated[BriefLanguage, Query(description="The brief's language.")]


@router.get(
    "/constituencies/{code}", response_model=TurnoutRead, status_code=200, responses=NOT_FOUND | NOT_MODIFIED
)
async def read_constituency(
    request: Request, staff: Staff, code: Code, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """Read a constituency's turnout, against the average seat of its districts, province and country."""
    return await _answer(request, staff, AreaKind.CONSTITUENCY, code, from_month, to_month)


@router.get(
    "/districts/{code}", response_model=TurnoutRead, status_code=200, responses=NOT_FOUND | NOT_MODIFIED
)
async def read_district(
    request: Request, staff: Staff, code: Code, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """Read a district's turnout (by code, name or alias), against the average district."""
    return await _answer(request, staff, AreaKind.DISTRICT, code, from_month, to_month)


@router.get(
    "/provinces/{code}", response_model=TurnoutRead, status_code=200, responses=NOT_FOUND | NOT_MODIFIED
)
async def read_province(
    request: Request, staff: Staff, code: Code, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """Read a province's turnout, against the average province."""
    return await _answer(request, staff, AreaKind.PROVINCE, code, from_month, to_month)


@router.get("/national", response_model=TurnoutRead, status_code=200, responses=NOT_MODIFIED)
async def read_national(
    request: Request, staff: Staff, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """Read the country's turnout."""
    return await _answer(request, staff, AreaKind.NATIONAL, NATIONAL_CODE, from_month, to_month)


async def _answer(
    request: Request, staff: Account, kind: AreaKind, code: str, from_month: str | None, to_month: str | None
) -> Response:
    """The figures serialised once (kept with them while no counter changes), with an ETag."""
    published = await service.publish(
        account=staff, kind=kind, code=code, from_month=from_month, to_month=to_month
    )
    return published.representation.response(request)


@router.get(
    "/constituencies/{code}/brief",
    status_code=200,
    response_class=HTMLResponse,
    responses=HTML_PAGE | NOT_FOUND,
)
async def read_brief(
    staff: Staff,
    code: Code,
    lang: Language = BriefLanguage.EN,
    from_month: FromMonth = None,
    to_month: ToMonth = None,
) -> HTMLResponse:
    """Read a constituency's one-page brief as HTML, to print or share."""
    html = await service.brief_html(
        account=staff, code=code, lang=lang, from_month=from_month, to_month=to_month
    )
    return HTMLResponse(html, headers=BRIEF_HEADERS)


@router.get(
    "/constituencies/{code}/brief.pdf",
    status_code=200,
    response_class=Response,
    responses=PDF_FILE | NOT_FOUND | RATE_LIMITED | PDF_UNAVAILABLE,
    dependencies=[Depends(AccountRateLimit("brief_pdf"))],
)
async def read_brief_pdf(
    staff: Staff,
    code: Code,
    lang: Language = BriefLanguage.EN,
    from_month: FromMonth = None,
    to_month: ToMonth = None,
) -> Response:
    """Read a constituency's one-page brief as PDF."""
    pdf = await service.brief_pdf(
        account=staff, code=code, lang=lang, from_month=from_month, to_month=to_month
    )
    # Only letters, digits and dashes reach the header: the code is the caller's text.
    seat = re.sub(r"[^A-Z0-9-]", "", code.upper())
    disposition = f'inline; filename="brief-{seat}-{lang.value}.pdf"'
    return Response(
        pdf, media_type="application/pdf", headers=BRIEF_HEADERS | {"Content-Disposition": disposition}
    )
