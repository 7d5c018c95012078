"""Checking a recruiter's licence: public, because a young person should check before paying anyone."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from backend.core.access import Public
from backend.core.rate_limit import RateLimit
from backend.core.responses import RATE_LIMITED
from backend.recruiters import service
from schemas.recruiters import RecruiterCheck

router = APIRouter(prefix="/recruiters", tags=["recruiters"], dependencies=[Public])


@router.get(
    "",
    response_model=RecruiterCheck,
    status_code=200,
    dependencies=[Depends(RateLimit("recruiter_lookup"))],
    responses=RATE_LIMITED,
)
async def check_recruiter(
    q: Annotated[str, Query(min_length=2, max_length=120, description="Licence number or recruiter name.")],
) -> RecruiterCheck:
    """Check an Overseas Employment Promoter: valid, expired, cancelled or not found, with the list date."""
    return await service.check(query=q)
