"""Probes for orchestrators and load balancers; not versioned, never cached."""

from fastapi import APIRouter, Request

from backend.core.access import Public
from backend.core.database import Database
from backend.core.responses import DATABASE_UNAVAILABLE
from schemas.health import HealthRead

router = APIRouter(tags=["health"], dependencies=[Public])


@router.get("/healthz", response_model=HealthRead, status_code=200)
async def read_liveness() -> HealthRead:
    """Answer while the process is alive, whatever the database does."""
    return HealthRead(status="ok")


@router.get("/readyz", response_model=HealthRead, status_code=200, responses=DATABASE_UNAVAILABLE)
async def read_readiness(request: Request) -> HealthRead:
    """Answer 200 when the database answers a ping now, 503 with the reason otherwise."""
    database: Database = request.app.state.database
    await database.check_ready()
    return HealthRead(status="ready")
