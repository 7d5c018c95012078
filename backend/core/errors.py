"""The one error type of the service, and the handlers that render every error as problem details."""

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from beanie.exceptions import CollectionWasNotInitialized
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, OperationFailure
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.core import metrics
from backend.core.request_context import current_request_id
from schemas.common import FieldProblem, Problem

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class AppError(Exception):
    """Base of every error a service raises; carries an HTTP status and a stable `code`."""

    status: int = 500
    code: str = "internal_error"
    title: str = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        # RFC 9457 extension members, e.g. the current version of a resource in a conflict.
        self.extensions = dict(extensions or {})


class BadRequestError(AppError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class NotFoundError(AppError):
    status = 404
    code = "not_found"
    title = "Not found"


class ValidationFailedError(AppError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"


def invalid_field(field: str, rule: str, message: str) -> ValidationFailedError:
    """A 422 naming one field and the rule it broke."""
    return ValidationFailedError(message, errors=[FieldProblem(field=field, rule=rule, message=message)])


class ConflictError(AppError):
    status = 409
    code = "conflict"
    title = "Conflict"

    def __init__(self, detail: str | None = None, *, code: str = "conflict", **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.code = code


class PayloadTooLargeError(AppError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedMediaTypeError(AppError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class DatabaseUnavailableError(AppError):
    status = 503
    code = "database_unavailable"
    title = "Database unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    instance: str | None,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Render problem details with the request id of the current request (and count it by code)."""
    metrics.PROBLEMS.labels(code=code).inc()
    problem = Problem(
        type=f"urn:hamqadam:problem:{code}",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        request_id=current_request_id(),
        errors=list(errors) if errors else None,
    )
    return JSONResponse(
        # Extension members never replace the standard ones (an item's `status` is not the HTTP status).
        {**(extensions or {}), **problem.model_dump(exclude_none=True)},
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def _field_path(location: Sequence[Any]) -> str:
    return ".".join(str(part) for part in location)


def field_problems_from_validation(raw_errors: Sequence[Any]) -> list[FieldProblem]:
    """Turn Pydantic's error list into field problems, without echoing the input (it may be personal)."""
    return [
        FieldProblem(field=_field_path(error.get("loc", ())), rule=error["type"], message=error["msg"])
        for error in raw_errors
    ]


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_problems_from_validation(exc.errors())
    fields = ", ".join(sorted({problem.field for problem in errors}))
    return problem_response(
        status=422,
        code=ValidationFailedError.code,
        title=ValidationFailedError.title,
        detail=f"Invalid request: {fields}",
        instance=request.url.path,
        errors=errors,
    )


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    return problem_response(
        status=status,
        code=_HTTP_CODES.get(status, "http_error"),
        title=title,
        detail=detail,
        instance=request.url.path,
        headers=exc.headers,
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Connection failures (server gone, timeouts) and an engine that was never reachable since start-up.
    logger.warning("database unavailable: %s", type(exc).__name__)
    return await _app_error(
        request, DatabaseUnavailableError("The database did not answer; try again shortly.")
    )


# MongoDB's OutOfDiskSpace, and the embedded engine's file store refusing a write (a full disk; it then
# stops to be started again, scripts/engine.py): the database cannot write now. A 503 to retry, as a lost
# connection is, not a fault in the request; any other failure stays a 500.
_STORAGE_FAILURE_CODES = frozenset({14031})
_STORAGE_FAILURE_SIGNS = ("MVStoreException", "closed by a storage failure")


async def _operation_failure(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OperationFailure)
    if exc.code not in _STORAGE_FAILURE_CODES and not any(
        sign in str(exc) for sign in _STORAGE_FAILURE_SIGNS
    ):
        raise exc  # unexpected: logged and answered 500 by the request middleware
    logger.warning("database storage failure", extra={"error_code": exc.code})
    return await _app_error(
        request, DatabaseUnavailableError("The database cannot write now; try again shortly.")
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error as problem details."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(ConnectionFailure, _database_unavailable)
    app.add_exception_handler(OperationFailure, _operation_failure)
    app.add_exception_handler(CollectionWasNotInitialized, _database_unavailable)


class UnauthenticatedError(AppError):
    """No usable ID token: missing, malformed, expired, forged or revoked (each with its own code)."""

    status = 401
    code = "unauthenticated"
    title = "Unauthenticated"

    def __init__(self, detail: str, *, code: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        self.code = code


class ForbiddenError(AppError):
    status = 403
    code = "forbidden"
    title = "Forbidden"

    def __init__(self, detail: str, *, code: str = "forbidden") -> None:
        super().__init__(detail)
        self.code = code


class IdentityProviderError(AppError):
    """Firebase could not be reached or refused an administrative call."""

    status = 503
    code = "identity_provider_unavailable"
    title = "Identity provider unavailable"


def problem_body(exc: AppError) -> dict[str, Any]:
    """An error as a JSON object, for places that report several outcomes in one response (batches)."""
    problem = Problem(
        type=f"urn:hamqadam:problem:{exc.code}",
        title=exc.title,
        status=exc.status,
        detail=exc.detail,
        code=exc.code,
        errors=exc.errors,
    )
    return {**exc.extensions, **problem.model_dump(exclude_none=True)}
