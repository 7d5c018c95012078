"""CSV export of an officer's events, streamed from a cursor so memory does not grow with the rows."""

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import pymongo

from backend.events.models import Event
from backend.events.service import local_time

COLUMNS = [
    "id",
    "version",
    "kind",
    "title",
    "topics",
    "district",
    "constituency",
    "province",
    "venue_name",
    "lat",
    "lng",
    "starts_at_utc",
    "starts_at_pakistan",
    "ends_at_utc",
    "partner_organisations",
    "expected_turnout",
    "rsvp_count",
    "status",
    "cancel_reason",
    "turnout_total",
    "female",
    "male",
    "transgender",
    "prefer_not_to_say",
    "under_15",
    "age_15_19",
    "age_20_24",
    "age_25_29",
    "age_30_plus",
    "checkin_count",
    "review",
    "review_reason",
    "created_by",
    "created_at",
    "updated_at",
]
_ROWS_PER_CHUNK = 500
EXPORT_TIMEOUT_S = 600


def _cell(value: Any) -> str:
    """Text for a spreadsheet; a leading =, +, - or @ is neutralised so a cell cannot run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _row(doc: dict[str, Any]) -> list[str]:
    turnout = doc.get("turnout") or {}
    gender, age = turnout.get("by_gender", {}), turnout.get("by_age", {})
    values = [
        doc["_id"],
        doc["version"],
        doc["kind"],
        doc["title"],
        ";".join(doc["topics"]),
        doc["district"],
        doc["constituency"],
        doc["province"],
        doc["venue_name"],
        doc.get("lat"),
        doc.get("lng"),
        doc["starts_at"].isoformat(),
        local_time(doc["starts_at"]),
        doc["ends_at"].isoformat(),
        ";".join(doc.get("partner_organisations", [])),
        doc["expected_turnout"],
        doc.get("rsvp_count", 0),
        doc["status"],
        doc.get("cancel_reason"),
        turnout.get("total"),
        gender.get("female"),
        gender.get("male"),
        gender.get("transgender"),
        gender.get("prefer_not_to_say"),
        age.get("under_15"),
        age.get("age_15_19"),
        age.get("age_20_24"),
        age.get("age_25_29"),
        age.get("age_30_plus"),
        doc.get("checkin_count", 0),
        doc["review"],
        doc.get("review_reason"),
        doc["created_by"],
        doc["created_at"].isoformat(),
        doc["updated_at"].isoformat(),
    ]
    return [_cell(value) for value in values]


def _rows(docs: list[dict[str, Any]], writer: Any, buffer: io.StringIO) -> bytes:
    for doc in docs:
        writer.writerow(_row(doc))
    chunk = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return chunk


async def csv_chunks(query: dict[str, Any]) -> AsyncIterator[bytes]:
    """The header, then rows in chunks of a few hundred, read from the database as they are sent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    batch: list[dict[str, Any]] = []
    # The embedded engine sorts in memory, so the first batch of a large export may take longer than the
    # client's socket timeout (meant to fail fast when the database is gone); this timeout is this cursor's.
    with pymongo.timeout(EXPORT_TIMEOUT_S):
        cursor = (
            Event.get_pymongo_collection()
            .find(query, {"pending_change": 0, "photo_ids": 0}, batch_size=_ROWS_PER_CHUNK)
            .sort([("starts_at", 1), ("_id", 1)])
        )
        async for doc in cursor:
            batch.append(doc)
            if len(batch) == _ROWS_PER_CHUNK:
                yield _rows(batch, writer, buffer)
                batch.clear()
        yield _rows(batch, writer, buffer)
