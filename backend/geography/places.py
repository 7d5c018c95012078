"""The one way a request's place is checked: this value names a real place, canonicalised, or a 422 that
names the field and the rule. Every feature that takes a district, a seat or a province from a body or a
query calls these (as `from backend.geography import places`), never its own look-up-or-422.

Rules: `unknown_district`, `unknown_constituency`, `unknown_province`, `inconsistent_pair` (the seat
does not cover the district). A list is checked whole: every unknown entry is named (`<field>.<index>`),
duplicates are dropped, order is kept.
"""

from collections.abc import Sequence

from backend.core.errors import ValidationFailedError, invalid_field
from backend.geography import service
from backend.geography.importer import DistrictRef
from schemas.common import FieldProblem


async def district_or_raise(field: str, value: str) -> DistrictRef:
    """The district a code, name or alias names."""
    district = await service.resolve_district(value)
    if district is None:
        raise invalid_field(field, "unknown_district", f"'{value}' is not a known district")
    return district


async def constituency_or_raise(field: str, value: str) -> str:
    """The canonical code of a seat of either assembly (`na-43` gives `NA-43`)."""
    code = await service.constituency_code(value)
    if code is None:
        raise invalid_field(field, "unknown_constituency", f"'{value}' is not a known constituency")
    return code


async def seat_in_district_or_raise(
    *, district_field: str, district: str, seat_field: str, seat: str
) -> tuple[DistrictRef, str]:
    """A district and a seat that covers it: both canonical, or a 422 naming the field at fault."""
    found = await district_or_raise(district_field, district)
    code = await constituency_or_raise(seat_field, seat)
    if not await service.constituency_covers_district(constituency_code=code, district_code=found.code):
        raise invalid_field(seat_field, "inconsistent_pair", f"{code} does not cover {found.code}")
    return found, code


async def _codes_or_raise(field: str, values: Sequence[str], *, kind: str) -> list[str]:
    codes: list[str] = []
    problems: list[FieldProblem] = []
    provinces = await service.province_codes() if kind == "province" else frozenset()
    for index, value in enumerate(values):
        if kind == "district":
            code = await service.district_code(value)
        elif kind == "constituency":
            code = await service.constituency_code(value)
        else:
            code = value.strip().upper() if value.strip().upper() in provinces else None
        if code is None:
            message = f"'{value}' is not a known {kind}"
            problems.append(FieldProblem(field=f"{field}.{index}", rule=f"unknown_{kind}", message=message))
        elif code not in codes:
            codes.append(code)
    if problems:
        raise ValidationFailedError(f"Unknown {kind} codes.", errors=problems)
    return codes


async def district_codes_or_raise(field: str, values: Sequence[str]) -> list[str]:
    """Canonical codes of districts given by code, name or alias; every unknown one is named."""
    return await _codes_or_raise(field, values, kind="district")


async def constituency_codes_or_raise(field: str, values: Sequence[str]) -> list[str]:
    """Canonical codes of seats; every unknown one is named."""
    return await _codes_or_raise(field, values, kind="constituency")


async def province_codes_or_raise(field: str, values: Sequence[str]) -> list[str]:
    """Canonical province codes (`pk-pb` gives `PK-PB`); every unknown one is named."""
    return await _codes_or_raise(field, values, kind="province")
