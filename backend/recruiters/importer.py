"""Reading a published licence list (CSV): every row is checked, and a list with errors writes nothing."""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from backend.core.imports import RowError

COLUMNS = ("licence_number", "name", "city", "status", "expiry")
_STATUSES = {
    "valid": "valid",
    "active": "valid",
    "expired": "expired",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "withdrawn": "cancelled",
}
_LICENCE = re.compile(r"^[A-Z0-9][A-Z0-9/\-]{0,30}$")
# Words that say nothing about which firm it is: dropped before comparing names.
_NOISE_WORDS = {
    "pvt",
    "private",
    "ltd",
    "limited",
    "co",
    "company",
    "and",
    "the",
    "overseas",
    "employment",
    "promoters",
    "promoter",
    "oep",
    "international",
    "intl",
    "service",
    "m",
    "s",
}
# The development sample list marks every name; the mark says nothing about which firm it is.
_SAMPLE_MARK = "sample data "


def licence_key(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def number_key(raw: str) -> str:
    """Letters and ASCII digits only, upper case: "0002 / sample" and "0002SAMPLE" give "0002SAMPLE"."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(char for char in text if char.isascii() and char.isalnum())


def _singular(word: str) -> str:
    # "careers" and "career", "services" and "service": people type either.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def name_key(raw: str) -> str:
    """Lower case, no accents or punctuation, singular, no filler words: "M/s Al-Noor (Pvt.) Ltd" gives
    "al noor"."""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = text.removeprefix(_SAMPLE_MARK)
    words = (word for word in text.split() if word not in _NOISE_WORDS)
    return " ".join(singular for word in words if (singular := _singular(word)) not in _NOISE_WORDS)


@dataclass
class ParsedList:
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _expiry(raw: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def parse_licence_csv(text: str, *, list_date: str) -> ParsedList:
    """Validate every row (licence number, name, city, status, expiry); records are usable without errors."""
    result = ParsedList()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    for column in COLUMNS:
        if column not in header:
            result.errors.append(
                RowError(1, column, "missing_column", f"the header has no '{column}' column")
            )
    if result.errors:
        return result
    reader.fieldnames = header
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {key: (row.get(key) or "").strip() for key in COLUMNS}
        if not any(values.values()):
            continue
        before = len(result.errors)

        def fail(column: str, rule: str, message: str, line: int = line) -> None:
            result.errors.append(RowError(line, column, rule, message))

        number = licence_key(values["licence_number"])
        if not _LICENCE.match(number):
            fail(
                "licence_number",
                "format",
                f"'{values['licence_number']}' is not a licence number like 1234/RWP",
            )
        elif number in first_line:
            fail("licence_number", "duplicate", f"{number} already appears on line {first_line[number]}")
        else:
            first_line[number] = line
        if len(values["name"]) < 2:
            fail("name", "required", "the recruiter's name is empty")
        if not values["city"]:
            fail("city", "required", "the city is empty")
        status = _STATUSES.get(values["status"].lower())
        if status is None:
            fail("status", "unknown_status", f"'{values['status']}' is not valid, expired or cancelled")
        expiry = _expiry(values["expiry"]) if values["expiry"] else None
        if values["expiry"] and expiry is None:
            fail("expiry", "date_format", f"'{values['expiry']}' is not a date like 2026-12-31 or 31/12/2026")
        if len(result.errors) == before:
            result.records.append(
                {
                    "_id": number,
                    "licence_number": values["licence_number"],
                    "name": values["name"],
                    "name_key": name_key(values["name"]),
                    "number_key": number_key(values["licence_number"]),
                    "city": values["city"],
                    "status": status,
                    "expiry": expiry.isoformat() if expiry else None,
                    "list_date": list_date,
                }
            )
    if not result.records and not result.errors:
        result.errors.append(RowError(1, "file", "empty", "the file has a header but no rows"))
    return result
