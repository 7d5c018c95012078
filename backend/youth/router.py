"""A young person's own sign-up, profile, preferences and check-ins, and field officers' registrations."""

from uuid import UUID

from fastapi import APIRouter, Response

from backend.accounts.dependencies import CurrentAccount, FieldStaff, limited
from backend.core.access import Public
from backend.core.pagination import Pagination
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, RATE_LIMITED
from backend.events.dependencies import Signer
from backend.youth import attendance as checkins
from backend.youth import profile_changes, registrations, service
from schemas.common import Page
from schemas.events import EventCheckins
from schemas.youth import (
    CheckinRead,
    CheckinRequest,
    ConsentText,
    MyEvent,
    OfficerRegistration,
    PreferencesUpdate,
    ProfileUpdate,
    RegistrationSummary,
    RegistrationUpdate,
    YouthRead,
    YouthSignup,
)

router = APIRouter(prefix="/youth", tags=["youth"], responses=AUTH_ERRORS)


@router.get("/consent", response_model=ConsentText, status_code=200, dependencies=[Public])
async def read_consent_text() -> ConsentText:
    """The current consent text (English and Urdu) and its version, to show before sign-up."""
    return service.CONSENT


@router.post(
    "/signup",
    response_model=YouthRead,
    status_code=201,
    dependencies=limited("signup"),
    responses=CONFLICT
    | RATE_LIMITED
    | {200: {"model": YouthRead, "description": "Already signed up with these details."}},
)
async def sign_up(account: CurrentAccount, signup: YouthSignup, response: Response) -> YouthRead:
    """Sign up the signed-in person as a young participant, with consent; retries return the one profile."""
    profile, created = await service.sign_up(account=account, signup=signup)
    response.status_code = 201 if created else 200
    return profile


@router.get("/me", response_model=YouthRead, status_code=200, responses=NOT_FOUND)
async def read_my_profile(account: CurrentAccount) -> YouthRead:
    """Read the caller's own profile."""
    return service.to_read(await service.own_profile(account=account))


@router.patch("/me/preferences", response_model=YouthRead, status_code=200, responses=NOT_FOUND)
async def update_preferences(account: CurrentAccount, update: PreferencesUpdate) -> YouthRead:
    """Change topics, languages, quiet hours (Pakistan time), or stop all but emergency alerts."""
    return await profile_changes.update_preferences(account=account, update=update)


@router.get("/me/events", response_model=Page[MyEvent], status_code=200, responses=NOT_FOUND)
async def list_my_events(account: CurrentAccount, page: Pagination) -> Page[MyEvent]:
    """The caller's RSVPs and check-ins, newest first."""
    return await checkins.my_events(account=account, page=page)


@router.post(
    "/checkins",
    response_model=CheckinRead,
    status_code=201,
    dependencies=limited("checkin"),
    responses=NOT_FOUND
    | CONFLICT
    | RATE_LIMITED
    | {200: {"model": CheckinRead, "description": "Checked in already (a retry)."}},
)
async def check_in(
    account: CurrentAccount, signer: Signer, request: CheckinRequest, response: Response
) -> CheckinRead:
    """Check in at an event by its scanned QR code; one attendance per person, whatever the retries."""
    attendance, created = await checkins.check_in(account=account, code=request.code, signer=signer)
    response.status_code = 201 if created else 200
    return attendance


@router.patch("/me", response_model=YouthRead, status_code=200, responses=NOT_FOUND)
async def update_my_profile(account: CurrentAccount, update: ProfileUpdate) -> YouthRead:
    """Change name, gender, phone, or district and constituency together (counts follow from today)."""
    return await profile_changes.update_profile(account=account, update=update)


@router.put(
    "/registrations/{registration_id}",
    response_model=YouthRead,
    status_code=200,
    responses=NOT_FOUND | CONFLICT | {201: {"model": YouthRead, "description": "Registered."}},
)
async def register_young_person(
    staff: FieldStaff, registration_id: UUID, registration: OfficerRegistration, response: Response
) -> YouthRead:
    """Register a young person met at an event (consent on paper or the officer's phone); idempotent."""
    profile, created = await registrations.register_by_officer(
        officer=staff, registration_id=registration_id, registration=registration
    )
    response.status_code = 201 if created else 200
    return profile


@router.get(
    "/registrations/{registration_id}", response_model=YouthRead, status_code=200, responses=NOT_FOUND
)
async def read_registration(staff: FieldStaff, registration_id: UUID) -> YouthRead:
    """Read a young person registered in the caller's districts (audited)."""
    return await registrations.read_registered(officer=staff, registration_id=registration_id)


@router.get("/registrations", response_model=Page[RegistrationSummary], status_code=200)
async def list_registrations(staff: FieldStaff, page: Pagination) -> Page[RegistrationSummary]:
    """The people the caller registered, in their districts, newest first (audited)."""
    return await registrations.list_registrations(officer=staff, page=page)


@router.patch(
    "/registrations/{registration_id}", response_model=YouthRead, status_code=200, responses=NOT_FOUND
)
async def correct_registration(
    staff: FieldStaff, registration_id: UUID, update: RegistrationUpdate
) -> YouthRead:
    """Correct a young person registered in the caller's districts (audited)."""
    return await registrations.update_registration(
        officer=staff, registration_id=registration_id, update=update
    )


# Who came to an event, with the people registered there: young people's data, so it lives with youth, at
# the event's address (and in the contract's events section).
events_router = APIRouter(prefix="/events", tags=["events"], responses=AUTH_ERRORS)


@events_router.get("/{event_id}/checkins", response_model=EventCheckins, status_code=200, responses=NOT_FOUND)
async def list_event_checkins(staff: FieldStaff, event_id: UUID) -> EventCheckins:
    """Who came: check-in, RSVP and registration counts, and the first names of people registered there."""
    return await registrations.event_checkins(actor=staff, event_id=event_id)
