"""Checking a recruiter: tolerant lookup, statuses, the list date, and the importer's bad rows."""

from datetime import date

import httpx
import pytest
from fastapi import FastAPI

from backend.core.imports import ImportRejectedError
from backend.recruiters import service
from backend.recruiters.models import RecruiterLicence
from scripts.import_recruiters import SAMPLE, SAMPLE_DATE

LIST = """licence_number,name,city,status,expiry
1234/RWP,Al-Noor Overseas Employment Promoters (Pvt.) Ltd,Rawalpindi,Valid,2099-12-31
2001/LHR,Pak Gulf Manpower Services,Lahore,valid,31/12/2099
3100/KHI,Karachi Careers International,Karachi,Cancelled,2099-01-01
4001/PEW,Peshawar Trade Link,Peshawar,Valid,2020-01-31
5001/MUX,Multan Travel and Jobs,Multan,Expired,
"""


@pytest.fixture
async def licences(app: FastAPI) -> None:
    await service.import_list(
        actor="test", text=LIST, list_date=date(2026, 11, 1), source="BE&OE list", sample=False
    )


@pytest.mark.usefixtures("licences")
@pytest.mark.parametrize(
    ("query", "status", "licence"),
    [
        ("1234/RWP", "valid", "1234/RWP"),
        ("1234 / rwp", "valid", "1234/RWP"),
        ("al noor overseas", "valid", "1234/RWP"),
        ("Alnoor Pvt Ltd", "valid", "1234/RWP"),
        ("M/s Al-Nor", "valid", "1234/RWP"),
        ("pak-gulf manpower", "valid", "2001/LHR"),
        ("Karachi Careers", "cancelled", "3100/KHI"),
        ("Peshawar Trade Link", "expired", "4001/PEW"),
        ("5001/MUX", "expired", "5001/MUX"),
    ],
)
async def test_lookup_by_number_or_misspelt_name(
    client: httpx.AsyncClient, query: str, status: str, licence: str
) -> None:
    response = await client.get("/v1/recruiters", params={"q": query})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["matches"][0]["licence_number"]) == (status, licence)
    assert (body["list_date"], body["list_source"], body["sample_data"]) == (
        "2026-11-01",
        "BE&OE list",
        False,
    )


@pytest.mark.usefixtures("licences")
async def test_unknown_recruiter_is_not_found(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/recruiters", params={"q": "Dubai Dream Jobs"})).json()
    assert (body["status"], body["matches"]) == ("not_found", [])


@pytest.mark.usefixtures("licences")
async def test_a_newer_list_replaces_the_old_one(client: httpx.AsyncClient) -> None:
    newer = "licence_number,name,city,status,expiry\n1234/RWP,Al-Noor OEP,Rawalpindi,Cancelled,2099-12-31\n"
    report = await service.import_list(
        actor="test", text=newer, list_date=date(2026, 12, 1), source="BE&OE list", sample=False
    )
    assert (report.rows, report.removed) == (1, 4)
    assert (await client.get("/v1/recruiters", params={"q": "1234/RWP"})).json()["status"] == "cancelled"
    assert (await client.get("/v1/recruiters", params={"q": "2001/LHR"})).json()["status"] == "not_found"


@pytest.mark.usefixtures("licences")
async def test_bad_rows_are_reported_and_nothing_is_written(app: FastAPI) -> None:
    bad = (
        "licence_number,name,city,status,expiry\n"
        "9999/ISB,Fine Recruiter,Islamabad,Valid,2099-01-01\n"
        "9999/ISB,Twice,Islamabad,Valid,2099-01-01\n"
        "??,X,,Pending,someday\n"
    )
    with pytest.raises(ImportRejectedError) as rejected:
        await service.import_list(
            actor="test", text=bad, list_date=date(2026, 12, 1), source="BE&OE", sample=False
        )
    assert [(e.line, e.field, e.rule) for e in rejected.value.row_errors] == [
        (3, "licence_number", "duplicate"),
        (4, "licence_number", "format"),
        (4, "name", "required"),
        (4, "city", "required"),
        (4, "status", "unknown_status"),
        (4, "expiry", "date_format"),
    ]
    assert await RecruiterLicence.get("9999/ISB") is None
    assert await RecruiterLicence.find_all().count() == 5


async def test_sample_list_is_marked_as_sample(app: FastAPI, client: httpx.AsyncClient) -> None:
    await service.import_list(
        actor="test",
        text=SAMPLE.read_text(encoding="utf-8"),
        list_date=SAMPLE_DATE,
        source="Sample data for development",
        sample=True,
    )
    body = (await client.get("/v1/recruiters", params={"q": "al noor"})).json()
    assert body["sample_data"] is True
    assert body["matches"][0]["name"].startswith("SAMPLE DATA")


@pytest.fixture
async def sample_list(app: FastAPI) -> None:
    await service.import_list(
        actor="test",
        text=SAMPLE.read_text(encoding="utf-8"),
        list_date=SAMPLE_DATE,
        source="Sample",
        sample=True,
    )


@pytest.mark.usefixtures("sample_list")
@pytest.mark.parametrize(
    ("query", "licence"),
    [
        ("Pak Gulf Manpowr Servces", "0002/SAMPLE"),  # two misspellings
        ("Pak Gulf Manpower Service", "0002/SAMPLE"),  # singular
        ("PakGulf Manpower", "0002/SAMPLE"),  # missing punctuation and space
        ("Karachi Carrers International", "0003/SAMPLE"),
        ("karachi career", "0003/SAMPLE"),
        ("Sialkot Skill Exports", "0008/SAMPLE"),  # plural for singular and back
        ("0002SAMPLE", "0002/SAMPLE"),  # no slash
        ("0002 / sample", "0002/SAMPLE"),
    ],
)
async def test_misspelt_or_unpunctuated_queries_find_the_sample_recruiter(
    client: httpx.AsyncClient, query: str, licence: str
) -> None:
    body = (await client.get("/v1/recruiters", params={"q": query})).json()
    assert body["matches"], query
    assert body["matches"][0]["licence_number"] == licence


@pytest.mark.usefixtures("sample_list")
@pytest.mark.parametrize("query", ["Dubai Dream Jobs", "Lahore", "Gulf Visa Express"])
async def test_unrelated_names_find_nothing_in_the_sample(client: httpx.AsyncClient, query: str) -> None:
    body = (await client.get("/v1/recruiters", params={"q": query})).json()
    assert (body["status"], body["matches"]) == ("not_found", [])


@pytest.mark.usefixtures("licences")
async def test_a_new_list_is_seen_by_the_name_index_at_once(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/recruiters", params={"q": "Swat Valley"})).json()["status"] == "not_found"
    newer = (
        "licence_number,name,city,status,expiry\n7001/SWT,Swat Valley Recruiting,Mingora,Valid,2099-01-01\n"
    )
    await service.import_list(
        actor="test", text=newer, list_date=date(2026, 12, 2), source="BE&OE list", sample=False
    )
    assert (await client.get("/v1/recruiters", params={"q": "Swat Valley"})).json()["status"] == "valid"
