"""Geography queries. Every read of provinces, districts and constituencies goes through here (loading:
loading.py)."""

import time
from dataclasses import dataclass
from typing import Any

from backend.core.errors import NotFoundError, invalid_field
from backend.core.pagination import PageParams, paginate
from backend.geography import importer
from backend.geography.importer import DistrictRef
from backend.geography.models import Constituency, District, Province
from schemas.common import Page
from schemas.geography import ConstituencyRead, DistrictRead, House, ProvinceRead


def _province_read(province: Province) -> ProvinceRead:
    return ProvinceRead.model_validate({"code": province.id, **province.model_dump(exclude={"id"})})


def _district_read(district: District) -> DistrictRead:
    return DistrictRead.model_validate(
        {"code": district.id, **district.model_dump(exclude={"id", "lookup_keys"})}
    )


def _constituency_read(constituency: Constituency) -> ConstituencyRead:
    return ConstituencyRead.model_validate(
        {"code": constituency.id, **constituency.model_dump(exclude={"id"})}
    )


async def list_provinces() -> list[ProvinceRead]:
    provinces = await Province.find_all().sort("+_id").to_list()
    return [_province_read(province) for province in provinces]


async def get_province(*, code: str) -> ProvinceRead:
    province = await Province.get(code.strip().upper())
    if province is None:
        raise NotFoundError(f"No province or territory has the code '{code}'.")
    return _province_read(province)


async def _find_district(name_or_code: str) -> District | None:
    key = importer.lookup_key(name_or_code)
    return await District.find_one({"lookup_keys": key}) if key else None


async def list_districts(*, province: str | None, page: PageParams) -> Page[DistrictRead]:
    query: dict[str, Any] = {}
    if province is not None:
        province = province.upper()
        if await Province.get(province) is None:
            raise invalid_field(
                "query.province", "unknown_province", f"'{province}' is not a province or territory code."
            )
        query["province"] = province
    return await paginate(
        District,
        query,
        sort=[("name", 1), ("_id", 1)],
        page=page,
        read=lambda stored: _district_read(District.model_validate(stored)),
    )


async def get_district(*, code: str) -> DistrictRead:
    """A district by its code, its name or any alias (`laki-marwat` finds Lakki Marwat)."""
    district = await _find_district(code)
    if district is None:
        raise NotFoundError(f"No district is known by '{code}'.")
    return _district_read(district)


async def list_constituencies(
    *, district: str | None, house: House | None, province: str | None, page: PageParams
) -> Page[ConstituencyRead]:
    query: dict[str, Any] = {}
    if district is not None:
        found_district = await _find_district(district)
        if found_district is None:
            raise invalid_field(
                "query.district", "unknown_district", f"'{district}' is not a known district or alias."
            )
        query["districts"] = found_district.id
    if house is not None:
        query["house"] = house.value
    if province is not None:
        query["province"] = province.upper()
    return await paginate(
        Constituency,
        query,
        sort=[("house", 1), ("number", 1)],  # unique together: a stable order
        page=page,
        read=lambda stored: _constituency_read(Constituency.model_validate(stored)),
    )


async def get_constituency(*, code: str) -> ConstituencyRead:
    normalised = code.strip().upper().replace(" ", "")
    constituency = await Constituency.get(normalised)
    if constituency is None:
        raise NotFoundError(f"No constituency has the code '{code}'.")
    return _constituency_read(constituency)


@dataclass(frozen=True)
class SeatRef:
    house: str
    province: str
    name: str
    districts: frozenset[str]


@dataclass(frozen=True)
class Reference:
    """Districts by lookup key, seats and names by code, as one process last read them."""

    database: str
    loaded_at: float
    districts: dict[str, DistrictRef]
    seat_districts: dict[str, frozenset[str]]
    # Names and houses by code, for readers that label or group areas (turnout).
    seats: dict[str, SeatRef]
    district_names: dict[str, str]
    province_names: dict[str, tuple[str, str]]


# Reference data is small and changes only through an import, yet events and accounts check it on every
# write: each process keeps a copy for a minute (imports in this process drop it at once).
_REFERENCE_TTL_S = 60.0
_reference_cache: Reference | None = None


def forget_reference_cache() -> None:
    global _reference_cache
    _reference_cache = None


async def _reference() -> Reference:
    global _reference_cache
    database = District.get_pymongo_collection().database.name
    cached = _reference_cache
    if (
        cached is not None
        and cached.database == database
        and time.monotonic() - cached.loaded_at < _REFERENCE_TTL_S
    ):
        return cached
    districts = await District.find_all().to_list()
    fields = {"districts": 1, "house": 1, "province": 1, "name": 1}
    seats = await Constituency.get_pymongo_collection().find({}, fields).to_list()
    provinces = await Province.get_pymongo_collection().find({}, {"name": 1, "name_ur": 1}).to_list()
    _reference_cache = Reference(
        database=database,
        loaded_at=time.monotonic(),
        districts=importer.build_district_index(
            {"code": d.id, "name": d.name, "province": d.province, "aliases": d.aliases} for d in districts
        ),
        seat_districts={seat["_id"]: frozenset(seat["districts"]) for seat in seats},
        seats={
            s["_id"]: SeatRef(s["house"], s["province"], s["name"], frozenset(s["districts"])) for s in seats
        },
        district_names={d.id: d.name for d in districts},
        province_names={p["_id"]: (p["name"], p["name_ur"]) for p in provinces},
    )
    return _reference_cache


async def reference() -> Reference:
    """Every province, district and seat by code, as this process last read them (a minute at most)."""
    return await _reference()


async def constituency_covers_district(*, constituency_code: str, district_code: str) -> bool:
    """True when the seat covers the district: the consistency rule for events and sign-ups."""
    return district_code in (await _reference()).seat_districts.get(constituency_code, frozenset())


async def seats_covering(*, district_code: str) -> tuple[list[str], list[str]]:
    """The National Assembly seats and the Provincial Assembly seats covering a district, by code."""
    seats = (await _reference()).seats
    covering = sorted(code for code, seat in seats.items() if district_code in seat.districts)
    national = [code for code in covering if seats[code].house == House.NATIONAL_ASSEMBLY.value]
    return national, [code for code in covering if code not in national]


async def is_national_seat(code: str) -> bool:
    """True for a National Assembly seat (NA-…), False for a Provincial Assembly one or an unknown code."""
    seat = (await _reference()).seats.get(code)
    return seat is not None and seat.house == House.NATIONAL_ASSEMBLY.value


# Imports


async def district_index() -> dict[str, DistrictRef]:
    forget_reference_cache()
    return (await _reference()).districts


async def resolve_district(name_or_code: str) -> DistrictRef | None:
    """Code and province of a district given by code, name or alias; None if unknown."""
    return (await _reference()).districts.get(importer.lookup_key(name_or_code))


async def province_codes() -> frozenset[str]:
    """The codes of every province and territory that has districts."""
    return frozenset(ref.province for ref in (await _reference()).districts.values())


async def district_code(name_or_code: str) -> str | None:
    """The canonical code of a district given by code, name or alias; None if unknown."""
    ref = await resolve_district(name_or_code)
    return ref.code if ref else None


async def constituency_code(code: str) -> str | None:
    """The canonical code of a constituency (`na-43` gives `NA-43`); None if unknown."""
    normalised = code.strip().upper().replace(" ", "")
    return normalised if normalised in (await _reference()).seat_districts else None
