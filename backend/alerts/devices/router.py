"""A young person's phones registered for push (under /v1/youth/me/devices, with the youth routes)."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from backend.accounts.dependencies import CurrentAccount, limited
from backend.alerts.devices import service
from backend.core.responses import AUTH_ERRORS, NOT_FOUND, RATE_LIMITED
from schemas.youth import DeviceRead, DeviceRegistration

router = APIRouter(prefix="/youth/me/devices", tags=["youth"], responses=AUTH_ERRORS)

DeviceId = Annotated[str, Path(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]


@router.put(
    "",
    response_model=DeviceRead,
    status_code=200,
    dependencies=limited("device_registration"),
    responses=NOT_FOUND
    | RATE_LIMITED
    | {201: {"model": DeviceRead, "description": "Registered (new here, or moved from another account)."}},
)
async def register_device(
    account: CurrentAccount, registration: DeviceRegistration, response: Response
) -> DeviceRead:
    """Register this phone for push alerts; registering the same token again is a no-op."""
    device, created = await service.register_device(account=account, registration=registration)
    response.status_code = 201 if created else 200
    return device


@router.get("", response_model=list[DeviceRead], status_code=200)
async def list_devices(account: CurrentAccount) -> list[DeviceRead]:
    """List the caller's registered phones (tokens are not shown)."""
    return await service.list_devices(account=account)


@router.delete("/{device_id}", status_code=204, responses=NOT_FOUND)
async def remove_device(account: CurrentAccount, device_id: DeviceId) -> Response:
    """Remove one of the caller's phones (a lost one); idempotent."""
    await service.remove_device(account=account, device_id=device_id)
    return Response(status_code=204)
