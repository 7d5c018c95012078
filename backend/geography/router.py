"""Geography reference data: public, cacheable reads (ETag / If-None-Match)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from backend.core.access import Public
from backend.core.http_cache import cached_json
from backend.core.pagination import Pagination
from backend.core.responses import NOT_FOUND, NOT_MODIFIED, VALIDATION_FAILED
from backend.geography import service
from schemas.common import Page
from schemas.geography import ConstituencyRead, DistrictRead, House, ProvinceRead

router = APIRouter(prefix="/geo", tags=["geography"], dependencies=[Public])


@router.get("/provinces", response_model=list[ProvinceRead], responses=NOT_MODIFIED)
async def list_provinces(request: Request) -> Response:
    """List provinces and territories with their ISO 3166-2:PK codes."""
    provinces = await service.list_provinces()
    return cached_json(request, provinces)


@router.get("/provinces/{code}", response_model=ProvinceRead, responses=NOT_FOUND | NOT_MODIFIED)
async def get_province(request: Request, code: Annotated[str, Path(examples=["PK-PB"])]) -> Response:
    """Read one province or territory by its ISO code."""
    return cached_json(request, await service.get_province(code=code))


@router.get("/districts", response_model=Page[DistrictRead], responses=VALIDATION_FAILED | NOT_MODIFIED)
async def list_districts(
    request: Request,
    page: Pagination,
    province: Annotated[str | None, Query(description="ISO code of the province, e.g. PK-SD.")] = None,
) -> Response:
    """List districts, optionally of one province, sorted by name."""
    return cached_json(request, await service.list_districts(province=province, page=page))


@router.get("/districts/{code}", response_model=DistrictRead, responses=NOT_FOUND | NOT_MODIFIED)
async def get_district(request: Request, code: Annotated[str, Path(examples=["lakki-marwat"])]) -> Response:
    """Read one district by its code, name or a known alias."""
    return cached_json(request, await service.get_district(code=code))


@router.get(
    "/constituencies", response_model=Page[ConstituencyRead], responses=VALIDATION_FAILED | NOT_MODIFIED
)
async def list_constituencies(
    request: Request,
    page: Pagination,
    district: Annotated[str | None, Query(description="District code, name or alias.")] = None,
    house: Annotated[House | None, Query(description="NA, PP, PS, PK or PB.")] = None,
    province: Annotated[str | None, Query(description="ISO code of the province.")] = None,
) -> Response:
    """List constituencies, filtered by district, house or province, sorted by house and number."""
    found = await service.list_constituencies(district=district, house=house, province=province, page=page)
    return cached_json(request, found)


@router.get("/constituencies/{code}", response_model=ConstituencyRead, responses=NOT_FOUND | NOT_MODIFIED)
async def get_constituency(request: Request, code: Annotated[str, Path(examples=["NA-43"])]) -> Response:
    """Read one constituency by its code (house prefix and number)."""
    return cached_json(request, await service.get_constituency(code=code))
