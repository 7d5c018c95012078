"""Reading geography reference data: the seed files shipped in `data/` and an admin's official CSV.

A constituency file is validated whole before anything is written: every bad row is reported with its
line number, field and rule, and a file with any error writes nothing.
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from backend.core.imports import RowError
from schemas.geography import House

DATA_DIR = Path(__file__).parent / "data"
ECP_2023 = "ECP-2023"

# Seats per house under the ECP's 2023 delimitation; general seats only.
ECP_2023_SEATS = {
    House.NATIONAL_ASSEMBLY: 266,
    House.PUNJAB: 297,
    House.SINDH: 130,
    House.KHYBER_PAKHTUNKHWA: 115,
    House.BALOCHISTAN: 51,
}
# National Assembly numbering under ECP-2023 runs province by province.
ECP_2023_NA_BLOCKS = {
    "PK-KP": range(1, 46),
    "PK-IS": range(46, 49),
    "PK-PB": range(49, 190),
    "PK-SD": range(190, 251),
    "PK-BA": range(251, 267),
}
PROVINCIAL_HOUSE_PROVINCE = {
    House.PUNJAB: "PK-PB",
    House.SINDH: "PK-SD",
    House.KHYBER_PAKHTUNKHWA: "PK-KP",
    House.BALOCHISTAN: "PK-BA",
}

REQUIRED_COLUMNS = ("code", "name", "districts")
OPTIONAL_COLUMNS = ("source", "source_date", "verified", "notes")
_SEAT_CODE = re.compile(r"^([A-Z]+)\s*-\s*(\d+)$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def lookup_key(text: str) -> str:
    """Normalise a place name so spellings that differ only in case, spacing or punctuation match."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class DistrictRef:
    code: str
    province: str


@dataclass
class ParsedConstituencies:
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Provenance:
    """Defaults for rows that leave source columns empty (an admin names the notification once)."""

    source: str | None = None
    source_date: str | None = None
    verified: bool = True


def district_lookup_keys(name: str, code: str, aliases: Iterable[str]) -> list[str]:
    keys = [lookup_key(name), lookup_key(code), *(lookup_key(alias) for alias in aliases)]
    return sorted(set(keys) - {""})


def build_district_index(districts: Iterable[Mapping[str, Any]]) -> dict[str, DistrictRef]:
    """Map every lookup key (name, code, alias) of each district to the district."""
    index: dict[str, DistrictRef] = {}
    for district in districts:
        ref = DistrictRef(code=district["code"], province=district["province"])
        for key in district_lookup_keys(district["name"], district["code"], district.get("aliases", [])):
            index[key] = ref
    return index


def load_seed_json(name: str) -> list[dict[str, Any]]:
    """Rows of one shipped JSON seed file (`provinces` or `districts`)."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)[name]
    return rows


def seed_constituencies_csv() -> str:
    return (DATA_DIR / "constituencies.csv").read_text(encoding="utf-8")


class _RowChecker:
    """Validates one CSV row at a time, collecting errors instead of stopping at the first."""

    def __init__(
        self, district_index: Mapping[str, DistrictRef], defaults: Provenance, delimitation: str
    ) -> None:
        self.district_index = district_index
        self.defaults = defaults
        self.delimitation = delimitation
        self.first_line_of_code: dict[str, int] = {}
        self.errors: list[RowError] = []

    def fail(self, line: int, column: str, rule: str, message: str) -> None:
        self.errors.append(RowError(line=line, field=column, rule=rule, message=message))

    def check(self, line: int, row: Mapping[str, str]) -> dict[str, Any] | None:
        errors_before = len(self.errors)
        seat = self._seat(line, row.get("code", ""))
        name = (row.get("name") or "").strip()
        if not name:
            self.fail(line, "name", "required", "the seat name is empty")
        districts = self._districts(line, row.get("districts", ""))
        source = (row.get("source") or "").strip() or self.defaults.source
        if not source:
            self.fail(line, "source", "required", "no source: fill the column or pass --source")
        source_date = self._source_date(line, (row.get("source_date") or "").strip())
        verified = self._verified(line, (row.get("verified") or "").strip().lower())
        if seat is None or districts is None:
            return None
        house, number = seat
        province = self._province(line, house, number, districts)
        if len(self.errors) > errors_before or province is None:
            return None
        return {
            "code": f"{house.value}-{number}",
            "house": house.value,
            "number": number,
            "name": name,
            "province": province,
            "districts": [ref.code for ref in districts],
            "delimitation": self.delimitation,
            "source": source,
            "source_date": source_date,
            "verified": verified,
            "notes": (row.get("notes") or "").strip() or None,
        }

    def _seat(self, line: int, raw_code: str) -> tuple[House, int] | None:
        code = raw_code.strip().upper()
        match = _SEAT_CODE.match(code)
        if not match:
            self.fail(line, "code", "code_format", f"'{raw_code}' is not a seat code like NA-43 or PP-120")
            return None
        prefix, number = match.group(1), int(match.group(2))
        if prefix not in House._value2member_map_:
            houses = ", ".join(house.value for house in House)
            self.fail(line, "code", "house_prefix", f"house prefix '{prefix}' is not one of {houses}")
            return None
        house = House(prefix)
        canonical = f"{prefix}-{number}"
        if canonical in self.first_line_of_code:
            first = self.first_line_of_code[canonical]
            self.fail(line, "code", "duplicate_code", f"{canonical} already appears on line {first}")
            return None
        self.first_line_of_code[canonical] = line
        seats = ECP_2023_SEATS[house]
        if self.delimitation == ECP_2023 and not 1 <= number <= seats:
            self.fail(
                line, "code", "seat_number_range", f"{canonical}: {house.value} seats run from 1 to {seats}"
            )
            return None
        return house, number

    def _districts(self, line: int, raw: str) -> list[DistrictRef] | None:
        names = [part.strip() for part in raw.split(";") if part.strip()]
        if not names:
            self.fail(line, "districts", "required", "list at least one district, separated by ';'")
            return None
        found: list[DistrictRef] = []
        any_unknown = False
        for name in names:
            ref = self.district_index.get(lookup_key(name))
            if ref is None:
                any_unknown = True
                self.fail(line, "districts", "unknown_district", f"'{name}' is not a known district or alias")
            elif ref not in found:
                found.append(ref)
        return None if any_unknown else found

    def _province(self, line: int, house: House, number: int, districts: list[DistrictRef]) -> str | None:
        provinces = sorted({ref.province for ref in districts})
        if len(provinces) > 1:
            self.fail(
                line,
                "districts",
                "districts_span_provinces",
                f"the districts lie in more than one province: {', '.join(provinces)}",
            )
            return None
        province = provinces[0]
        expected = PROVINCIAL_HOUSE_PROVINCE.get(house)
        if expected is not None and province != expected:
            self.fail(
                line,
                "code",
                "house_province_mismatch",
                f"{house.value} seats are in {expected}, but the districts are in {province}",
            )
            return None
        if house is House.NATIONAL_ASSEMBLY and self.delimitation == ECP_2023:
            block = ECP_2023_NA_BLOCKS.get(province)
            if block is None or number not in block:
                self.fail(
                    line,
                    "code",
                    "house_province_mismatch",
                    f"NA-{number} is not numbered within {province}'s National Assembly seats",
                )
                return None
        return province

    def _source_date(self, line: int, raw: str) -> str | None:
        value = raw or self.defaults.source_date
        if not value:
            self.fail(
                line, "source_date", "required", "no source date: fill the column or pass --source-date"
            )
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            self.fail(line, "source_date", "date_format", f"'{value}' is not a date like 2023-11-30")
            return None

    def _verified(self, line: int, raw: str) -> bool:
        if not raw:
            return self.defaults.verified
        if raw in _TRUE or raw in _FALSE:
            return raw in _TRUE
        self.fail(line, "verified", "boolean", f"'{raw}' is not true or false")
        return False


def parse_constituencies_csv(
    text: str,
    *,
    district_index: Mapping[str, DistrictRef],
    defaults: Provenance = Provenance(),
    delimitation: str = ECP_2023,
) -> ParsedConstituencies:
    """Validate a whole constituency CSV; records are only usable when `errors` is empty."""
    result = ParsedConstituencies()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    for column in missing:
        result.errors.append(RowError(1, column, "missing_column", f"the header has no '{column}' column"))
    for column in unknown:
        result.errors.append(RowError(1, column, "unknown_column", f"'{column}' is not a known column"))
    if result.errors:
        return result
    reader.fieldnames = header
    checker = _RowChecker(district_index, defaults, delimitation)
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank line
        record = checker.check(reader.line_num, row)
        if record is not None:
            result.records.append(record)
    result.errors.extend(checker.errors)
    if not result.records and not result.errors:
        result.errors.append(RowError(1, "file", "empty", "the file has a header but no rows"))
    return result
