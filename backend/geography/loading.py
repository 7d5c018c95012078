"""Loading geography reference data: the seed shipped in the repository, or an admin's official CSV."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from beanie import Document
from pymongo import UpdateOne

from backend.audit import service as audit
from backend.core.imports import ImportRejectedError, RowError
from backend.geography import importer
from backend.geography.models import Constituency, District, Province
from backend.geography.service import district_index, forget_reference_cache


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class _Difference:
    new: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    unchanged: int

    @property
    def counts(self) -> UpsertCounts:
        return UpsertCounts(created=len(self.new), updated=len(self.changed), unchanged=self.unchanged)


async def _difference_by_code(document: type[Document], records: Iterable[Mapping[str, Any]]) -> _Difference:
    """What an upsert by code would write: records not stored yet, and stored ones that differ.

    Reference data is small, so we read what is stored and compare it whole.
    """
    stored = {doc["_id"]: doc async for doc in document.get_pymongo_collection().find({})}
    wanted = [
        {"_id": record["code"], **{k: v for k, v in record.items() if k != "code"}} for record in records
    ]
    new = [doc for doc in wanted if doc["_id"] not in stored]
    changed = [doc for doc in wanted if doc["_id"] in stored and stored[doc["_id"]] != doc]
    return _Difference(new=new, changed=changed, unchanged=len(wanted) - len(new) - len(changed))


async def _upsert_by_code(document: type[Document], records: Iterable[Mapping[str, Any]]) -> UpsertCounts:
    """Idempotent write keyed by code: insert new records, update changed ones, leave identical ones alone
    (a fresh database takes one insert, and a re-run writes nothing)."""
    difference = await _difference_by_code(document, records)
    updates = [
        UpdateOne({"_id": doc["_id"]}, {"$set": {k: v for k, v in doc.items() if k != "_id"}}, upsert=True)
        for doc in difference.new + difference.changed
    ]
    if updates:
        # Upserts, so that an import racing another settles every record instead of failing on a duplicate.
        await document.get_pymongo_collection().bulk_write(updates, ordered=False)
    return difference.counts


@dataclass(frozen=True)
class ConstituenciesPreview:
    """A dry run of a constituency CSV: every row error, and what an import would change (nothing to
    change while there are errors: the import would refuse the whole file)."""

    errors: list[RowError]
    counts: UpsertCounts | None


async def preview_constituencies_csv(
    text: str, *, defaults: importer.Provenance, delimitation: str = importer.ECP_2023
) -> ConstituenciesPreview:
    """Validate the whole file as `import_constituencies_csv` does and count what it would change,
    writing nothing."""
    parsed = importer.parse_constituencies_csv(
        text, district_index=await district_index(), defaults=defaults, delimitation=delimitation
    )
    if parsed.errors:
        return ConstituenciesPreview(errors=parsed.errors, counts=None)
    difference = await _difference_by_code(Constituency, parsed.records)
    return ConstituenciesPreview(errors=[], counts=difference.counts)


async def _write_constituencies(
    text: str, *, defaults: importer.Provenance, delimitation: str
) -> UpsertCounts:
    parsed = importer.parse_constituencies_csv(
        text, district_index=await district_index(), defaults=defaults, delimitation=delimitation
    )
    if parsed.errors:
        raise ImportRejectedError(parsed.errors)
    counts = await _upsert_by_code(Constituency, parsed.records)
    forget_reference_cache()
    return counts


async def import_constituencies_csv(
    text: str, *, actor: str, defaults: importer.Provenance, delimitation: str = importer.ECP_2023
) -> UpsertCounts:
    """Validate the whole file, then upsert every seat (audited as `actor`'s); any bad row raises
    ImportRejectedError."""
    counts = await _write_constituencies(text, defaults=defaults, delimitation=delimitation)
    await audit.record(
        actor=actor,
        action="geography.constituencies_imported",
        resource_type="constituencies",
        resource_id=delimitation,
        details={
            "source": defaults.source,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )
    return counts


@dataclass(frozen=True)
class SeedReport:
    provinces: UpsertCounts
    districts: UpsertCounts
    constituencies: UpsertCounts


async def import_seed_data() -> SeedReport:
    """Load the reference data shipped in the repository; running it again changes nothing."""
    provinces = await _upsert_by_code(Province, importer.load_seed_json("provinces"))
    districts = [
        {**row, "lookup_keys": importer.district_lookup_keys(row["name"], row["code"], row["aliases"])}
        for row in importer.load_seed_json("districts")
    ]
    district_counts = await _upsert_by_code(District, districts)
    forget_reference_cache()
    # The repository's own reference data, loaded at every start: not a person's change to audit.
    seats = await _write_constituencies(
        importer.seed_constituencies_csv(),
        defaults=importer.Provenance(verified=False),
        delimitation=importer.ECP_2023,
    )
    return SeedReport(provinces=provinces, districts=district_counts, constituencies=seats)
