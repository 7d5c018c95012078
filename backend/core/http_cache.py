"""ETags for read endpoints: a client that already holds the current representation gets a 304."""

import hashlib
from collections.abc import Sequence

from fastapi import Request, Response
from pydantic import BaseModel
from pydantic_core import to_json


def _etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" name the same representation for GET.
    offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in offered or etag in offered


def cached_json(request: Request, content: BaseModel | Sequence[BaseModel]) -> Response:
    """Serialise `content` with a strong ETag; answer 304 Not Modified when the client has it already.

    `no-cache` lets phones keep the copy but revalidate each time, which costs only a 304 when unchanged.
    """
    body = to_json(content)
    etag = _etag_for(body)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
