"""A young person's export and erasure of their own data (under /v1/youth/me, with the youth routes)."""

from fastapi import APIRouter, Response

from backend.accounts.dependencies import CurrentAccount
from backend.core.responses import AUTH_ERRORS, NOT_FOUND
from backend.data_rights import service
from schemas.youth import YouthExport

router = APIRouter(prefix="/youth/me", tags=["youth"], responses=AUTH_ERRORS)


@router.get("/export", response_model=YouthExport, status_code=200, responses=NOT_FOUND)
async def export_my_data(account: CurrentAccount) -> YouthExport:
    """Download everything held about the caller, as JSON (audited)."""
    return await service.export_own_data(account=account)


@router.delete("", status_code=204)
async def erase_me(account: CurrentAccount) -> Response:
    """Erase the caller's profile and devices; anonymous counts stay. Idempotent."""
    await service.erase(account=account)
    return Response(status_code=204)
