"""Importing the licence list and checking a recruiter by licence number or (misspelt) name."""

import difflib
from dataclasses import dataclass
from datetime import date

from pymongo import UpdateOne

from backend.core.clock import utc_now
from backend.core.imports import ImportRejectedError
from backend.events.service import PAKISTAN
from backend.recruiters import importer
from backend.recruiters.models import LicenceList, RecruiterLicence
from schemas.recruiters import LicenceRead, LicenceStatus, RecruiterCheck

_NAME_MATCH_CUTOFF = 0.82
_MAX_MATCHES = 5


@dataclass(frozen=True)
class ImportReport:
    rows: int
    removed: int


async def import_list(*, text: str, list_date: date, source: str, sample: bool) -> ImportReport:
    """Replace the current list with this one; a list with any bad row is refused whole."""
    parsed = importer.parse_licence_csv(text, list_date=list_date.isoformat())
    if parsed.errors:
        raise ImportRejectedError(parsed.errors)
    collection = RecruiterLicence.get_pymongo_collection()
    updates = [
        UpdateOne({"_id": r["_id"]}, {"$set": {k: v for k, v in r.items() if k != "_id"}}, upsert=True)
        for r in parsed.records
    ]
    if updates:
        await collection.bulk_write(updates, ordered=False)
    removed = await collection.delete_many({"list_date": {"$ne": list_date.isoformat()}})
    await LicenceList.get_pymongo_collection().replace_one(
        {"_id": "current"},
        {
            "list_date": list_date.isoformat(),
            "source": source,
            "sample": sample,
            "rows": len(parsed.records),
            "imported_at": utc_now(),
        },
        upsert=True,
    )
    return ImportReport(rows=len(parsed.records), removed=removed.deleted_count)


def _score(wanted: str, key: str) -> float:
    """Similarity of two normalised names; a query whose words all appear in order in the name scores high."""
    ratio = difflib.SequenceMatcher(None, wanted, key).ratio()
    return max(ratio, 0.9) if f" {wanted} " in f" {key} " else ratio


def _status(licence: RecruiterLicence, *, today: date) -> LicenceStatus:
    if licence.status == "cancelled":
        return LicenceStatus.CANCELLED
    if licence.status == "expired":
        return LicenceStatus.EXPIRED
    if licence.expiry is not None and date.fromisoformat(licence.expiry) < today:
        return LicenceStatus.EXPIRED
    return LicenceStatus.VALID


def _read(licence: RecruiterLicence, *, today: date) -> LicenceRead:
    return LicenceRead(
        licence_number=licence.licence_number,
        name=licence.name,
        city=licence.city,
        status=_status(licence, today=today),
        expiry=date.fromisoformat(licence.expiry) if licence.expiry else None,
    )


async def check(*, query: str) -> RecruiterCheck:
    """Look a recruiter up by licence number (exact, spacing ignored) or by name (tolerant of spelling)."""
    today = utc_now().astimezone(PAKISTAN).date()
    current = await LicenceList.get("current")
    by_number = await RecruiterLicence.get(importer.licence_key(query))
    if by_number is not None:
        matches = [by_number]
    else:
        wanted = importer.name_key(query)
        # The whole list is a few thousand short names: comparing in memory beats any index for misspellings.
        licences = await RecruiterLicence.find_all().to_list() if wanted else []
        scored = sorted(
            ((_score(wanted, licence.name_key), licence) for licence in licences),
            key=lambda pair: (-pair[0], pair[1].name),
        )
        matches = [licence for score, licence in scored if score >= _NAME_MATCH_CUTOFF][:_MAX_MATCHES]
    reads = [_read(licence, today=today) for licence in matches]
    return RecruiterCheck(
        query=query,
        status=reads[0].status if reads else LicenceStatus.NOT_FOUND,
        matches=reads,
        list_date=date.fromisoformat(current.list_date) if current else None,
        list_source=current.source if current else None,
        sample_data=current.sample if current else False,
    )
