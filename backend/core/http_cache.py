"""ETags for read endpoints: a client that already holds the current representation gets a 304."""

import gzip
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import BaseModel
from pydantic_core import to_json

# Level 6, not Starlette's 9: a 60 KB page compresses about three times faster for 1-2% more bytes. The gzip
# middleware (main.py) and the bodies that caches keep compressed use the same.
GZIP_LEVEL = 6
# Smaller bodies go out as they are (the gzip middleware's `minimum_size` too): gzip would barely help.
GZIP_MIN_BYTES = 1000


def _etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" name the same representation for GET.
    offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in offered or etag in offered


@dataclass(frozen=True)
class Representation:
    """A JSON answer serialised once, with its ETag and (with `compressed`) its gzip form: what a cache
    keeps, so that serving it again costs neither serialising nor compressing."""

    body: bytes
    etag: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, content: BaseModel | Sequence[BaseModel], *, compressed: bool = False) -> "Representation":
        body = to_json(content)
        return cls(
            body=body,
            etag=_etag_for(body),
            gzipped=gzip.compress(body, GZIP_LEVEL) if compressed and len(body) >= GZIP_MIN_BYTES else None,
        )

    def response(self, request: Request) -> Response:
        """200 with the body (gzip when accepted and kept), or 304 when the client has this one already.

        `no-cache` lets phones keep the copy but revalidate each time, which costs only a 304 when
        unchanged. The ETag is the same in either coding, as the gzip middleware leaves it.
        """
        headers = {"ETag": self.etag, "Cache-Control": "no-cache"}
        if _matches(request.headers.get("if-none-match"), self.etag):
            return Response(status_code=304, headers=headers)
        if self.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            # Already compressed: the gzip middleware passes a response with Content-Encoding through.
            headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            return Response(content=self.gzipped, media_type="application/json", headers=headers)
        return Response(content=self.body, media_type="application/json", headers=headers)


def cached_json(request: Request, content: BaseModel | Sequence[BaseModel]) -> Response:
    """Serialise `content` with a strong ETag; answer 304 Not Modified when the client has it already."""
    return Representation.of(content).response(request)
