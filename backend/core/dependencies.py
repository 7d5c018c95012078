"""Dependencies shared by every feature router.

Every dependency in the app is `async def`, even one that does no I/O: FastAPI runs a plain `def`
dependency in a worker thread, a thread hop on every request (tests/core/test_dependencies.py checks).
"""

import re
from typing import Annotated

from fastapi import Depends, Header, Request

from backend.core.database import Database
from backend.core.errors import BadRequestError, DatabaseUnavailableError, ValidationFailedError
from schemas.common import FieldProblem

_VERSION = re.compile(r"[0-9]{1,9}")


async def require_database(request: Request) -> None:
    """Answer 503 at once while the database has not been reachable since start-up."""
    database: Database = request.app.state.database
    if not database.initialised:
        raise DatabaseUnavailableError("The database has not been reachable since start-up.")


async def if_match_version(
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


async def _idempotency_key(
    request: Request,
    key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=100,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="Chosen by the client per write: a retry with the same key and body is the same "
            "write (200); the same key with another body is a 409 `idempotency_key_reused`. Sent once.",
        ),
    ],
) -> str:
    """The one Idempotency-Key of a request; two (which one would count?) are a 400 naming the header."""
    if len(request.headers.getlist("idempotency-key")) > 1:
        message = "send one Idempotency-Key header"
        problem = FieldProblem(field="header.idempotency-key", rule="single_value", message=message)
        raise BadRequestError(message + ".", errors=[problem])
    return key


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]
