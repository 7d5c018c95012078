"""`/metrics`: this process's metrics (core/metrics.py) for Prometheus, only with the METRICS_TOKEN bearer
token (unset: not served at all), so the public port never gives them away."""

import hmac

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from backend.core.access import access_rule
from backend.core.errors import NotFoundError, UnauthenticatedError
from backend.core.settings import Settings


@access_rule("metrics: the bearer token of METRICS_TOKEN (unset: no metrics are served)")
async def metrics_token(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.metrics_token is None:
        raise NotFoundError("Not found.")
    sent = request.headers.get("authorization", "").removeprefix("Bearer ")
    expected = settings.metrics_token.get_secret_value()
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise UnauthenticatedError("The metrics need their bearer token.", code="metrics_token")


router = APIRouter(include_in_schema=False)


@router.get("/metrics", dependencies=[Depends(metrics_token)])
async def metrics() -> Response:
    """This process's metrics in Prometheus' text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
