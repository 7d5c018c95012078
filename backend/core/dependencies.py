"""Dependencies shared by every feature router."""

from fastapi import Request

from backend.core.database import Database
from backend.core.errors import DatabaseUnavailableError


async def require_database(request: Request) -> None:
    """Answer 503 at once while the database has not been reachable since start-up."""
    database: Database = request.app.state.database
    if not database.initialised:
        raise DatabaseUnavailableError("The database has not been reachable since start-up.")
