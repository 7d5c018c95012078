"""Which turnout areas a caller may read, and the areas each one is compared with."""

from dataclasses import dataclass

from backend.accounts.models import DISTRICT_SCOPED_ROLES, Account
from backend.core.errors import NotFoundError
from backend.geography import service as geography
from backend.geography.importer import lookup_key
from backend.turnout.models import NATIONAL_CODE
from schemas.accounts import Role
from schemas.turnout import AreaKind

# Roles that read every area, and so see no area through an MP's eyes.
NATIONAL_ROLES = frozenset({Role.EDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Area:
    kind: AreaKind
    code: str


def _district_provinces(reference: geography.Reference) -> dict[str, str]:
    return {ref.code: ref.province for ref in reference.districts.values()}


def _canonical(kind: AreaKind, code: str, reference: geography.Reference) -> str | None:
    """The stored code of an area given as the caller wrote it (district names and aliases too)."""
    if kind is AreaKind.CONSTITUENCY:
        seat = code.strip().upper().replace(" ", "")
        return seat if seat in reference.seats else None
    if kind is AreaKind.DISTRICT:
        district = reference.districts.get(lookup_key(code))
        return district.code if district else None
    if kind is AreaKind.PROVINCE:
        province = code.strip().upper()
        return province if province in reference.province_names else None
    return NATIONAL_CODE


def _may_read(account: Account, area: Area, reference: geography.Reference) -> bool:
    """Editors and admins read every area; other staff their own places, the wider areas holding them
    (to compare) and the country."""
    if account.has_any_role(NATIONAL_ROLES) or area.kind is AreaKind.NATIONAL:
        return True
    seats: set[str] = set()
    districts: set[str] = set()
    if Role.MP in account.roles and account.constituency in reference.seats:
        seats.add(account.constituency)
        districts |= reference.seats[account.constituency].districts
    if account.has_any_role(DISTRICT_SCOPED_ROLES):
        own_districts = set(account.districts)
        districts |= own_districts
        seats |= {code for code, seat in reference.seats.items() if seat.districts & own_districts}
    if area.kind is AreaKind.CONSTITUENCY:
        return area.code in seats
    if area.kind is AreaKind.DISTRICT:
        return area.code in districts
    provinces = _district_provinces(reference)
    return area.code in {provinces[district] for district in districts if district in provinces}


async def area_in_scope(*, account: Account, kind: AreaKind, code: str) -> Area:
    """The area if it exists and the caller may read it; otherwise 404 (its existence does not leak)."""
    reference = await geography.reference()
    canonical = _canonical(kind, code, reference)
    area = Area(kind, canonical) if canonical else None
    if area is None or not _may_read(account, area, reference):
        raise NotFoundError(f"No such {kind.value} in your scope.")
    return area


def _assembly(house: str) -> str:
    """National Assembly seats are compared with each other, provincial assembly seats likewise."""
    return "NA" if house == "NA" else "PA"


def comparisons(area: Area, reference: geography.Reference) -> list[tuple[Area, AreaKind, int]]:
    """The wider areas `area` is compared with, the unit averaged over, and how many units each holds.

    Units are those turnout can be counted in: seats of the same assembly, districts some seat covers,
    provinces with seats.
    """
    national = Area(AreaKind.NATIONAL, NATIONAL_CODE)
    if area.kind is AreaKind.CONSTITUENCY:
        seat = reference.seats[area.code]
        peers = [s for s in reference.seats.values() if _assembly(s.house) == _assembly(seat.house)]
        found = [
            (Area(AreaKind.DISTRICT, d), AreaKind.CONSTITUENCY, sum(d in s.districts for s in peers))
            for d in sorted(seat.districts)
        ]
        in_province = sum(s.province == seat.province for s in peers)
        found.append((Area(AreaKind.PROVINCE, seat.province), AreaKind.CONSTITUENCY, in_province))
        return [*found, (national, AreaKind.CONSTITUENCY, len(peers))]
    covered: set[str] = set().union(*(seat.districts for seat in reference.seats.values()))
    if area.kind is AreaKind.DISTRICT:
        provinces = _district_provinces(reference)
        province = provinces[area.code]
        in_province = sum(provinces.get(d) == province for d in covered)
        return [
            (Area(AreaKind.PROVINCE, province), AreaKind.DISTRICT, in_province),
            (national, AreaKind.DISTRICT, len(covered)),
        ]
    if area.kind is AreaKind.PROVINCE:
        with_seats = {seat.province for seat in reference.seats.values()}
        return [(national, AreaKind.PROVINCE, len(with_seats))]
    return []
