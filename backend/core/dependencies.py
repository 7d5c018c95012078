"""Dependencies shared by every feature router."""

import re
from typing import Annotated

from fastapi import Depends, Header, Request

from backend.core.database import Database
from backend.core.errors import DatabaseUnavailableError, ValidationFailedError
from schemas.common import FieldProblem

_VERSION = re.compile(r"[0-9]{1,9}")


async def require_database(request: Request) -> None:
    """Answer 503 at once while the database has not been reachable since start-up."""
    database: Database = request.app.state.database
    if not database.initialised:
        raise DatabaseUnavailableError("The database has not been reachable since start-up.")


def if_match_version(
    if_match: Annotated[
        str | None, Header(description='The version (the ETag) the edit is based on: `"3"`.')
    ] = None,
) -> int | None:
    """The version in an If-Match header: `"3"`, `W/"3"` or `3`."""
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    # ASCII digits only: str.isdigit() also accepts "²" and other digits int() cannot read.
    if not _VERSION.fullmatch(text):
        message = "If-Match must name a version, as the ETag gave it"
        raise ValidationFailedError(
            message + ".", errors=[FieldProblem(field="header.if-match", rule="version", message=message)]
        )
    return int(text)


IfMatch = Annotated[int | None, Depends(if_match_version)]
