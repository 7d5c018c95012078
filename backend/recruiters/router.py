"""Checking a recruiter's licence: public, because a young person should check before paying anyone."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.core.access import Public
from backend.recruiters import service
from schemas.recruiters import RecruiterCheck

router = APIRouter(prefix="/recruiters", tags=["recruiters"], dependencies=[Public])


@router.get("", response_model=RecruiterCheck, status_code=200)
async def check_recruiter(
    q: Annotated[str, Query(min_length=2, max_length=120, description="Licence number or recruiter name.")],
) -> RecruiterCheck:
    """Check an Overseas Employment Promoter: valid, expired, cancelled or not found, with the list date."""
    return await service.check(query=q)
