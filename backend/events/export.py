"""CSV export of an officer's events, streamed from a cursor so memory does not grow with the rows."""

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import pymongo

from backend.events.models import Attendance, Event, Rsvp
from backend.events.service import counts_per_event, local_time

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


def _row(doc: dict[str, Any], *, rsvps: int, checkins: int) -> list[str]:
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
        rsvps,
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
        checkins,
        doc["review"],
        doc.get("review_reason"),
        doc["created_by"],
        doc["created_at"].isoformat(),
        doc["updated_at"].isoformat(),
    ]
    return [_cell(value) for value in values]


async def _rows(docs: list[dict[str, Any]], writer: Any, buffer: io.StringIO) -> bytes:
    ids = [doc["_id"] for doc in docs]
    rsvps, checkins = await counts_per_event(Rsvp, ids), await counts_per_event(Attendance, ids)
    for doc in docs:
        writer.writerow(_row(doc, rsvps=rsvps.get(doc["_id"], 0), checkins=checkins.get(doc["_id"], 0)))
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
    # A long export may wait longer for a batch than the client's socket timeout (which exists to fail
    # fast when the database is gone): FerretDB sorts 100,000 events in several seconds. A per-operation
    # timeout covers this cursor only; find and getMore honour it on both engines.
    with pymongo.timeout(EXPORT_TIMEOUT_S):
        cursor = (
            Event.get_pymongo_collection()
            .find(query, batch_size=_ROWS_PER_CHUNK)
            .sort([("starts_at", 1), ("_id", 1)])
        )
        async for doc in cursor:
            batch.append(doc)
            if len(batch) == _ROWS_PER_CHUNK:
                yield await _rows(batch, writer, buffer)
                batch.clear()
        yield await _rows(batch, writer, buffer)
