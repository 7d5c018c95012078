"""Audit entries are inserted once and never updated or deleted."""

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document, PydanticObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel


class AuditEntry(Document):
    # An ObjectId, or "<resource>:<version>" for the consequence of a versioned change (written once).
    id: PydanticObjectId | str | None = None  # type: ignore[assignment]
    at: datetime
    actor: str
    action: str
    resource_type: str
    resource_id: str
    request_id: str | None
    details: dict[str, Any]

    class Settings:
        name = "audit_log"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("at", DESCENDING), ("_id", DESCENDING)], name="at_desc"),
            IndexModel([("actor", ASCENDING), ("at", DESCENDING)], name="actor_at"),
            IndexModel([("resource_type", ASCENDING), ("resource_id", ASCENDING)], name="resource"),
            # Filtered by action (with or without a resource), newest first; counted too.
            IndexModel([("action", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="action_at"),
            # Filtered by resource id alone (the type not given), newest first; counted too.
            IndexModel(
                [("resource_id", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="resource_at"
            ),
        ]
