"""Rules of the geography import: the seed is idempotent, an admin's CSV is validated as a whole."""

import pytest
from fastapi import FastAPI

from backend.core.imports import ImportRejectedError
from backend.geography import loading
from backend.geography.importer import Provenance
from backend.geography.models import Constituency, District, Province

OFFICIAL = Provenance(source="ECP notification of final delimitation", source_date="2023-11-30")
HEADER = "code,name,districts\n"


async def test_seed_import_is_idempotent(app: FastAPI) -> None:
    first = await loading.import_seed_data()
    assert (first.provinces.created, first.districts.created, first.constituencies.created) == (7, 168, 859)
    second = await loading.import_seed_data()
    assert (second.provinces.unchanged, second.districts.unchanged, second.constituencies.unchanged) == (
        7,
        168,
        859,
    )
    assert second.constituencies.created == second.constituencies.updated == 0
    assert await Constituency.count() == 859
    assert await District.count() == 168
    assert await Province.count() == 7


async def test_seed_districts_are_unique_and_cover_every_province(app: FastAPI) -> None:
    await loading.import_seed_data()
    provinces = {p.id for p in await Province.find_all().to_list()}
    districts = await District.find_all().to_list()
    assert {d.province for d in districts} == provinces
    keys = [key for d in districts for key in d.lookup_keys]
    assert len(keys) == len(set(keys)), "a name or alias points at two districts"
    assert 160 <= len(districts) <= 170


async def test_unverified_records_are_marked_not_silent(app: FastAPI) -> None:
    await loading.import_seed_data()
    disputed = await Constituency.get("NA-81")
    assert disputed is not None
    assert disputed.verified is False
    assert disputed.notes


@pytest.mark.usefixtures("seeded")
async def test_admin_csv_updates_seats_and_marks_them_verified() -> None:
    csv_text = HEADER + "NA-81,Gujranwala-V,Gujranwala\nna-43,Tank-cum-Dera Ismail Khan,Tank;D.I. Khan\n"
    counts = await loading.import_constituencies_csv(csv_text, actor="test", defaults=OFFICIAL)
    assert (counts.created, counts.updated) == (0, 2)
    seat = await Constituency.get("NA-81")
    assert seat is not None
    assert (seat.name, seat.districts, seat.verified, seat.source) == (
        "Gujranwala-V",
        ["gujranwala"],
        True,
        OFFICIAL.source,
    )
    again = await loading.import_constituencies_csv(csv_text, actor="test", defaults=OFFICIAL)
    assert again.unchanged == 2


async def _rejected(csv_text: str, defaults: Provenance = OFFICIAL) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejectedError) as rejected:
        await loading.import_constituencies_csv(csv_text, actor="test", defaults=defaults)
    return [(e.line, e.field, e.rule) for e in rejected.value.row_errors]


@pytest.mark.usefixtures("seeded")
async def test_bad_file_gets_one_error_per_bad_row_and_writes_nothing() -> None:
    before = await Constituency.get("NA-1")
    csv_text = HEADER + (
        "NA-1,Chitral Renamed,Upper Chitral;Lower Chitral\n"  # valid, but must not be written
        "NA-2,Swat-I,Atlantis\n"
        "PK-2,Swat-II,Swat\n"
        "PK-2,Swat-III,Swat\n"
        "XX-5,Nowhere,Swat\n"
        "NA-300,Too far,Swat\n"
        "PP-1,Attock-I,Peshawar\n"
        "NA-60,Mixed,Jhelum;Quetta\n"
        "NA-1,Twice,Swat\n"
        ",Empty,\n"
    )
    errors = await _rejected(csv_text)
    assert errors == [
        (3, "districts", "unknown_district"),
        (5, "code", "duplicate_code"),
        (6, "code", "house_prefix"),
        (7, "code", "seat_number_range"),
        (8, "code", "house_province_mismatch"),
        (9, "districts", "districts_span_provinces"),
        (10, "code", "duplicate_code"),
        (11, "code", "code_format"),
        (11, "districts", "required"),
    ]
    assert await Constituency.get("NA-1") == before


@pytest.mark.usefixtures("seeded")
async def test_error_messages_name_the_value_and_the_rule() -> None:
    with pytest.raises(ImportRejectedError) as rejected:
        await loading.import_constituencies_csv(
            HEADER + "XX-5,Nowhere,Swat\nNA-2,Swat-I,Atlantis\n", actor="test", defaults=OFFICIAL
        )
    messages = [str(error) for error in rejected.value.row_errors]
    assert messages == [
        "line 2, code: house prefix 'XX' is not one of NA, PP, PS, PK, PB [house_prefix]",
        "line 3, districts: 'Atlantis' is not a known district or alias [unknown_district]",
    ]


@pytest.mark.usefixtures("seeded")
async def test_na_number_must_fall_in_its_province_block() -> None:
    assert await _rejected(HEADER + "NA-50,Attock-II,Peshawar\n") == [(2, "code", "house_province_mismatch")]


@pytest.mark.usefixtures("seeded")
async def test_missing_source_and_bad_columns_are_reported() -> None:
    assert await _rejected(HEADER + "NA-50,Attock-II,Attock\n", defaults=Provenance()) == [
        (2, "source", "required"),
        (2, "source_date", "required"),
    ]
    assert await _rejected("code,name\nNA-50,Attock-II\n") == [(1, "districts", "missing_column")]
    assert await _rejected("code,name,districts,colour\n") == [(1, "colour", "unknown_column")]
    assert await _rejected(HEADER) == [(1, "file", "empty")]
    bad_values = "code,name,districts,source_date,verified\nNA-50,Attock-II,Attock,30/11/2023,maybe\n"
    assert await _rejected(bad_values) == [(2, "source_date", "date_format"), (2, "verified", "boolean")]
