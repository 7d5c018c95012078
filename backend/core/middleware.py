"""ASGI middleware: a request id on every response and log line, one access log line per request (with
its route template and the caller's role), and the request metrics."""

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core import metrics
from backend.core.errors import problem_response
from backend.core.request_context import (
    REQUEST_ID_HEADER,
    bind_request_id,
    choose_request_id,
    reset_request_id,
)

logger = logging.getLogger("backend.access")


class RequestContextMiddleware:
    """Binds the request id, logs the request, and turns an unhandled exception into a 500 problem.

    Unhandled exceptions are rendered here rather than by Starlette's outermost error middleware so
    that even a 500 carries the request id header and the problem-details body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        offered = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                offered = value.decode("latin-1")
                break
        request_id = choose_request_id(offered)
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            logging.getLogger("backend.errors").exception("unhandled error")
            if response_started:
                raise
            response = problem_response(
                status=500,
                code="internal_error",
                title="Internal server error",
                detail="An unexpected error occurred; it has been logged with this request id.",
                instance=scope.get("path"),
            )
            await response(scope, receive, send_with_request_id)
        finally:
            seconds = time.perf_counter() - started
            route = metrics.route_of(scope)
            metrics.observe_request(str(scope.get("method")), route, status, seconds)
            logger.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "route": route,
                    # The caller's role (set when the account is resolved), never who they are.
                    "role": scope.get("state", {}).get("role"),
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            reset_request_id(token)
