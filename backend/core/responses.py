"""Documented error responses for routes, so OpenAPI shows the problem-details shape for each."""

from typing import Any

from schemas.common import Problem

Responses = dict[int | str, dict[str, Any]]


def _problem(status: int, description: str) -> Responses:
    return {
        status: {
            "model": Problem,
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    }


NOT_MODIFIED: Responses = {304: {"description": "Not modified: the `If-None-Match` ETag is current."}}
NOT_FOUND = _problem(404, "Not found, or outside the caller's scope.")
VALIDATION_FAILED = _problem(422, "Invalid input; `errors` names each field and rule.")
CONFLICT = _problem(409, "Conflicts with the current state.")
DATABASE_UNAVAILABLE = _problem(503, "The database is unavailable; retry after the `Retry-After` seconds.")
AUTH_ERRORS: Responses = _problem(
    401, "No valid ID token (missing, malformed, expired, forged or revoked)."
) | _problem(403, "Signed in, but the account is disabled or lacks the role.")
PDF_UNAVAILABLE = _problem(
    503, "The PDF printer (headless Chromium) is unavailable or timed out; retry later."
)
RATE_LIMITED = _problem(429, "Too many requests; retry after the `Retry-After` seconds.")
PAYLOAD_TOO_LARGE = _problem(413, "The request body is over the size limit.")
BAD_REQUEST = _problem(
    400, "The request could not be read (e.g. a body that is not what its Content-Type says)."
)
