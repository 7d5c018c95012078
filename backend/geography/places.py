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


async def seat_covering_or_raise(field: str, value: str, *, district: str) -> str:
    """The canonical code of a seat (of either assembly) that covers `district` (a canonical code)."""
    code = await constituency_or_raise(field, value)
    if not await service.constituency_covers_district(constituency_code=code, district_code=district):
        raise invalid_field(field, "inconsistent_pair", f"{code} does not cover {district}")
    return code


async def collect_codes(
    field: str, values: Sequence[str], *, kind: str, problems: list[FieldProblem]
) -> list[str]:
    """Canonical codes of `values` (districts, constituencies or provinces), each once in order; every
    unknown one is added to `problems` as `<field>.<index>`, for a caller checking several fields at once."""
    codes: list[str] = []
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
    return codes


async def _codes_or_raise(field: str, values: Sequence[str], *, kind: str) -> list[str]:
    problems: list[FieldProblem] = []
    codes = await collect_codes(field, values, kind=kind, problems=problems)
    if problems:
        raise ValidationFailedError(f"Unknown {kind} codes.", errors=problems)
    return codes


async def district_codes_or_raise(field: str, values: Sequence[str]) -> list[str]:
    """Canonical codes of districts given by code, name or alias; every unknown one is named."""
    return await _codes_or_raise(field, values, kind="district")
