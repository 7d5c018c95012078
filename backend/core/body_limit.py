"""Request bodies over a size limit are refused with 413 before they are read into memory.

A declared Content-Length over the limit is refused at once; a chunked body is counted as it streams
and refused as soon as it passes the limit, so a 100 MB body never reaches the JSON parser.
"""

import re
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import PayloadTooLargeError, problem_response


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"The request body may be at most {limit:,} bytes.")


class BodyLimitMiddleware:
    """Caps request bodies at `default_limit` bytes, or at a route's own limit (`route_limits`)."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, route_limits: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.route_limits = [(re.compile(pattern), limit) for pattern, limit in route_limits]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.route_limits:
            if pattern.fullmatch(path):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            error = _too_large(limit)
            response = problem_response(
                status=error.status,
                code=error.code,
                title=error.title,
                detail=error.detail,
                instance=scope.get("path"),
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the app's body read. An HTTPException, because FastAPI turns any
                    # other exception there into a 400; the error handlers render it as a 413 problem.
                    raise HTTPException(413, _too_large(limit).detail)
            return message

        await self.app(scope, counting_receive, send)
