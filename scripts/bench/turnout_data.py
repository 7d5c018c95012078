"""The turnout benchmark's data: seats, and records in the API's stored form with the counter deltas (counts
and key sums) their writes make."""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pymongo import MongoClient, UpdateOne
from pymongo.collection import Collection

from backend.core.settings import Settings
from backend.turnout import counting, reach

GENDERS = ("female", "male", "transgender", "prefer_not_to_say")
GENDER_WEIGHTS = (46, 50, 1, 3)
EVENT_AGE_BANDS = ("under_15", "age_15_19", "age_20_24", "age_25_29", "age_30_plus")
KINDS = ("youth_dialogue", "awareness_session", "school_or_college_session", "community_meeting")
TOPICS = ("legal_migration", "recruiter_check", "fake_job_or_visa", "rights_abroad", "where_to_get_help")
MONTHS_OF_DATA = 24


def seats_of(settings: Settings) -> list[dict[str, Any]]:
    """The National Assembly seats, each with its first district, its province and the Provincial
    Assembly seats covering that district (where young people there live: both seats count them)."""
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri) as client:
        seats: list[dict[str, Any]] = list(client[settings.mongodb_database]["geo_constituencies"].find({}))
    provincial: dict[str, list[str]] = {}
    for seat in sorted(seats, key=lambda seat: (seat["house"], seat["number"])):
        if seat["house"] != "NA":
            for district in seat["districts"]:
                provincial.setdefault(district, []).append(seat["_id"])
    return [
        {
            "constituency": seat["_id"],
            "district": seat["districts"][0],
            "province": seat["province"],
            "provincial_seats": provincial.get(seat["districts"][0], []),
        }
        for seat in sorted(seats, key=lambda seat: seat["number"])
        if seat["house"] == "NA"
    ]


def _places(seat: dict[str, Any]) -> dict[str, Any]:
    return {area: seat[area] for area in ("constituency", "district", "province")}


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


class Generator:
    """Deterministic records in the API's stored form, and the counter deltas their writes make."""

    def __init__(
        self,
        seats: list[dict[str, Any]],
        now: datetime,
        seed: int = 12,
        *,
        label: str = "Bench",
        months: int = MONTHS_OF_DATA,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (repeatable bench data, not secrets)
        self.seats = seats
        # Names and ids say what made the records ("Bench", "Demo"): never mistaken for real ones.
        self.label = label
        self.prefix = label.lower()
        self.start = now - timedelta(days=30 * months)
        self.span_minutes = int((now - self.start).total_seconds() // 60) - 60 * 24
        self.events: list[dict[str, Any]] = []  # the few fields a check-in needs, by event number
        self.held: list[int] = []  # numbers of the held events
        self.youth_by_seat: dict[int, list[int]] = {}
        self.youth: list[tuple[int, str, int]] = []  # seat number, gender, birth year
        self.checkin_pairs: set[int] = set()
        self.reach_seen: set[str] = set()
        self.deltas: dict[str, dict[str, int]] = {}

    def _count(self, deltas: dict[str, dict[str, int]]) -> None:
        for document_id, inc in deltas.items():
            merged = self.deltas.setdefault(document_id, {})
            for path, n in inc.items():
                merged[path] = merged.get(path, 0) + n

    def events_to(self, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for number in range(len(self.events), count):
            seat_number = number % len(self.seats)
            starts = self.start + timedelta(minutes=rng.randrange(self.span_minutes))
            held = rng.random() < 0.9
            total = rng.randint(8, 160) if held else 0
            turnout = (
                {
                    "total": total,
                    "by_gender": dict(zip(GENDERS, _split(rng, total, 4), strict=True)),
                    "by_age": dict(zip(EVENT_AGE_BANDS, _split(rng, total, 5), strict=True)),
                }
                if held
                else None
            )
            event = {
                "_id": f"00000000-0000-4000-8000-{number:012d}",
                "version": 3,
                "kind": KINDS[number % len(KINDS)],
                "title": f"{self.label} dialogue {number}",
                "topics": rng.sample(TOPICS, 2),
                **_places(self.seats[seat_number]),
                "venue_name": "Community hall",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "partner_organisations": [],
                "expected_turnout": 50,
                "status": "held" if held else "cancelled",
                "cancel_reason": None if held else "weather",
                "turnout": turnout,
                "review": "approved",
                "created_by": f"{self.prefix}-officer",
                "reported_by": f"{self.prefix}-officer",
                "reviewed_by": f"{self.prefix}-supervisor",
                "created_at": starts - timedelta(days=7),
                "updated_at": starts,
                "deleted_at": None,
                "rsvp_count": 0,
                "checkin_count": 0,
                "registration_count": 0,
                "photo_ids": [],
                "pending_change": None,
            }
            contribution = counting.event_contribution(event)
            assert contribution is not None
            self._count(counting.contribution_deltas(contribution))
            self.events.append({"_id": event["_id"], "starts_at": starts, **_places(self.seats[seat_number])})
            if held:
                self.held.append(number)
            yield event

    def youth_to(self, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for number in range(len(self.youth), count):
            seat_number = rng.randrange(len(self.seats))
            gender = rng.choices(GENDERS, GENDER_WEIGHTS)[0]
            birth_year = rng.randint(1996, 2011)
            created = self.start + timedelta(minutes=rng.randrange(self.span_minutes))
            seat = self.seats[seat_number]
            places = _places(seat)
            if seat["provincial_seats"]:
                places["provincial_constituency"] = rng.choice(seat["provincial_seats"])
            uid = f"{self.prefix}-{number:07d}"
            counted = counting.snapshot(places, gender=gender, birth_year=birth_year, at=created, record=uid)
            inc = counting.tallied(counting.signup_counts(counted), counting.snapshot_key(counted, uid))
            self._count(
                {counting.counter_id(a, c, counted["month"]): inc for a, c in counting.areas(counted)}
            )
            self.youth.append((seat_number, gender, birth_year))
            self.youth_by_seat.setdefault(seat_number, []).append(number)
            yield {
                "_id": uid,
                "display_name": f"{self.label} Person {number}",
                "birth_year": birth_year,
                "gender": gender,
                **places,
                "languages": ["ur"],
                "interests": ["legal_migration"],
                "consent": {
                    "version": "2026-11-v1",
                    "given_at": created,
                    "method": "app",
                    "guardian_consent": False,
                },
                "quiet_start": "22:00",
                "quiet_end": "07:00",
                "alerts_stopped": False,
                "status": "active",
                "counted_as": counted,
                "created_at": created,
                "updated_at": created,
            }

    def checkins(self, count: int) -> Iterator[dict[str, Any]]:
        """`count` new check-ins at held events, mostly by young people of the event's own seat."""
        rng = self.rng
        made = attempts = 0
        while made < count and attempts < count * 20:
            attempts += 1
            event_number = self.held[rng.randrange(len(self.held))]
            locals_ = self.youth_by_seat.get(event_number % len(self.seats))
            # Nine in ten come from the seat itself, the others (and all, where no one lives) from anywhere.
            if locals_ and rng.random() < 0.9:
                person = locals_[rng.randrange(len(locals_))]
            else:
                person = rng.randrange(len(self.youth))
            _, gender, birth_year = self.youth[person]
            pair = event_number * 10_000_000 + person
            if pair in self.checkin_pairs:
                continue
            self.checkin_pairs.add(pair)
            event = self.events[event_number]
            at = event["starts_at"] + timedelta(minutes=20)
            uid = f"{self.prefix}-{person:07d}"
            record = f"{event['_id']}:{uid}"
            counted = counting.snapshot(event, gender=gender, birth_year=birth_year, at=at, record=record)
            key = counting.snapshot_key(counted, record)
            deltas = {}
            for (area, code), (ever, month) in reach.reach_keys(counted).items():
                first_ever, first_month = (
                    f"{uid} {ever}" not in self.reach_seen,
                    f"{uid} {month}" not in self.reach_seen,
                )
                self.reach_seen.update((f"{uid} {ever}", f"{uid} {month}"))
                deltas[counting.counter_id(area, code, counted["month"])] = counting.tallied(
                    reach.checkin_counts(counted, active=first_month, reached=first_ever), key
                )
            self._count(deltas)
            made += 1
            yield {
                "_id": record,
                "event_id": event["_id"],
                "uid": uid,
                "district": event["district"],
                "checked_in_at": at,
                "counted": True,
                "counted_as": counted,
            }

    def flush_counters(self, settings: Settings) -> int:
        """Store the deltas gathered so far with `$inc` upserts, as the API's writes do; how many moved."""
        updates = []
        for document_id, inc in self.deltas.items():
            area, rest = document_id.split(":", 1)
            code, month = rest.rsplit(":", 1)
            updates.append(
                UpdateOne(
                    {"_id": document_id},
                    {
                        "$inc": {path: n for path, n in inc.items() if n},
                        "$set": counting.stamp(),
                        "$setOnInsert": {"area": area, "code": code, "month": month},
                    },
                    upsert=True,
                )
            )
        client: MongoClient[dict[str, Any]]
        with MongoClient(settings.mongodb_uri) as client:
            collection: Collection[dict[str, Any]] = client[settings.mongodb_database]["turnout_counters"]
            for first in range(0, len(updates), 1_000):
                collection.bulk_write(updates[first : first + 1_000], ordered=False)
        self.deltas.clear()
        return len(updates)
