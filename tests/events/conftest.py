"""Helpers for event tests: a valid plan, field staff of Lahore, and the seeded geography."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schemas.accounts import Role
from tests.conftest import MakeUser, User

# Fixed per test session, so that two calls of plan() give identical bodies (replays must match).
_IN_TWO_DAYS = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
_THREE_HOURS_AGO = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)


def plan(**overrides: Any) -> dict[str, Any]:
    """A valid event plan in Lahore (NA-117 covers it) starting in two days."""
    starts = _IN_TWO_DAYS
    body: dict[str, Any] = {
        "kind": "youth_dialogue",
        "title": "Safe migration dialogue at Government College",
        "topics": ["legal_migration", "recruiter_check"],
        "district": "lahore",
        "constituency": "NA-117",
        "venue_name": "Government College University hall",
        "lat": 31.5656,
        "lng": 74.3081,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "partner_organisations": ["SSDO"],
        "expected_turnout": 60,
    }
    return body | overrides


def past_plan(**overrides: Any) -> dict[str, Any]:
    starts = _THREE_HOURS_AGO
    return plan(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(), **overrides)


def new_id() -> str:
    return str(uuid.uuid4())


HELD_REPORT: dict[str, Any] = {
    "outcome": "held",
    "turnout": {
        "total": 50,
        "by_gender": {"female": 22, "male": 26, "transgender": 1, "prefer_not_to_say": 1},
        "by_age": {"under_15": 2, "age_15_19": 20, "age_20_24": 18, "age_25_29": 8, "age_30_plus": 2},
    },
}


@pytest.fixture
async def officer(seeded: None, make_user: MakeUser) -> User:
    return await make_user(Role.FIELD_OFFICER, districts=["lahore", "kasur"])


@pytest.fixture
async def supervisor(seeded: None, make_user: MakeUser) -> User:
    return await make_user(Role.SUPERVISOR, districts=["lahore", "kasur", "okara"])
