"""Importing the licence list and checking a recruiter by licence number or (misspelt) name."""

from dataclasses import dataclass, field
from datetime import date

from pymongo import UpdateOne
from rapidfuzz import fuzz, process

from backend.audit import service as audit
from backend.core.clock import pakistan_date, utc_now
from backend.core.imports import ImportRejectedError, RowError
from backend.recruiters import importer
from backend.recruiters.models import LicenceList, RecruiterLicence
from schemas.recruiters import LicenceRead, LicenceStatus, RecruiterCheck

# token_set_ratio out of 100: misspellings and missing words score 80-95, unrelated names under 50.
_NAME_MATCH_CUTOFF = 80
_MAX_MATCHES = 5


@dataclass(frozen=True)
class ImportReport:
    rows: int
    removed: int


@dataclass(frozen=True)
class ListPreview:
    """A dry run of a licence list: every row error, and what an import would do (nothing while there
    are errors: the import would refuse the whole list)."""

    errors: list[RowError]
    report: ImportReport | None


async def preview_list(*, text: str, list_date: date) -> ListPreview:
    """Validate the list as `import_list` does and count its rows and the stored licences it would remove
    (those of another list date that it does not name again), writing nothing."""
    parsed = importer.parse_licence_csv(text, list_date=list_date.isoformat())
    if parsed.errors:
        return ListPreview(errors=parsed.errors, report=None)
    named = {record["_id"] for record in parsed.records}
    older = RecruiterLicence.get_pymongo_collection().find(
        {"list_date": {"$ne": list_date.isoformat()}}, {"_id": 1}
    )
    removed = sum([1 async for stored in older if stored["_id"] not in named])
    return ListPreview(errors=[], report=ImportReport(rows=len(parsed.records), removed=removed))


async def import_list(*, actor: str, text: str, list_date: date, source: str, sample: bool) -> ImportReport:
    """Replace the current list with this one (audited as `actor`'s); a list with any bad row is refused
    whole."""
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
    report = ImportReport(rows=len(parsed.records), removed=removed.deleted_count)
    await audit.record(
        actor=actor,
        action="recruiters.list_imported",
        resource_type="recruiter_list",
        resource_id=list_date.isoformat(),
        details={"source": source, "sample": sample, "rows": report.rows, "removed": report.removed},
    )
    return report


@dataclass
class _NameIndex:
    """This process's copy of the list's names for fuzzy matching, reloaded when a new list is imported."""

    imported_at: object = None
    keys: list[str] = field(default_factory=list)
    compact_keys: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


_names = _NameIndex()


async def _name_index(current: LicenceList | None) -> _NameIndex:
    global _names
    version = (current.list_date, current.imported_at) if current else None
    if _names.imported_at != version or version is None:
        licences = await RecruiterLicence.find_all().to_list()
        _names = _NameIndex(
            imported_at=version,
            keys=[licence.name_key for licence in licences],
            compact_keys=[licence.name_key.replace(" ", "") for licence in licences],
            ids=[licence.id for licence in licences],
        )
    return _names


async def _by_name(query: str, current: LicenceList | None) -> list[RecruiterLicence]:
    wanted = importer.name_key(query)
    if not wanted:
        return []
    index = await _name_index(current)
    scores: dict[int, float] = {}
    # Word by word (misspelt, missing or extra words), and run together ("PakGulf" for "Pak Gulf").
    for query, keys, scorer in (
        (wanted, index.keys, fuzz.token_set_ratio),
        (wanted.replace(" ", ""), index.compact_keys, fuzz.ratio),
    ):
        for _, score, position in process.extract(
            query, keys, scorer=scorer, score_cutoff=_NAME_MATCH_CUTOFF, limit=None
        ):
            scores[position] = max(score, scores.get(position, 0.0))
    # Equal scores: the closer whole name first ("al noor" before "al noor travel" for "al noor").
    ranked = sorted(scores, key=lambda at: (-scores[at], -fuzz.ratio(wanted, index.keys[at]), index.keys[at]))
    ids = [index.ids[position] for position in ranked[:_MAX_MATCHES]]
    licences = {
        licence.id: licence for licence in await RecruiterLicence.find({"_id": {"$in": ids}}).to_list()
    }
    return [licences[licence_id] for licence_id in ids if licence_id in licences]


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
    today = pakistan_date(utc_now())
    current = await LicenceList.get("current")
    by_number = await RecruiterLicence.get(importer.licence_key(query))
    if by_number is None and importer.number_key(query):
        by_number = await RecruiterLicence.find_one({"number_key": importer.number_key(query)})
    matches = [by_number] if by_number is not None else await _by_name(query, current)
    reads = [_read(licence, today=today) for licence in matches]
    return RecruiterCheck(
        query=query,
        status=reads[0].status if reads else LicenceStatus.NOT_FOUND,
        matches=reads,
        list_date=date.fromisoformat(current.list_date) if current else None,
        list_source=current.source if current else None,
        sample_data=current.sample if current else False,
    )
