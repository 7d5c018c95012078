"""A young person's own sign-up, profile, preferences, devices and check-ins."""

from uuid import UUID

from fastapi import APIRouter, Response

from backend.accounts.dependencies import CurrentAccount
from backend.core.access import Public
from backend.core.responses import AUTH_ERRORS, CONFLICT, NOT_FOUND
from backend.events.dependencies import FieldStaff, Signer
from backend.youth import service
from schemas.youth import (
    CheckinRead,
    CheckinRequest,
    ConsentText,
    DeviceRead,
    DeviceRegistration,
    OfficerRegistration,
    PreferencesUpdate,
    ProfileUpdate,
    YouthExport,
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
    responses=CONFLICT | {200: {"model": YouthRead, "description": "Already signed up with these details."}},
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
    return await service.update_preferences(account=account, update=update)


@router.put("/me/devices", response_model=DeviceRead, status_code=200, responses=NOT_FOUND)
async def register_device(
    account: CurrentAccount, registration: DeviceRegistration, response: Response
) -> DeviceRead:
    """Register this phone for push alerts; registering the same token again is a no-op."""
    device, created = await service.register_device(account=account, registration=registration)
    response.status_code = 201 if created else 200
    return device


@router.get("/me/devices", response_model=list[DeviceRead], status_code=200)
async def list_devices(account: CurrentAccount) -> list[DeviceRead]:
    """List the caller's registered phones (tokens are not shown)."""
    return await service.list_devices(account=account)


@router.post("/checkins", response_model=CheckinRead, status_code=201, responses=NOT_FOUND | CONFLICT)
async def check_in(
    account: CurrentAccount, signer: Signer, request: CheckinRequest, response: Response
) -> CheckinRead:
    """Check in at an event by its scanned QR code; one attendance per person, whatever the retries."""
    attendance, created = await service.check_in(account=account, code=request.code, signer=signer)
    response.status_code = 201 if created else 200
    return attendance


@router.patch("/me", response_model=YouthRead, status_code=200, responses=NOT_FOUND)
async def update_my_profile(account: CurrentAccount, update: ProfileUpdate) -> YouthRead:
    """Change name, gender, phone, or district and constituency together (counts follow from today)."""
    return await service.update_profile(account=account, update=update)


@router.get("/me/export", response_model=YouthExport, status_code=200, responses=NOT_FOUND)
async def export_my_data(account: CurrentAccount) -> YouthExport:
    """Download everything held about the caller, as JSON (audited)."""
    return await service.export_own_data(account=account)


@router.delete("/me", status_code=204)
async def erase_me(account: CurrentAccount) -> Response:
    """Erase the caller's profile and devices; anonymous counts stay. Idempotent."""
    await service.erase(account=account)
    return Response(status_code=204)


@router.put(
    "/registrations/{registration_id}",
    response_model=YouthRead,
    status_code=200,
    responses=CONFLICT | {201: {"model": YouthRead, "description": "Registered."}},
)
async def register_young_person(
    staff: FieldStaff, registration_id: UUID, registration: OfficerRegistration, response: Response
) -> YouthRead:
    """Register a young person met at an event (consent on paper or the officer's phone); idempotent."""
    profile, created = await service.register_by_officer(
        officer=staff, registration_id=registration_id, registration=registration
    )
    response.status_code = 201 if created else 200
    return profile


@router.get(
    "/registrations/{registration_id}", response_model=YouthRead, status_code=200, responses=NOT_FOUND
)
async def read_registration(staff: FieldStaff, registration_id: UUID) -> YouthRead:
    """Read a young person registered in the caller's districts (audited)."""
    return await service.read_registered(officer=staff, registration_id=registration_id)
