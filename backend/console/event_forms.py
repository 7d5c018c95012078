"""Field officers' event forms: plan or edit an event of their districts, and report its turnout.

Every rule is the API's: a save is `events.service.sync_event` (the client id chosen when the form was
drawn makes a double submit one event; the version the form carries is its If-Match, so a stale edit is a
409, never an overwrite) and a report is `events.reports.report_event`. The forms only carry text to
the contract's models; what they refuse is named by the contract's field (`body.turnout.by_gender`).
Photos are added from the app: the console shows no upload.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from backend.accounts.models import Account
from backend.console import forms, pages
from backend.console.guards import CsrfChecked, FieldStaff
from backend.core.clock import PAKISTAN, pakistan_time
from backend.events import reports
from backend.events import service as events
from backend.geography import service as geography
from schemas.events import AgeBandCounts, EventKind, EventRead, EventReport, EventWrite, GenderCounts

router = APIRouter(prefix="/console/events", include_in_schema=False)

# What a datetime-local input holds, and shows: Pakistan time to the minute.
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class EventForm(BaseModel):
    """The plan form's fields as posted; their rules are `EventWrite`'s."""

    version: int | None = Field(default=None, ge=1, le=1_000_000)
    kind: str = Field(max_length=64)
    title: str = Field(max_length=200)
    topics: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=9)
    district: str = Field(max_length=64)
    constituency: str = Field(max_length=16)
    venue_name: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime
    lat: float | None = None
    lng: float | None = None
    partner_organisations: str = Field(default="", max_length=20 * 201, description="One per line.")
    expected_turnout: int = Field(ge=0, le=100_000)


class ReportForm(BaseModel):
    """The report forms' fields as posted (held: the headcount; cancelled: the reason)."""

    outcome: str = Field(max_length=16)
    total: int | None = None
    female: int | None = None
    male: int | None = None
    transgender: int | None = None
    prefer_not_to_say: int | None = None
    under_15: int | None = None
    age_15_19: int | None = None
    age_20_24: int | None = None
    age_25_29: int | None = None
    age_30_plus: int | None = None
    cancel_reason: str | None = Field(default=None, max_length=1000)


# The headcount's parts, in the contract's order (the report form has one input each).
GENDERS = tuple(GenderCounts.model_fields)
AGE_BANDS = tuple(AgeBandCounts.model_fields)


def _pakistan(moment: datetime) -> datetime:
    # A datetime-local input has no offset: the officer means Pakistan time.
    return moment.replace(tzinfo=PAKISTAN) if moment.tzinfo is None else moment


def _write(form: EventForm) -> EventWrite:
    partners = [line.strip() for line in form.partner_organisations.splitlines() if line.strip()]
    data = form.model_dump(exclude={"version", "partner_organisations", "starts_at", "ends_at"})
    data |= {
        "partner_organisations": partners,
        "starts_at": _pakistan(form.starts_at),
        "ends_at": _pakistan(form.ends_at),
    }
    return forms.as_contract(EventWrite, data, detail="The form is not valid.")


async def _choices(staff: Account) -> dict[str, Any]:
    """What the plan form offers: the caller's districts with the seats covering each, kinds, topics."""
    reference = await geography.reference()
    districts = []
    for code in staff.districts:
        national, provincial = await geography.seats_covering(district_code=code)
        seats = [(seat, reference.seats[seat].name) for seat in (*national, *provincial)]
        districts.append({"code": code, "name": reference.district_names.get(code, code), "seats": seats})
    return {"districts": districts, "kinds": list(EventKind)}


def _local(moment: datetime) -> str:
    return pakistan_time(moment).strftime(LOCAL_MINUTE)


async def _form_page(
    request: Request, staff: Account, *, event_id: UUID, event: EventRead | None
) -> Response:
    return pages.render(
        request,
        "event_form.html",
        account=staff,
        event_id=event_id,
        event=event,
        starts=_local(event.starts_at) if event else "",
        ends=_local(event.ends_at) if event else "",
        **await _choices(staff),
    )


@router.get("/new", response_class=HTMLResponse)
async def new_event(request: Request, staff: FieldStaff) -> Response:
    """The plan form of a new event, with the id it will have (a second submit is the same event)."""
    return await _form_page(request, staff, event_id=uuid4(), event=None)


@router.get("/{event_id}/edit", response_class=HTMLResponse)
async def edit_event(request: Request, staff: FieldStaff, event_id: UUID) -> Response:
    """The plan form of an event of the caller's districts, filled in, with the version it is based on."""
    event = events.to_read(await events.event_in_scope(account=staff, event_id=event_id))
    return await _form_page(request, staff, event_id=event_id, event=event)


@router.post("/{event_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def save_event(
    request: Request, staff: FieldStaff, event_id: UUID, form: Annotated[EventForm, Form()]
) -> Response:
    """Create or update an event as the API's sync does: a replay is the same event, a stale edit a 409."""
    saved, created = await events.sync_event(
        actor=staff, event_id=event_id, write=_write(form), if_match=form.version
    )
    status = 201 if created else 200
    return pages.render(request, "_event_saved.html", status=status, account=staff, event=saved)


@router.get("/{event_id}/report", response_class=HTMLResponse)
async def report_form(request: Request, staff: FieldStaff, event_id: UUID) -> Response:
    """The report forms of an event of the caller's districts: held with the headcount, or cancelled."""
    event = events.to_read(await events.event_in_scope(account=staff, event_id=event_id))
    return pages.render(
        request,
        "event_report.html",
        account=staff,
        event=event,
        starts=pakistan_time(event.starts_at),
        genders=GENDERS,
        age_bands=AGE_BANDS,
    )


def _report(form: ReportForm) -> EventReport:
    counts = form.model_dump(exclude={"outcome", "cancel_reason"})
    turnout = None
    if any(value is not None for value in counts.values()):
        turnout = {
            "total": form.total,
            "by_gender": {name: counts[name] for name in GENDERS},
            "by_age": {name: counts[name] for name in AGE_BANDS},
        }
    reason = (form.cancel_reason or "").strip() or None
    return forms.as_contract(
        EventReport,
        {"outcome": form.outcome, "turnout": turnout, "cancel_reason": reason},
        detail="The form is not valid.",
    )


@router.post("/{event_id}/report", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def report_event(
    request: Request, staff: FieldStaff, event_id: UUID, form: Annotated[ReportForm, Form()]
) -> Response:
    """Report the event held (turnout by gender and age band) or cancelled; it then awaits review."""
    reported = await reports.report_event(actor=staff, event_id=event_id, report=_report(form))
    return pages.render(request, "_event_reported.html", account=staff, event=reported)
