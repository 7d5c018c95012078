"""A young person's own sign-up, profile, preferences, devices and check-ins."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response

from backend.accounts.dependencies import AccountRateLimit, CurrentAccount, FieldStaff
from backend.core.access import Public
from backend.core.pagination import Pagination
from backend.core.rate_limit import RateLimit
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND, RATE_LIMITED
from backend.events.dependencies import Signer
from backend.notifications.dependencies import PushSender
from backend.youth import attendance as checkins
from backend.youth import data_rights, devices, profile_changes, registrations, service
from schemas.common import Page
from schemas.youth import (
    CheckinRead,
    CheckinRequest,
    ConsentText,
    DeviceRead,
    DeviceRegistration,
    MyEvent,
    OfficerRegistration,
    PreferencesUpdate,
    ProfileUpdate,
    RegistrationSummary,
    RegistrationUpdate,
    YouthExport,
    YouthRead,
    YouthSignup,
)

router = APIRouter(prefix="/youth", tags=["youth"], responses=AUTH_ERRORS)


def _limited(name: str) -> list[Any]:
    """Per client address and per account: the two counts of one configured limit."""
    return [Depends(RateLimit(name)), Depends(AccountRateLimit(name))]


DeviceId = Annotated[str, Path(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]


@router.get("/consent", response_model=ConsentText, status_code=200, dependencies=[Public])
async def read_consent_text() -> ConsentText:
    """The current consent text (English and Urdu) and its version, to show before sign-up."""
    return service.CONSENT


@router.post(
    "/signup",
    response_model=YouthRead,
    status_code=201,
    dependencies=_limited("signup"),
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
async def update_preferences(
    account: CurrentAccount, update: PreferencesUpdate, sender: PushSender
) -> YouthRead:
    """Change topics, languages, quiet hours (Pakistan time), or stop all but emergency alerts."""
    return await profile_changes.update_preferences(account=account, update=update, sender=sender)


@router.put(
    "/me/devices",
    response_model=DeviceRead,
    status_code=200,
    dependencies=_limited("device_registration"),
    responses=NOT_FOUND
    | RATE_LIMITED
    | {201: {"model": DeviceRead, "description": "Registered (new here, or moved from another account)."}},
)
async def register_device(
    account: CurrentAccount, registration: DeviceRegistration, response: Response
) -> DeviceRead:
    """Register this phone for push alerts; registering the same token again is a no-op."""
    device, created = await devices.register_device(account=account, registration=registration)
    response.status_code = 201 if created else 200
    return device


@router.get("/me/devices", response_model=list[DeviceRead], status_code=200)
async def list_devices(account: CurrentAccount) -> list[DeviceRead]:
    """List the caller's registered phones (tokens are not shown)."""
    return await devices.list_devices(account=account)


@router.delete("/me/devices/{device_id}", status_code=204, responses=NOT_FOUND)
async def remove_device(account: CurrentAccount, device_id: DeviceId, sender: PushSender) -> Response:
    """Remove one of the caller's phones (a lost one); idempotent."""
    await devices.remove_device(account=account, device_id=device_id, sender=sender)
    return Response(status_code=204)


@router.get("/me/events", response_model=Page[MyEvent], status_code=200, responses=NOT_FOUND)
async def list_my_events(account: CurrentAccount, page: Pagination) -> Page[MyEvent]:
    """The caller's RSVPs and check-ins, newest first."""
    return await checkins.my_events(account=account, page=page)


@router.post(
    "/checkins",
    response_model=CheckinRead,
    status_code=201,
    dependencies=_limited("checkin"),
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
async def update_my_profile(account: CurrentAccount, update: ProfileUpdate, sender: PushSender) -> YouthRead:
    """Change name, gender, phone, or district and constituency together (counts follow from today)."""
    return await profile_changes.update_profile(account=account, update=update, sender=sender)


@router.get("/me/export", response_model=YouthExport, status_code=200, responses=NOT_FOUND)
async def export_my_data(account: CurrentAccount) -> YouthExport:
    """Download everything held about the caller, as JSON (audited)."""
    return await data_rights.export_own_data(account=account)


@router.delete("/me", status_code=204)
async def erase_me(account: CurrentAccount, sender: PushSender) -> Response:
    """Erase the caller's profile and devices; anonymous counts stay. Idempotent."""
    await data_rights.erase(account=account, sender=sender)
    return Response(status_code=204)


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
    staff: FieldStaff, registration_id: UUID, update: RegistrationUpdate, sender: PushSender
) -> YouthRead:
    """Correct a young person registered in the caller's districts (audited)."""
    return await registrations.update_registration(
        officer=staff, registration_id=registration_id, update=update, sender=sender
    )
