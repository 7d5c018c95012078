"""The id of the request being served, available to logs and error bodies without passing it around."""

import re
import uuid
from contextvars import ContextVar, Token

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    return _request_id.get()


def choose_request_id(offered: str | None) -> str:
    """Keep a well-formed id the client (or a proxy) sent, so traces join up; otherwise make one."""
    if offered and _ACCEPTED_REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


def bind_request_id(request_id: str | None) -> Token[str | None]:
    """Set the current request id; returns a token for `reset_request_id`."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    _request_id.reset(token)
