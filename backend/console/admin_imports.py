"""Admins' console page of imports: the official constituency list (geography) and the licensed-recruiter
list, uploaded as CSV. A dry run (the default) checks the whole file as the import would and shows every
row error and what would change, writing nothing; an import writes only a file without errors, through the
same services as the import scripts (which refuse a file with any bad row whole)."""

import csv
from collections.abc import Awaitable, Callable
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from backend.accounts.models import Account
from backend.console import pages
from backend.console.guards import Admin, CsrfChecked
from backend.core.errors import PayloadTooLargeError, invalid_field
from backend.core.imports import ImportRejectedError, RowError
from backend.geography import loading
from backend.geography.importer import REQUIRED_COLUMNS, Provenance
from backend.recruiters import service as recruiters
from backend.recruiters.importer import COLUMNS as LICENCE_COLUMNS

router = APIRouter(prefix="/console/admin", include_in_schema=False)

# The official lists are far smaller (about 860 seats, a few thousand licences); the request body's own
# limit is the app's BodyLimitMiddleware (main.py).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_MB = MAX_IMPORT_BYTES // (1024 * 1024)
# The import routes' own request body limit (main.py's BodyLimitMiddleware): the file and its form fields.
IMPORT_BODY_LIMIT = (r"/console/admin/imports/(constituencies|recruiters)", MAX_IMPORT_BYTES + 64 * 1024)


class ImportMode(StrEnum):
    DRY_RUN = "dry_run"
    IMPORT = "import"


async def _text_of(upload: UploadFile) -> str:
    """The uploaded file as text: refused (never a 500) when too large or not UTF-8."""
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLargeError(f"The file may be at most {MAX_IMPORT_MB} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid_field(
            "body.file", "encoding", 'The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.'
        ) from None


def _unreadable_csv() -> Exception:
    # The parsers report rows they can read; a file the csv module cannot read at all (a field over its
    # size limit) is a problem with the file, not a server error.
    return invalid_field("body.file", "csv_format", "The file cannot be read as CSV.")


@router.get("/imports", response_class=HTMLResponse)
async def imports_page(request: Request, admin: Admin) -> Response:
    """The two imports, each with a dry run chosen by default."""
    return pages.render(
        request,
        "admin_imports.html",
        account=admin,
        geography_columns=", ".join(REQUIRED_COLUMNS),
        licence_columns=", ".join(LICENCE_COLUMNS),
        max_mb=MAX_IMPORT_MB,
    )


@router.post("/imports/constituencies", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def import_constituencies(
    request: Request,
    admin: Admin,
    file: Annotated[UploadFile, File()],
    mode: Annotated[ImportMode, Form()] = ImportMode.DRY_RUN,
    source: Annotated[str, Form(max_length=300)] = "",
    source_date: Annotated[str, Form(max_length=10)] = "",
    unverified: Annotated[bool, Form()] = False,
) -> Response:
    """Check (dry run) or import an official constituency list; seats are upserted by code."""
    text = await _text_of(file)
    defaults = Provenance(
        source=source.strip() or None, source_date=source_date.strip() or None, verified=not unverified
    )

    async def check() -> tuple[list[RowError], object]:
        preview = await loading.preview_constituencies_csv(text, defaults=defaults)
        return preview.errors, preview.counts

    async def write() -> object:
        return await loading.import_constituencies_csv(text, actor=admin.id, defaults=defaults)

    errors, seats, written = await _carried_out(mode, check, write)
    return _result(request, admin, mode, errors=errors, written=written, seats=seats)


@router.post("/imports/recruiters", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def import_recruiters(
    request: Request,
    admin: Admin,
    file: Annotated[UploadFile, File()],
    list_date: Annotated[date, Form()],
    source: Annotated[str, Form(min_length=1, max_length=300, pattern=r"\S")],
    mode: Annotated[ImportMode, Form()] = ImportMode.DRY_RUN,
) -> Response:
    """Check (dry run) or import the licensed-recruiter list, which replaces the current one whole."""
    text = await _text_of(file)

    async def check() -> tuple[list[RowError], object]:
        preview = await recruiters.preview_list(text=text, list_date=list_date)
        return preview.errors, preview.report

    async def write() -> object:
        return await recruiters.import_list(
            actor=admin.id, text=text, list_date=list_date, source=source.strip(), sample=False
        )

    errors, licences, written = await _carried_out(mode, check, write)
    return _result(request, admin, mode, errors=errors, written=written, licences=licences)


async def _carried_out(
    mode: ImportMode,
    check: Callable[[], Awaitable[tuple[list[RowError], object]]],
    write: Callable[[], Awaitable[object]],
) -> tuple[list[RowError], object | None, bool]:
    """A dry run's row errors and what would change, or an import's result; for a file refused whole,
    its row errors (nothing written). Returns (errors, result, written)."""
    try:
        if mode is ImportMode.DRY_RUN:
            errors, would_be = await check()
            return errors, would_be, False
        return [], await write(), True
    except ImportRejectedError as rejected:
        return rejected.row_errors, None, False
    except csv.Error:
        raise _unreadable_csv() from None


def _result(
    request: Request,
    admin: Account,
    mode: ImportMode,
    *,
    errors: list[RowError],
    written: bool,
    seats: object | None = None,
    licences: object | None = None,
) -> Response:
    return pages.render(
        request,
        "_admin_import_result.html",
        account=admin,
        mode=mode.value,
        errors=errors,
        seats=seats,
        licences=licences,
        written=written,
    )
