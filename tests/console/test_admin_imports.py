"""Admins' imports page: a dry run shows every row error and what would change and writes nothing; an
import writes only a file without errors; refusals (role, CSRF, size, encoding) are problems, never a 500."""

from datetime import date
from typing import Any

import httpx
import pytest

from backend.audit.models import AuditEntry
from backend.console.admin_imports import MAX_IMPORT_BYTES
from backend.geography.models import Constituency
from backend.recruiters import service as recruiters
from backend.recruiters.models import LicenceList, RecruiterLicence
from schemas.accounts import Role
from tests.fixtures.console import signed_in
from tests.fixtures.users import MakeUser

SEATS = "/console/admin/imports/constituencies"
LICENCES = "/console/admin/imports/recruiters"
OFFICIAL = {"source": "ECP notification of final delimitation", "source_date": "2023-11-30"}
GOOD_SEATS = (
    "code,name,districts\nNA-81,Gujranwala-V,Gujranwala\nna-43,Tank-cum-Dera Ismail Khan,Tank;D.I. Khan\n"
)
BAD_SEATS = (
    "code,name,districts\n"
    "NA-1,Chitral Renamed,Upper Chitral;Lower Chitral\n"  # valid, but must not be written
    "NA-2,Swat-I,Atlantis\n"
    "XX-5,Nowhere,Swat\n"
    "NA-300,Too far,Swat\n"
    ",Empty,\n"
)
LIST = (
    "licence_number,name,city,status,expiry\n"
    "1234/RWP,Al-Noor Overseas Employment Promoters (Pvt.) Ltd,Rawalpindi,Valid,2099-12-31\n"
    "2001/LHR,Pak Gulf Manpower Services,Lahore,valid,31/12/2099\n"
)
OLD_LIST = (
    "licence_number,name,city,status,expiry\n"
    "1234/RWP,Al-Noor Overseas Employment Promoters (Pvt.) Ltd,Rawalpindi,Valid,2099-12-31\n"
    "9999/OLD,Gone Away Travels,Quetta,Valid,2099-12-31\n"
)


def upload(text: str | bytes) -> dict[str, Any]:
    return {"file": ("list.csv", text.encode() if isinstance(text, str) else text, "text/csv")}


def row_errors(page: httpx.Response) -> int:
    return page.text.count('class="row-error"')


async def stored_seats() -> list[dict[str, Any]]:
    return [seat async for seat in Constituency.get_pymongo_collection().find({}, sort=[("_id", 1)])]


@pytest.fixture
async def csrf(client: httpx.AsyncClient, make_user: MakeUser) -> str:
    """An admin signed in on `client`; the page's CSRF token."""
    return await signed_in(client, await make_user(Role.ADMIN))


@pytest.mark.usefixtures("seeded")
async def test_a_dry_run_of_a_bad_file_lists_every_row_error_and_writes_nothing(
    client: httpx.AsyncClient, csrf: str
) -> None:
    page = await client.get("/console/admin/imports")
    assert page.status_code == 200
    before = await stored_seats()
    checked = await client.post(SEATS, files=upload(BAD_SEATS), data=OFFICIAL, headers={"X-CSRF-Token": csrf})
    assert checked.status_code == 200, checked.text
    assert row_errors(checked) == 5
    for line, column, rule in [
        (3, "districts", "unknown_district"),
        (4, "code", "house_prefix"),
        (5, "code", "seat_number_range"),
        (6, "code", "code_format"),
        (6, "districts", "required"),
    ]:
        assert f"<td>{line}</td><td>{column}</td><td>{rule}</td>" in checked.text
    assert "&#39;Atlantis&#39; is not a known district or alias" in checked.text  # the message, as text
    assert 'data-written="false"' in checked.text
    imported = await client.post(
        SEATS, files=upload(BAD_SEATS), data=OFFICIAL | {"mode": "import"}, headers={"X-CSRF-Token": csrf}
    )
    assert (row_errors(imported), 'data-written="false"' in imported.text) == (5, True)
    assert await stored_seats() == before


@pytest.mark.usefixtures("seeded")
async def test_a_dry_run_of_a_good_file_shows_the_counts_and_the_import_then_writes(
    client: httpx.AsyncClient, csrf: str
) -> None:
    before = await stored_seats()
    checked = await client.post(
        SEATS, files=upload(GOOD_SEATS), data=OFFICIAL, headers={"X-CSRF-Token": csrf}
    )
    assert checked.status_code == 200, checked.text
    assert row_errors(checked) == 0
    assert '<dd data-count="created">0</dd>' in checked.text
    assert '<dd data-count="updated">2</dd>' in checked.text
    assert '<dd data-count="unchanged">0</dd>' in checked.text
    assert 'data-written="false"' in checked.text
    assert await stored_seats() == before
    imported = await client.post(
        SEATS, files=upload(GOOD_SEATS), data=OFFICIAL | {"mode": "import"}, headers={"X-CSRF-Token": csrf}
    )
    assert 'data-written="true"' in imported.text
    assert '<dd data-count="updated">2</dd>' in imported.text
    seat = await Constituency.get("NA-81")
    assert seat is not None
    assert (seat.name, seat.verified, seat.source) == ("Gujranwala-V", True, OFFICIAL["source"])
    again = await client.post(SEATS, files=upload(GOOD_SEATS), data=OFFICIAL, headers={"X-CSRF-Token": csrf})
    assert '<dd data-count="unchanged">2</dd>' in again.text
    entries = await AuditEntry.find(AuditEntry.action == "geography.constituencies_imported").to_list()
    assert len(entries) == 1  # the import, never a dry run
    assert entries[0].details == {"source": OFFICIAL["source"], "created": 0, "updated": 2, "unchanged": 0}


async def test_a_dry_run_of_a_licence_list_counts_rows_and_removals_and_writes_nothing(
    client: httpx.AsyncClient, csrf: str
) -> None:
    await recruiters.import_list(
        actor="test", text=OLD_LIST, list_date=date(2026, 1, 1), source="BE&OE", sample=False
    )
    form = {"list_date": "2026-11-01", "source": "BE&OE list of valid OEP licences"}
    checked = await client.post(LICENCES, files=upload(LIST), data=form, headers={"X-CSRF-Token": csrf})
    assert checked.status_code == 200, checked.text
    assert '<dd data-count="rows">2</dd>' in checked.text
    assert '<dd data-count="removed">1</dd>' in checked.text  # 9999/OLD; 1234/RWP is named again
    current = await LicenceList.get("current")
    assert current is not None
    assert current.list_date == "2026-01-01"
    assert await RecruiterLicence.get("9999/OLD") is not None
    bad = LIST + "12#34,X,,Sometimes,someday\n"
    refused = await client.post(
        LICENCES, files=upload(bad), data=form | {"mode": "import"}, headers={"X-CSRF-Token": csrf}
    )
    assert row_errors(refused) == 5  # licence number, name, city, status, expiry of line 4
    assert await RecruiterLicence.get("9999/OLD") is not None
    imported = await client.post(
        LICENCES, files=upload(LIST), data=form | {"mode": "import"}, headers={"X-CSRF-Token": csrf}
    )
    assert 'data-written="true"' in imported.text
    assert '<dd data-count="removed">1</dd>' in imported.text
    assert await RecruiterLicence.get("9999/OLD") is None
    current = await LicenceList.get("current")
    assert current is not None
    assert (current.list_date, current.sample) == ("2026-11-01", False)


async def test_imports_are_for_admins_only_and_need_the_csrf_token(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    token = await signed_in(client, editor)
    assert (await client.get("/console/admin/imports")).status_code == 403
    refused = await client.post(
        SEATS, files=upload(GOOD_SEATS), data=OFFICIAL, headers={"X-CSRF-Token": token}
    )
    assert refused.status_code == 403
    token = await signed_in(client, await make_user(Role.ADMIN))
    form = {"list_date": "2026-11-01", "source": "BE&OE", "mode": "import"}
    assert (await client.post(LICENCES, files=upload(LIST), data=form)).status_code == 403  # no token
    forged = await client.post(LICENCES, files=upload(LIST), data=form, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    assert await LicenceList.get("current") is None


async def test_an_oversized_or_non_utf8_file_is_a_clear_problem(client: httpx.AsyncClient, csrf: str) -> None:
    form = {"list_date": "2026-11-01", "source": "BE&OE"}
    row = "1234/RWP,Name,City,Valid,\n"
    # Just over the file's 5 MB (the route's check), and far over it (the request's own limit).
    for rows in (MAX_IMPORT_BYTES // len(row) + 100, 2 * MAX_IMPORT_BYTES // len(row)):
        huge = "licence_number,name,city,status,expiry\n" + row * rows
        too_large = await client.post(LICENCES, files=upload(huge), data=form, headers={"X-CSRF-Token": csrf})
        assert too_large.status_code == 413
        assert too_large.headers["content-type"].startswith("application/problem+json")
        assert too_large.json()["code"] == "payload_too_large"
    latin1 = "licence_number,name,city,status,expiry\n1234/RWP,Café Travels,Lahore,Valid,\n".encode("latin-1")
    not_utf8 = await client.post(LICENCES, files=upload(latin1), data=form, headers={"X-CSRF-Token": csrf})
    assert not_utf8.status_code == 422
    assert not_utf8.json()["errors"][0]["field"] == "body.file"
    assert "UTF-8" in not_utf8.json()["detail"]
    long_field = "licence_number,name,city,status,expiry\n1234/RWP," + "x" * 200_000 + ",Lahore,Valid,\n"
    unreadable = await client.post(
        LICENCES, files=upload(long_field), data=form, headers={"X-CSRF-Token": csrf}
    )
    assert (unreadable.status_code, unreadable.json()["errors"][0]["rule"]) == (422, "csv_format")
    assert await LicenceList.get("current") is None


async def test_a_list_over_the_apps_usual_body_limit_is_still_checked_whole(
    client: httpx.AsyncClient, csrf: str
) -> None:
    """The API's requests stop at 1 MB; an official list may be larger, up to the import's own 5 MB."""
    rows = "".join(
        f"{n}/LHR,Travel Agency Number {n} Pvt Ltd,Lahore,Valid,2099-12-31\n" for n in range(40_000)
    )
    text = "licence_number,name,city,status,expiry\n" + rows
    assert 1024 * 1024 < len(text) < 5 * 1024 * 1024
    form = {"list_date": "2026-11-01", "source": "BE&OE", "mode": "dry_run"}
    dry_run = await client.post(LICENCES, files=upload(text), data=form, headers={"X-CSRF-Token": csrf})
    assert dry_run.status_code == 200, dry_run.text[:300]
    assert "40,000" in dry_run.text or "40000" in dry_run.text
    assert await LicenceList.get("current") is None
