"""The MP's console pages: their seat's brief (HTML and PDF, months chosen) and the questions of their
seat, answered in place. Every rule is the API's: the same services, scope and protection."""

import asyncio
import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from backend.console import pages
from backend.console.guards import CsrfChecked, Member
from backend.core.errors import ValidationFailedError
from backend.core.pagination import PageParams
from backend.core.rate_limit import enforce, rules
from backend.turnout import service as turnout
from backend.turnout.brief import page as brief_page
from backend.turnout.brief.page import BRIEF_HEADERS
from backend.voice.questions import answers
from schemas.turnout import MONTH_PATTERN, AreaKind, BriefLanguage

router = APIRouter(prefix="/console/mp", include_in_schema=False)

QUESTIONS_SHOWN = 50
# A month field of the page's form, left empty when the person picks none (then the brief's default).
OPTIONAL_MONTH = "^$|" + MONTH_PATTERN
FromMonth = Annotated[str | None, Query(alias="from", pattern=OPTIONAL_MONTH)]
ToMonth = Annotated[str | None, Query(alias="to", pattern=OPTIONAL_MONTH)]


@router.get("", response_class=HTMLResponse)
async def mp_home(
    request: Request, member: Member, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """The seat's dashboard (the brief's figures and charts, months chosen) and its questions, most
    supported first."""
    language = BriefLanguage(pages.language_of(request, member))
    # The seat's figures and its questions are read at once: the page waits for the slower only.
    try:
        seat, listed = await asyncio.gather(
            turnout.read_turnout(
                account=member,
                kind=AreaKind.CONSTITUENCY,
                code=str(member.constituency),
                from_month=from_month or None,
                to_month=to_month or None,
            ),
            answers.seat_questions(account=member, page=PageParams(limit=QUESTIONS_SHOWN, offset=0)),
        )
    except ValidationFailedError as refused:  # months out of order or too many: said on the page
        return pages.render(request, "mp.html", status=422, account=member, refused=refused.detail)
    return pages.render(
        request,
        "mp.html",
        account=member,
        seat=seat,
        # Built by the brief from protected figures, every text escaped there.
        dashboard=Markup(brief_page.figures_html(seat, language)),  # noqa: S704
        questions=listed.items,
        total=listed.total,
    )


@router.get("/brief", response_class=HTMLResponse)
async def mp_brief(
    request: Request, member: Member, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """The seat's brief as its own page (its own CSP: inline styles and charts, no script)."""
    html = await turnout.brief_html(
        account=member,
        code=str(member.constituency),
        lang=BriefLanguage(pages.language_of(request, member)),
        from_month=from_month or None,
        to_month=to_month or None,
    )
    return HTMLResponse(html, headers=BRIEF_HEADERS)


@router.get("/brief.pdf")
async def mp_brief_pdf(
    request: Request, member: Member, from_month: FromMonth = None, to_month: ToMonth = None
) -> Response:
    """The same brief as PDF, under the API's PDF rate limit for the account."""
    await enforce(rules(request, "brief_pdf"), "brief_pdf", "account", member.id)
    language = BriefLanguage(pages.language_of(request, member))
    seat = str(member.constituency)
    pdf = await turnout.brief_pdf(
        account=member, code=seat, lang=language, from_month=from_month or None, to_month=to_month or None
    )
    filename = f"brief-{re.sub(r'[^A-Z0-9-]', '', seat.upper())}-{language.value}.pdf"
    headers = BRIEF_HEADERS | {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/questions/{question_id}/answer", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def mp_answer(
    request: Request,
    member: Member,
    question_id: UUID,
    text: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """Publish the answer to a question of the seat; answers the question's updated part of the page."""
    question = await answers.publish_answer(account=member, question_id=str(question_id), text=text)
    return pages.render(request, "_question.html", account=member, question=question)
